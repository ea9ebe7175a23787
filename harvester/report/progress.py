"""Extension that tells a site's progress while it is crawled, and once more when it ends: pages
fetched and their rate, documents (new, changed), unchanged, skipped, no document, errors, elapsed.

Settings: REPORT_PROGRESS_INTERVAL (seconds; 0: off). Each report is a log line ("Progress ...")
whose record carries the figures (`progress`), so that a terminal shows them as a live line
instead (terminal.py). The counts are the report's (summary.py): what the progress says, the
summary says at the end.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from harvester.report.summary import site_section

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """Where a site's crawl stands."""

    site: str
    pages: int
    rate: float  # pages/s since the last report (over the whole crawl once it ended)
    new: int
    changed: int
    unchanged: int
    skipped: int  # not fetched: known, robots, offsite, before --since...
    no_document: int  # fetched without a document
    errors: int
    elapsed: float  # seconds since the site's crawl began
    state: str = "crawling"  # or the finish reason

    @property
    def documents(self) -> int:
        return self.new + self.changed

    @classmethod
    def of(cls, site: str, stats: dict[str, Any], rate: float, elapsed: float, state: str = "crawling") -> Progress:
        section = site_section(stats)
        documents = section["documents"]
        return cls(
            site=site,
            pages=section["pages"],
            rate=rate,
            new=documents["new"],
            changed=documents["changed"],
            unchanged=documents["unchanged"],
            skipped=sum(section["skipped"].values()),
            no_document=sum(section["no_document"].values()),
            errors=sum(section["errors"].values()),
            elapsed=elapsed,
            state=state,
        )

    def line(self) -> str:
        """'mofa_en: 120 pages (4.1/s), 33 documents (30 new, 3 changed), 25 unchanged, 2 skipped,
        1 no document, 1 error, 0:30'"""
        return (
            f"{self.site}: {self.pages} pages ({self.rate:.1f}/s), {self.documents} documents"
            f" ({self.new} new, {self.changed} changed), {self.unchanged} unchanged, {self.skipped} skipped,"
            f" {self.no_document} no document, {self.errors} error{'s' if self.errors != 1 else ''},"
            f" {int(self.elapsed) // 60}:{int(self.elapsed) % 60:02d}"
        )


class ProgressLine:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.pages = 0
        self.started = time.monotonic()
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
        self.started = time.monotonic()
        self.task = create_looping_call(self.log, spider)
        self.task.start(self.interval, now=True)

    def log(self, spider: Spider) -> None:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        rate, self.pages = (pages - self.pages) / self.interval, pages
        self._tell(spider, Progress.of(spider.name, stats, rate, time.monotonic() - self.started))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        stats = self.crawler.stats.get_stats()
        elapsed = time.monotonic() - self.started
        rate = stats.get("response_received_count", 0) / elapsed if elapsed else 0.0
        self._tell(spider, Progress.of(spider.name, stats, rate, elapsed, state=reason))

    def _tell(self, spider: Spider, progress: Progress) -> None:
        done = "" if progress.state == "crawling" else f" ({progress.state})"
        logger.info("Progress %s%s", progress.line(), done, extra={"spider": spider, "progress": progress})
