"""Test-only: a crawl that sends itself a stop signal at a chosen moment of one site's crawl, to hit
moments that a signal from outside hits only by chance. Loaded as an extension; settings:

- STOP_AT = "<moment>:<site>", the moment one of
  "opened" (the site's spider is open; its first requests are not sent yet),
  "idle" (the site has nothing left to do: the engine is about to close it as finished),
  "closed" (its spider_closed signal: its components are closing),
  "stopped" (its engine has stopped: the run is between this site and the next);
- STOP_SIGNAL: the signal's name, SIGINT (the default) or SIGTERM;
- STOP_GROUP: True to send it to the crawl's process group, as a terminal's Ctrl-C does (the crawl
  must then run in a process group of its own).
"""

from __future__ import annotations

import os
import signal

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

SIGNALS = {"opened": signals.spider_opened, "idle": signals.spider_idle, "closed": signals.spider_closed,
           "stopped": signals.engine_stopped}


class StopSwitch:
    def __init__(self, number: int, group: bool) -> None:
        self.number = number
        self.group = group
        self.sent = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StopSwitch:
        moment, _, site = crawler.settings.get("STOP_AT", "").partition(":")
        if crawler.spidercls.name != site:
            raise NotConfigured
        switch = cls(signal.Signals[crawler.settings.get("STOP_SIGNAL", "SIGINT")], crawler.settings.getbool("STOP_GROUP"))
        crawler.signals.connect(switch.send, signal=SIGNALS[moment])
        return switch

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        if self.group:
            os.killpg(0, self.number)
        else:
            os.kill(os.getpid(), self.number)
