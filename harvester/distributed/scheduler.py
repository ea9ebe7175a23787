"""scrapy-redis's scheduler, with a lease on every request a worker takes, so that a worker killed
mid-crawl loses none: the others put its leases back into the queue once its heartbeat expires.

scrapy-redis keeps the queue and the duplicate filter in Redis but pops a request for good: a
worker that dies loses what it had taken. Here a request is taken into the worker's leases
(atomically, frontier.py) and released only when the engine is done with it: no longer being
downloaded, nor scraped (its callback's requests queued, its items through the pipelines). The
engine's downloader and scraper say which requests they hold (the same sets the engine's own
idle check reads); each call for the next request releases the leases of the others.

Settings: scrapy-redis's (REDIS_URL, SCHEDULER_QUEUE_KEY, SCHEDULER_DUPEFILTER_KEY, ...; see
addon.py), DISTRIBUTED_PREFIX, DISTRIBUTED_WORKER_ID, DISTRIBUTED_WORKER_TIMEOUT.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis import picklecompat
from scrapy_redis.scheduler import Scheduler

from harvester.distributed.config import worker_id
from harvester.distributed.frontier import Frontier

logger = logging.getLogger(__name__)


class LeasingScheduler(Scheduler):
    crawler: Crawler
    frontier: Frontier
    leased: dict[Request, str]  # the requests this worker took, and their leases
    local: deque[Request]  # taken, not yet sent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.leased = {}
        scheduler.local = deque()
        return scheduler

    def open(self, spider: Spider) -> Any:
        super().open(spider)
        settings = self.crawler.settings
        self.frontier = Frontier(
            self.server,
            settings.get("DISTRIBUTED_PREFIX"),
            spider,
            worker_id(settings) or "",
            settings.getfloat("DISTRIBUTED_WORKER_TIMEOUT"),
            self.serializer or picklecompat,
        )
        self.frontier.join()
        return None

    def close(self, reason: str) -> None:
        # The queue and duplicate filter stay for the other workers (SCHEDULER_PERSIST); by now the
        # engine has finished every request, so the sweep releases every lease.
        self._sweep()
        given = self.frontier.leave()
        if given:
            self.stats.inc_value("distributed/requeued/own", given)
            logger.warning("%d unfinished requests given back to the queue", given, extra={"spider": self.spider})

    def enqueue_request(self, request: Request) -> bool:
        if request in self.leased:
            # Taken from the shared queue already, by take(): it waits here, leased, to be sent.
            self.local.append(request)
            return True
        return super().enqueue_request(request)

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        self._sweep()
        return self.take()

    def take(self) -> Request | None:
        """Leases the next request of the shared queue; None when it is empty. The worker extension
        takes one this way, and hands it to the engine, to wake an idle worker when work comes."""
        taken = self.frontier.lease()
        if taken is None:
            return None
        field, request = taken
        self.leased[request] = field
        self.stats.inc_value("scheduler/dequeued/redis")
        self.stats.inc_value("distributed/leased")
        return request

    def _busy(self) -> set[Request]:
        """The requests the engine is working on: downloading, or scraping (callback and items)."""
        engine = self.crawler.engine
        busy = set(engine.downloader.active) | set(self.local)
        slot = engine.scraper.slot
        if slot is not None:
            busy.update(slot.active)
            busy.update(request for _, request, _ in slot.queue)
        return busy

    def _sweep(self) -> None:
        """Releases the leases of the requests the engine is done with."""
        if not self.leased:
            return
        engine = self.crawler.engine
        busy = self._busy() if engine is not None and engine.scraper is not None else set()
        done = [request for request in self.leased if request not in busy]
        if done:
            self.frontier.release(self.leased.pop(request) for request in done)
            self.stats.inc_value("distributed/released", len(done))
