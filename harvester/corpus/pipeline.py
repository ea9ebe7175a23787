"""Item pipeline that writes each extracted document into the corpus.

Settings: CORPUS_ENABLED, CORPUS_DIR, CORPUS_STORE_CLASS (the store: a corpus folder, store.py;
a distributed crawl's worker writes its own part, named by the distributed package),
CORPUS_SYNC_EVERY and CORPUS_SYNC_INTERVAL (group commit, writer.py). What becomes
of the document is the store's one rule (store.py): `corpus/documents/new`, `.../changed` (its
next version) or `.../unchanged` (not written again); `corpus/documents` counts the files written.
The item leaves with its `outcome` and manifest `entry` set, once the document is durable: the
conversion record and the crawl state, which come after, never count a document a crash could
lose. A document that cannot be written for want of space is dropped (`corpus/failed/disk_full`)
and the disk guard told (signal `write_failed`); a corpus that cannot be opened for want of space
closes the spider (`disk_full`) as it opens. The files are written on the corpus's writer thread,
one document after another in the order they come, and made durable a group at a time, so that
waiting for the disk never holds up the crawl.

ConversionPipeline, after it, writes a conversion record (conversion.py) for each manifest line the
corpus writes from a capture: a new document, a new version, or a line a rebuild made anew. Its
records come in the order the corpus wrote the lines, and each names the document's number and
version. An unchanged document gets none, unless the one it should have is missing from the
captures (a crawl killed between the corpus and the record): then it is written at last. Without
a corpus, a document whose identical text is already captured for its URL is not written again. A
record that cannot be written for want of space drops its item (the disk guard is told: signal
`write_failed`). Settings: CAPTURE_ENABLED, CAPTURE_CONVERSIONS.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from harvester import signals as harvester_signals
from harvester.awaitable import result
from harvester.capture.middleware import CaptureMiddleware
from harvester.corpus.conversion import conversion_headers
from harvester.corpus.ids import document_id
from harvester.corpus.manifest import Entry, item_fields
from harvester.corpus.store import Corpus, DocumentStore
from harvester.corpus.writer import GroupWriter
from harvester.files import disk_full
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)


class CorpusPipeline:
    def __init__(
        self, crawler: Crawler, store_class: type[DocumentStore] = Corpus, sync_every: int = 1, sync_interval: float = 0.0
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store_class = store_class
        self.sync_every = sync_every
        self.sync_interval = sync_interval
        self.corpus: DocumentStore | None = None
        # The only thread that writes to the corpus once it is open.
        self.writer: GroupWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusPipeline:
        settings = crawler.settings
        if not settings.getbool("CORPUS_ENABLED"):
            raise NotConfigured
        return cls(
            crawler,
            load_object(settings.get("CORPUS_STORE_CLASS")),
            settings.getint("CORPUS_SYNC_EVERY"),
            settings.getfloat("CORPUS_SYNC_INTERVAL"),
        )

    def open_spider(self) -> None:
        try:
            self.corpus = build_from_crawler(self.store_class, self.crawler)
        except OSError as error:
            if not disk_full(error):
                raise
            # Opening may have to repair or fold the folder, which takes space; nothing is lost.
            logger.error("The corpus could not be opened: %s", error, extra={"crawler": self.crawler})
            raise CloseSpider("disk_full") from error
        self.writer = GroupWriter(self.corpus, self.sync_every, self.sync_interval)

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.stats.set_value("corpus/groups_synced", self.writer.groups)
        if self.corpus is not None:
            try:
                self.corpus.close()
            except OSError as error:
                if not disk_full(error):
                    raise
                # Every document written is listed; what closing had left to do, the next start does.
                logger.error("The corpus could not be closed in full: %s", error, extra={"crawler": self.crawler})
                self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)

    def holds(self, doc_id: str) -> bool:
        """Whether the corpus has the document (any thread may ask)."""
        return self.corpus is not None and doc_id in self.corpus

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage) or item.document is None:
            return item
        assert self.writer is not None and item.text is not None
        fields = item_fields(item)
        try:
            stored = await result(self.writer.store_document(document_id(item.canonical_url), item.text, fields))
        except OSError as error:
            if not disk_full(error):
                raise
            # Nothing half-written stays (atomic writes); the page is fetched again by the next crawl.
            self.stats.inc_value("corpus/failed/disk_full")
            logger.error("Document of %s not written: %s", item.canonical_url, error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
            raise DropItem(f"not written: {error}", log_level="DEBUG") from error
        item.entry, item.outcome = stored.entry, stored.outcome
        self.stats.inc_value(f"corpus/documents/{item.outcome}")
        if item.outcome != "unchanged":
            self.stats.inc_value("corpus/documents")
            logger.info(
                "Document %s v%d %s", item.entry.file, item.entry.version, item.canonical_url, extra={"crawler": self.crawler}
            )
        return item


class ConversionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.capture: CaptureMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConversionPipeline:
        settings = crawler.settings
        if not (settings.getbool("CAPTURE_ENABLED") and settings.getbool("CAPTURE_CONVERSIONS")):
            raise NotConfigured
        return cls(crawler)

    def open_spider(self) -> None:
        # The downloader's middlewares exist once the engine does, not when pipelines are made.
        self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)

    async def process_item(self, item: Any) -> Any:
        try:
            await self._write(item)
        except OSError as error:
            if not disk_full(error):
                raise
            # Dropped, its page is not settled in the crawl state: the next crawl fetches it again,
            # finds its document unchanged and writes the record then.
            logger.error("Conversion record of %s not written: %s", item.canonical_url, error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
            raise DropItem(f"conversion record not written: {error}", log_level="DEBUG") from error
        return item

    async def _write(self, item: Any) -> None:
        if self.capture is None or not isinstance(item, ArticlePage) or item.text is None or item.warc is None:
            return
        entry: Entry | None = item.entry
        if entry is None:
            # No corpus: the page's own capture, and only a text not captured for the URL before.
            headers = conversion_headers(item_fields(item))
            await self.capture.write_conversion(item.final_url, item.text, item.warc.record_id, headers)
            return
        written_now = entry.warc == item.warc
        if entry.warc is None or (not written_now and self.capture.dedup is None):
            # Without a digest index, a missing record cannot be told from one written before.
            return
        # The line names this capture: the corpus wrote it now. Else the document is unchanged and
        # its record was written with its line, unless a kill came in between: it is written if
        # the captures lack it. Queued on the writer thread at once (no await before), so in the
        # corpus's order.
        await self.capture.write_conversion(
            entry.final_url,
            item.text,
            entry.warc.record_id,
            conversion_headers(vars(entry), entry.seq, entry.version),
            # A text the corpus just wrote is recorded even if an older capture had it (a reverted edit).
            dedup=not written_now,
        )
