"""Extension that writes the crawl's report: at the end of each site's crawl, its section of
REPORT_FILE (`crawl-report.json`, written atomically) and its summary line in the log. It is written
once the engine has stopped, after every component's `spider_closed` (the crawl state settles the
sources' schedule there, and its retirements are part of the report).

Settings: REPORT_ENABLED, REPORT_FILE, REPORT_RUN_ID. Sites crawled under one run id (as `harvester crawl` does for all the
sites it is given) share one report; a new run replaces it.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from harvester.files import write_atomic
from harvester.report.summary import site_section, summary_line

logger = logging.getLogger(__name__)


def read_report(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


class CrawlReport:
    def __init__(self, crawler: Crawler, path: Path, run_id: str) -> None:
        self.crawler = crawler
        self.path = path
        self.run_id = run_id
        # The spider that closed, and why: written once the engine has stopped.
        self.closed: tuple[Spider, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        settings = crawler.settings
        if not settings.getbool("REPORT_ENABLED") or not settings.get("REPORT_FILE"):
            raise NotConfigured
        path = Path(settings.get("REPORT_FILE"))
        extension = cls(crawler, path, settings.get("REPORT_RUN_ID") or str(uuid.uuid4()))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.closed = (spider, reason)

    def engine_stopped(self) -> None:
        if self.closed is None:
            return
        spider, reason = self.closed
        section = site_section(self.crawler.stats.get_stats(), reason)
        logger.info("Summary: %s", summary_line(spider.name, section), extra={"spider": spider})
        report = read_report(self.path)
        if report.get("run") != self.run_id:
            report = {"run": self.run_id, "sites": {}}
        report["sites"][spider.name] = section
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(self.path, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as error:
            logger.error("%s: the report could not be written (%s)", self.path, error, extra={"spider": spider})
