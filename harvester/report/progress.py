"""Extension that logs a progress line while a site is crawled, and a last one when it ends:
pages fetched and their rate, documents (new, changed), unchanged, skipped, errors.

Settings: REPORT_PROGRESS_INTERVAL (seconds; 0: off).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from harvester.report.summary import site_section

logger = logging.getLogger(__name__)


def progress_line(site: str, stats: dict[str, Any], rate: float) -> str:
    """'mofa_en: 120 pages (4.1/s), 33 documents (30 new, 3 changed), 25 unchanged, 2 skipped, 1 error'"""
    section = site_section(stats)
    documents = section["documents"]
    errors = sum(section["errors"].values())
    skipped = sum(section["skipped"].values()) + sum(section["no_document"].values())
    return (
        f"{site}: {section['pages']} pages ({rate:.1f}/s), {documents['new'] + documents['changed']} documents"
        f" ({documents['new']} new, {documents['changed']} changed), {documents['unchanged']} unchanged,"
        f" {skipped} skipped, {errors} error{'s' if errors != 1 else ''}"
    )


class ProgressLine:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.pages = 0
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        interval = crawler.settings.getfloat("REPORT_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.task = create_looping_call(self.log, spider)
        self.task.start(self.interval, now=False)

    def log(self, spider: Spider) -> None:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        rate, self.pages = (pages - self.pages) / self.interval, pages
        logger.info("Progress %s", progress_line(spider.name, stats, rate), extra={"spider": spider})

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        stats = self.crawler.stats.get_stats()
        elapsed = stats.get("elapsed_time_seconds") or 0.0
        rate = stats.get("response_received_count", 0) / elapsed if elapsed else 0.0
        logger.info("Progress %s (done)", progress_line(spider.name, stats, rate), extra={"spider": spider})
