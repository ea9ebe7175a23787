"""Extension that keeps a worker of a distributed crawl in the crawl: its heartbeat, the re-queueing
of gone workers' requests, waiting for work, and the end of the crawl.

Settings: REDIS_URL (off when empty), DISTRIBUTED_WORKER_TIMEOUT (seconds without a heartbeat after
which a worker counts as gone; the heartbeat beats three times as often), DISTRIBUTED_POLL_INTERVAL
(seconds between an idle worker's looks at the shared queue). Every beat also puts the leases of
gone workers back into the queue (`distributed/requeued`). A worker with nothing to do does not
close while the crawl goes on: it waits as long as the queue is empty but some worker holds
requests, whose outcome may be new requests, and takes up work as soon as the queue has some. It
closes (`finished`) when the run has ended: the queue empty and no lease held, by any worker.
"""

from __future__ import annotations

import logging
import time

import redis
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from harvester.distributed.config import distributed
from harvester.distributed.scheduler import LeasingScheduler

logger = logging.getLogger(__name__)


def asleep(engine: ExecutionEngine) -> bool:
    """Whether the engine has nothing in progress: then it looks at the scheduler again only at its
    next heartbeat (5 s), however full the shared queue is."""
    slot = engine.scraper.slot
    return not engine.downloader.active and slot is not None and slot.is_idle()


class Worker:
    def __init__(self, crawler: Crawler, timeout: float, poll: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.beat_every = timeout / 3
        self.poll = min(poll, self.beat_every)
        self.scheduler: LeasingScheduler | None = None
        self.last_beat = 0.0
        self.idled = False  # the engine has run out of work once (its start requests are read)
        self.ended = False
        self.tick = create_looping_call(self.look)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Worker:
        settings = crawler.settings
        if not distributed(settings):
            raise NotConfigured
        worker = cls(crawler, settings.getfloat("DISTRIBUTED_WORKER_TIMEOUT"), settings.getfloat("DISTRIBUTED_POLL_INTERVAL"))
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    def spider_opened(self) -> None:
        self.scheduler = self.crawler.engine.scheduler
        frontier = self.scheduler.frontier
        logger.info("Worker %s joins the crawl (run: %s)", frontier.worker, frontier.status() or "none yet")
        self.tick.start(self.poll, now=True)

    def spider_closed(self) -> None:
        if self.tick.running:
            self.tick.stop()

    def heartbeat(self) -> None:
        assert self.scheduler is not None
        self.last_beat = time.monotonic()
        frontier = self.scheduler.frontier
        if not frontier.heartbeat():
            self.stats.inc_value("distributed/heartbeat_missed")
            logger.warning(
                "This worker missed its heartbeats (DISTRIBUTED_WORKER_TIMEOUT): it may have been taken for"
                " gone, and the requests it holds put back into the queue, to be fetched twice"
            )
        for worker, count in frontier.reap().items():
            self.stats.inc_value("distributed/requeued", count)
            logger.warning("Worker %s is gone: %d of its requests go back into the queue", worker, count)

    def look(self) -> None:
        """Every poll: the heartbeat when due; for an idle worker, the shared queue and the run."""
        try:
            self._look()
        except redis.RedisError as error:
            # Logged, and tried again at the next poll: a looping call that raises stops for good.
            logger.error("Redis: %s", error)

    def _look(self) -> None:
        if time.monotonic() - self.last_beat >= self.beat_every:
            self.heartbeat()
        engine = self.crawler.engine
        if not self.idled or self.ended or engine.spider is None or not asleep(engine):
            return
        if self._ended():
            deferred_from_coro(engine.close_spider_async(reason="finished"))
            return
        assert self.scheduler is not None
        request = self.scheduler.take()
        if request is not None:
            engine.crawl(request)  # the scheduler keeps it, leased, and the engine sends it

    def spider_idle(self) -> None:
        self.heartbeat()
        if self._ended():
            return  # the engine closes the spider, `finished`
        self.idled = True
        raise DontCloseSpider

    def _ended(self) -> bool:
        assert self.scheduler is not None
        frontier = self.scheduler.frontier
        status = frontier.finish_if_done()
        if status is None and frontier.seed_if_unclaimed():
            # The worker that claimed the seeding died before it seeded.
            self.stats.inc_value("distributed/seeded", len(frontier.start_requests))
            logger.info("Seeded the run with %d start requests", len(frontier.start_requests))
        if status == "finished" and not self.ended:
            self.ended = True
            logger.info("The crawl has ended: the queue is empty and no worker holds a request")
        return self.ended
