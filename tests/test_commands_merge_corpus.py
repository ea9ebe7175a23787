"""`harvester merge-corpus`: refused while workers crawl into the folder; brings in another machine's
output folder (its WARC files and its corpus)."""

from __future__ import annotations

from pathlib import Path

import redis

from harvester.capture.records import RecordFactory
from harvester.capture.writer import WarcFileWriter, WarcInfo

from harvester.distributed.parts import CorpusPart, part_folder
from harvester.distributed.registry import DocumentRegistry
from harvester.corpus.store import Corpus
from harvester.state.lock import LOCK_FILE, FolderLock
from tests.conftest import run_harvester
from tests.corpora import check_corpus, warcio_check
from tests.test_corpus_store import fields

A, B, C = "a" * 16, "b" * 16, "c" * 16


def write_warc(folder: Path) -> Path:
    """A closed WARC file of another machine's worker, with one record."""
    info = WarcInfo(software="harvester", operator="", robots="obey", crawl_id="test", hostname="m2")
    writer = WarcFileWriter(folder, "harvester-two", info, RecordFactory())
    writer.write(writer.factory.conversion("https://x/c", "2026-11-25T00:00:00Z", b"Gamma", "<urn:uuid:c>", []))
    return writer.close()


def test_refused_while_workers_crawl_into_the_folder(tmp_path: Path) -> None:
    worker = FolderLock(tmp_path / "state" / LOCK_FILE, shared=True)
    worker.acquire()
    try:
        result = run_harvester("merge-corpus", str(tmp_path))
    finally:
        worker.release()
    assert result.returncode == 2
    assert "is being crawled by several workers together" in result.stderr
    assert run_harvester("merge-corpus", str(tmp_path)).returncode == 0


def test_another_machines_folder_is_brought_in(tmp_path: Path, redis_url: str) -> None:
    registry = DocumentRegistry(redis.Redis.from_url(redis_url), "harvester")
    here, there = tmp_path / "here", tmp_path / "there"
    # This machine's worker wrote A; the other machine's worker wrote B and C, and merged them there.
    mine = CorpusPart(part_folder(here / "corpus", "one"), registry)
    mine.add(A, b"Alpha", fields("https://x/a"))
    mine.close()
    theirs = CorpusPart(part_folder(there / "corpus", "two"), registry)
    theirs.add(B, b"Beta", fields("https://x/b"))
    theirs.close()
    merged_there = Corpus(there / "corpus")
    merged_there.add(C, b"Gamma", fields("https://x/c"), seq=registry.number(C))
    merged_there.close()
    warc = write_warc(there / "warc")

    result = run_harvester("merge-corpus", str(here), "--from", str(there))
    assert result.returncode == 0, result.stderr
    assert "merged 3 new and 0 changed documents from 3 sources" in result.stdout
    assert [(row["seq"], row["id"]) for row in check_corpus(here / "corpus")] == [(0, A), (1, B), (2, C)]
    assert (here / "warc" / warc.name).read_bytes() == warc.read_bytes()
    assert (here / "warc/indexes" / warc.name.replace(".warc.gz", ".cdxj")).exists()
    warcio_check(here / "warc")
    # The other folder is left as it was.
    assert (there / "corpus/parts/two/001_bbbbbbbbbbbbbbbb.txt").exists()
