"""Corpus parts of a distributed crawl: workers number documents from one counter, and the merge
joins their parts into one corpus in seq order, new versions included, as often as it is run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import redis

from harvester.corpus.manifest import MANIFEST, VERSIONS
from harvester.distributed.parts import CorpusPart, merge_parts as merge, part_folder, parts_of
from harvester.distributed.registry import DocumentRegistry
from harvester.corpus.store import Corpus
from tests.corpora import check_corpus, lines
from tests.test_corpus_store import fields

A, B, C = "a" * 16, "b" * 16, "c" * 16


@pytest.fixture
def registry(redis_url: str) -> DocumentRegistry:
    return DocumentRegistry(redis.Redis.from_url(redis_url), "test")


def part(corpus: Path, worker: str, registry: DocumentRegistry) -> CorpusPart:
    return CorpusPart(part_folder(corpus, worker), registry)


def test_workers_number_documents_from_one_counter(tmp_path: Path, registry: DocumentRegistry) -> None:
    one, two = part(tmp_path, "one", registry), part(tmp_path, "two", registry)
    first = one.add(A, b"Alpha", fields("https://x/a"))
    second = two.add(B, b"Beta", fields("https://x/b"))
    third = one.add(C, b"Gamma", fields("https://x/c"))
    assert (first.seq, second.seq, third.seq) == (0, 1, 2)
    assert two.get(A) == first and A in registry and "d" * 16 not in registry
    assert registry.number(B) == 1, "a document keeps its number"
    one.close()
    two.close()
    assert [row["id"] for row in lines(tmp_path / "parts/one" / MANIFEST)] == [A, C]
    assert (tmp_path / "parts/two/001_bbbbbbbbbbbbbbbb.txt").read_bytes() == b"Beta"


def test_the_merge_joins_the_parts_in_seq_order(tmp_path: Path, registry: DocumentRegistry) -> None:
    one, two = part(tmp_path, "one", registry), part(tmp_path, "two", registry)
    one.add(A, b"Alpha", fields("https://x/a"))
    two.add(B, b"Beta", fields("https://x/b"))
    one.add(C, b"Gamma", fields("https://x/c"))
    one.close()
    two.close()
    merged = merge(tmp_path, parts_of(tmp_path))
    assert (merged.parts, merged.added, merged.revised) == (2, 3, 0)
    rows = check_corpus(tmp_path)
    assert [(row["seq"], row["id"], row["title"]) for row in rows] == [(0, A, "A title"), (1, B, "A title"), (2, C, "A title")]
    assert (tmp_path / rows[1]["file"]).read_bytes() == b"Beta"
    assert rows[0]["warc"] == {"file": "harvester-1.warc.gz", "offset": 0, "length": 10, "record_id": "<urn:uuid:1>"}
    assert not (tmp_path / "parts").exists()


def test_a_later_crawl_knows_the_corpus_and_changes_make_versions(tmp_path: Path, registry: DocumentRegistry) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(A, b"Alpha", fields("https://x/a"))
    corpus.close()
    # Redis knows nothing of the corpus (a new database): a worker opening the folder tells it.
    worker = part(tmp_path, "one", registry)
    assert registry.get(A).sha256 == lines(tmp_path / MANIFEST)[0]["sha256"]
    assert worker.add(B, b"Beta", fields("https://x/b")).seq == 1
    changed = worker.revise(A, b"Alpha, again", fields("https://x/a", title="New title"))
    assert (changed.seq, changed.version, changed.file) == (0, 2, "000_aaaaaaaaaaaaaaaa.v2.txt")
    worker.close()
    merged = merge(tmp_path, parts_of(tmp_path))
    assert (merged.added, merged.revised) == (1, 1)
    rows = check_corpus(tmp_path)
    assert [(row["id"], row["version"], row["title"]) for row in rows] == [(A, 2, "New title"), (B, 1, "A title")]
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.txt").read_bytes() == b"Alpha, again"
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.v1.txt").read_bytes() == b"Alpha"
    assert [row["file"] for row in lines(tmp_path / VERSIONS)] == ["000_aaaaaaaaaaaaaaaa.v1.txt"]


def test_merging_again_changes_nothing(tmp_path: Path, registry: DocumentRegistry) -> None:
    worker = part(tmp_path, "one", registry)
    worker.add(A, b"Alpha", fields("https://x/a"))
    worker.revise(A, b"Alpha 2", fields("https://x/a"))
    worker.close()
    kept = tmp_path / "kept"
    # A merge cut short before it removed the part: the part is merged again.
    shutil.copytree(tmp_path / "parts/one", kept)
    merge(tmp_path, parts_of(tmp_path))
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    shutil.copytree(kept, tmp_path / "parts/one")
    again = merge(tmp_path, parts_of(tmp_path))
    assert (again.added, again.revised, again.known) == (0, 0, 2)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()} == before
    assert [(row["version"], row["sha256"]) for row in check_corpus(tmp_path)] == [(2, lines(kept / MANIFEST)[1]["sha256"])]


def test_a_killed_workers_part_merges_what_it_finished(tmp_path: Path, registry: DocumentRegistry) -> None:
    worker = part(tmp_path, "gone", registry)
    worker.add(A, b"Alpha", fields("https://x/a"))
    worker.add(B, b"Beta", fields("https://x/b"))
    worker.close()
    folder = tmp_path / "parts/gone"
    # Killed mid-line, and after a text was written but before its line.
    data = (folder / MANIFEST).read_bytes()
    (folder / MANIFEST).write_bytes(data[: len(data) - 20])
    (folder / "002_cccccccccccccccc.txt").write_bytes(b"Gamma")
    merged = merge(tmp_path, parts_of(tmp_path))
    assert merged.added == 1
    assert [row["id"] for row in check_corpus(tmp_path)] == [A]


def test_a_missing_text_is_told_and_a_number_clash_takes_the_next(tmp_path: Path, registry: DocumentRegistry) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(C, b"Gamma", fields("https://x/c"))
    corpus.close()
    # The counter was reset (another Redis) and the corpus folder not opened by the workers.
    worker = CorpusPart(tmp_path / "elsewhere", registry)
    worker.add(A, b"Alpha", fields("https://x/a"))
    worker.add(B, b"Beta", fields("https://x/b"))
    worker.close()
    (tmp_path / "elsewhere/001_bbbbbbbbbbbbbbbb.txt").unlink()
    merged = merge(tmp_path, [tmp_path / "elsewhere"])
    assert (merged.added, merged.unreadable) == (1, 1)
    assert [(row["seq"], row["id"]) for row in check_corpus(tmp_path)] == [(0, C), (1, A)]
    assert json.loads((tmp_path / MANIFEST).read_text().splitlines()[1])["file"] == "001_aaaaaaaaaaaaaaaa.txt"
