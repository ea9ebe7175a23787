"""Extension that ends a crawl once it has received FETCH_MAX_CRAWL_BYTES bytes of responses
(bodies as they came over the wire, robots.txt and requisites included): the spider closes with
the finish reason `max_bytes`, as Scrapy's CLOSESPIDER_PAGECOUNT closes it after a number of pages.

Settings: FETCH_MAX_CRAWL_BYTES (0: no limit).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

FINISH_REASON = "max_bytes"


class CrawlByteBudget:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.received = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlByteBudget:
        limit = crawler.settings.getint("FETCH_MAX_CRAWL_BYTES")
        if limit <= 0:
            raise NotConfigured
        extension = cls(crawler, limit)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    def bytes_received(self, data: bytes) -> None:
        self.received += len(data)
        if self.received >= self.limit and not self.closing:
            self.closing = True
            self.crawler.stats.set_value("fetch/crawl_bytes_limit", self.limit)
            logger.info("%d bytes received, FETCH_MAX_CRAWL_BYTES is %d: the crawl ends", self.received, self.limit)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=FINISH_REASON))
