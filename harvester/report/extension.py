"""Extension that writes the crawl's report: at the end of each site's crawl, its section of
REPORT_FILE (`crawl-report.json`, written atomically) and its summary line in the log. And what a
run does around it: the report reserved at its start (`reserve_report`) and completed at its end
(`complete_report`), in short if the disk is too full for the whole of it. It is written
once the engine has stopped, after every component's `spider_closed` (the crawl state settles the
sources' schedule there, and its retirements are part of the report).

Settings: REPORT_ENABLED, REPORT_FILE, REPORT_RUN_ID. Sites crawled under one run id (as `harvester crawl` does for all the
sites it is given) share one report; a new run replaces it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from harvester.files import disk_full, write_atomic
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


# Bytes the report holds from the run's start (JSON padded with spaces): room for a short report
# written over it in place, should the disk fill up.
REPORT_RESERVE = 4096


def reserve_report(path: Path, run_id: str) -> None:
    """Start the run's report, padded: its blocks are the room a short report needs at the end."""
    start = json.dumps({"run": run_id, "sites": {}}).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, start.ljust(REPORT_RESERVE) + b"\n")
    except OSError as error:
        if not disk_full(error):
            raise  # an earlier report, if any, is the room then


def complete_report(path: Path, run_id: str, results: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], bool]:
    """Each site's section of the report, and whether the report holds them. A section the report
    extension could not write (a full disk, a site that could not start) is written here: the
    report in full, else a short one (the finish reasons) in place of the report there is, else a
    line says that the summary printed is all there is."""
    report = read_report(path)
    written = report.get("sites", {}) if report.get("run") == run_id else {}
    sections = {name: written.get(name) or site_section(stats) for name, stats in results.items()}
    if all(name in written for name in results):
        return sections, True
    full = {"run": run_id, "sites": {**written, **sections}}
    short = {"run": run_id, "short": True, "sites": {name: {"finish_reason": s["finish_reason"]} for name, s in sections.items()}}
    try:
        write_atomic(path, (json.dumps(full, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return sections, True
    except OSError as error:
        failure = error
    try:
        # Not atomic: the only write a full disk may still take is one over the file's own blocks.
        data = (json.dumps(short, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(path, os.O_WRONLY)
        try:
            if os.fstat(fd).st_size < len(data):
                raise failure
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        print(f"harvester: {path} could not be written ({failure}); the summary printed is all there is", file=sys.stderr)
        return sections, False
    return sections, True
