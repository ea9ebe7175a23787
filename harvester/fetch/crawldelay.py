"""Extension that honours robots.txt `Crawl-delay`, which Scrapy's robots.txt middleware parses but
does not apply.

Settings: ROBOTSTXT_OBEY, ROBOTSTXT_USER_AGENT, USER_AGENT, FETCH_MAX_CRAWL_DELAY (the longest delay
granted). The host's download slot is held at or above the delay, jitter included; AutoThrottle,
which may lower a slot's delay after each response, is overruled after it.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)


class CrawlDelay:
    def __init__(self, crawler: Crawler, user_agent: str, longest: float) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self.longest = longest
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        extension = cls(crawler, user_agent, settings.getfloat("FETCH_MAX_CRAWL_DELAY"))
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        return extension

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent) if hasattr(robotparser, "crawl_delay") else None
        if not asked:
            return
        key = self.crawler.engine.downloader.get_slot_key(request)
        self.delays[key] = delay = min(float(asked), self.longest)
        self.crawler.stats.set_value(f"fetch/crawl_delay/{key}", delay)
        logger.info("robots.txt of %s asks for Crawl-delay %s: granted %s s", key, asked, delay)
        self._hold(key)

    def response_downloaded(self, response: Response, request: Request) -> None:
        key = request.meta.get("download_slot")
        if key in self.delays:
            self._hold(key)

    def _hold(self, key: str) -> None:
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is None:
            # No slot yet: the downloader makes it from DOWNLOAD_SLOTS, so the delay is there first.
            self.crawler.engine.downloader.per_slot_settings.setdefault(key, {})["delay"] = self.delays[key]
            return
        jitter = slot.jitter if slot.jitter < 1 else 0
        # The slot waits delay × (1 ± jitter): its lowest draw must still be the Crawl-delay.
        slot.delay = max(slot.delay, self.delays[key] / (1 - jitter))
