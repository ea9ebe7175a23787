"""Extension that stops the crawl cleanly before the disk fills up, and when it has.

Settings: STATE_MIN_FREE_SPACE (bytes; 0: no check), CAPTURE_DIR, CORPUS_DIR, STATE_DIR. Before each
response goes on, the free space of the output folders' file systems is read; below the minimum,
the spider is closed with the reason `disk_full`, while the space left still holds what the close
writes (the job queue for `--resume`, the last WARC bytes, the report). A write that fails for
want of space anyway (ENOSPC/EDQUOT/EFBIG), in a pipeline, a callback or the downloader, closes the
spider the same way. Everything written before stays valid: files are written atomically, the
crawl state is transactional.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from harvester import signals as harvester_signals
from harvester.files import disk_full

logger = logging.getLogger(__name__)


def existing(path: Path) -> Path:
    """The path or its nearest existing ancestor (whose file system the path will be on)."""
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def free_space(path: Path) -> int:
    stats = os.statvfs(existing(path))
    return stats.f_bavail * stats.f_frsize


class DiskGuard:
    def __init__(self, crawler: Crawler, folders: list[Path], minimum: int) -> None:
        self.crawler = crawler
        self.folders = folders
        self.minimum = minimum
        self.stopping = False
        # Each folder, once it exists (it is read before every response: path walks add up).
        self._existing: dict[Path, Path] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskGuard:
        settings = crawler.settings
        minimum = settings.getint("STATE_MIN_FREE_SPACE")
        folders = [Path(settings.get(name)) for name in ("CAPTURE_DIR", "CORPUS_DIR", "STATE_DIR") if settings.get(name)]
        if not folders:
            raise NotConfigured
        guard = cls(crawler, folders, minimum)
        if minimum > 0:
            crawler.signals.connect(guard.response_received, signal=signals.response_received)
        crawler.signals.connect(guard.item_error, signal=signals.item_error)
        crawler.signals.connect(guard.spider_error, signal=signals.spider_error)
        crawler.signals.connect(guard.request_failed, signal=harvester_signals.request_failed)
        crawler.signals.connect(guard.write_failed, signal=harvester_signals.write_failed)
        return guard

    def response_received(self) -> None:
        for folder in self.folders:
            free = free_space(self._where(folder))
            if free < self.minimum:
                self.stop(f"{free} bytes free on the file system of {folder}, below STATE_MIN_FREE_SPACE ({self.minimum})")
                return

    def _where(self, folder: Path) -> Path:
        """The folder, or its nearest existing ancestor until it exists."""
        path = self._existing.get(folder)
        if path is None:
            path = existing(folder)
            if path == folder.absolute():
                self._existing[folder] = path
        return path

    def item_error(self, failure: Failure) -> None:
        self._check(failure)

    def spider_error(self, failure: Failure) -> None:
        self._check(failure)

    def request_failed(self, failure: Failure, **kwargs: Any) -> None:
        self._check(failure)

    def write_failed(self, error: BaseException) -> None:
        if disk_full(error):
            self.stop(f"a write failed: {error}")

    def _check(self, failure: Failure) -> None:
        if disk_full(failure.value):
            self.stop(f"a write failed: {failure.value}")

    def stop(self, why: str) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.crawler.stats.set_value("state/disk_full", why)
        logger.error("Disk full: %s; the crawl stops (continue it with --resume once there is space)", why)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))
