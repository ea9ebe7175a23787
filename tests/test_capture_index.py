"""CDXJ indexes of WARC files: made with cdxj-indexer for a file without one, by the writer for
its own files, and dropped with a killed writer's file when it is repaired."""

from __future__ import annotations

import fcntl
import json
import threading
from pathlib import Path

import pytest

from harvester.capture.index import index_folder, index_path, index_warc, side_path
from harvester.capture.records import RecordFactory, WarcRecord
from harvester.capture.writer import WarcFileWriter, WarcInfo, repair_folder

INFO = WarcInfo(software="harvester/test", operator="", robots="obey", crawl_id="c", hostname="h")


def page(writer: WarcFileWriter, path: str) -> WarcRecord:
    """The response record of a two-byte page at `path` of example.com."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\n"
    return writer.factory.response(f"http://example.com{path}", "2026-11-02T09:05:07.000000Z", None, head, b"hi")


def test_every_closed_file_without_an_index_gets_one_and_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t", INFO, RecordFactory())
    refs = {}
    for path in ("/b", "/a"):
        response = page(writer, path)
        request = writer.factory.request(f"http://example.com{path}", "2026-11-02T09:05:07.000000Z", None, b"GET / HTTP/1.1\r\n\r\n", response.record_id)
        refs[path] = writer.write(response, request)[0]
    warc = writer.close()
    (tmp_path / "broken-20261102090507000-00001-h.warc.gz").write_bytes(b"not a warc")
    (tmp_path / "still-open.warc.gz.open").write_bytes(b"")
    written, failed = index_folder(tmp_path)
    assert [path.name for path in written] == [warc.name.removesuffix(".warc.gz") + ".cdxj"]
    assert [(path.name, type(error).__name__) for path, error in failed] == [
        ("broken-20261102090507000-00001-h.warc.gz", "ArchiveLoadFailed")
    ]
    assert sorted(p.name for p in (tmp_path / "indexes").iterdir()) == [written[0].name]
    lines = written[0].read_text("utf-8").splitlines()
    keys = [line.split(" ", 2)[:2] for line in lines]
    assert keys == [["com,example)/a", "20261102090507"], ["com,example)/b", "20261102090507"]]
    for line, path in zip(lines, ("/a", "/b"), strict=True):
        entry = json.loads(line.split(" ", 2)[2])
        assert (entry["filename"], int(entry["offset"]), int(entry["length"])) == (warc.name, refs[path].offset, refs[path].length)
        assert (entry["status"], entry["mime"]) == ("200", "text/html")
    assert index_folder(tmp_path)[0] == []  # indexed once


def test_an_index_larger_than_the_sort_buffer_is_sorted_through_temp_files_into_the_same_lines(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t", INFO, RecordFactory())
    paths = [f"/item/{n}" for n in (7, 3, 9, 1, 5, 8, 2, 6, 4, 0)]  # captured out of key order
    for path in paths:
        writer.write(page(writer, path))
    warc = writer.close()
    spilled = index_warc(warc, sort_buffer=300).read_text("utf-8")  # a line is ~250 characters: a run per line or two
    keys = [line.split(" ", 1)[0] for line in spilled.splitlines()]
    assert keys == [f"com,example)/item/{n}" for n in range(10)]
    index_path(warc).unlink()
    assert index_warc(warc).read_text("utf-8") == spilled


def test_the_writer_indexes_its_files_and_a_killed_writer_s_index_goes_with_the_repair(tmp_path: Path) -> None:
    live = tmp_path / "live"
    writer = WarcFileWriter(live, "t", INFO, RecordFactory(), index=True)
    refs = [writer.write(page(writer, f"/{n}"))[0] for n in range(3)]
    (open_warc,) = live.glob("*.warc.gz.open")
    assert side_path(open_warc).exists() and not index_path(open_warc).exists()
    # A kill: the file and its side file stay as they were, the last record torn; the killed
    # writer may even have written the index of the whole file before renaming it.
    crashed = tmp_path / "crashed"
    (crashed / "indexes").mkdir(parents=True)
    torn = crashed / open_warc.name
    torn.write_bytes(open_warc.read_bytes()[: refs[2].offset + 10])
    side_path(torn).write_bytes(side_path(open_warc).read_bytes())
    index_path(torn).write_text("com,example)/2 20261102090507 {}\n", "utf-8")
    (repaired,) = repair_folder(crashed)
    assert list((crashed / "indexes").iterdir()) == []
    (index,) = index_folder(crashed)[0]
    keys = [line.split(" ", 1)[0] for line in index.read_text("utf-8").splitlines()]
    assert keys == ["com,example)/0", "com,example)/1"]  # what the repaired file holds
    # The live writer goes on and closes its file with the index of all three.
    final = writer.close()
    assert writer.indexes == [index_path(final)] and not side_path(final).exists()
    assert [line.split(" ", 1)[0] for line in index_path(final).read_text("utf-8").splitlines()] == [
        f"com,example)/{n}" for n in range(3)
    ]
    assert index_folder(live) == ([], [])


def test_the_temp_files_a_killed_writer_left_of_its_index_go_with_the_repair(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path / "live", "t", INFO, RecordFactory(), index=True)
    writer.write(page(writer, "/a"))
    (open_warc,) = (tmp_path / "live").glob("*.warc.gz.open")
    crashed = tmp_path / "crashed"
    (crashed / "indexes").mkdir(parents=True)
    torn = crashed / open_warc.name
    torn.write_bytes(open_warc.read_bytes())
    # Killed while sorting its lines into the index: the sorted runs and the temp file stay.
    index, side = index_path(torn), side_path(torn)
    for leftover in (f".{side.name}.4242.run0", f".{side.name}.4242.run1", f".{index.name}.4242.tmp"):
        (crashed / "indexes" / leftover).write_bytes(b"com,example)/a 20261102090507 {}\n")
    other = crashed / "indexes" / ".other-20261102090507000-00009-h.cdxj.4242.tmp"  # another file's: not this repair's
    other.write_bytes(b"")
    repair_folder(crashed)
    assert sorted(path.name for path in (crashed / "indexes").iterdir()) == [other.name]
    writer.close()


def test_a_closed_file_s_index_left_half_written_by_a_killed_crawl_is_written_anew_without_its_temp_file(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t", INFO, RecordFactory())
    writer.write(page(writer, "/a"))
    warc = writer.close()
    (tmp_path / "indexes").mkdir()
    dead = tmp_path / "indexes" / f".{index_path(warc).name}.4242.tmp"
    dead.write_bytes(b"com,example)/")
    (index,) = index_folder(tmp_path)[0]
    assert [path.name for path in (tmp_path / "indexes").iterdir()] == [index.name]
    assert [line.split(" ", 1)[0] for line in index.read_text("utf-8").splitlines()] == ["com,example)/a"]


def test_crawls_sharing_a_folder_index_a_closed_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = WarcFileWriter(tmp_path, "t", INFO, RecordFactory())
    writer.write(page(writer, "/a"))
    warc = writer.close()
    (tmp_path / "indexes").mkdir()
    flock, waiting = fcntl.flock, threading.Event()

    def announced(fd: int, operation: int) -> None:
        waiting.set()
        flock(fd, operation)

    result: list[tuple[list[Path], list]] = []
    with open(warc, "rb") as other_crawl:  # another crawl is indexing the file
        flock(other_crawl.fileno(), fcntl.LOCK_EX)
        monkeypatch.setattr(fcntl, "flock", announced)
        indexing = threading.Thread(target=lambda: result.append(index_folder(tmp_path)))
        indexing.start()
        assert waiting.wait(10)
        index_path(warc).write_text("the other crawl's index\n", "utf-8")
    indexing.join(10)
    assert result == [([], [])]
    assert index_path(warc).read_text("utf-8") == "the other crawl's index\n"


def test_an_index_made_after_py_wacz_is_imported_still_leaves_the_warcinfo_out(tmp_path: Path) -> None:
    import wacz.waczindexer  # noqa: F401  (appends "warcinfo" to cdxj-indexer's default records)

    writer = WarcFileWriter(tmp_path, "t", INFO, RecordFactory())
    writer.write(page(writer, "/a"))
    lines = index_warc(writer.close()).read_text("utf-8").splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["com,example)/a"]
