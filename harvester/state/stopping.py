"""Downloader middleware that stops a crawl within STATE_STOP_TIMEOUT and keeps what it did not do
for `--resume`.

`stop(reason)` (`harvester crawl` on SIGINT or SIGTERM, the disk guard on a full disk) closes the
spider with that reason, and from then on no request is sent: the requests waiting in the
downloader (for their download slot's delay) and those that reach it later go back to the
scheduler, whose queue the job keeps (state/jobs.py). Downloads in flight may finish; those still
running STATE_STOP_TIMEOUT seconds after the stop are abandoned (the download handler cancels them
on the signal `abandon_downloads`) and go back to the queue too. Pages already downloaded finish
their way through extraction and the corpus. A request no spider callback waits for (robots.txt,
asked for by a middleware) is dropped instead: the next crawl asks again.

It sits last before the downloader, so that it sees every request as it is about to be sent, and
first for the exceptions the downloader raises. Settings: STATE_STOP_TIMEOUT (seconds).

`StopSignals` turns SIGINT and SIGTERM into that stop for a process that crawls sites one after
another (`harvester crawl`).
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from harvester import exitcodes
from harvester import signals as harvester_signals
from harvester.capture.handler import WIRE_META

logger = logging.getLogger(__name__)


class NotSent(IgnoreRequest):
    """A request the stopping crawl did not send, or whose download it abandoned."""


class GracefulStop:
    def __init__(self, crawler: Crawler, timeout: float) -> None:
        self.crawler = crawler
        self.timeout = timeout
        self.reason: str | None = None
        # Downloads given up on: whatever they end in, their requests go back to the queue.
        self.abandoned: set[Request] = set()
        self.sent_back = 0
        self.closed = False
        self._timer: CallLaterResult | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GracefulStop:
        middleware = cls(crawler, crawler.settings.getfloat("STATE_STOP_TIMEOUT"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def stop(self, reason: str = "shutdown") -> None:
        """Close the spider with `reason`: nothing more is sent, and what was not is kept."""
        engine = self.crawler.engine
        if self.reason is not None or self.closed or engine.spider is None:
            return
        self.reason = reason
        waiting = sum(len(slot.queue) for slot in engine.downloader.slots.values())
        in_flight = sum(len(slot.transferring) for slot in engine.downloader.slots.values())
        logger.info(
            "Stopping (%s): %d requests not sent go back to the queue; %d downloads in flight get %g s",
            reason, waiting, in_flight, self.timeout, extra={"crawler": self.crawler},
        )
        deferred_from_coro(engine.close_spider_async(reason=reason))
        self._send_back_waiting()
        self._timer = call_later(self.timeout, self._abandon)

    def _send_back_waiting(self) -> None:
        # A download slot's queue holds requests past every middleware, waiting for the slot's
        # delay: they fail as not sent, and process_exception sends them back.
        for slot in self.crawler.engine.downloader.slots.values():
            while slot.queue:
                request, waiting = slot.queue.popleft()
                waiting.errback(Failure(self._refusal(request)))

    @staticmethod
    def _refusal(request: Request) -> IgnoreRequest:
        if request.callback is NO_CALLBACK:
            return IgnoreRequest("the crawl is stopping")  # a middleware's own request: it is told no
        return NotSent("the crawl is stopping; kept for --resume")

    def _abandon(self) -> None:
        self._timer = None
        in_flight = [request for slot in self.crawler.engine.downloader.slots.values() for request in slot.transferring]
        if not in_flight:
            return
        logger.warning(
            "%d downloads still in flight %g s after the stop (STATE_STOP_TIMEOUT): abandoned, kept for --resume",
            len(in_flight), self.timeout, extra={"crawler": self.crawler},
        )
        self.abandoned.update(in_flight)
        self.crawler.signals.send_catch_log(signal=harvester_signals.abandon_downloads)

    def process_request(self, request: Request) -> None:
        if self.reason is not None:
            raise self._refusal(request)

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request in self.abandoned:
            self.abandoned.discard(request)
            if request.callback is NO_CALLBACK:
                raise IgnoreRequest("abandoned: the crawl stopped") from None
        elif not isinstance(exception, NotSent):
            return None
        self.sent_back += 1
        # Back to the scheduler (its duplicate filter has seen it already). The wire log of an
        # abandoned download stays behind: the queue on disk takes only what pickles.
        again = request.replace(dont_filter=True)
        again.meta.pop(WIRE_META, None)
        return again

    def spider_closed(self) -> None:
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.sent_back:
            self.crawler.stats.set_value("state/stop/sent_back", self.sent_back)


class StopSignals:
    """SIGINT and SIGTERM during a run of several crawls, honoured the same way whenever they land.

    The first asks for a graceful stop: the site being crawled is stopped (state/stopping.py: no
    new requests, the pages in flight finish within STATE_STOP_TIMEOUT, files closed, the report
    written), a site still opening is closed as soon as it is open, and no further site is
    started. Scrapy's own handlers are not installed: they stop the reactor once the crawls they
    know of have stopped, which cuts short a run between two sites. The second signal ends the
    process at once, as a kill would: the next start repairs what was cut short.
    """

    def __init__(self) -> None:
        self.received: str | None = None  # the first signal's name
        self._wake: Callable[[], None] | None = None
        self._crawler: Crawler | None = None  # the crawl whose spider is open
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _handle(self, number: int, frame: object) -> None:
        if self.received is not None:
            # No logging here: the signal may have cut into a write to the same stream.
            os.write(2, f"harvester: {signal.Signals(number).name} again: stopped at once; the next start"
                     " repairs what was cut short, and `--resume` continues\n".encode())
            os._exit(exitcodes.STOPPED)
        self.received = signal.Signals(number).name
        if self._wake is not None:
            self._wake()

    def run_in(self, reactor: Any) -> None:
        """From now on a signal stops the open crawl, on the reactor's thread."""
        self._wake = lambda: reactor.callFromThread(self._stop_open_crawl)
        if self.received is not None:
            self._wake()

    def watch(self, crawler: Crawler) -> None:
        """Follow one site's crawl: stop it if it opens after the signal came, or when it comes."""

        def opened() -> None:
            if self.received is not None:
                raise CloseSpider("shutdown")  # honoured by Scrapy once the spider is open
            self._crawler = crawler

        def closed() -> None:
            self._crawler = None

        crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)

    def _stop_open_crawl(self) -> None:
        logger.info("Received %s: stopping gracefully (send it again to stop at once)", self.received)
        crawler = self._crawler
        if crawler is None:
            return  # between sites, or one opening: the run and `opened` see `received`
        stopper = crawler.get_downloader_middleware(GracefulStop)
        if stopper is not None:
            stopper.stop("shutdown")
        else:
            deferred_from_coro(crawler.stop_async())
