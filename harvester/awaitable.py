"""Await a `concurrent.futures.Future` (a worker process's or a thread's result) from Scrapy code.

Under the asyncio reactor the future is wrapped for the running event loop; under another Twisted
reactor it becomes a Deferred fired in the reactor thread.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from scrapy.utils.asyncio import is_asyncio_available
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure


def _deferred(future: Future) -> Deferred:
    from twisted.internet import reactor

    deferred: Deferred = Deferred()

    def settle(done: Future) -> None:
        error = done.exception()
        if error is None:
            deferred.callback(done.result())
        else:
            deferred.errback(Failure(error))

    future.add_done_callback(lambda done: reactor.callFromThread(settle, done))
    return deferred


async def result(future: Future) -> Any:
    """The future's result, awaited without blocking the crawl; raises what the future raised."""
    if is_asyncio_available():
        return await asyncio.wrap_future(future)
    return await _deferred(future)
