"""The crawl's byte budget: once FETCH_MAX_CRAWL_BYTES have come in, the spider closes, once, with
the finish reason `max_bytes`."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from harvester.fetch.budget import CrawlByteBudget


class Engine:
    def __init__(self) -> None:
        self.closed: list[str] = []

    async def close_spider_async(self, reason: str) -> None:
        self.closed.append(reason)


def test_the_crawl_closes_once_the_bytes_are_in() -> None:
    async def crawl() -> list[str]:
        crawler = get_crawler(Spider, {"FETCH_MAX_CRAWL_BYTES": 1000})
        crawler.engine = engine = Engine()
        budget = CrawlByteBudget.from_crawler(crawler)  # held: signals hold their receivers weakly
        request = Request("https://a.test/")
        for _ in range(3):
            crawler.signals.send_catch_log(signal=signals.bytes_received, data=b"x" * 400, request=request, spider=None)
            await asyncio.sleep(0)  # one turn: the close has run if it was called
        assert crawler.stats.get_value("fetch/crawl_bytes_limit") == 1000
        assert budget.received == 1200
        return engine.closed

    assert asyncio.run(crawl()) == ["max_bytes"]


def test_off_without_a_limit() -> None:
    with pytest.raises(NotConfigured):
        CrawlByteBudget.from_crawler(get_crawler(Spider, {"FETCH_MAX_CRAWL_BYTES": 0}))
