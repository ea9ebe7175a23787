"""The crawl state in Redis, for a distributed crawl: what each article's last fetch found, and each
source's reads, shared by all the workers (the hashes `<DISTRIBUTED_PREFIX>:state`, URL -> page
state as JSON, and `<DISTRIBUTED_PREFIX>:sources`, URL -> source state).

Same interface as the SQLite state (harvester/state/store.py); every write is one HSET, atomic. Redis keeps it as
durably as it is configured to (RDB snapshots or the AOF): an article whose state is lost is
simply fetched again by the next crawl.
"""

from __future__ import annotations

import json
from dataclasses import astuple

import redis
from scrapy.crawler import Crawler

from harvester.distributed.config import connect
from harvester.state.store import PageState, SourceState


class RedisCrawlState:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisCrawlState:
        return cls(connect(crawler.settings), crawler.settings.get("DISTRIBUTED_PREFIX"))

    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.key = f"{prefix}:state"
        self.sources_key = f"{prefix}:sources"

    def get(self, url: str) -> PageState | None:
        value = self.server.hget(self.key, url)
        return PageState(*json.loads(value)) if value else None

    def put(self, page: PageState) -> None:
        self.server.hset(self.key, page.url, json.dumps(astuple(page), ensure_ascii=False))

    def get_source(self, url: str) -> SourceState | None:
        value = self.server.hget(self.sources_key, url)
        return SourceState(*json.loads(value)) if value else None

    def put_source(self, source: SourceState) -> None:
        self.server.hset(self.sources_key, source.url, json.dumps(astuple(source), ensure_ascii=False))

    def __len__(self) -> int:
        return self.server.hlen(self.key)

    def close(self) -> None:
        self.server.close()
