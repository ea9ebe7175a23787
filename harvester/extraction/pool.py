"""Extraction in worker processes, one page at a time each, with a time limit per page.

`ExtractionPool.submit()` hands a call of a module-level function (a page's extraction) to the first
free one of `processes` worker processes (worker.py) and returns a Future (the pipeline awaits it,
so the reactor goes on fetching and capturing meanwhile). Each worker has a pipe of its own and
extracts one page at a time (once no worker is free, a small next page waits in a busy one's pipe,
so that it never waits for the pool): a page that runs past `timeout` seconds has its worker killed
(ExtractionTimeout), a page whose worker dies (a crash in a parser, the OOM killer) fails alone
(WorkerDied); either way a new worker takes the dead one's place and no other page is touched (one
waiting in the dead worker's pipe goes to another). The supervisor owns the workers: it dispatches
pages, collects results, keeps the time limits and replaces workers. Given an asyncio `loop` (the
crawl's), the supervisor is that loop: the workers' pipes are its readers and their time limits its
timers, and `submit()` and `close()` are called on its thread (the crawl's reactor; the rebuild runs
one of its own). Else it is a thread of its own (a Twisted reactor without asyncio). The loop is
better: a second thread taking the interpreter lock for every page slowed all of the reactor's work
(bench/README.md). Workers start with the first page (or `start()`), and `close()` ends them within
a few seconds, killing a busy one. A script that starts a crawl itself must do so under `if __name__
== "__main__":`, as with any `multiprocessing` pool. No settings: the callers read
EXTRACTION_PROCESSES and EXTRACTION_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

# No Scrapy here (harvester.awaitable imports it): the rebuild's workers import this module as they start.
from harvester.extraction.errors import ExtractionTimeout, PoolClosed, WorkerDied
from harvester.extraction.worker import KILL_WAIT, READY, STOP, Worker, send_message

logger = logging.getLogger(__name__)

# Workers that end before they are ready, one after another, before the pool gives up on them.
FAILED_STARTS = 3
# Seconds idle workers get to end when the pool closes.
STOP_WAIT = 2.0
# Seconds before another try at starting a worker that could not be started (no process could be
# made): the supervisor must not wait for a page that will never come to try again.
RESTART_WAIT = 1.0
# A worker is sent its next page while it works on one, when no worker is free (it then never
# waits for the supervisor), if that page pickles this small: a big one could fill the pipe and
# hold the supervisor until the worker reads it. On a loop, only into an empty pipe (which takes
# 208 KB on Linux): the loop is the whole crawl's.
AHEAD_BYTES = 64 * 1024


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as its cause."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class _Task:
    args: tuple[Any, ...]
    future: Future[Any]
    payload: bytes | None = None  # the arguments pickled, once


class ExtractionPool:
    """`processes` workers that run `function` (a picklable, module-level function), each call
    given `timeout` seconds at most (None: no limit). Workers are spawned: each starts a new
    interpreter and imports what it runs (a third of a second of CPU). With `fork`, a worker is
    forked from this process where it has one thread (a thread could hold a lock the child would
    wait for forever) and the system forks: a rebuild's process has imported what its workers run,
    and a worker costs no start-up."""

    def __init__(
        self,
        processes: int,
        function: Callable[..., Any],
        timeout: float | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        fork: bool = False,
    ) -> None:
        if processes < 1:
            raise ValueError(f"an extraction pool needs at least one process, not {processes}")
        if timeout is not None and timeout <= 0:
            raise ValueError(f"an extraction time limit must be more than 0 seconds, not {timeout}")
        self.processes = processes
        self.function = function
        self.timeout = timeout
        self.loop = loop  # None: the supervisor is a thread
        self.replaced = 0  # workers replaced after they died or ran out of time
        self._spawn = multiprocessing.get_context("spawn")
        self._fork = multiprocessing.get_context("fork") if fork and "fork" in multiprocessing.get_all_start_methods() else None
        self._lock = threading.Lock()  # guards _pending, _hungry, _closing, _broken, _thread
        self._pending: deque[_Task] = deque()
        # A worker waits for a page: a new one wakes the supervisor (else a result will).
        self._hungry = False
        self._closing = False
        self._broken: str | None = None
        self._thread: threading.Thread | None = None
        self._workers: list[Worker] = []  # the supervisor's alone
        self._failed_starts = 0
        # With a loop: its timer for the next time limit or restart, and when that is (monotonic).
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._wake_reader, self._wake_writer = os.pipe()
        os.set_blocking(self._wake_reader, False)
        os.set_blocking(self._wake_writer, False)
        # Only this process holds the write end: workers see end-of-file when it is gone.
        self._lifeline_reader, self._lifeline_writer = self._spawn.Pipe(duplex=False)

    @property
    def worker_pids(self) -> list[int]:
        return [worker.process.pid for worker in list(self._workers) if worker.process.pid is not None]

    def start(self) -> None:
        """Start the workers now rather than with the first page (they take a second to start)."""
        with self._lock:
            if self._closing:
                raise PoolClosed("the extraction pool is closed")
            self._start_supervisor()
        if self.loop is not None:
            self._step()

    def submit(self, *args: Any) -> Future[Any]:
        """A future of `function(*args)`: its value, what it raised, ExtractionTimeout or WorkerDied."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                raise PoolClosed("the extraction pool is closed")
            if self._broken is not None:
                future.set_exception(WorkerDied(self._broken))
                return future
            self._pending.append(_Task(args, future))
            self._start_supervisor()
            wake, self._hungry = self._hungry, False
        if self.loop is not None:
            self._step()
        elif wake:
            self._wake()
        return future

    def close(self) -> None:
        """End the workers (a busy one is killed, its page fails with PoolClosed); returns within
        a few seconds whatever the workers are doing."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            thread = self._thread
        if self.loop is not None:
            if self._timer is not None:
                self._timer.cancel()
            for worker in self._workers:
                self._unwatch(worker)
            self._shut_down()
        elif thread is not None:
            self._wake()
            thread.join(STOP_WAIT + KILL_WAIT * (self.processes + 1))
            if thread.is_alive():
                logger.error("The extraction pool did not end in time; its workers end with this process")
                return
        self._lifeline_writer.close()
        self._lifeline_reader.close()
        os.close(self._wake_reader)
        os.close(self._wake_writer)

    # -- the supervisor: a thread of its own, or steps of the loop
    def _start_supervisor(self) -> None:
        if self._thread is None and self.loop is None:
            self._thread = threading.Thread(target=self._supervise, name="extraction-pool", daemon=True)
            self._thread.start()

    def _wake(self) -> None:
        try:
            os.write(self._wake_writer, b"\0")
        except BlockingIOError:  # a full pipe: the supervisor has a wake-up waiting already
            pass

    def _supervise(self) -> None:
        try:
            while not self._closing:
                self._start_workers()
                self._dispatch()
                self._wait()
                self._expire()
        except Exception:
            # A bug here must not leave pages waiting forever: they fail, and so do later ones.
            logger.exception("The extraction pool failed")
            self._break("the extraction pool failed")
        finally:
            self._shut_down()

    def _step(self) -> None:
        """The supervisor's round on the loop, after each event: time limits kept, workers started,
        pages handed out, the next timer set."""
        if self._closing:
            return
        assert self.loop is not None
        try:
            self._expire()
            self._start_workers()
            self._dispatch()
        except Exception:
            logger.exception("The extraction pool failed")
            self._break("the extraction pool failed")
        deadline = self._next_deadline()
        # A timer set for later than the first time limit is set again; one set for earlier is
        # kept (it finds nothing to do, and sets the next): a page done moves the time limit on,
        # and one timer a page would cost the loop more than the page's whole hand-over.
        if self._timer is not None and self._timer_at > deadline:
            self._timer.cancel()
            self._timer = None
        if self._timer is None and deadline != math.inf:
            # A delay, not the loop's own clock: another loop (uvloop) may count time otherwise.
            self._timer, self._timer_at = self.loop.call_later(max(0.0, deadline - time.monotonic()), self._timed_out), deadline

    def _timed_out(self) -> None:
        self._timer = None
        self._step()

    def _next_deadline(self) -> float:
        """The first worker's time limit, or when to try again to start a worker (monotonic time)."""
        deadline = min((worker.deadline for worker in self._workers), default=math.inf)
        if len(self._workers) < self.processes and self._broken is None:
            deadline = min(deadline, time.monotonic() + RESTART_WAIT)
        return deadline

    def _watch(self, worker: Worker) -> None:
        if self.loop is not None:
            self.loop.add_reader(worker.connection.fileno(), self._readable, worker)
            self.loop.add_reader(worker.process.sentinel, self._ended, worker)

    def _unwatch(self, worker: Worker) -> None:
        if self.loop is not None:
            self.loop.remove_reader(worker.connection.fileno())
            self.loop.remove_reader(worker.process.sentinel)

    def _readable(self, worker: Worker) -> None:
        if worker in self._workers:
            self._receive(worker)
            self._step()

    def _ended(self, worker: Worker) -> None:
        if worker not in self._workers:
            return
        if worker.connection.poll():  # what it sent before it ended first (the end of the pipe last)
            self._readable(worker)
            return
        self._lost(worker)
        self._step()

    def _start_workers(self) -> None:
        while len(self._workers) < self.processes and self._broken is None:
            try:
                if self._fork is not None and threading.active_count() == 1:
                    # The child closes what it must not hold: the lifeline's writing end (it would
                    # never see the end of this process) and the other workers' pipes.
                    held = [self._lifeline_writer, *(other.connection for other in self._workers)]
                    worker = Worker.start(self._fork, self.function, self._lifeline_reader, held)
                else:
                    worker = Worker.start(self._spawn, self.function, self._lifeline_reader)
            except OSError as error:  # no process could be made (memory, process limit)
                logger.warning("No extraction worker could be started (%s); trying again in %g s", error, RESTART_WAIT)
                self._failed_start(f"no extraction worker could be started: {error}")
                return
            self._workers.append(worker)
            self._watch(worker)

    def _dispatch(self) -> None:
        # Free workers first, then a page ahead to each busy one: a page never waits behind
        # another while a worker is free.
        for slots in (1, 2):
            for worker in list(self._workers):
                while worker.ready and len(worker.tasks) < slots and (task := self._next_task()) is not None:
                    if not self._send(worker, task):
                        break

    def _send(self, worker: Worker, task: _Task) -> bool:
        """Hand the page to the worker; False if it went back in line (the worker is not to get
        another now)."""
        try:
            task.payload = task.payload or bytes(ForkingPickler.dumps(task.args))
        except Exception as error:  # arguments that do not pickle
            task.future.set_exception(error)
            return True
        if worker.tasks and (len(task.payload) > AHEAD_BYTES or (self.loop is not None and not worker.pipe_empty())):
            self._put_back([task])
            return False
        try:
            send_message(worker.connection, task.payload)
        except OSError:  # the worker died: the page waits for another
            self._put_back([task])
            self._lost(worker)
            return False
        if not worker.tasks:
            worker.deadline = self._deadline()
        worker.tasks.append(task)
        return True

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout if self.timeout else math.inf

    def _put_back(self, tasks: list[_Task]) -> None:
        """Pages sent to no worker, or to one that never began them: first in line again, or failed
        if the pool has broken (no worker will start to take them)."""
        with self._lock:
            broken = self._broken
            if broken is None:
                self._pending.extendleft(reversed(tasks))
                return
        for task in tasks:
            _fail(task.future, WorkerDied(broken))

    def _next_task(self) -> _Task | None:
        """The next page for a worker; None, and the next page submitted wakes the supervisor, if
        there is none yet."""
        with self._lock:
            while self._pending:
                task = self._pending.popleft()
                # A page put back (sent to a worker that never began it) is running already.
                if task.future.running() or task.future.set_running_or_notify_cancel():
                    return task
            self._hungry = True
        return None

    def _wait(self) -> None:
        deadline = self._next_deadline()
        timeout = None if deadline == math.inf else max(0.0, deadline - time.monotonic())
        handles: list[Any] = [self._wake_reader]
        for worker in self._workers:
            handles += [worker.connection, worker.process.sentinel]
        ready = set(wait(handles, timeout))
        if self._wake_reader in ready:
            self._drain_wakes()
        for worker in list(self._workers):
            if worker.connection in ready:
                self._receive(worker)
            elif worker.process.sentinel in ready:
                self._lost(worker)

    def _drain_wakes(self) -> None:
        try:
            while os.read(self._wake_reader, 4096):
                pass
        except BlockingIOError:
            pass

    def _receive(self, worker: Worker) -> None:
        try:
            message = worker.connection.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return
        except Exception as error:  # a result that does not unpickle here; the pipe is intact
            message = (False, RuntimeError(f"the result could not be read: {type(error).__name__}: {error}"), "")
        if isinstance(message, str) and message == READY:
            worker.ready = True
            self._failed_starts = 0
            return
        if not worker.tasks:
            return
        task = worker.tasks.popleft()
        # The worker goes on to the next page it was sent, if any, at once.
        worker.deadline = self._deadline() if worker.tasks else math.inf
        if message[0]:
            task.future.set_result(message[1])
        else:
            error = message[1]
            error.__cause__ = RemoteTraceback(message[2]) if message[2] else None
            task.future.set_exception(error)

    def _expire(self) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.tasks and worker.deadline <= now:
                assert self.timeout is not None
                self._lost(worker, ExtractionTimeout(f"extraction took more than {self.timeout:g} s"))

    def _lost(self, worker: Worker, error: Exception | None = None) -> None:
        """Take a dead (or out of time) worker away, the page it was on failed (a page it had not
        begun goes to another); another worker takes its place."""
        self._workers.remove(worker)
        self._unwatch(worker)
        worker.end()
        self.replaced += 1
        if worker.tasks:
            code = worker.process.exitcode
            worker.tasks.popleft().future.set_exception(error or WorkerDied(f"the extraction worker ended (exit code {code}) on this page"))
            self._put_back(list(worker.tasks))
        elif not worker.ready:
            self._failed_start(f"extraction workers end as they start (exit code {worker.process.exitcode})")

    def _failed_start(self, reason: str) -> None:
        self._failed_starts += 1
        if self._failed_starts >= FAILED_STARTS:
            logger.error("%s; no page is extracted", reason)
            self._break(reason)

    def _break(self, reason: str) -> None:
        with self._lock:
            self._broken = reason
            tasks = list(self._pending)
            self._pending.clear()
        for task in tasks:
            _fail(task.future, WorkerDied(reason))

    def _shut_down(self) -> None:
        """Idle workers are told to stop, busy or starting ones killed; all within bounded time."""
        with self._lock:
            tasks = list(self._pending)
            self._pending.clear()
        for task in tasks:
            _fail(task.future, PoolClosed("the extraction pool closed before this page was extracted"))
        for worker in self._workers:
            try:
                if worker.ready and not worker.tasks:
                    worker.connection.send(STOP)
                    continue
            except OSError:
                pass
            worker.kill()
            for task in worker.tasks:
                _fail(task.future, PoolClosed("the extraction pool closed while this page was extracted"))
        deadline = time.monotonic() + STOP_WAIT
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.end()
        self._workers.clear()


def _fail(future: Future[Any], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
