"""Downloader middleware that writes every exchange of the crawl into WARC files.

It sits last before the downloader, so robots.txt, redirects and error pages are captured like any
page, each from the bytes the download handler saw on the wire (capture/handler.py). A payload
captured before (this crawl or an earlier one into the same folder) becomes a revisit record.
At start-up it repairs `.open` files a killed crawl left; the writer writes each file's CDXJ index as
it writes the file, and at the end the files repaired get theirs (on a full disk, the next crawl
does: signal `write_failed`).

Settings: CAPTURE_ENABLED, CAPTURE_DIR, CAPTURE_PREFIX, CAPTURE_MAX_FILE_SIZE, CAPTURE_GZIP_LEVEL,
CAPTURE_DIGEST, CAPTURE_OPERATOR, CAPTURE_CRAWL_ID, CAPTURE_DEDUP, CAPTURE_DEDUP_MIN_SIZE,
CAPTURE_DEDUP_CLASS (the digest index, capture/dedup.py), CAPTURE_SYNC_EVERY, CAPTURE_INDEX,
CAPTURE_WRITES. Per request, `meta["dont_capture"]` skips it; the record of the response is left
in `meta["capture"]` (a WarcRef), its date in `meta["capture_date"]` and its payload's digest
(WARC-Payload-Digest) in `meta["capture_digest"]`.
Read from meta: `revisit_of` (a 304 becomes a server-not-modified revisit of that record) and
`truncated` (WARC-Truncated: length).

The work of each exchange (digests, dedup lookups, gzip, write, index lines, fsync) runs where
CAPTURE_WRITES says: in a process of its own (capture/process.py, the default), on the reactor
thread, or on a writer thread (capture/thread.py); process_response awaits it. Either way one
thread touches the writer, the files and the dedup index, in the order the exchanges came; the
stats are counted on the reactor thread, and errors reach process_response's caller as if the work
had run there. If the writes can no longer run (their process died), the crawl stops
("capture_failed"): its job is not kept, and `--resume` starts over, the crawl state skipping what
was finished.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import build_from_crawler, load_object

import harvester
from harvester import signals as harvester_signals
from harvester.capture.dedup import Capture, DedupIndex
from harvester.capture.handler import WIRE_META
from harvester.capture.index import index_folder
from harvester.capture.message import WireError, stored_request, stored_response
from harvester.capture.records import NOT_MODIFIED_PROFILE, Original, RecordFactory, WarcRecord, WarcRef, warc_date
from harvester.capture.process import WritesFailed
from harvester.capture.thread import Inline, Writes
from harvester.capture.wire import WireLog, utc_now
from harvester.capture.writer import WarcFileWriter, WarcInfo, repair_folder
from harvester.files import disk_full

logger = logging.getLogger(__name__)

FINISH_REASON = "capture_failed"  # the crawl stopped: its captures could no longer be written


@dataclass(frozen=True)
class Exchange:
    """What the writes need of one download."""

    url: str
    method: str
    started: datetime
    peer: str | None
    sent: bytes
    received: bytes


class CaptureMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        writer: WarcFileWriter,
        dedup: DedupIndex | None,
        dedup_min_size: int = 1,
        sync_every: int = 100,
        index: bool = True,
        writes: Callable[[object], Writes] = Inline,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        self.factory = writer.factory
        self.dedup = dedup
        self.dedup_min_size = dedup_min_size
        self.sync_every = sync_every
        self.index = index
        self._unsynced = 0
        # Where the writes run: one thread (the reactor's, a writer thread or a writer process's),
        # first in, first out, so records go to the files in the order the exchanges came, and
        # only that thread touches the writer, the dedup index and the files.
        self._writes = writes(self)
        self._failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("CAPTURE_ENABLED"):
            raise NotConfigured
        folder = Path(settings.get("CAPTURE_DIR"))
        crawler.stats.inc_value("capture/files_repaired", len(repair_folder(folder)))
        info = WarcInfo(
            software=f"harvester/{harvester.__version__} (Scrapy)",
            operator=settings.get("CAPTURE_OPERATOR", ""),
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            crawl_id=settings.get("CAPTURE_CRAWL_ID") or str(uuid.uuid4()),
            user_agent=settings.get("USER_AGENT", ""),
        )
        writer = WarcFileWriter(
            folder,
            settings.get("CAPTURE_PREFIX"),
            info,
            RecordFactory(settings.get("CAPTURE_DIGEST", "sha1")),
            max_size=settings.getint("CAPTURE_MAX_FILE_SIZE"),
            gzip_level=settings.getint("CAPTURE_GZIP_LEVEL"),
            index=settings.getbool("CAPTURE_INDEX"),
        )
        dedup: DedupIndex | None = None
        if settings.getbool("CAPTURE_DEDUP"):
            dedup = build_from_crawler(load_object(settings.get("CAPTURE_DEDUP_CLASS")), crawler)
        middleware = cls(
            crawler,
            writer,
            dedup,
            dedup_min_size=settings.getint("CAPTURE_DEDUP_MIN_SIZE"),
            sync_every=settings.getint("CAPTURE_SYNC_EVERY"),
            index=settings.getbool("CAPTURE_INDEX"),
            writes=load_object(settings.get("CAPTURE_WRITES")),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        # Everything queued is written (and its errors raised) before the files are closed.
        try:
            indexes, dedup_error = self._writes.finish(self._close)
        except WritesFailed as error:
            self._writes_failed(error)
            indexes, dedup_error = 0, None
        if dedup_error is not None:
            # Harmless: the payloads it would name are captured in full the next time.
            logger.error("The digest index could not keep its last entries: %s", dedup_error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=dedup_error)
        if self.index:
            # The writer indexed its files; a file repaired at start-up (or whose index could
            # not be written) is indexed from the file now.
            indexed, failed = index_folder(self.writer.folder)
            self.stats.inc_value("capture/indexes_written", indexes + len(indexed))
            for path, error in failed:
                self.stats.inc_value("capture/indexes_failed")
                if disk_full(error):
                    logger.error("CDXJ index of %s deferred: %s; the next crawl into the folder writes it", path.name, error,
                                 extra={"crawler": self.crawler})
                    self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
                else:
                    logger.error("No CDXJ index for %s: %s", path, error, extra={"crawler": self.crawler})

    def _close(self) -> tuple[int, Exception | None]:
        """Where the writes run, last: close the files and the dedup index; the number of indexes
        written, and the dedup index's full-disk error if its last commit met one."""
        self.writer.close()
        error = None
        if self.dedup is not None:
            try:
                self.dedup.commit()
            except Exception as raised:
                if not disk_full(raised):
                    raise
                error = raised
            self.dedup.close()
        return len(self.writer.indexes), error

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` where the writes run; a failure of the writes themselves stops the
        crawl (and is raised to the caller all the same)."""
        try:
            return await self._writes.run(function, *args)
        except WritesFailed as error:
            self._writes_failed(error)
            raise

    def _writes_failed(self, error: WritesFailed) -> None:
        """The writes cannot run any more: count it, say it once, stop the crawl."""
        self.stats.inc_value("capture/writes_failed")
        if self._failed:
            return
        self._failed = True
        logger.error("%s: the crawl stops; `--resume` fetches again what was not captured", error,
                     extra={"crawler": self.crawler})
        try:
            engine = self.crawler.engine
        except RuntimeError:
            return  # no crawl: the middleware used on its own
        if engine.spider is not None and engine.running:
            deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))

    def process_request(self, request: Request) -> None:
        request.meta["capture_date"] = utc_now()

    async def process_response(self, request: Request, response: Response) -> Response:
        wire: WireLog | None = request.meta.pop(WIRE_META, None)
        if request.meta.get("dont_capture"):
            return response
        if wire is None:
            # Not from the network (a cache, a file:// URL) or not over HTTP/1.1.
            self.stats.inc_value("capture/skipped/no_wire")
            return response
        # Read here, the writes get plain values. The bytes are copied now: a download
        # stopped early (size cap) may still be receiving into the log.
        exchange = Exchange(request.url, request.method, wire.started, wire.peer, bytes(wire.sent), bytes(wire.received))
        not_modified = request.meta.get("revisit_of") if response.status == 304 else None
        try:
            ref, written, payload_digest = await self._run(
                self.capture, exchange, not_modified, _truncation(request, response))
        except WireError as error:
            self.stats.inc_value("capture/skipped/unreadable")
            logger.warning("Not captured: %s: %s", request.url, error, extra={"crawler": self.crawler})
            return response
        self._count(written)
        request.meta["capture"] = ref
        request.meta["capture_date"] = wire.started
        request.meta["capture_digest"] = payload_digest
        return response

    def capture(
        self, exchange: Exchange, not_modified: dict[str, str] | None, truncated: str | None
    ) -> tuple[WarcRef, list[str], str]:
        """Where the writes run (capture/thread.py): write the exchange's records; returns where the
        response (or revisit) record is, the types of the records written and the payload's digest."""
        url, peer = exchange.url, exchange.peer
        stored = stored_response(exchange.received, exchange.method)
        date = warc_date(exchange.started)
        payload_digest = self.factory.digest(stored.payload)
        original = self._original(payload_digest, url, len(stored.payload), stored.truncated)
        if not_modified:
            # The answer to a conditional request for a page captured before (state/incremental.py).
            earlier = Original(not_modified["uri"], not_modified["date"], not_modified["record_id"])
            main = self.factory.revisit(url, date, peer, stored.head, None, earlier, NOT_MODIFIED_PROFILE)
        elif original is not None:
            main = self.factory.revisit(url, date, peer, stored.head, payload_digest, original)
        else:
            cut = truncated or ("disconnect" if stored.truncated else None)
            main = self.factory.response(url, date, peer, stored.head, stored.payload, cut, payload_digest)
        sent = self.factory.request(url, date, peer, stored_request(exchange.sent), main.record_id)
        ref, _ = self.writer.write(main, sent)
        if main.type == "response" and self.dedup is not None and not main.get("WARC-Truncated"):
            self.dedup.add(payload_digest, "response", Capture(url, date, main.record_id, ref.file))
        self._written()
        return ref, [main.type, sent.type], payload_digest

    def _original(self, digest: str, uri: str, size: int, truncated: bool) -> Original | None:
        if self.dedup is None or truncated or size < self.dedup_min_size:
            return None
        found = self.dedup.lookup(digest, "response", uri)
        return Original(found.uri, found.date, found.record_id) if found else None

    async def write_conversion(
        self, uri: str, text: bytes, refers_to: str, extra: list[tuple[str, str]], dedup: bool = True
    ) -> WarcRef | None:
        """Write derived text beside the capture `refers_to` names; with `dedup`, None when this
        URI's identical text is already in the captures."""
        ref, written = await self._run(self._write_conversion, uri, text, refers_to, extra, dedup)
        if ref is None:
            self.stats.inc_value("capture/conversions_known")
        self._count(written)
        return ref

    def _write_conversion(
        self, uri: str, text: bytes, refers_to: str, extra: list[tuple[str, str]], dedup: bool
    ) -> tuple[WarcRef | None, list[str]]:
        """Where the writes run: write_conversion's work."""
        text_digest = self.factory.digest(text)
        if dedup and self.dedup is not None and self.dedup.lookup(text_digest, "conversion", uri, any_uri=False):
            return None, []
        record = self.factory.conversion(uri, warc_date(utc_now()), text, refers_to, extra, text_digest)
        (ref,) = self.writer.write(record)
        if self.dedup is not None:
            self.dedup.add(text_digest, "conversion", Capture(uri, record.get("WARC-Date") or "", record.record_id, ref.file))
        self._written()
        return ref, [record.type]

    async def write_record(self, record: WarcRecord) -> WarcRef:
        """Write a record made elsewhere (a page's metadata record, capture/metadata.py) on the
        writes of the captures, in turn with them."""
        ref, written = await self._run(self._write_record, record)
        self._count(written)
        return ref

    def _write_record(self, record: WarcRecord) -> tuple[WarcRef, list[str]]:
        (ref,) = self.writer.write(record)
        self._written()
        return ref, [record.type]

    def _written(self) -> None:
        """Where the writes run, after each group of records: every `sync_every` groups, make
        them durable and only then let the dedup index name them."""
        self._unsynced += 1
        if self._unsynced >= self.sync_every:
            self.writer.sync()
            if self.dedup is not None:
                self.dedup.commit()
            self._unsynced = 0

    def _count(self, types: list[str]) -> None:
        # On the reactor thread: the stats dict is not a writer thread's to change.
        for type in types:
            self.stats.inc_value(f"capture/records/{type}")
        self.stats.inc_value("capture/records_written", len(types))


def _truncation(request: Request, response: Response) -> str | None:
    """The WARC-Truncated reason Scrapy knows of: the size cap stopped reading ("length",
    fetch/sizecap.py), or the body came short of what the server announced ("disconnect"); the
    writes add "disconnect" when the stored bytes show the body cut short."""
    if request.meta.get("truncated") == "length":
        return "length"
    if "dataloss" in response.flags:
        return "disconnect"
    return None

