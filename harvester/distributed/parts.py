"""Corpus parts: what each worker of a distributed crawl writes, and their merge into one corpus.

A worker writes its documents into its own part, `CORPUS_DIR/parts/<worker>/` (CORPUS_STORE_CLASS
names `CorpusPart` in such a crawl): a `manifest.jsonl` and the texts, numbered from the crawl's
shared counter (registry.py), so that parts never collide. A part's line is the manifest line the
document will have; its `file` names the text in the part: `NNN_<id>.txt` for a first version,
`NNN_<id>.v<version>.txt` for a later one. What becomes of a document is the corpus's one rule
(harvester/corpus/store.py).

`merge_parts()` joins parts into the corpus folder (harvester/corpus/merge.py) and removes them.
Workers on several machines: gather their output folders' parts (and WARCs) into one folder, or
name the other folders as further sources.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from harvester.corpus.ids import file_name
from harvester.corpus.manifest import MANIFEST, Entry, ManifestWriter, read_manifest
from harvester.corpus.merge import Merged, merge
from harvester.corpus.store import DocumentStore
from harvester.distributed.config import connect, worker_id
from harvester.distributed.registry import DocumentRegistry
from harvester.files import write_atomic

PARTS = "parts"


def part_folder(corpus: Path, worker: str) -> Path:
    return corpus / PARTS / worker


class CorpusPart(DocumentStore):
    """A worker's part of a distributed crawl's corpus; the corpus pipeline's store in such a crawl."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusPart:
        settings = crawler.settings
        folder = part_folder(Path(settings.get("CORPUS_DIR")), worker_id(settings) or "")
        return cls(folder, DocumentRegistry(connect(settings), settings.get("DISTRIBUTED_PREFIX")))

    def __init__(self, folder: Path, registry: DocumentRegistry) -> None:
        self.folder = folder
        self.registry = registry
        folder.mkdir(parents=True, exist_ok=True)
        # Documents of earlier crawls into this output folder are known to every worker.
        registry.enter(read_manifest(folder.parent.parent / MANIFEST))
        self._manifest = ManifestWriter(folder / MANIFEST)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.registry

    def get(self, doc_id: str) -> Entry | None:
        return self.registry.get(doc_id)

    def add(self, doc_id: str, text: bytes, fields: dict[str, Any], seq: int | None = None) -> Entry:
        # The crawl's shared counter numbers the documents: a number brought along is not one.
        seq = self.registry.number(doc_id)
        entry = Entry(seq=seq, id=doc_id, file=file_name(seq, doc_id), sha256=hashlib.sha256(text).hexdigest(), **fields)
        return self._write(entry, text)

    def revise(self, doc_id: str, text: bytes, fields: dict[str, Any]) -> Entry:
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


def parts_of(corpus_folder: Path) -> list[Path]:
    """The parts under a corpus folder."""
    return sorted(path for path in (corpus_folder / PARTS).glob("*") if (path / MANIFEST).exists())


def merge_parts(corpus_folder: Path, sources: list[Path]) -> Merged:
    """Merge the sources (parts, other corpus folders) into the corpus folder, then remove the
    sources that are its parts."""
    result = merge(corpus_folder, sources)
    for source in sources:
        if source.parent == corpus_folder / PARTS:
            shutil.rmtree(source)
    if (corpus_folder / PARTS).is_dir() and not any((corpus_folder / PARTS).iterdir()):
        (corpus_folder / PARTS).rmdir()
    return result
