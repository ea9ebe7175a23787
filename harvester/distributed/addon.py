"""The Scrapy add-on that makes a crawl distributed when REDIS_URL is set: it names, in the
crawl's settings, the components that share the crawl through Redis, so that no other part of the
harvester asks whether the crawl is distributed.

It puts scrapy-redis's scheduler (with leases, scheduler.py) in place, its duplicate filter and
priority queue under the crawl's keys; the digest index (dedup.py), the crawl state (state.py),
the corpus (each worker's part, parts.py) and the folder's lock (shared, lock.py) in place of the
one-process ones; the worker extension (heartbeat, the end of the crawl, worker.py) and the seed
middleware (seed.py); and the worker's id into its WARC file names and its reports' names.
Settings: REDIS_URL, DISTRIBUTED_PREFIX, DISTRIBUTED_WORKER_ID.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings, Settings

from harvester.distributed.config import distributed, worker_id

# The components of a distributed crawl, by the setting that names each.
COMPONENTS = {
    "SCHEDULER": "harvester.distributed.scheduler.LeasingScheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
    "CAPTURE_DEDUP_CLASS": "harvester.distributed.dedup.RedisDedupIndex",
    "STATE_STORE_CLASS": "harvester.distributed.state.RedisCrawlState",
    "CORPUS_STORE_CLASS": "harvester.distributed.parts.CorpusPart",
    "STATE_LOCK_CLASS": "harvester.distributed.lock.SharedFolderLock",
}


def report_file(path: Path, worker: str) -> Path:
    """Each worker writes its own report: `crawl-report.<worker>.json`."""
    return path.with_name(f"{path.stem}.{worker}{path.suffix}")


def distributed_settings(settings: BaseSettings) -> dict[str, Any]:
    """The settings that make a crawl with these settings one worker of a distributed crawl."""
    worker = worker_id(settings)
    assert worker is not None
    prefix = settings.get("DISTRIBUTED_PREFIX")
    return {
        **COMPONENTS,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:seen",
        # Kept in Redis when a worker closes, for the others.
        "SCHEDULER_PERSIST": True,
        # One name for every component of the worker (the default is made of the process id).
        "DISTRIBUTED_WORKER_ID": worker,
        # Each worker writes files of its own.
        "CAPTURE_PREFIX": f"{settings.get('CAPTURE_PREFIX')}-{worker}",
        "REPORT_FILE": str(report_file(Path(settings.get("REPORT_FILE")), worker)),
        "REPORT_SKIPPED_FILE": str(report_file(Path(settings.get("REPORT_SKIPPED_FILE")), worker)),
    }


class Distributed:
    """Off unless REDIS_URL is set."""

    def update_settings(self, settings: Settings) -> None:
        if not distributed(settings):
            return
        for name, value in distributed_settings(settings).items():
            if name in COMPONENTS:
                # In place of the project's defaults; a component named on the command line stays.
                settings.set(name, value, priority="spider")
            else:
                # Made of the setting's own value (the worker's file names): whoever set that.
                settings.set(name, value, priority=max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"]))
        # Imported here: the scheduler's and the worker's imports need scrapy-redis and the engine.
        from harvester.distributed.seed import SeedMiddleware
        from harvester.distributed.worker import Worker

        settings.set_in_component_priority_dict("EXTENSIONS", Worker, 100)
        # First: a distributed crawl is seeded once, by its first worker.
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", SeedMiddleware, 10)
