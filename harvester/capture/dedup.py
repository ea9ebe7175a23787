"""The payload digest index that turns repeated payloads into revisit records, across crawls.

`DedupIndex` is what the capture middleware asks of an index; CAPTURE_DEDUP_CLASS names the one a
crawl uses (a distributed crawl's is in Redis, harvester/distributed/dedup.py). Every index keeps
new entries in memory and stores them only on `commit()`, which follows the fsync of the WARC data
they point at, so an index never names a record a crash could have lost.

`SqliteDedupIndex`, the default: an SQLite file in the WARC folder (CAPTURE_DEDUP_INDEX under
CAPTURE_DIR) mapping (digest, type, URI) to the record that holds the payload. Entries whose WARC
file is gone are ignored. A lookup that cannot hit is not made: a Bloom filter of every (type,
digest) in the index, read at open and kept up as entries are added, tells a payload never seen
(a first crawl's pages, all of them) without asking SQLite. It is exact because the index has one
writer while a crawl has it open (one crawl per output folder: STATE_DIR/crawl.lock).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from scrapy.crawler import Crawler

from harvester.capture.writer import OPEN

_SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    digest TEXT NOT NULL,
    type TEXT NOT NULL,
    uri TEXT NOT NULL,
    date TEXT NOT NULL,
    record_id TEXT NOT NULL,
    file TEXT NOT NULL,
    PRIMARY KEY (digest, type, uri)
)
"""


@dataclass(frozen=True)
class Capture:
    """Where a payload was first captured."""

    uri: str
    date: str
    record_id: str
    file: str


class DedupIndex(Protocol):
    def lookup(self, digest: str, type: str, uri: str, any_uri: bool = True) -> Capture | None:
        """The capture of this payload: the same URI's if there is one, else (when `any_uri`) any."""

    def add(self, digest: str, type: str, capture: Capture) -> None:
        """Remember a capture, to be stored at the next commit."""

    def commit(self) -> None:
        """Store the pending entries; call only once the records they name are durable."""

    def close(self) -> None: ...


def warc_file_exists(folder: Path) -> Callable[[str], bool]:
    """A check that a WARC file named in the index is still in the folder (closed or being written)."""
    seen: set[str] = set()

    def exists(name: str) -> bool:
        if name in seen:
            return True
        if (folder / name).exists() or (folder / (name + OPEN)).exists():
            seen.add(name)
            return True
        return False

    return exists


class DigestFilter:
    """A Bloom filter of (type, digest) keys: `may_hold` is False only for a key never added.

    10 bits a key and three probes: about 2% of absent keys still get a lookup. Past its capacity
    the owner builds a larger one.
    """

    BITS_PER_KEY = 10

    def __init__(self, capacity: int) -> None:
        bits = 1 << max(20, (capacity * self.BITS_PER_KEY).bit_length())
        self.capacity = bits // self.BITS_PER_KEY
        self.count = 0
        self._mask = bits - 1
        self._bits = bytearray(bits // 8)

    def _probes(self, type: str, digest: str) -> tuple[int, int, int]:
        # The digest is a cryptographic hash already: Python's hash of it spreads as well.
        h = hash((type, digest)) & 0xFFFFFFFFFFFFFFFF
        step = (h >> 32) | 1
        return h & self._mask, (h + step) & self._mask, (h + 2 * step) & self._mask

    def add(self, type: str, digest: str) -> None:
        for bit in self._probes(type, digest):
            self._bits[bit >> 3] |= 1 << (bit & 7)
        self.count += 1

    def may_hold(self, type: str, digest: str) -> bool:
        return all(self._bits[bit >> 3] >> (bit & 7) & 1 for bit in self._probes(type, digest))


class SqliteDedupIndex:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SqliteDedupIndex:
        folder = Path(crawler.settings.get("CAPTURE_DIR"))
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder / crawler.settings.get("CAPTURE_DEDUP_INDEX"), warc_file_exists(folder))

    def __init__(self, path: Path, file_exists: Callable[[str], bool]) -> None:
        self.path = path
        self.file_exists = file_exists
        # Made on the reactor thread, used on the capture middleware's one writer thread: never at once.
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()
        self._pending: dict[tuple[str, str, str], Capture] = {}
        self._pending_any: dict[tuple[str, str], Capture] = {}  # the first pending capture of each payload
        self._filter = self._read_filter()

    def _read_filter(self) -> DigestFilter:
        """A filter of every key in the index and pending, with as much room again."""
        (rows,) = self._db.execute("SELECT count(*) FROM captures").fetchone()
        found = DigestFilter(2 * (rows + len(self._pending)))
        for digest, type in self._db.execute("SELECT digest, type FROM captures"):
            found.add(type, digest)
        for digest, type, _ in self._pending:
            found.add(type, digest)
        return found

    def lookup(self, digest: str, type: str, uri: str, any_uri: bool = True) -> Capture | None:
        """The capture of this payload: the same URI's if there is one, else (when `any_uri`) any."""
        if not self._filter.may_hold(type, digest):
            return None
        found = self._pending.get((digest, type, uri))
        if found is None and any_uri:
            found = self._pending_any.get((digest, type))
        if found is not None:
            return found
        rows = self._db.execute(
            "SELECT uri, date, record_id, file FROM captures WHERE digest = ? AND type = ?"
            " AND (uri = ? OR ?) ORDER BY uri = ? DESC",
            (digest, type, uri, any_uri, uri),
        )
        return next((Capture(*row) for row in rows if self.file_exists(row[3])), None)

    def add(self, digest: str, type: str, capture: Capture) -> None:
        self._pending[(digest, type, capture.uri)] = capture
        first = self._pending_any.get((digest, type))
        if first is None or first.uri == capture.uri:
            self._pending_any[(digest, type)] = capture
        self._filter.add(type, digest)
        if self._filter.count >= self._filter.capacity:
            self._filter = self._read_filter()

    def commit(self) -> None:
        """Store the pending entries; call only once the records they name are durable."""
        if not self._pending:
            return
        self._db.executemany(
            "INSERT OR REPLACE INTO captures VALUES (?, ?, ?, ?, ?, ?)",
            [(d, t, c.uri, c.date, c.record_id, c.file) for (d, t, _), c in self._pending.items()],
        )
        self._db.commit()
        self._pending.clear()
        self._pending_any.clear()

    def close(self) -> None:
        self._db.close()
