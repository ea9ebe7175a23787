"""The capture middleware's writer thread (CAPTURE_WRITES "harvester.capture.thread.WriterThread"): records are built, gzipped and written there while the
loop goes on; they keep the order of the exchanges; its errors reach process_response's caller;
the SQLite dedup index and conversions work through it; closing drains it.

The middleware runs in an asyncio loop here, as under Scrapy's default reactor; the WARC files are
read back with warcio.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

import harvester.settings
from harvester.capture.handler import WIRE_META
from harvester.capture.middleware import CaptureMiddleware
from harvester.capture.records import RecordFactory, WarcRecord
from harvester.capture.wire import WireLog
from harvester.capture.writer import WarcFileWriter, WarcInfo
from harvester.capture.records import WarcRef
from harvester.capture.thread import WriterThread

INFO = WarcInfo(software="harvester/test", operator="tests", robots="obey", crawl_id="crawl-1", hostname="crawler.example.org")
STARTED = datetime(2026, 11, 2, 9, 5, 7, 123456, tzinfo=timezone.utc)


class NotingWriter(WarcFileWriter):
    """The real writer, noting the thread each group of records is gzipped and written on; a
    group for a URL in `hold` waits until its event is set."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "test", INFO, RecordFactory())
        self.threads: list[threading.Thread] = []
        self.hold: dict[str, threading.Event] = {}
        self.entered = threading.Event()
        self.released: list[bool] = []

    def _append(self, records: list[WarcRecord]) -> list[WarcRef]:
        self.threads.append(threading.current_thread())
        gate = self.hold.get(records[0].get("WARC-Target-URI") or "")
        if gate is not None:
            self.entered.set()
            self.released.append(gate.wait(10))
        return super()._append(records)


