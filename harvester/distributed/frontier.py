"""One site's frontier in Redis, as the workers of a distributed crawl share it.

Keys, under `<prefix>:<site>:`: `requests` (scrapy-redis's priority queue: a sorted set of pickled
requests), `seen` (its duplicate filter), `leases:<worker>` (the requests a worker took and has
not finished: field `<score>:<n>`, value the request, so that it can go back into the queue),
`workers` (who may hold leases), `status` (the run: absent, `seeding`, `running`, `finished`);
and `<prefix>:worker:<id>`, a worker's heartbeat, which expires when the worker stops beating.

Each step that must not be seen half done is one Lua script, which Redis runs atomically: taking a
request and leasing it; putting a gone worker's leases back into the queue; ending the run. A
worker releases a lease only once the request's outcome (new requests, items) is stored, so work
left is always in the queue or in a lease, and the run ends when both are empty. Seeding is one
MULTI transaction: the start requests, their fingerprints and `running`, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter

# Takes the first request of the queue into this worker's leases (and the worker among those that
# hold leases: it may have been taken for gone while it stalled).
_LEASE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local field = first[2] .. ':' .. redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], field, first[1])
redis.call('SADD', KEYS[4], ARGV[1])
return {field, first[1]}
"""

# Puts a worker's leases back into the queue, unless its heartbeat is still there (KEYS[4]; '' for
# a worker that is leaving and gives its own back), and forgets the worker.
_REQUEUE = """
if KEYS[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  local score = string.match(leases[i], '^(.*):[0-9]+$')
  redis.call('ZADD', KEYS[1], score, leases[i + 1])
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return #leases / 2
"""

# Ends the run when it is running, the queue is empty and no worker holds a lease.
_FINISH = """
local status = redis.call('GET', KEYS[1])
if status ~= 'running' then return status end
if redis.call('ZCARD', KEYS[2]) > 0 then return 'busy' end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('HLEN', ARGV[1] .. worker) > 0 then return 'busy' end
end
redis.call('SET', KEYS[1], 'finished', 'PX', ARGV[2])
redis.call('DEL', KEYS[2], KEYS[4])
return 'finished'
"""

