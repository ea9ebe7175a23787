"""Extension that stops the crawl cleanly before the disk fills up, and when it has.

Settings: STATE_MIN_FREE_SPACE (bytes; 0: no check), CAPTURE_DIR, CORPUS_DIR, STATE_DIR. As the
spider opens and before each response goes on, the free space of the output folders' file systems
is read; below the minimum, the spider is closed (or not started) with the reason `disk_full`,
while the space left still holds what the close writes (the job queue for `--resume`, the last
WARC bytes, the report). A write that fails for want of space anyway (ENOSPC/EDQUOT/EFBIG), in a
pipeline, a callback, the downloader or a component as it opens, closes the spider the same way,
and is counted (`state/disk_full/writes_failed`): the job is then not kept, its queue may lack the
pages whose writes failed. Everything written before stays valid: files are written atomically,
the crawl state is transactional. The stop is the graceful one of state/stopping.py.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from time import monotonic
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from harvester import signals as harvester_signals
from harvester.files import disk_full
from harvester.state.stopping import GracefulStop

logger = logging.getLogger(__name__)

# Seconds between two readings of the free space as responses come (hundreds a second): a crawl
# writes well under STATE_MIN_FREE_SPACE's default in that time.
CHECK_EVERY = 0.1


def existing(path: Path) -> Path:
    """The path or its nearest existing ancestor (whose file system the path will be on)."""
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def free_space(path: Path) -> int:
    """Bytes free for the user on the file system of `path`, which exists."""
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def output_folders(settings: BaseSettings) -> list[Path]:
    return [Path(settings.get(name)) for name in ("CAPTURE_DIR", "CORPUS_DIR", "STATE_DIR") if settings.get(name)]


def short_of_space(folders: list[Path], minimum: int, places: list[Path] | None = None) -> str | None:
    """Why the space left on the folders' file systems is below `minimum`, or None. `places`: where
    each folder's file system is read, when known (see `existing`)."""
    for folder, place in zip(folders, places or map(existing, folders)):
        free = free_space(place)
        if free < minimum:
            return f"{free} bytes free on the file system of {folder}, below STATE_MIN_FREE_SPACE ({minimum})"
    return None


class DiskGuard:
    def __init__(self, crawler: Crawler, folders: list[Path], minimum: int) -> None:
        self.crawler = crawler
        self.folders = folders
        self.minimum = minimum
        self.stopping = False
        # Where each folder's file system is read: the folder or, until it is made, its nearest
        # existing ancestor. Found once: a folder not yet made cannot be a mount point, so it will be
        # made on its ancestor's file system (and walking up the path before every response costs).
        self.places = [existing(folder) for folder in folders]
        self.checked_at = -CHECK_EVERY

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskGuard:
        settings = crawler.settings
        minimum = settings.getint("STATE_MIN_FREE_SPACE")
        folders = output_folders(settings)
        if not folders:
            raise NotConfigured
        guard = cls(crawler, folders, minimum)
        if minimum > 0:
            crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(guard.response_received, signal=signals.response_received)
        crawler.signals.connect(guard.item_error, signal=signals.item_error)
        crawler.signals.connect(guard.spider_error, signal=signals.spider_error)
        crawler.signals.connect(guard.request_failed, signal=harvester_signals.request_failed)
        crawler.signals.connect(guard.write_failed, signal=harvester_signals.write_failed)
        return guard

    def spider_opened(self) -> None:
        """Raises CloseSpider (Scrapy closes the spider as soon as it is open) when the disk is full."""
        short = self._short_of_space()
        if short:
            self._record(short)
            raise CloseSpider("disk_full")

    def response_received(self) -> None:
        now = monotonic()
        if now - self.checked_at < CHECK_EVERY:
            return
        self.checked_at = now
        short = self._short_of_space()
        if short:
            self.stop(short)

    def _short_of_space(self) -> str | None:
        return short_of_space(self.folders, self.minimum, self.places)

    def item_error(self, failure: Failure) -> None:
        self._check(failure)

    def spider_error(self, failure: Failure) -> None:
        self._check(failure)

    def request_failed(self, failure: Failure, **kwargs: Any) -> None:
        self._check(failure)

    def write_failed(self, error: BaseException) -> None:
        self._failed(error)

    def _check(self, failure: Failure) -> None:
        self._failed(failure.value)

    def _failed(self, error: BaseException) -> None:
        if disk_full(error):
            self.crawler.stats.inc_value("state/disk_full/writes_failed")
            self.stop(f"a write failed: {error}")

    def _record(self, why: str) -> bool:
        """Count the full disk and say so, once; False if it was already."""
        if self.stopping:
            return False
        self.stopping = True
        self.crawler.stats.set_value("state/disk_full", why)
        logger.error("Disk full: %s; the crawl stops (continue it with --resume once there is space)", why)
        return True

    def stop(self, why: str) -> None:
        if not self._record(why):
            return
        stopper = self.crawler.get_downloader_middleware(GracefulStop)
        if stopper is not None:
            stopper.stop("disk_full")
        elif self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))
