"""Item pipeline that turns an `ArticlePage` into its `Document`, in worker processes.

Settings: EXTRACTION_ENABLED, EXTRACTION_PROCESSES (worker processes; unset: one per CPU core,
0: in the crawl process itself), EXTRACTION_TIMEOUT (seconds per page in a worker; 0: no limit).
The page passes the gate of extraction/page.py and the extractor in a worker (extraction/pool.py),
read with its profile's rules of the capture's date, which also renders the document's file; the
crawl goes on meanwhile. A page without article text (empty, binary, not HTML, a bot wall, cut
short) is dropped, logged and counted under `extraction/failed/<reason>`; its capture stays in the
WARC. A page whose declared charset is wrong or missing is read in the one its bytes are in,
counted under `extraction/charset/<note>`. A page that crashes the extractor, runs past the time
limit or kills its worker is counted under `extraction/failed/error`, `extraction/failed/timeout`
or `extraction/failed/worker_died`: one page lost, never the crawl. In the crawl process
(EXTRACTION_PROCESSES=0) no time limit can be kept. `extract` (a class attribute) is the function
the workers run: tests put a slow one there.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, NoReturn

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available

from harvester.awaitable import result
from harvester.extraction.errors import ExtractionError, ExtractionTimeout, PoolClosed, WorkerDied
from harvester.extraction.page import Extracted, extract_page
from harvester.extraction.pool import ExtractionPool
from harvester.extraction.sanity import capture_time
from harvester.items import ArticlePage
from harvester.signals import NO_DOCUMENT, send_skipped

logger = logging.getLogger(__name__)


def time_limit(value: Any) -> float | None:
    """EXTRACTION_TIMEOUT as seconds: 0 (or unset) means no limit."""
    try:
        seconds = float(value or 0)
    except ValueError:
        raise ValueError(f"EXTRACTION_TIMEOUT must be a number of seconds, not {value!r}") from None
    if seconds < 0:
        raise ValueError(f"EXTRACTION_TIMEOUT must be 0 or more, not {value}")
    return seconds or None


def process_count(value: Any) -> int:
    """EXTRACTION_PROCESSES as a number: None or '' mean one per CPU core."""
    if value is None or value == "":
        return os.cpu_count() or 1
    count = int(value)
    if count < 0:
        raise ValueError(f"EXTRACTION_PROCESSES must be 0 or more, not {count}")
    return count


class ExtractionPipeline:
    extract = staticmethod(extract_page)

    def __init__(self, crawler: Crawler, processes: int, timeout: float | None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.processes = processes
        self.timeout = timeout
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        if not crawler.settings.getbool("EXTRACTION_ENABLED"):
            raise NotConfigured
        settings = crawler.settings
        return cls(crawler, process_count(settings.get("EXTRACTION_PROCESSES")), time_limit(settings.get("EXTRACTION_TIMEOUT")))

    def open_spider(self) -> None:
        if self.processes:
            # On Scrapy's asyncio loop, the loop supervises the workers: no second thread (pool.py).
            loop = asyncio.get_event_loop() if is_asyncio_available() else None
            self.pool = ExtractionPool(self.processes, self.extract, self.timeout, loop)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            if self.pool.replaced:
                self.stats.set_value("extraction/workers_replaced", self.pool.replaced)
            self.pool = None

    async def _extract(self, item: ArticlePage) -> Extracted:
        captured = capture_time(item.fetched_at)
        page = (item.body, item.content_type, item.truncated, item.final_url, item.site, captured and captured.date())
        if self.pool is None:
            return self.extract(*page)
        return await result(self.pool.submit(*page))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            extracted = await self._extract(item)
        except ExtractionError as error:
            self._drop(item, error.reason, error)
        except ExtractionTimeout as error:
            self._drop(item, "timeout", error)
        except WorkerDied as error:
            self._drop(item, "worker_died", error)
        except PoolClosed as error:  # the crawl stopped with the page still in the pool
            self._drop(item, "stopped", error)
        except Exception as error:
            # A bug, or a page no parser survives: one page is lost, never the crawl.
            logger.exception("Extraction of %s failed", item.url, extra={"crawler": self.crawler})
            self._drop(item, "error", error)
        if extracted.charset_note:
            self.stats.inc_value(f"extraction/charset/{extracted.charset_note}")
            logger.info("%s: charset %s (%s)", item.url, extracted.encoding, extracted.charset_note,
                        extra={"crawler": self.crawler})
        item.encoding, item.document, item.text = extracted.encoding, extracted.document, extracted.text
        self.stats.inc_value("extraction/documents")
        return item

    def _drop(self, item: ArticlePage, reason: str, error: Exception) -> NoReturn:
        item.skipped = reason
        self.stats.inc_value(f"extraction/failed/{reason}")
        logger.warning("No document from %s: %s", item.url, error, extra={"crawler": self.crawler})
        send_skipped(self.crawler, item.url, reason, str(error), count=False, stage=NO_DOCUMENT)
        # Logged above, once: Scrapy's own "Dropped" line is kept to DEBUG.
        raise DropItem(f"no document: {error}", log_level="DEBUG") from error
