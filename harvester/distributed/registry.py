"""The corpus's numbering for a distributed crawl, in Redis: one sequence counter for all workers,
and what each document's current version is, so that N workers number one corpus.

Keys under `<DISTRIBUTED_PREFIX>:corpus:`: `next` (the counter: the next number to give),
`numbers` (document id -> its number, given once, atomically with the counter, so that a
document keeps its number whoever writes it), `documents` (id -> the current version's manifest
line, set once the line is durable in a worker's part). A worker opening a corpus folder enters
the documents it holds (those of earlier crawls) and lifts the counter above their numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from harvester.corpus.manifest import Entry

# The document's number: the one it was given, else the counter's next.
_NUMBER = """
local given = redis.call('HGET', KEYS[1], ARGV[1])
if given then return tonumber(given) end
local seq = redis.call('INCR', KEYS[2]) - 1
redis.call('HSET', KEYS[1], ARGV[1], seq)
return seq
"""

# Lifts the counter to at least ARGV[1].
_FLOOR = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
"""


class DocumentRegistry:
    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.next_key = f"{prefix}:corpus:next"
        self.numbers_key = f"{prefix}:corpus:numbers"
        self.documents_key = f"{prefix}:corpus:documents"
        self._number = server.register_script(_NUMBER)
        self._floor = server.register_script(_FLOOR)

    def number(self, doc_id: str) -> int:
        return int(self._number(keys=[self.numbers_key, self.next_key], args=[doc_id]))

    def get(self, doc_id: str) -> Entry | None:
        """The document's current version, once some worker has written it."""
        line = self.server.hget(self.documents_key, doc_id)
        return Entry.from_json(line.decode("utf-8")) if line else None

    def __contains__(self, doc_id: object) -> bool:
        return bool(self.server.hexists(self.documents_key, str(doc_id)))

    def put(self, entry: Entry) -> None:
        self.server.hset(self.documents_key, entry.id, entry.to_json())

    def enter(self, entries: Iterable[Entry]) -> None:
        """Makes known the documents of a corpus folder (unless the registry knows newer versions)."""
        top = -1
        with self.server.pipeline(transaction=False) as pipe:
            for entry in entries:
                pipe.hsetnx(self.numbers_key, entry.id, entry.seq)
                pipe.hsetnx(self.documents_key, entry.id, entry.to_json())
                top = max(top, entry.seq)
            pipe.execute()
        self._floor(keys=[self.next_key], args=[top + 1])
