"""The corpus's writer thread: documents stored one after another, in the order they come, and
made durable in groups (group commit): one flush of the file system for up to `every` documents,
or for those of `interval` seconds, whichever comes first. A document's future is done once its
group is durable, so whoever waits for it (the crawl state, the conversion record) never counts a
document a crash could still lose. A document that changes nothing (unchanged) is done at once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from harvester.corpus.store import DocumentStore, Stored

_STOP = object()


class GroupWriter:
    def __init__(self, store: DocumentStore, every: int, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.every = max(1, every)
        self.interval = interval
        self.clock = clock
        self.groups = 0  # flushes made
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="corpus-writer", daemon=True)
        self._thread.start()

    def store_document(self, doc_id: str, text: bytes, fields: dict[str, Any]) -> Future[Stored]:
        """What `store.store(doc_id, text, fields)` returns, once the document is durable."""
        future: Future[Stored] = Future()
        self._jobs.put((future, doc_id, text, fields))
        return future

    def close(self) -> None:
        """Make the last group durable and end the thread."""
        self._jobs.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        waiting: list[tuple[Future[Stored], Stored]] = []
        deadline = 0.0
        while True:
            try:
                job = self._jobs.get(timeout=max(0.0, deadline - self.clock()) if waiting else None)
            except queue.Empty:
                self._flush(waiting)
                continue
            if job is _STOP:
                self._flush(waiting)
                return
            future, *args = job
            try:
                stored = self.store.store(*args)
            except BaseException as error:  # reaches the document's awaiter, not this thread
                future.set_exception(error)
                continue
            if stored.outcome == "unchanged":
                future.set_result(stored)
                continue
            if not waiting:
                deadline = self.clock() + self.interval
            waiting.append((future, stored))
            if len(waiting) >= self.every:
                self._flush(waiting)

    def _flush(self, waiting: list[tuple[Future[Stored], Stored]]) -> None:
        if not waiting:
            return
        try:
            self.store.sync()
        except BaseException as error:
            for future, _ in waiting:
                future.set_exception(error)
        else:
            self.groups += 1
            for future, stored in waiting:
                future.set_result(stored)
        waiting.clear()
