"""WARC files: names, `.open` while written, rollover, one gzip member per record, and repair."""

from __future__ import annotations

import errno
import fcntl
import gzip
import itertools
import os
import shutil
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator

from harvester.capture.records import RecordFactory, WarcRecord
from harvester.capture.writer import WarcFileWriter, WarcInfo, repair, repair_folder, whole_records

INFO = WarcInfo(software="harvester/test", operator="tests", robots="obey", crawl_id="crawl-1", hostname="crawler.example.org")
CLOCK = datetime(2026, 11, 2, 9, 5, 7, 123456, tzinfo=timezone.utc)


def writer(folder: Path, max_size: int = 1_000_000_000) -> WarcFileWriter:
    numbers = itertools.count(1)
    factory = RecordFactory(make_id=lambda: f"<urn:uuid:{next(numbers):08d}>")
    return WarcFileWriter(folder, "test", INFO, factory, max_size=max_size, clock=lambda: CLOCK)


def exchange(w: WarcFileWriter, n: int) -> tuple[WarcRecord, WarcRecord]:
    body = (b"page %d " % n) * 50
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
    response = w.factory.response(f"http://example.com/{n}", "2026-11-02T09:05:07.000000Z", None, head, body)
    request = w.factory.request(
        f"http://example.com/{n}", "2026-11-02T09:05:07.000000Z", None, b"GET /%d HTTP/1.1\r\n\r\n" % n, response.record_id
    )
    return response, request


def members(path: Path) -> list[bytes]:
    """The decompressed gzip members of a file, one by one."""
    data, found = path.read_bytes(), []
    while data:
        decompressor = zlib.decompressobj(31)
        found.append(decompressor.decompress(data))
        assert decompressor.eof
        data = decompressor.unused_data
    return found


def test_file_is_named_iipc_style_and_open_while_written(tmp_path: Path) -> None:
    w = writer(tmp_path)
    w.write(*exchange(w, 1))
    assert [p.name for p in tmp_path.iterdir()] == ["test-20261102090507123-00001-crawler.example.org.warc.gz.open"]
    final = w.close()
    assert final is not None and final.name == "test-20261102090507123-00001-crawler.example.org.warc.gz"
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    # A later crawl into the folder continues the serial.
    again = writer(tmp_path)
    again.write(*exchange(again, 2))
    assert again.close().name == "test-20261102090507123-00002-crawler.example.org.warc.gz"


def test_each_record_is_its_own_gzip_member_and_refs_find_it(tmp_path: Path) -> None:
    w = writer(tmp_path)
    refs = [ref for n in range(3) for ref in w.write(*exchange(w, n))]
    path = w.close()
    assert path is not None
    found = members(path)
    assert len(found) == 1 + 6
    assert found[0].startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    assert b"isPartOf: crawl-1\r\n" in found[0] and b"operator: tests\r\n" in found[0]
    data = path.read_bytes()
    for ref, member in zip(refs, found[1:], strict=True):
        assert ref.file == path.name
        assert gzip.decompress(data[ref.offset : ref.offset + ref.length]) == member
        assert f"WARC-Record-ID: {ref.record_id}\r\n".encode() in member


