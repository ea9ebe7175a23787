"""Extension that caps the size of a page: a response is read up to FETCH_MAX_PAGE_SIZE bytes and
goes on with what came, marked `meta["truncated"] = "length"` (for the capture's `WARC-Truncated`
and so that no document is made of it), counted under `fetch/truncated`.

Settings: FETCH_MAX_PAGE_SIZE (bytes; 0: no cap). A request's `meta["max_page_size"]` sets its own
cap (a sitemap may hold 50 MB). Scrapy's own DOWNLOAD_MAXSIZE, above it, stays the hard limit that
drops a response whole.
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, StopDownload

logger = logging.getLogger(__name__)


class PageSizeCap:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        # Bytes received so far per request object (a retry is a new object and starts at 0).
        self.received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageSizeCap:
        limit = crawler.settings.getint("FETCH_MAX_PAGE_SIZE")
        if limit <= 0:
            raise NotConfigured
        extension = cls(crawler, limit)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    def bytes_received(self, data: bytes, request: Request) -> None:
        size = self.received.get(request, 0) + len(data)
        self.received[request] = size
        limit = request.meta.get("max_page_size") or self.limit
        if size > limit and "truncated" not in request.meta:
            request.meta["truncated"] = "length"
            self.crawler.stats.inc_value("fetch/truncated")
            logger.warning("%s: larger than its size cap (%d bytes): kept truncated", request.url, limit)
            raise StopDownload(fail=False)
