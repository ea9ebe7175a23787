"""Spider middleware that gives a distributed crawl its start requests once: the first worker to
start a run (or `harvester seed`) queues them in Redis; the others start from the queue.

Settings: REDIS_URL (off when empty). The spider's start requests are read whole, then queued with
the run's status in one transaction (frontier.py), so a worker killed while seeding leaves either
a seeded run or none; each worker keeps them, to seed the run itself should the seeder die.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from harvester.distributed.config import distributed

logger = logging.getLogger(__name__)


class SeedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedMiddleware:
        if not distributed(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # Runs once the engine has opened the scheduler, which holds the frontier.
        frontier = self.crawler.engine.scheduler.frontier
        async for item in start:
            if isinstance(item, Request):
                frontier.start_requests.append(item)
            else:
                yield item
        if frontier.seed_if_unclaimed():
            self.crawler.stats.inc_value("distributed/seeded", len(frontier.start_requests))
            logger.info("Seeded the run with %d start requests", len(frontier.start_requests))
        else:
            logger.info("The run is seeded (%s): starting from the shared queue", frontier.status())
