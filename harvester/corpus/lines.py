"""Where each document's current manifest line starts, kept in a private temporary SQLite database.

SQLite keeps such a database in a file it deletes when the connection closes, with a bounded page
cache: the corpus's memory stays flat however many documents it holds. The index is scratch, made
again from the manifest each time a corpus is opened, so it is never synced. The corpus writes it
on its writer thread while the crawl asks it which documents it holds: each statement runs under
a lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

_SCHEMA = """
CREATE TABLE lines (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, version INTEGER NOT NULL, offset INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE INDEX lines_by_seq ON lines (seq);
"""


class Line(NamedTuple):
    """A document's number, current version, and where that version's manifest line starts."""

    seq: int
    version: int
    offset: int


class LineIndex:
    """Document id -> (number, version, byte offset of its current line in manifest.jsonl)."""

    def __init__(self) -> None:
        # "" is a temporary on-disk database.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _first(self, sql: str, params: tuple = ()) -> tuple | None:
        rows = self._run(sql, params)
        return rows[0] if rows else None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many puts in one transaction (opening a corpus)."""
        self._run("BEGIN")
        try:
            yield
        finally:
            self._run("COMMIT")

    def put(self, doc_id: str, seq: int, version: int, offset: int) -> None:
        self._run("INSERT OR REPLACE INTO lines VALUES (?, ?, ?, ?)", (doc_id, seq, version, offset))

    def put_newer(self, doc_id: str, seq: int, version: int, offset: int) -> None:
        """Like `put`, unless the index has a later version of the document already (lines are put
        in manifest order: of two lines of one version, the later is the current one)."""
        self._run(
            "INSERT INTO lines VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
            " SET seq = excluded.seq, version = excluded.version, offset = excluded.offset"
            " WHERE excluded.version >= lines.version",
            (doc_id, seq, version, offset),
        )

    def find(self, doc_id: str) -> Line | None:
        row = self._first("SELECT seq, version, offset FROM lines WHERE id = ?", (doc_id,))
        return Line(*row) if row else None

    def holder(self, seq: int) -> str | None:
        """The document that has this number."""
        row = self._first("SELECT id FROM lines WHERE seq = ?", (seq,))
        return row[0] if row else None

    def next_seq(self) -> int:
        return self._run("SELECT COALESCE(MAX(seq) + 1, 0) FROM lines")[0][0]

    def __len__(self) -> int:
        return self._run("SELECT COUNT(*) FROM lines")[0][0]

    def in_seq_order(self, page: int = 1000) -> Iterator[tuple[str, int]]:
        """(id, offset) of every document, in number order. Read a page at a time, so that the
        caller may `put` while it iterates."""
        last = -1
        while rows := self._run(
            "SELECT seq, id, offset FROM lines WHERE seq > ? ORDER BY seq LIMIT ?", (last, page)
        ):
            for last, doc_id, offset in rows:
                yield doc_id, offset

    def move(self, doc_id: str, offset: int) -> None:
        """The document's line now starts at `offset`."""
        self._run("UPDATE lines SET offset = ? WHERE id = ?", (offset, doc_id))

    def close(self) -> None:
        self._db.close()
