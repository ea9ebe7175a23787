"""A corpus folder: numbered document files and their manifest, written as documents arrive.

A document keeps its number for the life of the corpus: a new one takes the next number, one
already present (same id) is not written again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from harvester.corpus.files import write_atomic
from harvester.corpus.ids import file_name
from harvester.corpus.manifest import MANIFEST, Entry, ManifestWriter, read_manifest

logger = logging.getLogger(__name__)

_DOCUMENT_FILE = re.compile(r"^\d{3,}_[0-9a-f]{16}\.txt$")


class Corpus:
    """Adds documents to a corpus folder, keeping numbers and ids unique."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, Entry] = {entry.id: entry for entry in read_manifest(folder / MANIFEST)}
        self.next_seq = max((entry.seq for entry in self.entries.values()), default=-1) + 1
        self._remove_unlisted_files()
        self._manifest = ManifestWriter(folder / MANIFEST)

    def _remove_unlisted_files(self) -> None:
        """Files a crash left between writing a document and listing it, and stale temp files."""
        listed = {entry.file for entry in self.entries.values()}
        for path in self.folder.iterdir():
            stale_temp = path.name.startswith(".") and path.name.endswith(".tmp")
            if stale_temp or (_DOCUMENT_FILE.match(path.name) and path.name not in listed):
                logger.warning("%s: not in the manifest (left by an interrupted write), removed", path)
                path.unlink()

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.entries

    def add(self, doc_id: str, text: bytes, fields: dict) -> Entry:
        """Write a new document under the next number; `fields` are the manifest fields but seq/id/file/sha256."""
        if doc_id in self.entries:
            raise ValueError(f"document {doc_id} is already in the corpus")
        seq = self.next_seq
        entry = Entry(
            seq=seq,
            id=doc_id,
            file=file_name(seq, doc_id),
            sha256=hashlib.sha256(text).hexdigest(),
            **fields,
        )
        write_atomic(self.folder / entry.file, text)
        self._manifest.append(entry)
        self.entries[doc_id] = entry
        self.next_seq = seq + 1
        return entry

    def close(self) -> None:
        self._manifest.close()
