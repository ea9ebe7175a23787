"""Offsite requests: filtered as Scrapy filters them, and each one told to the skipped report."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.fetch.offsite import ReportedOffsiteMiddleware


class NewsSpider(Spider):
    name = "news"
    allowed_domains = ["news.faults.test"]


def test_an_offsite_request_is_filtered_and_reported() -> None:
    crawler = get_crawler(NewsSpider)
    crawler.spider = crawler._create_spider()
    middleware = ReportedOffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    skipped: list[tuple[str, str]] = []
    crawler.signals.connect(lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False)
    middleware.process_request(Request("https://news.faults.test/news/view.php?idx=1"))
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://news.elsewhere.test/a"))
    assert skipped == [("https://news.elsewhere.test/a", "offsite")]
    assert crawler.stats.get_value("offsite/filtered") == 1