# Claims the seeding of a new run: only when there is no run (none yet, or the last one finished
# and its grace is over); the claim expires if its holder dies before seeding.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], 'seeding', 'PX', ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3])
return 1
"""


class Frontier:
    """The shared frontier of one site's crawl, seen from one worker."""

    def __init__(
        self, server: redis.Redis, prefix: str, spider: Spider, worker: str, timeout: float, serializer: Any = picklecompat
    ) -> None:
        self.server = server
        self.serializer = serializer  # the queue's (SCHEDULER_SERIALIZER), so that both read each other's
        self.spider = spider
        self.worker = worker
        self.timeout_ms = max(1, round(timeout * 1000))
        self.base = f"{prefix}:{spider.name}"
        self.queue_key = f"{self.base}:requests"
        self.seen_key = f"{self.base}:seen"
        self.status_key = f"{self.base}:status"
        self.workers_key = f"{self.base}:workers"
        self.heartbeat_prefix = f"{prefix}:worker:"
        self.start_requests: list[Request] = []  # kept to seed again if a seeder dies claiming
        self._lease = server.register_script(_LEASE)
        self._requeue = server.register_script(_REQUEUE)
        self._finish = server.register_script(_FINISH)
        self._claim = server.register_script(_CLAIM)

    def leases_key(self, worker: str) -> str:
        return f"{self.base}:leases:{worker}"

    # -- requests
    def encode(self, request: Request) -> bytes:
        """As scrapy-redis's queues store a request."""
        return self.serializer.dumps(request.to_dict(spider=self.spider))

    def decode(self, data: bytes) -> Request:
        return request_from_dict(self.serializer.loads(data), spider=self.spider)

    def lease(self) -> tuple[str, Request] | None:
        """The next request and its lease, or None when the queue is empty."""
        keys = [self.queue_key, self.leases_key(self.worker), f"{self.base}:lease_count", self.workers_key]
        taken = self._lease(keys=keys, args=[self.worker])
        if not taken:
            return None
        field, data = taken
        return field.decode("ascii"), self.decode(data)

    def release(self, fields: Iterable[str]) -> None:
        """The requests of these leases are done: their outcome is stored."""
        fields = list(fields)
        if fields:
            self.server.hdel(self.leases_key(self.worker), *fields)

    def held(self) -> int:
        return self.server.hlen(self.leases_key(self.worker))

    # -- workers
    def join(self) -> None:
        self.heartbeat()

    def heartbeat(self) -> bool:
        """Beats; False if the last beat had expired (the worker may have been taken for gone, and its
        leases put back into the queue). It also (re)enters the worker among those holding leases."""
        with self.server.pipeline(transaction=True) as pipe:
            pipe.set(self.heartbeat_prefix + self.worker, self.spider.name, px=self.timeout_ms, get=True)
            pipe.sadd(self.workers_key, self.worker)
            previous, _ = pipe.execute()
        return previous is not None

    def leave(self) -> int:
        """Gives back the leases still held (none after a clean close) and leaves the crawl."""
        given = self._requeue(keys=[self.queue_key, self.leases_key(self.worker), self.workers_key, ""], args=[self.worker])
        self.server.delete(self.heartbeat_prefix + self.worker)
        return int(given)

    def reap(self) -> dict[str, int]:
        """Puts the leases of workers whose heartbeat has expired back into the queue: worker -> count."""
        reaped = {}
        for member in self.server.smembers(self.workers_key):
            worker = member.decode("utf-8")
            if worker == self.worker:
                continue
            keys = [self.queue_key, self.leases_key(worker), self.workers_key, self.heartbeat_prefix + worker]
            count = int(self._requeue(keys=keys, args=[worker]))
            if count >= 0:
                reaped[worker] = count
        return reaped

    # -- the run
    def status(self) -> str | None:
        value = self.server.get(self.status_key)
        return value.decode("ascii") if value else None

    def claim(self) -> bool:
        """Whether this worker is to seed a new run (there is none)."""
        return bool(self._claim(keys=[self.status_key, self.queue_key, self.seen_key], args=[self.timeout_ms]))

    def seed(self, requests: list[Request]) -> None:
        """Queues the start requests and marks the run running, all at once."""
        fingerprint = RFPDupeFilter(self.server, self.seen_key).request_fingerprint
        with self.server.pipeline(transaction=True) as pipe:
            for request in requests:
                pipe.sadd(self.seen_key, fingerprint(request))
                pipe.zadd(self.queue_key, {self.encode(request): -request.priority})
            pipe.set(self.status_key, "running")
            pipe.execute()

    def seed_if_unclaimed(self) -> bool:
        """Seeds a new run from the start requests when there is no run; True if it did."""
        if not self.claim():
            return False
        self.seed(self.start_requests)
        return True

    def finish_if_done(self) -> str | None:
        """Ends the run if nothing is left: returns the status (`finished`, `busy`, `seeding`, None)."""
        keys = [self.status_key, self.queue_key, self.workers_key, self.seen_key]
        # A finished run is kept a while, so that a worker starting late does not start another.
        status = self._finish(keys=keys, args=[f"{self.base}:leases:", 2 * self.timeout_ms])
        return status.decode("ascii") if status else None

    def reset(self) -> None:
        """Drops the site's run: queue, duplicate filter, leases, status."""
        workers = [member.decode("utf-8") for member in self.server.smembers(self.workers_key)]
        self.server.delete(
            self.queue_key, self.seen_key, self.status_key, self.workers_key, f"{self.base}:lease_count",
            *(self.leases_key(w) for w in workers),
        )
