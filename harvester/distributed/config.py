"""What makes a crawl distributed: REDIS_URL, the Redis client, this worker's id, and the settings
that put scrapy-redis's scheduler in place of Scrapy's.

Settings: REDIS_URL (scrapy-redis's own name; empty: one process, no Redis), REDIS_PARAMS,
DISTRIBUTED_PREFIX (first part of every key), DISTRIBUTED_WORKER_ID (empty: `<host>-<pid>`).
"""

from __future__ import annotations

import os
import re
import socket
from typing import Any

import redis
from scrapy.settings import BaseSettings
from scrapy_redis.connection import get_redis_from_settings


def distributed(settings: BaseSettings) -> bool:
    return bool(settings.get("REDIS_URL"))


def connect(settings: BaseSettings) -> redis.Redis:
    """A client of the crawl's Redis (REDIS_URL, REDIS_PARAMS), as scrapy-redis makes it."""
    return get_redis_from_settings(settings)


def worker_id(settings: BaseSettings) -> str | None:
    """This worker's name (None when the crawl is not distributed): DISTRIBUTED_WORKER_ID, else the
    host's short name and the process id, the same for every component of the process and unique
    among the workers. It goes into file names, so it keeps to letters, digits, `.` and `_`."""
    if not distributed(settings):
        return None
    name = settings.get("DISTRIBUTED_WORKER_ID") or f"{socket.gethostname().split('.')[0]}_{os.getpid()}"
    return re.sub(r"[^A-Za-z0-9._]+", "_", name)


def scheduler_settings(settings: BaseSettings) -> dict[str, Any]:
    """scrapy-redis's scheduler (with leases, harvester/distributed/scheduler.py), its duplicate filter
    and priority queue, under the crawl's keys; kept in Redis when a worker closes, for the others."""
    prefix = settings.get("DISTRIBUTED_PREFIX")
    return {
        "SCHEDULER": "harvester.distributed.scheduler.LeasingScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:seen",
        "SCHEDULER_PERSIST": True,
    }
