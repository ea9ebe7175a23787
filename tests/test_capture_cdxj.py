"""The writer's CDXJ index of each file is byte for byte what cdxj-indexer makes of the file."""

from __future__ import annotations

import gc
import itertools
import json
import warnings
from pathlib import Path

import pytest
from cdxj_indexer.main import CDXJIndexer

from harvester.capture.cdxj import FileLines
from harvester.capture.index import index_path, side_path, sort_lines
from harvester.capture.records import NOT_MODIFIED_PROFILE, Original, RecordFactory, WarcRecord, WarcRef
from harvester.capture.writer import WarcFileWriter, WarcInfo

INFO = WarcInfo(software="harvester/test", operator="tests", robots="obey", crawl_id="c", hostname="h")
DATE = "2026-11-02T09:05:07.123456Z"


class Indexer(CDXJIndexer):
    # cdxj-indexer's own defaults, whatever py-wacz (imported by another test) did to its list.
    DEFAULT_RECORDS = ["response", "revisit", "resource", "metadata"]


def cdxj_indexer(warc: Path, out: Path) -> bytes:
    """The index cdxj-indexer makes of a file, as capture/index.py runs it."""
    with warnings.catch_warnings():
        # It leaves the temp files of the digests it computes itself (a record without
        # WARC-Payload-Digest) to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        indexer = Indexer(str(out), [str(warc)], sort=True, post_append=True)
        indexer.process_all()
        del indexer
        gc.collect()
    return out.read_bytes()


