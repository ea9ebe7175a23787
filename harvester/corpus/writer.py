"""The corpus's writer thread: documents stored one after another, in the order they come, and
made durable in groups (group commit): one flush of the file system for up to `every` documents,
or for those of `interval` seconds, whichever comes first. A document's future is done once its
group is durable, so whoever waits for it (the crawl state, the conversion record) never counts a
document a crash could still lose. A document that changes nothing (unchanged) is done at once.

While a group is open the thread takes the documents handed to it every `TAKE_EVERY` seconds, a
batch at a time; only the first document of a group wakes it. Waking a thread costs the crawl's
thread more than handing it a document does (on a virtual machine most of all), and each wake-up
takes the interpreter lock from it: once a group rather than once a document.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from harvester.corpus.store import DocumentStore, Stored
from harvester.scheduling import run_as_batch_work

_STOP = object()
# Seconds between the thread's takes of the documents handed to it while a group is open: a small
# share of CORPUS_SYNC_INTERVAL, which the documents wait for in any case.
TAKE_EVERY = 0.02


class GroupWriter:
    def __init__(self, store: DocumentStore, every: int, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.every = max(1, every)
        self.interval = interval
        self.clock = clock
        self.groups = 0  # flushes made
        self._handed: deque[Any] = deque()  # documents handed over, not yet taken
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._asleep = False  # the thread waits for the first document of a group
        self._thread = threading.Thread(target=self._run, name="corpus-writer", daemon=True)
        self._thread.start()

    def store_document(self, doc_id: str, text: bytes, fields: dict[str, Any]) -> Future[Stored]:
        """What `store.store(doc_id, text, fields)` returns, once the document is durable."""
        future: Future[Stored] = Future()
        self._hand((future, doc_id, text, fields))
        return future

    def close(self) -> None:
        """Make the last group durable and end the thread."""
        self._hand(_STOP, wake=True)
        self._thread.join()

    def _hand(self, job: Any, wake: bool = False) -> None:
        self._handed.append(job)
        if wake or self._asleep:
            self._asleep = False
            self._wake.put(None)

    def _run(self) -> None:
        run_as_batch_work()
        waiting: list[tuple[Future[Stored], Stored]] = []
        deadline = math.inf
        while True:
            if waiting and self.clock() >= deadline:
                self._flush(waiting)
            if not self._handed:
                self._wait(min(TAKE_EVERY, deadline - self.clock()) if waiting else None)
                continue
            job = self._handed.popleft()
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

    def _wait(self, timeout: float | None) -> None:
        """Until `timeout` seconds pass, or (None) until a document comes: announced first, then
        looked for again, so that one handed over in between is not left waiting."""
        if timeout is None:
            self._asleep = True
            if self._handed:
                self._asleep = False
                return
        try:
            self._wake.get(timeout=None if timeout is None else max(0.0, timeout))
        except queue.Empty:
            pass

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
