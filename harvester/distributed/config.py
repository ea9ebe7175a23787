"""What makes a crawl distributed: REDIS_URL, the Redis client, and this worker's id.

Settings: REDIS_URL (scrapy-redis's own name; empty: one process, no Redis), REDIS_PARAMS,
DISTRIBUTED_PREFIX (first part of every key), DISTRIBUTED_WORKER_ID (empty: `<host>-<pid>`).
"""

from __future__ import annotations

import os
import re
import socket

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


def unreachable(settings: BaseSettings) -> str | None:
    """Why the crawl's Redis cannot be used (a line for a person), or None when it answers."""
    try:
        connect(settings).ping()
    except redis.RedisError as error:
        return f"Redis at {settings.get('REDIS_URL')} does not answer ({error}); is redis-server running there?"
    return None
