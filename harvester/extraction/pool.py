"""Extraction in worker processes, so that parsing pages never holds up the crawl's reactor.

`ExtractionPool.run()` calls a pure function of the page (`extract_page`) in a process pool and is
awaited by the extraction pipeline; the reactor goes on fetching and capturing meanwhile, and on a
machine of N cores fetching, capture and extraction overlap. Workers start with the first page
(a crawl that finds no article starts none). A worker that dies (a crash in a parser, the OOM
killer) breaks the pool and every page in it: the pool is started again, and those pages are tried
once more one at a time in a worker of their own, so that a page that kills its worker again takes
no other page along (`WorkerDied`). A worker ends with the crawl process, however that ends (even
killed): it would otherwise wait for pages forever, holding the crawl's stdout open. Workers are
spawned, fresh interpreters: a script that starts a crawl itself must do so under
`if __name__ == "__main__":`, as with any `multiprocessing` pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

from harvester.awaitable import result


class WorkerDied(RuntimeError):
    """Extraction of a page ended with its worker process, twice."""


def _end_with_parent(lifeline: Connection) -> None:
    """Runs first in each worker: the read end of a pipe only the crawl process writes to reaches
    end-of-file when that process is gone, and the worker goes too."""

    def watch() -> None:
        try:
            lifeline.recv()
        except EOFError:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


class _Lifeline:
    """The pipe that ties workers to the crawl process."""

    def __init__(self) -> None:
        self.reader, self.writer = multiprocessing.Pipe(duplex=False)

    def close(self) -> None:
        self.writer.close()
        self.reader.close()


def _processes(count: int, lifeline: _Lifeline) -> ProcessPoolExecutor:
    # Spawned, not forked: the crawl process runs threads (the reactor's thread pool, the capture
    # writer), and forking a threaded process can copy a held lock into the child.
    return ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("spawn"), initializer=_end_with_parent, initargs=(lifeline.reader,)
    )


class ExtractionPool:
    """`processes` worker processes that run `function` (a picklable, module-level function)."""

    def __init__(self, processes: int, function: Callable[..., Any]) -> None:
        if processes < 1:
            raise ValueError(f"an extraction pool needs at least one process, not {processes}")
        self.processes = processes
        self.function = function
        self.restarts = 0
        self._lifeline = _Lifeline()
        self._executor = _processes(processes, self._lifeline)
        # Second tries: one thread that hands one page at a time to a one-process pool.
        self._retries = ThreadPoolExecutor(1, thread_name_prefix="extraction-retry")
        self._retry_executor: ProcessPoolExecutor | None = None

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        # Every page of the broken pool reports it: only the first starts a new one.
        if self._executor is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = _processes(self.processes, self._lifeline)
            self.restarts += 1

    def _retry(self, *args: Any) -> Any:
        """Runs in the retry thread: the page alone in a worker; WorkerDied if it dies again."""
        if self._retry_executor is None:
            self._retry_executor = _processes(1, self._lifeline)
        try:
            return self._retry_executor.submit(self.function, *args).result()
        except BrokenProcessPool:
            self._retry_executor.shutdown(wait=False, cancel_futures=True)
            self._retry_executor = None
            raise WorkerDied("the extraction worker died twice on this page") from None

    async def run(self, *args: Any) -> Any:
        """What `function(*args)` returns, computed in a worker; raises what it raises, or WorkerDied."""
        executor = self._executor
        try:
            return await result(executor.submit(self.function, *args))
        except BrokenProcessPool:
            self._restart(executor)
        return await result(self._retries.submit(self._retry, *args))

    def close(self) -> None:
        self._retries.shutdown(wait=True)
        if self._retry_executor is not None:
            self._retry_executor.shutdown(wait=True)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._lifeline.close()
