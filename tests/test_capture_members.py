"""The scan of a gzipped WARC reads plain records itself (capture/members.py) and leaves the rest to
warcio: either way the records are those warcio reads, field for field."""

from __future__ import annotations

import gzip
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from harvester.capture import reader
from harvester.capture.members import gzip_records
from harvester.capture.reader import CaptureError, records
from harvester.capture.records import Original, RecordFactory
from harvester.capture.writer import WarcFileWriter, WarcInfo

DATE = "2026-11-25T10:00:00.000000Z"


def record(fields: list[str], block: bytes) -> bytes:
    head = "".join(f"{field}\r\n" for field in ["WARC/1.1", *fields, f"Content-Length: {len(block)}"])
    return head.encode("utf-8") + b"\r\n" + block + b"\r\n\r\n"


def response(uri: str, http: bytes, record_id: str = "<urn:uuid:1>", kind: str = "response") -> bytes:
    return record([f"WARC-Type: {kind}", f"WARC-Record-ID: {record_id}", f"WARC-Target-URI: {uri}", f"WARC-Date: {DATE}",
                   "Content-Type: application/http; msgtype=response"], http)


# Records whose reading has a rule of its own, each a gzip member of its own.
ODD_RECORDS = [
    # a header folded over two lines, one with Latin-1 bytes, a line without a colon
    response("http://a.test/1", b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\nX-Latin: caf\xe9\r\nno colon here\r\nContent-Type: text/html\r\n\r\n<p>1</p>"),
    # a status that is no number, a protocol that is not HTTP
    response("http://a.test/2", b"HTTP/1.1 abc\r\n\r\nbody", "<urn:uuid:2>"),
    response("http://a.test/3", b"ICY 200 OK\r\n\r\nbody", "<urn:uuid:3>"),
    # a revisit without an HTTP head, a response to a URI that has none
    record(["WARC-Type: revisit", "WARC-Record-ID: <urn:uuid:4>", "WARC-Target-URI: http://a.test/1"], b""),
    record(["WARC-Type: response", "WARC-Record-ID: <urn:uuid:5>", "WARC-Target-URI: dns:a.test"], b"20261125 a.test. 60 IN A 10.0.0.1"),
    # names with white space before the colon, a value with none after it, a field twice
    record(["WARC-Type :  metadata", "WARC-Record-ID:<urn:uuid:6>", "WARC-Target-URI: http://a.test/1", "X-Twice: a", "X-Twice: b"], b"k: v"),
    # an angle-bracketed URI (WARC 1.0 drafts), which warcio unwraps: left to warcio
    record(["WARC-Type: resource", "WARC-Record-ID: <urn:uuid:7>", "WARC-Target-URI: <http://a.test/7>"], b"seven"),
    # after it, plain records again
    record(["WARC-Type: conversion", "WARC-Record-ID: <urn:uuid:8>", "WARC-Target-URI: http://a.test/1", "WARC-Refers-To: <urn:uuid:1>"],
           "본문".encode()),
]


def as_compared(found: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.offset, r.length, r.type, r.fields, r.status, r.http_headers, r.block) for r in found]


def warcio_only(stream: Any, keep: set[str]) -> Generator[Any, None, int]:
    return 0
    yield  # a generator that reads nothing: warcio reads every record


def read(path: Path, keep: tuple[str, ...]) -> tuple[list[tuple[Any, ...]], str | None]:
    """The records read, and the error that ended the reading, if any."""
    found: list[Any] = []
    try:
        found.extend(records(path, keep))
    except CaptureError as error:
        return as_compared(found), str(error)
    return as_compared(found), None


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch, keep: tuple[str, ...] = ("conversion",)) -> tuple[tuple, tuple]:
    fast = read(path, keep)
    with monkeypatch.context() as patched:
        patched.setattr(reader, "gzip_records", warcio_only)
        slow = read(path, keep)
    return fast, slow


def test_a_crawl_s_records_are_read_as_warcio_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = RecordFactory()
    writer = WarcFileWriter(tmp_path, "harvester", WarcInfo("test", "", "obey", "crawl"), factory)
    body = gzip.compress("<p>기사</p>".encode())
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body)
    first = factory.response("https://a.test/1", DATE, "10.0.0.1", head, body)
    writer.write(first, factory.request("https://a.test/1", DATE, None, b"GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n", first.record_id))
    writer.write(factory.conversion("https://a.test/1", DATE, "기사".encode(), first.record_id, [("Harvester-Seq", "0")]))
    original = Original("https://a.test/1", DATE, first.record_id)
    writer.write(factory.revisit("https://a.test/1", "2026-11-26T10:00:00.000000Z", "10.0.0.1", head, factory.digest(body), original))
    path = writer.close()
    assert path is not None
    with path.open("rb") as stream:
        plain = list(gzip_records(stream, set()))
    # Every record was read without warcio, to the end of the file.
    assert plain and plain[-1].offset + plain[-1].length == path.stat().st_size
    (fast, error), slow = both_ways(path, monkeypatch)
    assert (fast, error) == slow and error is None
    assert [kind for _, _, kind, *_ in fast] == ["warcinfo", "response", "request", "conversion", "revisit"]
    assert fast[3][6] == "기사".encode()  # the conversion's text, kept


def test_odd_records_are_read_as_warcio_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "odd.warc.gz"
    path.write_bytes(b"".join(gzip.compress(member) for member in ODD_RECORDS))
    (fast, error), slow = both_ways(path, monkeypatch, keep=("conversion", "metadata"))
    assert (fast, error) == slow and error is None
    assert len(fast) == len(ODD_RECORDS)
    folded = dict(fast[0][5])
    assert folded["X-Folded"] == "one  two" and folded["X-Latin"] == "café"
    assert [status for _, _, _, _, status, _, _ in fast[:5]] == [200, None, None, None, None]
    assert fast[6][3]["WARC-Target-URI"] == "http://a.test/7"


def test_a_member_that_is_not_one_record_is_left_to_warcio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = response("http://a.test/1", b"HTTP/1.1 200 OK\r\n\r\none")
    # Two records in one member (a whole file gzipped), after a plain one: warcio reads the first.
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain) + gzip.compress(response("http://a.test/2", b"HTTP/1.1 200 OK\r\n\r\n2", "<urn:uuid:2>") + plain))
    with path.open("rb") as stream:
        members = gzip_records(stream, set())
        assert next(members).offset == 0
        with pytest.raises(StopIteration) as stop:
            next(members)
    assert stop.value.value == len(gzip.compress(plain))  # warcio reads on from the second member
    (fast, error), slow = both_ways(path, monkeypatch)
    assert (fast, error) == slow
    assert len(fast) == 2 and error is not None and "no WARC record at offset" in error


@pytest.mark.parametrize("cut", [10, 100])
def test_a_cut_file_is_reported_as_warcio_reports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int) -> None:
    members = [gzip.compress(member) for member in ODD_RECORDS[:3]]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(members)[: len(members[0]) + len(members[1]) + cut])
    (fast, error), slow = both_ways(path, monkeypatch)
    assert (fast, error) == slow
    assert len(fast) == 2 and error is not None and "truncated" in error
