from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

from harvester.corpus.ids import document_id, file_name
from harvester.capture.records import WarcRef
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry, read_manifest
from harvester.corpus import store
from harvester.corpus.store import SYNCED, Corpus
from tests.corpora import check_corpus

FIELDS = [
    "seq", "id", "file", "url", "final_url", "canonical_url", "site", "kind", "title", "published",
    "modified", "authors", "language", "fetched_at", "sha256", "warc",
    # The harvester's own, after the format's table: versions of a document.
    "version", "previous_sha256",
]


def fields(url: str, title: str = "A title") -> dict:
    return {
        "url": url,
        "final_url": url,
        "canonical_url": url,
        "site": "mofa_en",
        "kind": "ministry",
        "title": title,
        "published": "2017-09-03",
        "modified": None,
        "authors": [],
        "language": "en",
        "fetched_at": "2026-11-25T10:00:00Z",
        "warc": WarcRef("harvester-1.warc.gz", 0, 10, "<urn:uuid:1>"),
    }


def test_ids_and_file_names() -> None:
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320"
    assert document_id(url) == hashlib.sha256(url.encode()).hexdigest()[:16]
    assert file_name(0, "0123456789abcdef") == "000_0123456789abcdef.txt"
    assert file_name(1000, "0123456789abcdef") == "1000_0123456789abcdef.txt"