def page(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body


def exchange(url: str, received: bytes) -> tuple[Request, HtmlResponse]:
    """A request as the capturing download handler leaves it, with its wire log, and its response."""
    path = url.split("/", 3)[3]
    wire = WireLog(
        started=STARTED,
        peer="127.0.0.1",
        sent=bytearray(b"GET /%s HTTP/1.1\r\nHost: example.org\r\n\r\n" % path.encode()),
        received=bytearray(received),
        complete=True,
    )
    request = Request(url, meta={WIRE_META: wire})
    return request, HtmlResponse(url, status=200, body=received.partition(b"\r\n\r\n")[2], request=request)


def records(folder: Path) -> list[tuple[str, str | None, int, bytes]]:
    """(type, target URI, offset, block) of every record of the folder's WARC files, in file order."""
    found = []
    for path in sorted(folder.glob("*.warc.gz*")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, no_record_parse=True)
            for record in iterator:
                block = record.raw_stream.read()
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.append((record.rec_type, uri, iterator.get_record_offset(), block))
    return found


@pytest.fixture
def middleware(tmp_path: Path) -> Iterator[CaptureMiddleware]:
    writer = NotingWriter(tmp_path / "warc")
    capture = CaptureMiddleware(get_crawler(), writer, None, index=False, writes=WriterThread)
    yield capture
    capture._writes.finish(lambda: None)


def test_records_are_written_on_the_writer_thread_while_the_loop_runs(middleware: CaptureMiddleware) -> None:
    writer = middleware.writer
    assert isinstance(writer, NotingWriter)
    writer.hold["http://example.org/held"] = gate = threading.Event()

    async def main() -> HtmlResponse:
        request, response = exchange("http://example.org/held", page(b"<p>held</p>"))
        task = asyncio.ensure_future(middleware.process_response(request, response))
        # Once the writer thread is inside the write, the loop (not the thread) lets it go on.
        assert await asyncio.get_running_loop().run_in_executor(None, writer.entered.wait, 10)
        gate.set()
        return await task

    returned = asyncio.run(main())
    assert writer.released == [True]
    # warcinfo, then the response and its request: all on the one writer thread, none on the loop's.
    assert len(writer.threads) == 2 and len(set(writer.threads)) == 1
    assert writer.threads[0] is not threading.main_thread()
    assert writer.threads[0].name.startswith("capture-writer")
    assert returned.request.meta["capture"].file == writer.current
    assert middleware.stats.get_value("capture/records_written") == 2


def test_records_keep_the_order_of_the_exchanges(middleware: CaptureMiddleware) -> None:
    # Large payloads first, small ones last: work taken up in parallel would finish out of order.
    bodies = [os.urandom(size) for size in range(400_000, 0, -10_000)]
    pairs = [exchange(f"http://example.org/{n}", page(body)) for n, body in enumerate(bodies)]

    async def main() -> list[HtmlResponse]:
        return await asyncio.gather(*(middleware.process_response(request, response) for request, response in pairs))

    asyncio.run(main())
    middleware.spider_closed()
    written = records(middleware.writer.folder)
    urls = [f"http://example.org/{n}" for n in range(len(bodies))]
    assert [uri for type, uri, _, _ in written if type == "response"] == urls
    assert [uri for type, uri, _, _ in written if type == "request"] == urls
    offsets = {uri: (offset, block) for type, uri, offset, block in written if type == "response"}
    for (request, _), body in zip(pairs, bodies, strict=True):
        offset, block = offsets[request.url]
        assert request.meta["capture"].offset == offset
        assert block.endswith(body)
    assert middleware.stats.get_value("capture/records/response") == len(bodies)


def test_bytes_received_after_the_response_went_on_are_not_captured(middleware: CaptureMiddleware) -> None:
    writer = middleware.writer
    assert isinstance(writer, NotingWriter)
    writer.hold["http://example.org/first"] = gate = threading.Event()
    first = exchange("http://example.org/first", page(b"<p>first</p>"))
    capped = exchange("http://example.org/capped", page(b"<p>cut at the cap</p>"))

    async def main() -> None:
        held = asyncio.ensure_future(middleware.process_response(*first))
        assert await asyncio.get_running_loop().run_in_executor(None, writer.entered.wait, 10)
        queued = asyncio.ensure_future(middleware.process_response(*capped))
        await asyncio.sleep(0)  # one turn of the loop: the exchange is queued behind the held one
        # A download stopped at the size cap can still receive into its log.
        capped_wire.received += b"<p>late bytes</p>"
        gate.set()
        await asyncio.gather(held, queued)

    capped_wire = capped[0].meta[WIRE_META]
    asyncio.run(main())
    middleware.spider_closed()
    (block,) = [block for type, uri, _, block in records(writer.folder) if type == "response" and uri == capped[0].url]
    assert block == page(b"<p>cut at the cap</p>")


def test_an_unreadable_response_is_a_counted_skip_and_the_thread_goes_on(middleware: CaptureMiddleware) -> None:
    broken = exchange("http://example.org/broken", b"this is no HTTP response\r\n\r\n")
    good = exchange("http://example.org/good", page(b"<p>good</p>"))

    async def main() -> None:
        await middleware.process_response(*broken)
        await middleware.process_response(*good)

    asyncio.run(main())
    assert "capture" not in broken[0].meta
    assert middleware.stats.get_value("capture/skipped/unreadable") == 1
    assert good[0].meta["capture"].record_id
    middleware.spider_closed()
    assert [(type, uri) for type, uri, _, _ in records(middleware.writer.folder)] == [
        ("warcinfo", None),
        ("response", "http://example.org/good"),
        ("request", "http://example.org/good"),
    ]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "disk"
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_a_full_disk_raises_to_the_caller_of_process_response(small_disk: Path) -> None:
    capture = CaptureMiddleware(get_crawler(), NotingWriter(small_disk), None, index=False, writes=WriterThread)
    request, response = exchange("http://example.org/huge", page(os.urandom(512 * 1024)))
    try:
        with pytest.raises(OSError) as raised:
            asyncio.run(capture.process_response(request, response))
    finally:
        capture._writes.finish(lambda: None)
    assert raised.value.errno == errno.ENOSPC
    assert "capture" not in request.meta
    assert capture.stats.get_value("capture/records_written") is None


def crawler_settings(folder: Path, **overrides: Any) -> dict[str, Any]:
    """The project's capture settings, writing into `folder`."""
    settings = {name: value for name, value in vars(harvester.settings).items() if name.startswith("CAPTURE_")}
    return {**settings, "CAPTURE_DIR": str(folder), "CAPTURE_INDEX": False, **overrides}


@pytest.mark.parametrize("writes", ["harvester.capture.thread.WriterThread", "harvester.capture.process.WriterProcess"])
def test_the_sqlite_dedup_index_made_on_the_loop_thread_works_where_the_writes_run(tmp_path: Path, writes: str) -> None:
    folder = tmp_path / "warc"
    crawler = get_crawler(settings_dict=crawler_settings(folder, CAPTURE_SYNC_EVERY=1, CAPTURE_WRITES=writes))
    capture = CaptureMiddleware.from_crawler(crawler)
    assert type(capture._writes) is load_object(writes)
    body = b"<p>the same page under two addresses</p>"
    pairs = [exchange("http://example.org/a", page(body)), exchange("http://example.org/b", page(body))]
    text = "Same page\n".encode()

    async def main() -> list[WarcRef | None]:
        for pair in pairs:
            await capture.process_response(*pair)
        refers_to = pairs[0][0].meta["capture"].record_id
        return [
            await capture.write_conversion("http://example.org/a", text, refers_to, []),
            await capture.write_conversion("http://example.org/a", text, refers_to, []),
        ]

    first, again = asyncio.run(main())
    capture.spider_closed()
    assert first is not None and again is None
    assert [(type, uri) for type, uri, _, _ in records(folder)] == [
        ("warcinfo", None),
        ("response", "http://example.org/a"),
        ("request", "http://example.org/a"),
        ("revisit", "http://example.org/b"),
        ("request", "http://example.org/b"),
        ("conversion", "urn:text:http://example.org/a"),
    ]
    stats = crawler.stats
    assert stats.get_value("capture/records/revisit") == 1 and stats.get_value("capture/records/conversion") == 1
    assert stats.get_value("capture/conversions_known") == 1
    assert stats.get_value("capture/records_written") == 5
    # The digest of the payload comes back with the record.
    assert pairs[0][0].meta["capture_digest"] == pairs[1][0].meta["capture_digest"] == RecordFactory().digest(body)
    with closing(sqlite3.connect(folder / crawler.settings.get("CAPTURE_DEDUP_INDEX"))) as db:
        stored = sorted(row for row in db.execute("SELECT type, uri FROM captures"))
    assert stored == [("conversion", "http://example.org/a"), ("response", "http://example.org/a")]


def test_closing_writes_everything_queued_first(middleware: CaptureMiddleware) -> None:
    pairs = [exchange(f"http://example.org/{n}", page(os.urandom(50_000))) for n in range(10)]

    async def main() -> None:
        tasks = [asyncio.ensure_future(middleware.process_response(*pair)) for pair in pairs]
        await asyncio.sleep(0)  # one turn of the loop: every exchange is queued, few are written
        middleware.spider_closed()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    folder = middleware.writer.folder
    assert not list(folder.glob("*.open")) and len(list(folder.glob("*.warc.gz"))) == 1
    assert [uri for type, uri, _, _ in records(folder) if type == "response"] == [request.url for request, _ in pairs]


def test_inline_records_are_written_on_the_caller_s_thread_before_the_response_goes_on(tmp_path: Path) -> None:
    """With Inline the writes run on the caller's thread: no second thread runs Python beside the reactor."""
    folder = tmp_path / "warc"
    crawler = get_crawler(settings_dict=crawler_settings(folder, CAPTURE_WRITES="harvester.capture.thread.Inline"))
    capture = CaptureMiddleware.from_crawler(crawler)
    writer = NotingWriter(folder)
    capture.writer, capture.factory = writer, writer.factory
    request, response = exchange("http://example.org/inline", page(b"<p>inline</p>"))
    threads_before = threading.active_count()

    async def main() -> int:
        await capture.process_response(request, response)
        return len(records(folder))  # read while the loop still runs: written already

    written = asyncio.run(main())
    capture.spider_closed()
    assert written == 3  # warcinfo, response, request
    assert writer.threads == [threading.main_thread()] * 2
    assert threading.active_count() == threads_before
    assert (folder / request.meta["capture"].file).is_file()
    assert crawler.stats.get_value("capture/records_written") == 2
