"""Await a `concurrent.futures.Future` (work handed to a thread) from Scrapy code, on either reactor.

With asyncio (Scrapy's default reactor) the future is wrapped into an asyncio one; under another
Twisted reactor, into a Deferred fired on the reactor thread. Either way the result, or the
exception the work raised, comes back to the awaiting coroutine on the reactor thread. No settings.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from scrapy.utils.asyncio import is_asyncio_available
from twisted.internet.defer import Deferred


async def result(future: Future) -> Any:
    """The future's result (or its exception, raised), once the thread has finished the work."""
    if is_asyncio_available():
        return await asyncio.wrap_future(future)
    return await _deferred(future)


def _deferred(future: Future) -> Deferred[Any]:
    # Imported here: importing it at module level would install the default reactor.
    from twisted.internet import reactor

    # Cancelling the Deferred cancels work not yet started; work already running finishes.
    deferred: Deferred[Any] = Deferred(lambda _: future.cancel())

    def fire(done: Future) -> None:
        # On the reactor thread: the Deferred may have been cancelled meanwhile.
        if deferred.called:
            return
        if done.cancelled():
            deferred.cancel()
        elif (error := done.exception()) is not None:
            deferred.errback(error)
        else:
            deferred.callback(done.result())

    # Called on the worker thread (or here, if the future is done already): hand over to the reactor.
    future.add_done_callback(lambda done: reactor.callFromThread(fire, done))
    return deferred
