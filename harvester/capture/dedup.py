"""The payload digest index that turns repeated payloads into revisit records, across crawls.

`DedupIndex` is what the capture middleware asks of an index; CAPTURE_DEDUP_CLASS names the one a
crawl uses (a distributed crawl's is in Redis, harvester/distributed/dedup.py). Every index keeps
new entries in memory and stores them only on `commit()`, which follows the fsync of the WARC data
they point at, so an index never names a record a crash could have lost.

`SqliteDedupIndex`, the default: an SQLite file in the WARC folder (CAPTURE_DEDUP_INDEX under
CAPTURE_DIR) mapping (digest, type, URI) to the record that holds the payload. Entries whose WARC
file is gone are ignored.
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

    def lookup(self, digest: str, type: str, uri: str, any_uri: bool = True) -> Capture | None:
        """The capture of this payload: the same URI's if there is one, else (when `any_uri`) any."""
        found = self._pending.get((digest, type, uri))
        if found is None and any_uri:
            found = next((c for (d, t, _), c in self._pending.items() if d == digest and t == type), None)
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

    def close(self) -> None:
        self._db.close()