def test_rollover_between_groups_and_warcinfo_first_in_every_file(tmp_path: Path) -> None:
    w = writer(tmp_path, max_size=1500)
    for n in range(6):
        w.write(*exchange(w, n))
    w.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 2 and files == sorted(w.closed)
    for path in files:
        with open(path, "rb") as stream:
            records = list(ArchiveIterator(stream))
        types = [record.rec_type for record in records]
        assert types[0] == "warcinfo" and types[1:] == ["response", "request"] * ((len(types) - 1) // 2)
        info = records[0].rec_headers.get_header("WARC-Record-ID")
        assert all(r.rec_headers.get_header("WARC-Warcinfo-ID") == info for r in records[1:])


def test_repair_cuts_any_torn_tail_back_to_the_last_whole_record(tmp_path: Path) -> None:
    w = writer(tmp_path / "live")
    for n in range(3):
        w.write(*exchange(w, n))
    live = next((tmp_path / "live").glob("*.open"))
    data = live.read_bytes()
    # Where each gzip member ends, read from the file itself.
    boundaries, offset = [], 0
    rest = data
    while rest:
        decompressor = zlib.decompressobj(31)
        decompressor.decompress(rest)
        offset += len(rest) - len(decompressor.unused_data)
        boundaries.append(offset)
        rest = decompressor.unused_data
    assert len(boundaries) == 7  # warcinfo and three exchanges
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for cut in range(boundaries[0], len(data) + 1, 7):
        torn = crashed / live.name
        torn.write_bytes(data[:cut])
        whole = max(b for b in boundaries if b <= cut)
        assert whole_records(torn) == (whole, boundaries.index(whole) + 1)
        fixed = repair(torn)
        assert fixed is not None and not torn.exists() and fixed.read_bytes() == data[:whole]
        with open(fixed, "rb") as stream:
            assert len(list(ArchiveIterator(stream))) == boundaries.index(whole) + 1
        fixed.unlink()
    w.close()


def test_repair_drops_trailing_garbage_and_files_without_a_whole_record(tmp_path: Path) -> None:
    w = writer(tmp_path / "live")
    w.write(*exchange(w, 1))
    source = w.close()
    assert source is not None
    garbage = tmp_path / (source.name + ".open")
    garbage.write_bytes(source.read_bytes() + b"\x00" * 300)
    assert repair(garbage).read_bytes() == source.read_bytes()
    empty = tmp_path / "other-20261102090507123-00001-x.warc.gz.open"
    empty.write_bytes(source.read_bytes()[:20])
    assert repair(empty) is None and not empty.exists()


def test_a_file_a_live_writer_holds_is_left_alone(tmp_path: Path) -> None:
    w = writer(tmp_path)
    w.write(*exchange(w, 1))
    assert repair_folder(tmp_path) == []
    assert len(list(tmp_path.glob("*.open"))) == 1
    w.close()


def test_a_writer_renames_its_file_before_it_lets_go_of_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers of a distributed crawl share the folder: an `.open` name is locked for as long as
    its writer has it, so a worker starting beside it never repairs a file being closed."""
    w = writer(tmp_path)
    w.write(*exchange(w, 1))
    locked = w._fd
    seen: list[list[str]] = []
    close = os.close

    def closing(fd: int) -> None:
        nonlocal locked
        if fd == locked:  # once: the number is free for the next file opened
            locked = -1
            seen.append(sorted(path.suffix for path in tmp_path.iterdir() if path.name.endswith((".gz", ".open"))))
        close(fd)

    monkeypatch.setattr(os, "close", closing)
    w.close()
    assert seen == [[".gz"]]


def test_repair_leaves_alone_a_file_closed_since_the_folder_was_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = writer(tmp_path)
    w.write(*exchange(w, 1))
    listed = next(tmp_path.glob("*.open"))
    final = w.close()
    assert final is not None
    assert repair(listed) is None  # gone before it was opened
    index = sorted(path.name for path in tmp_path.iterdir())
    # Opened while still `.open`, renamed and unlocked by its writer before the lock was taken.
    reopened = tmp_path / listed.name
    os.link(final, reopened)
    flock = fcntl.flock

    def closed_meanwhile(fd: int, operation: int) -> None:
        reopened.unlink()
        flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", closed_meanwhile)
    assert repair(reopened) is None
    assert sorted(path.name for path in tmp_path.iterdir()) == index  # the closed file and its index untouched


def test_two_crawls_repairing_one_file_at_once_leave_it_closed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = writer(tmp_path / "live")
    w.write(*exchange(w, 1))
    live = next((tmp_path / "live").glob("*.open"))
    killed = tmp_path / live.name
    killed.write_bytes(live.read_bytes())
    replace, other = os.replace, []

    def other_crawl_first(source: Path, target: Path) -> None:
        if not other:  # a second crawl starting in the folder comes to the file just then
            other.append(repair(killed))
        replace(source, target)

    monkeypatch.setattr(os, "replace", other_crawl_first)
    repaired = repair(killed)
    assert other == [None]
    assert repaired == tmp_path / live.name.removesuffix(".open")
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == [repaired.name]
    w.close()


@pytest.mark.parametrize("extra", [b"", b"WARC/1.1\r\n"])
def test_a_member_that_is_not_a_whole_record_is_cut(tmp_path: Path, extra: bytes) -> None:
    w = writer(tmp_path / "live")
    w.write(*exchange(w, 1))
    source = w.close()
    assert source is not None
    bad = tmp_path / (source.name + ".open")
    # A complete gzip member whose record lacks its end (or is not a record at all).
    bad.write_bytes(source.read_bytes() + gzip.compress(extra + b"WARC-Type: response\r\nContent-Length: 10\r\n\r\nabc"))
    assert repair(bad).read_bytes() == source.read_bytes()
    shutil.rmtree(tmp_path / "live")


def test_a_write_that_fails_is_cut_back_to_the_last_whole_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = writer(tmp_path)
    w.write(*exchange(w, 1))
    live = next(tmp_path.glob("*.open"))
    before = live.read_bytes()
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        """A disk that fills up mid-write: half of it written, then ENOSPC."""
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "write", half_then_full)
        with pytest.raises(OSError):
            w.write(*exchange(w, 2))
    assert live.read_bytes() == before
    # The writer goes on after its last whole record: the file reads whole to its end.
    refs = w.write(*exchange(w, 3))
    final = w.close()
    assert final is not None and whole_records(final) == (final.stat().st_size, 5)  # warcinfo, two exchanges
    assert refs[0].offset == len(before)


def test_a_file_whose_warcinfo_cannot_be_written_is_not_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = writer(tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
        with pytest.raises(OSError):
            w.write(*exchange(w, 1))
    assert list(tmp_path.iterdir()) == []
    w.write(*exchange(w, 2))
    assert w.close() is not None


@pytest.mark.parametrize("level", range(10))
def test_every_gzip_level_makes_standard_members_and_1_to_3_are_igzip_s(tmp_path: Path, level: int) -> None:
    w = WarcFileWriter(tmp_path, "test", INFO, RecordFactory(), gzip_level=level, clock=lambda: CLOCK)
    response, request = exchange(w, 1)
    refs = w.write(response, request)
    info = w.warcinfo_id
    path = w.close()
    assert path is not None
    data = path.read_bytes()
    for record, ref in zip((response, request), refs, strict=True):
        member = data[ref.offset : ref.offset + ref.length]
        assert gzip.decompress(member) == record.to_bytes(info)
        # ISA-L's igzip for 1-3 (its own levels), zlib's deflate for the others.
        assert (member == isal_zlib.compress(record.to_bytes(info), min(level, 3), wbits=31)) == (level in (1, 2, 3))
    with open(path, "rb") as stream:
        assert [r.rec_type for r in ArchiveIterator(stream)] == ["warcinfo", "response", "request"]
