"""Test-only: a crawl whose disk fills up at a chosen moment of one site's crawl, to hit moments
(the end of a crawl, as its files close) that a disk filling from outside hits only by chance.
Loaded as an extension; settings: FILL_AT = "<moment>:<site>", the moments those of
tests/stopswitch.py, and FILL_FILE, the file that takes every byte left on its file system.
"""

from __future__ import annotations

import errno
import os

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from tests.stopswitch import SIGNALS


class DiskFiller:
    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskFiller:
        moment, _, site = crawler.settings.get("FILL_AT", "").partition(":")
        if crawler.spidercls.name != site:
            raise NotConfigured
        filler = cls(crawler.settings.get("FILL_FILE"))
        crawler.signals.connect(filler.fill, signal=SIGNALS[moment])
        return filler

    def fill(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            while True:
                os.write(fd, bytes(65536))
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        finally:
            os.close(fd)
