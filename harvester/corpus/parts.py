"""Corpus parts: what each worker of a distributed crawl writes, and their merge into one corpus.

A worker writes its documents into its own part, `CORPUS_DIR/parts/<worker>/`: a `manifest.jsonl`
and the texts, numbered from the crawl's shared counter (registry.py), so that parts never
collide. A part's line is the manifest line the document will have; its `file` names the text in
the part: `NNN_<id>.txt` for a first version, `NNN_<id>.v<version>.txt` for a later one.

`merge()` joins parts into the corpus folder (harvester/corpus/store.py), in `seq` order: a
document the corpus lacks is added under its number, a changed text becomes the document's next
version, a text the corpus already has (as any version) is skipped. The manifest then lists the
documents in sequence order, and a merged part is removed. Each step is the corpus's own atomic
writes, so a merge cut short is simply run again. Workers on several machines: gather their
output folders' parts (and WARCs) into one folder, or name the other folders with `sources`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from harvester.corpus.files import write_atomic
from harvester.corpus.ids import file_name
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry, ManifestWriter, read_manifest
from harvester.corpus.registry import DocumentRegistry
from harvester.corpus.store import Corpus

logger = logging.getLogger(__name__)

PARTS = "parts"
# Manifest fields the corpus gives itself when it writes a document.
_OWN_FIELDS = {"seq", "id", "file", "sha256", "version", "previous_sha256"}


def part_folder(corpus: Path, worker: str) -> Path:
    return corpus / PARTS / worker


class CorpusPart:
    """A worker's part of a distributed crawl's corpus; the corpus pipeline's store in such a crawl."""

    def __init__(self, folder: Path, registry: DocumentRegistry) -> None:
        self.folder = folder
        self.registry = registry
        folder.mkdir(parents=True, exist_ok=True)
        # Documents of earlier crawls into this output folder are known to every worker.
        registry.enter(read_manifest(folder.parent.parent / MANIFEST))
        self._manifest = ManifestWriter(folder / MANIFEST)

    def get(self, doc_id: str) -> Entry | None:
        return self.registry.get(doc_id)

    def add(self, doc_id: str, text: bytes, fields: dict) -> Entry:
        seq = self.registry.number(doc_id)
        entry = Entry(seq=seq, id=doc_id, file=file_name(seq, doc_id), sha256=hashlib.sha256(text).hexdigest(), **fields)
        return self._write(entry, text)

    def revise(self, doc_id: str, text: bytes, fields: dict) -> Entry:
        old = self.registry.get(doc_id)
        assert old is not None
        version = old.version + 1
        entry = Entry(
            **{**fields, "seq": old.seq, "id": doc_id, "sha256": hashlib.sha256(text).hexdigest()},
            file=old.file.removesuffix(".txt") + f".v{version}.txt",
            version=version,
            previous_sha256=old.sha256,
        )
        return self._write(entry, text)

    def _write(self, entry: Entry, text: bytes) -> Entry:
        # Text, then its line, then the registry: a kill in between leaves the document unknown to
        # the registry, so the page's request, given back to the queue, writes it again.
        write_atomic(self.folder / entry.file, text)
        self._manifest.append(entry)
        self.registry.put(entry)
        return entry

    def close(self) -> None:
        self._manifest.close()


@dataclass
class Merged:
    parts: int = 0
    added: int = 0
    revised: int = 0
    known: int = 0
    unreadable: int = 0


def merge(corpus_folder: Path, sources: list[Path]) -> Merged:
    """Joins the sources into the corpus folder and removes those that are its parts; see the
    module's docstring. A source is a part, or another corpus folder (its `versions.jsonl` too)."""
    result = Merged(parts=len(sources))
    lines = sorted(
        ((entry, source) for source in sources for name in (VERSIONS, MANIFEST) for entry in read_manifest(source / name)),
        key=lambda pair: (pair[0].seq, pair[0].version, pair[0].fetched_at),
    )
    corpus = Corpus(corpus_folder)
    texts = {(entry.id, entry.sha256) for entry in [*read_manifest(corpus.manifest), *corpus.versions.values()]}
    try:
        for entry, source in lines:
            if (entry.id, entry.sha256) in texts:
                result.known += 1
                continue
            text = _text(source / entry.file, entry.sha256)
            if text is None:
                result.unreadable += 1
                continue
            given = {name: value for name, value in vars(entry).items() if name not in _OWN_FIELDS}
            if corpus.get(entry.id) is None:
                # Numbers come from one counter; a clash means it was reset: take the next free one.
                corpus.add(entry.id, text, given, seq=entry.seq if corpus.holder(entry.seq) is None else None)
                result.added += 1
            else:
                try:
                    corpus.revise(entry.id, text, given)
                except ValueError as error:  # the corpus's own current file is damaged
                    logger.warning("%s: not merged: %s", source / entry.file, error)
                    result.unreadable += 1
                    continue
                result.revised += 1
            texts.add((entry.id, entry.sha256))
    finally:
        corpus.close()
    _sort_manifest(corpus_folder / MANIFEST)
    for source in sources:
        if source.parent == corpus_folder / PARTS:
            shutil.rmtree(source)
    if (corpus_folder / PARTS).is_dir() and not any((corpus_folder / PARTS).iterdir()):
        (corpus_folder / PARTS).rmdir()
    return result


def parts_of(corpus_folder: Path) -> list[Path]:
    """The parts under a corpus folder."""
    return sorted(path for path in (corpus_folder / PARTS).glob("*") if (path / MANIFEST).exists())


def _text(path: Path, sha256: str) -> bytes | None:
    try:
        text = path.read_bytes()
    except OSError as error:
        logger.warning("%s: not merged, its text cannot be read (%s)", path, error)
        return None
    if hashlib.sha256(text).hexdigest() != sha256:
        logger.warning("%s: not merged, its text does not match its manifest line", path)
        return None
    return text


def _sort_manifest(path: Path) -> None:
    """A manifest lists documents in sequence order: parts merged late may have appended lower ones."""
    entries = list(read_manifest(path))
    if [entry.seq for entry in entries] != sorted(entry.seq for entry in entries):
        ordered = sorted(entries, key=lambda entry: entry.seq)
        write_atomic(path, "".join(entry.to_json() + "\n" for entry in ordered).encode("utf-8"))

