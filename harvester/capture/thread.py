"""Where the capture's writes run (CAPTURE_WRITES; the default, a process of their own, is
capture/process.py): on the reactor thread as each is asked for (`Inline`), or on a writer thread
(`WriterThread`), where calls run one after another, in the order they came, and each is awaited
on the reactor thread; the results ready at one time reach the reactor in one wake-up.

A second thread running Python in the crawl's interpreter costs the reactor more than the work it
takes away: the reactor waits for the interpreter lock, and its own code runs slower beside it (in
capture-only crawls of the bench site, 1.6x the reactor's CPU for the same pages). Inline is for a
machine with one core, the thread for a disk whose flushes take long enough to stall the crawl.

Lighter on the reactor thread than a thread pool whose every future wakes the event loop on its
own (asyncio.wrap_future, reactor.callFromThread per result): a result is put in a list, and only
the first of a batch wakes the reactor, which then hands out all of them. An exception raised by
a call is raised where it is awaited. Works under the asyncio reactor and any other Twisted
reactor, as harvester/awaitable.py does. No settings.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, Protocol

from scrapy.utils.asyncio import is_asyncio_available
from twisted.internet.defer import Deferred

from harvester.scheduling import run_as_batch_work


class Writes(Protocol):
    """Where the capture's writes run (CAPTURE_WRITES): made with the object whose methods they
    run; `run` awaits one call, `finish` runs the last and stops."""

    async def run(self, function: Callable[..., Any], *args: Any) -> Any: ...

    def finish(self, function: Callable[..., Any]) -> Any: ...


class Inline:
    """Runs each call at once, on the caller's thread; the interface of every CAPTURE_WRITES
    class, made with the object whose methods it runs."""

    def __init__(self, owner: object = None) -> None:
        pass

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)

    def finish(self, function: Callable[..., Any]) -> Any:
        """Run `function()` last, after every call made, and stop; its result."""
        return function()


class WriterThread:
    def __init__(self, owner: object = None, name: str = "capture-writer") -> None:
        self.name = name
        self._calls: SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], Any] | None] = SimpleQueue()
        self._ready: list[tuple[Any, bool, Any]] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake: Callable[[Callable[[], None]], object] | None = None

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` on the thread; its result here, or its exception raised here."""
        if self._thread is None:
            # Made on the reactor thread, at the first call: the reactor is running by then.
            self._wake = _reactor_wake()
            # A daemon: a crawl that dies without closing must not hang on it at exit (each
            # group of records is one write, so whatever it wrote is whole).
            self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
            self._thread.start()
        waiter = _waiter()
        self._calls.put((function, args, waiter))
        return await waiter

    def finish(self, function: Callable[..., Any]) -> Any:
        """Let every call queued finish, stop the thread, then run `function()`; its result."""
        if self._thread is not None:
            self._calls.put(None)
            self._thread.join()
            self._thread = None
        # Results the reactor was not woken for any more (it is closing): hand them out now.
        self._hand_out()
        return function()

    def _work(self) -> None:
        run_as_batch_work()
        while (call := self._calls.get()) is not None:
            function, args, waiter = call
            try:
                outcome = (waiter, True, function(*args))
            except BaseException as error:  # raised again on the reactor thread, where it is awaited
                outcome = (waiter, False, error)
            with self._lock:
                self._ready.append(outcome)
                first = len(self._ready) == 1
            if first and self._wake is not None:
                try:
                    self._wake(self._hand_out)
                except RuntimeError:
                    pass  # the event loop is closed: finish() hands the results out

    def _hand_out(self) -> None:
        # On the reactor thread.
        with self._lock:
            ready, self._ready = self._ready, []
        for waiter, ok, value in ready:
            _settle(waiter, ok, value)


def _reactor_wake() -> Callable[[Callable[[], None]], object]:
    if is_asyncio_available():
        return asyncio.get_running_loop().call_soon_threadsafe
    # Imported here: importing it at module level would install the default reactor.
    from twisted.internet import reactor

    return reactor.callFromThread  # type: ignore[attr-defined]


def _waiter() -> Any:
    return asyncio.get_running_loop().create_future() if is_asyncio_available() else Deferred()


def _settle(waiter: Any, ok: bool, value: Any) -> None:
    # A waiter whose awaiting coroutine was cancelled meanwhile is left as it is.
    if isinstance(waiter, Deferred):
        if waiter.called:
            return
        if ok:
            waiter.callback(value)
        else:
            waiter.errback(value)
    elif not waiter.done():
        if ok:
            waiter.set_result(value)
        else:
            waiter.set_exception(value)
