"""A corpus folder: numbered document files and their manifest, written as documents arrive.

A document keeps its number for the life of the corpus: a new one takes the next number, one
already present (same id) is not written again unless its text changed. A changed text becomes the
document's next version: same number, id and file name `NNN_<id>.txt`, `version` counted up and
`previous_sha256` naming the text it replaced. The replaced text is kept as `NNN_<id>.v<K>.txt`
and its manifest line moves to `versions.jsonl`, so that `manifest.jsonl` keeps one line per
document, in sequence order, as the document format has it.

Every step is a whole-file atomic write or a durable append, in an order that a crash at any
point leaves recoverable: opening the folder undoes a half-done version change and folds the
manifest back to one line per document.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from harvester.corpus.files import write_atomic
from harvester.corpus.ids import file_name
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry, ManifestWriter, read_manifest

logger = logging.getLogger(__name__)

_DOCUMENT_FILE = re.compile(r"^\d{3,}_[0-9a-f]{16}(\.v\d+)?\.txt$")
_VERSION_FILE = re.compile(r"^(\d{3,}_[0-9a-f]{16})\.v(\d+)\.txt$")


def version_file(entry: Entry) -> str:
    """Where a superseded version's text is kept: `NNN_<id>.v<version>.txt`."""
    return entry.file.removesuffix(".txt") + f".v{entry.version}.txt"


class Corpus:
    """Adds documents and new versions to a corpus folder, keeping numbers and ids unique."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        lines = list(read_manifest(folder / MANIFEST))
        self.entries: dict[str, Entry] = {}
        for entry in lines:
            if entry.id not in self.entries or entry.version > self.entries[entry.id].version:
                self.entries[entry.id] = entry
        self.versions: dict[tuple[str, int], Entry] = {
            (entry.id, entry.version): entry for entry in read_manifest(folder / VERSIONS)
        }
        self.next_seq = max((entry.seq for entry in self.entries.values()), default=-1) + 1
        self._undo_half_done_versions()
        self._fold(lines)
        self._remove_unlisted_files()
        self._manifest = ManifestWriter(folder / MANIFEST)
        self._revised = False

    # -- recovery
    def _undo_half_done_versions(self) -> None:
        """A `.v<K>.txt` of the current version K means a crash between keeping the old text and
        listing the new one: the current file may hold the unlisted text, so the kept one goes back."""
        for path in sorted(self.folder.glob("*.v*.txt")):
            match = _VERSION_FILE.match(path.name)
            if match is None:
                continue
            current = self.entries.get(match.group(1).split("_")[1])
            if current is None or int(match.group(2)) < current.version:
                continue
            if int(match.group(2)) == current.version:
                logger.warning("%s: a version change was cut short; version %d restored", path, current.version)
                path.replace(self.folder / current.file)
            else:
                path.unlink()

    def _fold(self, lines: list[Entry]) -> None:
        """Move superseded manifest lines to versions.jsonl and rewrite the manifest, one line per
        document in sequence order. Each file is replaced atomically; redoing it is harmless."""
        superseded = [entry for entry in lines if entry.version < self.entries[entry.id].version]
        if not superseded and len(lines) == len(self.entries):
            return
        for entry in superseded:
            kept = Entry(**{**entry.__dict__, "file": version_file(entry)})
            self.versions.setdefault((entry.id, entry.version), kept)
        ordered = sorted(self.versions.values(), key=lambda entry: (entry.seq, entry.version))
        write_atomic(self.folder / VERSIONS, "".join(entry.to_json() + "\n" for entry in ordered).encode("utf-8"))
        current = sorted(self.entries.values(), key=lambda entry: entry.seq)
        write_atomic(self.folder / MANIFEST, "".join(entry.to_json() + "\n" for entry in current).encode("utf-8"))

    def _remove_unlisted_files(self) -> None:
        """Files a crash left between writing a document and listing it, and stale temp files."""
        listed = {entry.file for entry in self.entries.values()} | {entry.file for entry in self.versions.values()}
        for path in self.folder.iterdir():
            stale_temp = path.name.startswith(".") and path.name.endswith(".tmp")
            if stale_temp or (_DOCUMENT_FILE.match(path.name) and path.name not in listed):
                logger.warning("%s: not in the manifest (left by an interrupted write), removed", path)
                path.unlink()

    # -- documents
    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.entries

    def get(self, doc_id: str) -> Entry | None:
        """The document's current version."""
        return self.entries.get(doc_id)

    def add(self, doc_id: str, text: bytes, fields: dict, seq: int | None = None) -> Entry:
        """Write a new document under the next number (or `seq`, a number given by a distributed
        crawl's counter: see parts.py); `fields` are the manifest fields but seq/id/file/sha256."""
        if doc_id in self.entries:
            raise ValueError(f"document {doc_id} is already in the corpus")
        seq = self.next_seq if seq is None else seq
        entry = Entry(seq=seq, id=doc_id, file=file_name(seq, doc_id), sha256=hashlib.sha256(text).hexdigest(), **fields)
        write_atomic(self.folder / entry.file, text)
        self._manifest.append(entry)
        self.entries[doc_id] = entry
        self.next_seq = max(self.next_seq, seq + 1)
        return entry

    def revise(self, doc_id: str, text: bytes, fields: dict) -> Entry:
        """Make `text` the document's next version; the current text is kept as `NNN_<id>.v<K>.txt`."""
        old = self.entries[doc_id]
        sha = hashlib.sha256(text).hexdigest()
        if sha == old.sha256:
            raise ValueError(f"document {doc_id}: the text is unchanged")
        current = self.folder / old.file
        old_text = current.read_bytes()
        if hashlib.sha256(old_text).hexdigest() != old.sha256:
            raise ValueError(f"{current}: does not match its manifest line; not revised")
        entry = Entry(
            **{**fields, "seq": old.seq, "id": doc_id, "file": old.file, "sha256": sha},
            version=old.version + 1,
            previous_sha256=old.sha256,
        )
        write_atomic(self.folder / version_file(old), old_text)
        write_atomic(current, text)
        self._manifest.append(entry)
        self.versions[(doc_id, old.version)] = Entry(**{**old.__dict__, "file": version_file(old)})
        self.entries[doc_id] = entry
        self._revised = True
        return entry

    def close(self) -> None:
        self._manifest.close()
        if self._revised:
            self._fold(list(read_manifest(self.folder / MANIFEST)))
            self._revised = False