def test_documents_are_numbered_and_listed(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    first = corpus.add("a" * 16, "Title\n\nBody".encode(), fields("https://x/1"))
    second = corpus.add("b" * 16, "Other".encode(), fields("https://x/2"))
    corpus.close()
    assert (first.seq, second.seq) == (0, 1)
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.txt").read_bytes() == b"Title\n\nBody"
    lines = (tmp_path / MANIFEST).read_text("utf-8").splitlines()
    row = json.loads(lines[0])
    assert list(row) == FIELDS
    assert row["sha256"] == hashlib.sha256(b"Title\n\nBody").hexdigest()
    assert row["warc"] == {"file": "harvester-1.warc.gz", "offset": 0, "length": 10, "record_id": "<urn:uuid:1>"}


def test_reopened_corpus_appends_and_keeps_numbers(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.add("a" * 16, b"one", fields("https://x/1"))
    corpus.close()
    corpus = Corpus(tmp_path)
    assert "a" * 16 in corpus
    with pytest.raises(ValueError):
        corpus.add("a" * 16, b"one again", fields("https://x/1"))
    corpus.add("c" * 16, b"three", fields("https://x/3"))
    corpus.close()
    assert [(e.seq, e.id) for e in read_manifest(tmp_path / MANIFEST)] == [(0, "a" * 16), (1, "c" * 16)]


def test_leftovers_of_a_crash_are_cleaned(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.add("a" * 16, b"one", fields("https://x/1"))
    corpus.close()
    # A crash after writing a file but before listing it, one mid temp-file, and one mid manifest line.
    (tmp_path / "001_bbbbbbbbbbbbbbbb.txt").write_bytes(b"unlisted")
    (tmp_path / ".002_cccccccccccccccc.txt.tmp").write_bytes(b"half")
    with open(tmp_path / MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write('{"seq": 1, "id": "bbbb')
    corpus = Corpus(tmp_path)
    entry = corpus.add("d" * 16, b"four", fields("https://x/4"))
    corpus.close()
    assert entry.seq == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "000_aaaaaaaaaaaaaaaa.txt", "001_dddddddddddddddd.txt", MANIFEST,
    ]
    assert [e.id for e in read_manifest(tmp_path / MANIFEST)] == ["a" * 16, "d" * 16]


# -- versions
A = "a" * 16


def corpus_with_two_versions(folder: Path) -> Corpus:
    corpus = Corpus(folder)
    corpus.add("b" * 16, b"other", fields("https://x/2"))
    corpus.add(A, b"Title\n\nfirst text", fields("https://x/1"))
    corpus.close()
    corpus = Corpus(folder)
    revised = corpus.revise(A, b"Title\n\nsecond text", fields("https://x/1", title="Title"))
    assert (revised.seq, revised.version, revised.file) == (1, 2, "001_aaaaaaaaaaaaaaaa.txt")
    assert revised.previous_sha256 == hashlib.sha256(b"Title\n\nfirst text").hexdigest()
    return corpus


def test_a_new_version_keeps_number_and_file_and_the_old_text(tmp_path: Path) -> None:
    corpus_with_two_versions(tmp_path).close()
    assert (tmp_path / "001_aaaaaaaaaaaaaaaa.txt").read_bytes() == b"Title\n\nsecond text"
    assert (tmp_path / "001_aaaaaaaaaaaaaaaa.v1.txt").read_bytes() == b"Title\n\nfirst text"
    manifest = [json.loads(line) for line in (tmp_path / MANIFEST).read_text("utf-8").splitlines()]
    assert [(row["seq"], row["id"], row["version"]) for row in manifest] == [(0, "b" * 16, 1), (1, A, 2)]
    (old,) = [json.loads(line) for line in (tmp_path / VERSIONS).read_text("utf-8").splitlines()]
    assert (old["file"], old["version"], old["sha256"]) == (
        "001_aaaaaaaaaaaaaaaa.v1.txt", 1, hashlib.sha256(b"Title\n\nfirst text").hexdigest()
    )
    # A third version keeps the second as .v2 beside .v1.
    corpus = Corpus(tmp_path)
    assert corpus.get(A).version == 2
    corpus.revise(A, b"Title\n\nthird text", fields("https://x/1"))
    corpus.close()
    assert (tmp_path / "001_aaaaaaaaaaaaaaaa.v2.txt").read_bytes() == b"Title\n\nsecond text"
    assert [json.loads(line)["version"] for line in (tmp_path / VERSIONS).read_text("utf-8").splitlines()] == [1, 2]


def test_an_unchanged_text_is_no_new_version(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(A, b"same", fields("https://x/1"))
    with pytest.raises(ValueError, match="unchanged"):
        corpus.revise(A, b"same", fields("https://x/1"))
    corpus.close()


def test_a_crash_before_folding_is_folded_at_the_next_open(tmp_path: Path) -> None:
    corpus = corpus_with_two_versions(tmp_path)
    corpus._manifest.close()  # the process dies here: the manifest still has both lines of A
    assert len((tmp_path / MANIFEST).read_text("utf-8").splitlines()) == 3
    reopened = Corpus(tmp_path)
    reopened.close()
    assert [e.version for e in read_manifest(tmp_path / MANIFEST)] == [1, 2]
    assert [e.file for e in read_manifest(tmp_path / VERSIONS)] == ["001_aaaaaaaaaaaaaaaa.v1.txt"]
    assert (tmp_path / "001_aaaaaaaaaaaaaaaa.v1.txt").read_bytes() == b"Title\n\nfirst text"


@pytest.mark.parametrize("new_text_written", [False, True])
def test_a_version_change_cut_short_is_undone(tmp_path: Path, new_text_written: bool) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(A, b"Title\n\nfirst text", fields("https://x/1"))
    corpus.close()
    # The crash came after the old text was kept as .v1, before the new version was listed.
    (tmp_path / "000_aaaaaaaaaaaaaaaa.v1.txt").write_bytes(b"Title\n\nfirst text")
    if new_text_written:
        (tmp_path / "000_aaaaaaaaaaaaaaaa.txt").write_bytes(b"Title\n\nunlisted second text")
    corpus = Corpus(tmp_path)
    assert corpus.get(A).version == 1
    corpus.revise(A, b"Title\n\nsecond text", fields("https://x/1"))
    corpus.close()
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.txt").read_bytes() == b"Title\n\nsecond text"
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.v1.txt").read_bytes() == b"Title\n\nfirst text"
    assert [e.version for e in read_manifest(tmp_path / MANIFEST)] == [2]


# -- documents placed under the numbers they have (a rebuild, a merge)
B, C = "b" * 16, "c" * 16


def entry(doc_id: str, seq: int, data: bytes, version: int = 1, **changes: object) -> Entry:
    name = f"{seq:03d}_{doc_id}" + (f".v{version}" if changes.pop("kept", False) else "") + ".txt"
    values = {**fields(f"https://x/{doc_id}"), "seq": seq, "id": doc_id, "file": name, "sha256": hashlib.sha256(data).hexdigest()}
    return Entry(**{**values, **changes}, version=version)


def test_documents_added_out_of_order_are_listed_in_sequence_order(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(C, b"seven", fields("https://x/7"), seq=7)
    corpus.add(A, b"two", fields("https://x/2"), seq=2)
    corpus.put(entry(B, 4, b"four"), b"four")
    # A document without a number takes the one after the highest.
    assert corpus.add("d" * 16, b"eight", fields("https://x/8")).seq == 8
    corpus.close()
    assert [(e.seq, e.id) for e in read_manifest(tmp_path / MANIFEST)] == [(2, A), (4, B), (7, C), (8, "d" * 16)]
    assert (tmp_path / "004_bbbbbbbbbbbbbbbb.txt").read_bytes() == b"four"


def test_a_crash_before_the_manifest_is_ordered_is_ordered_at_the_next_open(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(C, b"seven", fields("https://x/7"), seq=7)
    corpus.add(A, b"two", fields("https://x/2"), seq=2)
    corpus._manifest.close()  # the process dies here
    Corpus(tmp_path).close()
    assert [e.seq for e in read_manifest(tmp_path / MANIFEST)] == [2, 7]


@pytest.mark.parametrize(
    ("placed", "message"),
    [
        (entry(A, 5, b"x"), "already in the corpus"),  # the id is there
        (entry(B, 0, b"x"), "number 0 is taken by document aaaaaaaaaaaaaaaa"),
        (entry(B, 5, b"x", file="005_cccccccccccccccc.txt"), "its file must be 005_bbbbbbbbbbbbbbbb.txt"),
        (entry(B, 5, b"x", sha256="0" * 64), "does not have the line's sha256"),
    ],
)
def test_a_placed_document_must_fit(tmp_path: Path, placed: Entry, message: str) -> None:
    corpus = Corpus(tmp_path)
    corpus.add(A, b"zero", fields("https://x/0"))
    with pytest.raises(ValueError, match=message):
        corpus.put(placed, b"x")
    corpus.close()
    assert [e.id for e in read_manifest(tmp_path / MANIFEST)] == [A]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["000_aaaaaaaaaaaaaaaa.txt", MANIFEST]


def test_kept_versions_are_placed_with_their_document(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    corpus.put(entry(A, 3, b"third", version=3), b"third")
    corpus.put_version(entry(A, 3, b"second", version=2, kept=True), b"second")
    corpus.put_version(entry(A, 3, b"first", version=1, kept=True), b"first")
    with pytest.raises(ValueError, match="its file must be 003_bbbbbbbbbbbbbbbb.v1.txt"):
        corpus.put_version(entry(B, 3, b"first", version=1, kept=True, file="003_aaaaaaaaaaaaaaaa.v1.txt"), b"first")
    corpus.close()
    assert [(e.file, e.version) for e in read_manifest(tmp_path / VERSIONS)] == [
        ("003_aaaaaaaaaaaaaaaa.v1.txt", 1), ("003_aaaaaaaaaaaaaaaa.v2.txt", 2)
    ]
    assert (tmp_path / "003_aaaaaaaaaaaaaaaa.v1.txt").read_bytes() == b"first"
    # The corpus goes on from there: the next text is version 4.
    corpus = Corpus(tmp_path)
    assert corpus.revise(A, b"fourth", fields("https://x/a")).version == 4
    corpus.close()


def test_a_corpus_made_in_one_go_is_flushed_once_at_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync"))
    monkeypatch.setattr(store, "sync_filesystem", lambda folder: calls.append("sync"))
    corpus = Corpus(tmp_path / "batch", durable=False)
    calls.clear()  # opening it marked the (empty) manifest durable
    for n in range(3):
        corpus.add(f"{n:016x}", b"text %d" % n, fields(f"https://x/{n}"))
    assert calls == []
    corpus.close()
    assert calls == ["sync", "fsync", "fsync"]  # the file system once, then the mark of what is durable
    assert not (tmp_path / "batch" / SYNCED).exists()  # at rest, everything is durable
    # A corpus opened durable makes each document durable before it counts.
    calls.clear()
    corpus = Corpus(tmp_path / "crawl")
    corpus.add("a" * 16, b"text", fields("https://x/a"))
    assert calls.count("fsync") == 3  # the file, its folder, the manifest line
    corpus.close()
    assert "sync" not in calls


def test_a_group_is_made_durable_at_once_and_a_kept_version_before_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Corpus(tmp_path, durable=False)
    corpus.add(A, b"first", fields("https://x/a"))
    corpus.sync()
    assert int((tmp_path / SYNCED).read_text()) == (tmp_path / MANIFEST).stat().st_size
    synced: list[str] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")))
    corpus.revise(A, b"second", fields("https://x/a"))
    # The old text's file (and its folder) were synced; the new text waits for the group.
    assert [Path(path).name for path in synced] == [f".{file_name(0, A).removesuffix('.txt')}.v1.txt.tmp", tmp_path.name]
    corpus.close()


def test_after_a_power_cut_lines_past_the_last_sync_whose_file_is_not_whole_are_cut(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path, durable=False)
    for n in range(3):
        corpus.add(f"{n:016x}", b"text %d" % n, fields(f"https://x/{n}"))
    corpus.sync()
    for n in range(3, 6):
        corpus.add(f"{n:016x}", b"text %d" % n, fields(f"https://x/{n}"))
    # A power cut: the disk got the manifest lines of 3, 4 and 5, but not the whole text of 4.
    (tmp_path / file_name(4, f"{4:016x}")).write_bytes(b"te")
    corpus._manifest.close()  # the process is gone: nothing more is written
    corpus.lines.close()
    reopened = Corpus(tmp_path)
    assert [entry.seq for entry in read_manifest(tmp_path / MANIFEST)] == [0, 1, 2, 3]
    assert not (tmp_path / file_name(4, f"{4:016x}")).exists() and not (tmp_path / file_name(5, f"{5:016x}")).exists()
    assert reopened.add("f" * 16, b"next", fields("https://x/f")).seq == 4
    reopened.close()
    assert check_corpus(tmp_path)[-1]["seq"] == 4


def test_every_document_is_read_back_whole_from_its_manifest_line(tmp_path: Path) -> None:
    # The corpus indexes where each document's line is, and reads the line when asked: it must be
    # that document's line before and after the fold.
    corpus = corpus_with_two_versions(tmp_path)
    corpus.add("c" * 16, "Titre\n\n한국어 본문".encode(), fields("https://x/3", title="한국어 제목"))
    expected = {doc_id: corpus.get(doc_id) for doc_id in ("b" * 16, A, "c" * 16)}
    assert expected[A].version == 2 and expected[A].title == "Title"
    assert expected["c" * 16].title == "한국어 제목" and expected["c" * 16].seq == 2
    assert expected["b" * 16].url == "https://x/2"
    corpus.close()  # folds A's two lines into one: every line moves
    reopened = Corpus(tmp_path)
    assert {doc_id: reopened.get(doc_id) for doc_id in expected} == expected
    assert reopened.get("d" * 16) is None
    reopened.close()


@pytest.mark.parametrize("torn", [b'{"seq": 1, "id": "bbbb', b'{"title": "' + b"x" * 150_000])
def test_a_torn_last_line_of_any_length_is_cut_back_to_the_last_whole_line(tmp_path: Path, torn: bytes) -> None:
    corpus = Corpus(tmp_path)
    corpus.add("a" * 16, b"one", fields("https://x/1"))
    corpus.close()
    whole = (tmp_path / MANIFEST).read_bytes()
    (tmp_path / MANIFEST).write_bytes(whole + torn)
    Corpus(tmp_path).close()
    assert (tmp_path / MANIFEST).read_bytes() == whole
    # A manifest that is one torn line: nothing is left of it.
    (tmp_path / MANIFEST).write_bytes(torn)
    Corpus(tmp_path).close()
    assert (tmp_path / MANIFEST).read_bytes() == b""


def test_a_fold_of_many_documents_lists_each_once_in_number_order(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path, durable=False)
    numbers = list(range(2500))
    numbers = numbers[1::2] + numbers[::2]  # placed out of order: the manifest is folded at close
    ids = {seq: hashlib.sha256(str(seq).encode()).hexdigest()[:16] for seq in numbers}
    for seq in numbers:
        corpus.add(ids[seq], f"text {seq}".encode(), fields(f"https://x/{seq}"), seq=seq)
    corpus.close()
    assert [(e.seq, e.id) for e in read_manifest(tmp_path / MANIFEST)] == [(seq, ids[seq]) for seq in range(2500)]
    reopened = Corpus(tmp_path)
    assert [reopened.get(ids[seq]).url for seq in (0, 999, 1000, 2499)] == [f"https://x/{seq}" for seq in (0, 999, 1000, 2499)]
    assert reopened.holder(1234) == ids[1234] and reopened.holder(2500) is None
    assert reopened.next_seq == 2500
    reopened.close()


def fail_writes_to(monkeypatch: pytest.MonkeyPatch, fd: int) -> None:
    """Writes to the descriptor `fd` fail as on a disk that fills up mid-write: half written, then ENOSPC."""
    real_write = os.write

    def write(target: int, data: bytes) -> int:
        if target != fd:
            return real_write(target, data)
        real_write(target, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)


def test_a_failed_append_leaves_no_torn_line_and_no_unlisted_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = Corpus(tmp_path)
    corpus.add("a" * 16, b"First", fields("https://x/1"))
    before = (tmp_path / MANIFEST).read_bytes()
    with monkeypatch.context() as patched:
        fail_writes_to(patched, corpus._manifest._fd)
        with pytest.raises(OSError):
            corpus.add("b" * 16, b"Second", fields("https://x/2"))
    # The folder is as it was: the half line cut back off, the document's file gone.
    assert (tmp_path / MANIFEST).read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["000_aaaaaaaaaaaaaaaa.txt", MANIFEST]
    # And the corpus goes on: the next document takes the number the failed one did not.
    assert corpus.add("c" * 16, b"Third", fields("https://x/3")).seq == 1
    corpus.close()
    assert [entry.id for entry in read_manifest(tmp_path / MANIFEST)] == ["a" * 16, "c" * 16]


def test_a_failed_version_change_puts_the_listed_text_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = Corpus(tmp_path)
    corpus.add("a" * 16, b"First text", fields("https://x/1"))
    with monkeypatch.context() as patched:
        fail_writes_to(patched, corpus._manifest._fd)
        with pytest.raises(OSError):
            corpus.revise("a" * 16, b"Second text", fields("https://x/1"))
    corpus.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["000_aaaaaaaaaaaaaaaa.txt", MANIFEST]
    assert (tmp_path / "000_aaaaaaaaaaaaaaaa.txt").read_bytes() == b"First text"
    assert [(entry.version, entry.sha256) for entry in read_manifest(tmp_path / MANIFEST)] == [
        (1, hashlib.sha256(b"First text").hexdigest())
    ]
