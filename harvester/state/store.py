"""The crawl state: per article URL, what its last fetch found; per source (list, feed, sitemap), when
it was read and last changed, and whether it is retired.

`StateStore` is what the incremental and source-schedule middlewares ask of a store; STATE_STORE_CLASS names the one a
crawl uses (a distributed crawl's is in Redis, harvester/distributed/state.py). The default,
`CrawlState`, is SQLite in STATE_DIR/crawl.sqlite: embedded, so a scheduled crawl needs no server. WAL with synchronous=NORMAL: a killed process loses
nothing committed (the OS holds it); a power cut may lose the last commits, whose pages the next
crawl simply fetches again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Protocol

from scrapy.crawler import Crawler

STATE_FILE = "crawl.sqlite"

_COLUMNS = """
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    fetched_at TEXT,
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    payload_digest TEXT,
    text_sha256 TEXT,
    doc_id TEXT,
    outcome TEXT,
    warc_record_id TEXT,
    warc_date TEXT,
    error TEXT,
    error_at TEXT
"""

_SOURCE_COLUMNS = """
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    read_at TEXT,
    digest TEXT,
    changed_at TEXT,
    yielded_at TEXT,
    retired_at TEXT
"""

# Outcomes worth another try at the next crawl: the page may be whole next time.
RETRIED_OUTCOMES = ("no_document/bot_wall", "no_document/truncated")


@dataclass(frozen=True)
class PageState:
    """What the crawl knows of one article URL (its canonical URL)."""

    url: str
    site: str
    fetched_at: str | None = None  # UTC ISO 8601: the last fetch that completed (a 200 or a 304)
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None  # the WARC-Payload-Digest of the last 200's capture
    text_sha256: str | None = None  # sha256 of the document text; None: the page gave none
    doc_id: str | None = None
    outcome: str | None = None  # "document" or "no_document/<reason>"
    warc_record_id: str | None = None  # the last 200's response record, for revisit records
    warc_date: str | None = None
    error: str | None = None  # the last failure since the last completed fetch
    error_at: str | None = None

    @property
    def settled(self) -> bool:
        """Fetched to the end: a crawl need not fetch it again unless asked to."""
        return self.fetched_at is not None and self.outcome is not None and self.outcome not in RETRIED_OUTCOMES


@dataclass(frozen=True)
class SourceState:
    """What the crawl knows of one source: a list's first page, a feed, a sitemap or a robots.txt
    read for its sitemaps. Times are UTC ISO 8601."""

    url: str
    site: str
    kind: str  # "lists", "feeds", "sitemaps"
    read_at: str | None = None  # the last read that a finished crawl completed
    digest: str | None = None  # "sha256:<hex>" of the body then
    changed_at: str | None = None  # its last change: as it dates itself, or a new body seen
    yielded_at: str | None = None  # the last time an article it lists was new or due
    retired_at: str | None = None  # when it was taken off the schedule (a dead sitemap); None: on it


_NAMES = tuple(field.name for field in fields(PageState))
_SOURCE_NAMES = tuple(field.name for field in fields(SourceState))


class StateStore(Protocol):
    def get(self, url: str) -> PageState | None: ...

    def put(self, page: PageState) -> None: ...

    def get_source(self, url: str) -> SourceState | None: ...

    def put_source(self, source: SourceState) -> None: ...

    def close(self) -> None: ...


class CrawlState:
    """Reads and writes page states; every write is one committed transaction."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlState:
        return cls(Path(crawler.settings.get("STATE_DIR")) / STATE_FILE)

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(f"CREATE TABLE IF NOT EXISTS pages ({_COLUMNS})")
        self._db.execute(f"CREATE TABLE IF NOT EXISTS sources ({_SOURCE_COLUMNS})")

    def get(self, url: str) -> PageState | None:
        row = self._db.execute(f"SELECT {', '.join(_NAMES)} FROM pages WHERE url = ?", (url,)).fetchone()
        return PageState(*row) if row else None

    def put(self, page: PageState) -> None:
        marks = ", ".join("?" for _ in _NAMES)
        self._db.execute(f"INSERT OR REPLACE INTO pages ({', '.join(_NAMES)}) VALUES ({marks})", astuple(page))

    def get_source(self, url: str) -> SourceState | None:
        row = self._db.execute(f"SELECT {', '.join(_SOURCE_NAMES)} FROM sources WHERE url = ?", (url,)).fetchone()
        return SourceState(*row) if row else None

    def put_source(self, source: SourceState) -> None:
        marks = ", ".join("?" for _ in _SOURCE_NAMES)
        self._db.execute(f"INSERT OR REPLACE INTO sources ({', '.join(_SOURCE_NAMES)}) VALUES ({marks})", astuple(source))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM pages").fetchone()[0]

    def close(self) -> None:
        self._db.close()
