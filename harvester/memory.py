"""Extension that tunes Python's garbage collector for a long crawl, once start-up is over.

Start-up leaves a few hundred thousand long-lived objects (Scrapy, Twisted, lxml, trafilatura's
tables, the profiles); `gc.freeze()` moves them out of every later collection, which would
otherwise walk them again and again. Young collections then come less often (a page makes and
drops thousands of objects, nearly all freed by their reference counts): fewer, as cheap. As the
engine stops, the frozen objects go back to the collector, so that what a finished crawl leaves in
reference cycles is collected.
Settings: MEMORY_GC_THRESHOLD (objects allocated between two young collections; 0: leave the
collector as it is).
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class GarbageCollection:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollection:
        threshold = crawler.settings.getint("MEMORY_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(max(self.threshold, gc.get_threshold()[0]), older, oldest)

    def engine_stopped(self) -> None:
        # What was frozen may be garbage now (a crawl of several sites starts the next one in this
        # process): back into the collector's walks.
        gc.unfreeze()