def response_head(content_type: str | None = "text/html; charset=utf-8") -> bytes:
    lines = [b"HTTP/1.1 200 OK"]
    if content_type is not None:
        lines.append(b"Content-Type: " + content_type.encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


class Captures:
    """Writes groups of records as the capture middleware does: the main record, then its request."""

    def __init__(self, folder: Path, max_size: int = 1_000_000_000) -> None:
        numbers = itertools.count(1)
        self.factory = RecordFactory(make_id=lambda: f"<urn:uuid:{next(numbers):08d}>")
        self.writer = WarcFileWriter(folder, "t", INFO, self.factory, max_size=max_size, index=True)

    def exchange(self, url: str, head: bytes, payload: bytes, method: str = "GET", body: bytes = b"",
                 request_head: bytes = b"", truncated: str | None = None) -> WarcRecord:
        main = self.factory.response(url, DATE, "127.0.0.1", head, payload, truncated)
        self.writer.write(main, self.request(url, main, method, body, request_head))
        return main

    def request(self, url: str, main: WarcRecord, method: str = "GET", body: bytes = b"", head: bytes = b"") -> WarcRecord:
        message = f"{method} / HTTP/1.1\r\nHost: example.com\r\n".encode() + head + b"\r\n" + body
        return self.factory.request(url, DATE, "127.0.0.1", message, main.record_id)


def write_every_kind(captures: Captures) -> None:
    factory, writer = captures.factory, captures.writer
    page = captures.exchange("http://example.com/b?x=1", response_head(), b"<html>b</html>")
    # A payload seen before: a revisit, and a 304 (no payload digest) revisit.
    original = Original(page.get("WARC-Target-URI") or "", DATE, page.record_id)
    again = factory.revisit("http://example.com/a", DATE, None, response_head(), page.get("WARC-Payload-Digest"), original)
    writer.write(again, captures.request("http://example.com/a", again))
    same = factory.revisit("http://example.com/b?x=1", DATE, None, b"HTTP/1.1 304 Not Modified\r\n\r\n", None, original,
                           NOT_MODIFIED_PROFILE)
    writer.write(same, captures.request("http://example.com/b?x=1", same))
    # Forms: urlencoded, JSON, binary; a PUT; a POST without a body length.
    form = b"q=bridge+repairs&page=2&name=%ED%95%9C"
    captures.exchange("http://example.com/search", response_head(), b"found", "POST", form,
                      b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n" % len(form))
    data = json.dumps({"q": "다리", "page": [1, 2]}).encode()
    captures.exchange("http://example.com/api?v=2", response_head("application/json"), b"{}", "POST", data,
                      b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data))
    captures.exchange("http://example.com/upload", response_head(None), b"ok", "PUT", b"\x00\x01\xff",
                      b"Content-Type: application/octet-stream\r\nContent-Length: 3\r\n")
    captures.exchange("http://example.com/nolength", response_head(), b"ok", "post", b"a=1", b"Content-Type: text/plain\r\n")
    captures.exchange("http://example.com/badlength", response_head(), b"ok", "POST", b"a=1", b"Content-Length: many\r\n")
    # Cut short, and URLs beyond ASCII: raw UTF-8, percent-encoded, an IDN host, a space.
    captures.exchange("http://example.com/long", response_head(), b"x" * 500, truncated="length")
    captures.exchange("http://example.com/뉴스/기사?제목=다리", response_head(), b"raw")
    captures.exchange("http://example.com/%EB%89%B4%EC%8A%A4?q=%EB%8B%A4%EB%A6%AC", response_head(), b"encoded")
    captures.exchange("http://xn--9n2bp8q.kr/", response_head("TEXT/HTML ;charset=EUC-KR"), b"idn")
    captures.exchange("http://한국.kr/경로", response_head(), b"unicode host")
    captures.exchange("http://example.com/a b", response_head(), b"space")
    # Heads warcio reads its own way: no or empty Content-Type, LF line ends, a blank-looking
    # line, a header line without a colon, odd spacing in the status line, a folded header.
    captures.exchange("http://example.com/none", response_head(None), b"none")
    captures.exchange("http://example.com/empty", b"HTTP/1.1 200 OK\r\nContent-Type:\r\n\r\n", b"empty")
    captures.exchange("http://example.com/lf", b"HTTP/1.0 404 Not Found\nContent-Type: text/plain\n\n", b"lf")
    captures.exchange("http://example.com/blank", b"HTTP/1.1 200 OK\r\nX-A: 1\r\n \t\r\nContent-Type: image/png\r\n\r\n", b"png")
    captures.exchange("http://example.com/colon", b"HTTP/1.1  201  Created\r\nbroken line\r\ncontent-TYPE:  text/css\r\n\r\n", b"c")
    captures.exchange("http://example.com/fold", b"HTTP/1.1 200\r\nContent-Type: text/\r\n html\r\n\r\n", b"f")
    captures.exchange("http://example.com/latin", b"HTTP/1.1 200 OK\r\nContent-Type: text/html; x=\xe9\r\n\r\n", b"l")
    captures.exchange("https://example.com/secure", b"", b"")  # nothing received
    # Records of other types: a conversion, resources and metadata (one of them warc-fields).
    writer.write(factory.conversion("http://example.com/b?x=1", DATE, "다리 text".encode(), page.record_id))
    resource = WarcRecord("resource", [("WARC-Record-ID", "<urn:uuid:r1>"), ("WARC-Date", DATE),
                                       ("WARC-Target-URI", "http://example.com/logo.png"), ("Content-Type", "image/png")], b"\x89PNG")
    digested = WarcRecord("resource", [("WARC-Record-ID", "<urn:uuid:r2>"), ("WARC-Date", DATE),
                                       ("WARC-Target-URI", "urn:test:a"), ("Content-Type", "text/plain"),
                                       ("WARC-Payload-Digest", factory.digest(b"abc"))], b"abc")
    fields = WarcRecord("metadata", [("WARC-Record-ID", "<urn:uuid:m1>"), ("WARC-Date", DATE),
                                     ("WARC-Target-URI", "http://example.com/b?x=1"), ("Content-Type", "application/warc-fields")],
                        b"outlink: http://example.com/a\r\n")
    note = WarcRecord("metadata", [("WARC-Record-ID", "<urn:uuid:m2>"), ("WARC-Date", DATE),
                                   ("WARC-Target-URI", "http://example.com/b?x=1"), ("Content-Type", "text/plain")], b"note")
    writer.write(resource, digested, fields, note)
    # A request written before its response (concurrent to it), and a pair split over two writes.
    posted = factory.response("http://example.com/first", DATE, None, response_head(), b"r")
    ahead = captures.request("http://example.com/first", posted, "POST", b"k=v", b"Content-Length: 3\r\n")
    posted.fields.append(("WARC-Concurrent-To", ahead.record_id))
    ahead.fields = [(name, value) for name, value in ahead.fields if name != "WARC-Concurrent-To"]
    writer.write(ahead, posted)
    split = factory.response("http://example.com/split", DATE, None, response_head(), b"s")
    writer.write(split)
    writer.write(captures.request("http://example.com/split", split, "POST", b"s=1", b"Content-Length: 3\r\n"))


def test_each_file_s_index_is_what_cdxj_indexer_makes_of_it(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    write_every_kind(captures)
    warc = captures.writer.close()
    assert warc is not None and captures.writer.indexes == [index_path(warc)]
    assert not side_path(warc).exists()
    ours = index_path(warc).read_bytes()
    theirs = cdxj_indexer(warc, tmp_path / "theirs.cdxj")
    assert ours == theirs
    # What the comparison covered: each kind of line is there.
    entries = [json.loads(line.split(b" ", 2)[2]) for line in ours.splitlines()]
    assert {entry.get("mime") for entry in entries} >= {"warc/revisit", "text/html", "", "text/plain", "image/png", "TEXT/HTML"}
    assert sum(entry.get("method") == "POST" for entry in entries) == 6 and any(e.get("method") == "PUT" for e in entries)
    assert any("requestBody" in entry and entry["requestBody"] is None for entry in entries)
    assert any("digest" not in entry for entry in entries)  # the 304 revisit
    assert any("status" not in entry and entry["url"] == "https://example.com/secure" for entry in entries)
    assert len(entries) == 27  # 22 exchanges, 2 resources, 1 metadata, 2 pairs


def test_every_file_of_a_rollover_gets_its_own_index(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc", max_size=3000)
    write_every_kind(captures)
    captures.writer.close()
    files = captures.writer.closed
    assert len(files) > 3
    assert captures.writer.indexes == [index_path(warc) for warc in files]
    for n, warc in enumerate(files):
        assert index_path(warc).read_bytes() == cdxj_indexer(warc, tmp_path / f"theirs-{n}.cdxj"), warc.name
    assert sorted(p.name for p in (tmp_path / "warc" / "indexes").iterdir()) == sorted(p.name for p in captures.writer.indexes)


@pytest.mark.parametrize("sort_buffer", [1, 300, 1 << 20])
def test_lines_are_sorted_within_the_buffer_or_through_temp_files_alike(tmp_path: Path, sort_buffer: int) -> None:
    source = tmp_path / "lines"
    keys = ["com,example)/item/7", "com,example)/item/3", "kr,xn--9n2bp8q)/", "com,example)/item/3", "com,example)/é", "com,example)/z"]
    source.write_bytes("".join(f"{key} 20261102090507 {{}}\n" for key in keys).encode())
    out = tmp_path / "sorted"
    with open(out, "wb") as handle:
        sort_lines(source, handle, sort_buffer)
    assert out.read_text("utf-8").split("\n") == [
        "com,example)/item/3 20261102090507 {}",  # once: a repeated line is dropped, as cdxj-indexer does
        "com,example)/item/7 20261102090507 {}",
        "com,example)/z 20261102090507 {}",
        "com,example)/é 20261102090507 {}",
        "kr,xn--9n2bp8q)/ 20261102090507 {}",
        "",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lines", "sorted"]  # no run left behind


def test_a_line_waits_for_the_record_after_it() -> None:
    factory = RecordFactory()
    lines = FileLines()
    response = factory.response("http://example.com/", DATE, None, response_head(), b"x")
    assert lines.add([response], [WarcRef("f.warc.gz", 0, 10, response.record_id)]) == []
    (line,) = lines.finish()
    assert line.startswith("com,example)/ 20261102090507 {") and line.endswith("\n")
    assert lines.finish() == []
