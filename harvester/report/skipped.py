"""Extension that writes the skipped report: one JSON line per URL the crawl did not fetch, made
no document of, or failed on for good (the `url_skipped` signal), with the stage it stopped at,
its reason and the time, as Browsertrix's skipped-pages report does.

Settings: REPORT_ENABLED, REPORT_SKIPPED_FILE (`reports/skipped.jsonl`; empty: no report),
REPORT_RUN_ID. A line reads `{"time", "url", "stage", "reason", "detail", "site", "run"}`, the
stage `not_fetched`, `no_document` or `failed`. Sites crawled under
one run id share the file; a new run starts it anew, as it does `crawl-report.json`. Lines are
kept in a small buffer and appended, whole, at most FLUSH_LINES at a time, every FLUSH_SECONDS and
at the end, so memory stays flat and a killed crawl leaves whole lines (a torn last line, from a
full disk, is cut at the next start). A URL skipped again for the same reason while it is among
the last RECENT ones written (a footer link met on every page) is not written again.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from harvester import signals as harvester_signals

logger = logging.getLogger(__name__)

FLUSH_LINES = 500
FLUSH_SECONDS = 5.0
RECENT = 10_000


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def first_run(path: Path) -> str | None:
    """The run id of the file's first line (None: no file, or no whole first line)."""
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.readline()).get("run")
    except (OSError, ValueError, AttributeError):
        return None


def cut_torn_tail(path: Path) -> None:
    """Cut the file back to its last whole line."""
    with open(path, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # Read back in blocks until a line end is found (or the start of the file).
        end = size
        while end > 0:
            start = max(0, end - 65536)
            handle.seek(start)
            block = handle.read(end - start)
            newline = block.rfind(b"\n")
            if newline >= 0:
                handle.truncate(start + newline + 1)
                return
            end = start
        handle.truncate(0)


class SkippedReport:
    def __init__(self, crawler: Crawler, path: Path, run_id: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.crawler = crawler
        self.path = path
        self.run_id = run_id
        self.clock = clock
        self.site = ""
        self.buffer: list[bytes] = []
        self.recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self.fd: int | None = None
        self.failed = False
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkippedReport:
        settings = crawler.settings
        if not settings.getbool("REPORT_ENABLED") or not settings.get("REPORT_SKIPPED_FILE"):
            raise NotConfigured
        run_id = settings.get("REPORT_RUN_ID") or str(uuid.uuid4())
        report = cls(crawler, Path(settings.get("REPORT_SKIPPED_FILE")), run_id)
        crawler.signals.connect(report.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(report.url_skipped, signal=harvester_signals.url_skipped)
        return report

    def spider_opened(self, spider: Spider) -> None:
        self.site = spider.name
        self.open()
        self.task = create_looping_call(self.flush)
        self.task.start(FLUSH_SECONDS, now=False)

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
            if first_run(self.path) != self.run_id:
                flags |= os.O_TRUNC  # a new run: the report is of this run only
            elif self.path.exists():
                cut_torn_tail(self.path)
            self.fd = os.open(self.path, flags, 0o644)
        except OSError as error:
            self._failed(error)

    def url_skipped(self, url: str, reason: str, detail: str = "", stage: str = harvester_signals.NOT_FETCHED) -> None:
        key = (reason, url)
        if key in self.recent:
            self.recent.move_to_end(key)
            return
        self.recent[key] = None
        if len(self.recent) > RECENT:
            self.recent.popitem(last=False)
        line = {
            "time": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": url,
            "stage": stage,
            "reason": reason,
            "detail": detail,
            "site": self.site,
            "run": self.run_id,
        }
        self.buffer.append(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
        if len(self.buffer) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        """Append the buffered lines in one write (whole lines, whatever stops the process next)."""
        if not self.buffer:
            return
        data, self.buffer = b"".join(self.buffer), []
        if self.fd is None:
            return
        try:
            while data:
                data = data[os.write(self.fd, data) :]
        except OSError as error:
            self._failed(error)

    def _failed(self, error: OSError) -> None:
        if not self.failed:
            self.failed = True
            logger.error("%s: the skipped report could not be written (%s)", self.path, error)
        self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.flush()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
