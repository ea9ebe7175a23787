"""The payload digest index in Redis, for a distributed crawl: one index for all its workers, so
that a payload any of them captured becomes a revisit record in the others' WARCs.

Same interface and rules as the SQLite index (harvester/capture/dedup.py): entries wait in memory until the WARC
data they name is fsynced, then go to Redis. One hash, `<DISTRIBUTED_PREFIX>:dedup`, with a field
per (type, digest, URI) and one per (type, digest) naming the first capture of the payload under
any URI. The workers' WARC files may be on other machines, so no entry is dropped for want of
its file: the index lasts as long as the Redis database does.
"""

from __future__ import annotations

import json

import redis
from scrapy.crawler import Crawler

from harvester.capture.dedup import Capture
from harvester.distributed.config import connect


class RedisDedupIndex:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisDedupIndex:
        return cls(connect(crawler.settings), crawler.settings.get("DISTRIBUTED_PREFIX"))

    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.key = f"{prefix}:dedup"
        self._pending: dict[tuple[str, str, str], Capture] = {}

    def lookup(self, digest: str, type: str, uri: str, any_uri: bool = True) -> Capture | None:
        """The capture of this payload: the same URI's if there is one, else (when `any_uri`) any."""
        found = self._pending.get((digest, type, uri))
        if found is None and any_uri:
            found = next((c for (d, t, _), c in self._pending.items() if d == digest and t == type), None)
        if found is not None:
            return found
        fields = [f"{type} {digest} {uri}"] + ([f"{type} {digest}"] if any_uri else [])
        return next((Capture(*json.loads(value)) for value in self.server.hmget(self.key, fields) if value), None)

    def add(self, digest: str, type: str, capture: Capture) -> None:
        self._pending[(digest, type, capture.uri)] = capture

    def commit(self) -> None:
        """Store the pending entries; call only once the records they name are durable."""
        if not self._pending:
            return
        with self.server.pipeline(transaction=False) as pipe:
            for (digest, type, uri), capture in self._pending.items():
                value = json.dumps([capture.uri, capture.date, capture.record_id, capture.file])
                pipe.hset(self.key, f"{type} {digest} {uri}", value)
                pipe.hsetnx(self.key, f"{type} {digest}", value)
            pipe.execute()
        self._pending.clear()

    def close(self) -> None:
        self.server.close()
