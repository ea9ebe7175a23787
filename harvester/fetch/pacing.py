"""The delay of each host: its download slot's, raised when the host pushes back, held for a
`Retry-After`, kept at robots.txt's Crawl-delay, and brought back slowly to the usual delay.

Settings: FETCH_SLOWDOWN_HTTP_CODES (answers that slow their host down; a bot-challenge page and a
failure RETRY_EXCEPTIONS lists do too), FETCH_RETRY_BACKOFF (a host's delay after its first
slow-down, at least; each next one doubles it), FETCH_RETRY_BACKOFF_MAX, FETCH_SLOWDOWN_RECOVERY,
FETCH_RETRY_AFTER_MAX, FETCH_MAX_CRAWL_DELAY, ROBOTSTXT_USER_AGENT or USER_AGENT (whose Crawl-delay),
FETCH_GIVE_UP_AFTER (seconds a host may push back without one good answer before the crawl gives
it up: its further requests are not sent, listed as skipped (`rate_limited`) and counted under
`fetch/gave_up/<host>`; 0: never).

The usual delay is Scrapy's (DOWNLOAD_DELAY, jittered by DOWNLOAD_DELAY_JITTER, as AutoThrottle moves
it); this module owns what goes above it, and writes it into the slot whenever a request reaches it
or an answer comes back (after AutoThrottle's change). A hold moves the slot's last-seen time ahead,
so the downloader's own timer waits it out for every request to the host and nothing else waits.
Slow-downs are counted per host under `fetch/slowdowns/<host>/` (count, reason/<why>, longest_s).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from harvester.fetch.botwall import bot_wall
from harvester.fetch.errors import disk_full, error_kind
from harvester.signals import send_skipped

logger = logging.getLogger(__name__)

# A slot whose delay is 0 sends at once whatever its last-seen time: a held host gets at least this.
_LEAST_DELAY = 0.01
# Challenge pages are small; a long page with a marker (a comment form's CAPTCHA) is an article.
_CHALLENGE_MAX_SIZE = 32 * 1024


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None.

    >>> retry_after(b"2")
    2.0
    >>> retry_after(b"Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, 0, tzinfo=timezone.utc))
    10.0
    >>> retry_after(b"soon") is None
    True
    """
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - (now or datetime.now(timezone.utc))).total_seconds())


def lowest_wait(slot: Slot) -> float:
    """The shortest wait the slot's jittered delay can draw (delay × (1 - jitter))."""
    return slot.delay * (1 - slot.jitter) if slot.jitter < 1 else 0.0


@dataclass
class HostPace:
    """What is kept of one host beyond its slot (which the downloader drops when idle a while)."""

    crawl_delay: float = 0.0  # robots.txt's, as granted
    raised: float = 0.0  # the delay since the last slow-down; 0: back at the usual delay
    held_until: float = 0.0  # monotonic time before which no request goes (a Retry-After)
    usual: float = 0.0  # the slot's delay as Scrapy (DOWNLOAD_DELAY, AutoThrottle) last set it
    written: float | None = None  # the delay last written here: any other value is Scrapy's
    raises: int = 0  # how many times `raised` went up
    troubled_since: float | None = None  # monotonic time of the first push-back since the last good answer

    def settle(self, slot: Slot, now: float) -> None:
        """Write the host's delay into its slot (the usual one, or a floor of this module's above
        it) and its hold (the slot's last-seen time moved so that its soonest send is the hold's end)."""
        if slot.delay != self.written:
            self.usual = slot.delay
        delay = max(self.usual, self.floor(slot), self.raised)
        held = self.held_until > now
        if held:
            delay = max(delay, _LEAST_DELAY)
        self.written = slot.delay = delay
        if held:
            # The downloader sends once now >= lastseen + a draw of the delay (at least lowest_wait).
            slot.lastseen = max(slot.lastseen, self.held_until - lowest_wait(slot))

    def floor(self, slot: Slot) -> float:
        # The slot waits delay × (1 ± jitter): its lowest draw must still be the Crawl-delay.
        return self.crawl_delay / (1 - slot.jitter) if slot.jitter < 1 else self.crawl_delay


@dataclass(frozen=True)
class Backoff:
    """How far a host's delay goes up when it pushes back, and how fast it comes down."""

    first: float  # the delay after a first slow-down, at least
    longest: float  # the highest it is raised to
    recovery: float  # factor applied after each answer that is not a slow-down
    retry_after_max: float  # the longest hold a Retry-After is granted

    def slow_down(self, pace: HostPace, slot: Slot, now: float, asked: float | None, fresh: bool) -> float:
        """Raise the host's delay (twice the current one), unless the answer is to a request queued
        before the last raise (a burst of failures is one slow-down), and hold the host for what a
        Retry-After asked. Returns the seconds before the host's next request, at the soonest."""
        pace.settle(slot, now)
        if fresh:
            pace.raised = min(max(2 * slot.delay, self.first), self.longest)
            pace.raises += 1
        if asked is not None:
            pace.held_until = max(pace.held_until, now + min(asked, self.retry_after_max))
        # The next request waits the (raised) delay counted from this answer.
        slot.lastseen = max(slot.lastseen, now)
        pace.settle(slot, now)
        return max(pace.held_until - now, lowest_wait(slot))

    def recover(self, pace: HostPace, slot: Slot, now: float) -> bool:
        """One step back towards the usual delay after an answer that is not a slow-down; True
        when the host has got there. A hold stays."""
        if not pace.raised:
            pace.settle(slot, now)
            return False
        pace.raised *= self.recovery
        # Back below the first slow-down's delay, or at the delay the host would have anyway.
        back = pace.raised < self.first or pace.raised <= max(pace.usual, pace.floor(slot))
        if back:
            pace.raised = 0.0
        pace.settle(slot, now)
        return back


class RateLimited(IgnoreRequest):
    """A request to a host the crawl gave up on: it pushed back for longer than FETCH_GIVE_UP_AFTER."""


class HostPacingMiddleware:
    """Downloader middleware: its signal handlers and process_exception change the slots, never a
    request or a response; process_request refuses the requests of a host given up."""

    def __init__(
        self,
        crawler: Crawler,
        backoff: Backoff,
        slow_codes: set[int],
        failures: tuple[type[Exception], ...],
        user_agent: str,
        crawl_delay_max: float,
        give_up_after: float = 0.0,
    ) -> None:
        self.crawler = crawler
        self.backoff = backoff
        self.slow_codes = slow_codes
        self.failures = failures
        self.user_agent = user_agent
        self.crawl_delay_max = crawl_delay_max
        self.give_up_after = give_up_after
        self.paces: dict[str, HostPace] = {}
        # Per request in the downloader: its host's `raises` when it got there.
        self.queued_at: WeakKeyDictionary[Request, int] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostPacingMiddleware:
        settings = crawler.settings
        backoff = Backoff(
            first=settings.getfloat("FETCH_RETRY_BACKOFF"),
            longest=settings.getfloat("FETCH_RETRY_BACKOFF_MAX"),
            recovery=min(max(settings.getfloat("FETCH_SLOWDOWN_RECOVERY"), 0.0), 1.0),
            retry_after_max=settings.getfloat("FETCH_RETRY_AFTER_MAX"),
        )
        failures = tuple(load_object(path) if isinstance(path, str) else path for path in settings.getlist("RETRY_EXCEPTIONS"))
        middleware = cls(
            crawler,
            backoff,
            {int(code) for code in settings.getlist("FETCH_SLOWDOWN_HTTP_CODES")},
            failures,
            settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT"),
            settings.getfloat("FETCH_MAX_CRAWL_DELAY"),
            settings.getfloat("FETCH_GIVE_UP_AFTER"),
        )
        crawler.signals.connect(middleware.request_reached_downloader, signal=signals.request_reached_downloader)
        # Connected after AutoThrottle (an extension, built before the downloader): it sees its change.
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        return middleware

    def _slot(self, request: Request) -> tuple[str, Slot | None]:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def process_request(self, request: Request) -> None:
        key = self.crawler.engine.downloader.get_slot_key(request)
        pace = self.paces.get(key)
        if pace is None or pace.troubled_since is None or not self.give_up_after:
            return
        troubled = monotonic() - pace.troubled_since
        if troubled < self.give_up_after:
            return
        stats = self.crawler.stats
        if not stats.get_value(f"fetch/gave_up/{key}"):
            logger.warning("%s has pushed back for %d s without one good answer: the crawl gives it up", key, troubled)
        stats.inc_value(f"fetch/gave_up/{key}")
        send_skipped(self.crawler, request.url, "rate_limited", f"{key} pushed back for {int(troubled)} s")
        raise RateLimited(f"{key} pushed back for {int(troubled)} s: given up")

    def request_reached_downloader(self, request: Request) -> None:
        # Before the slot looks at its queue: a new slot (or one made again) gets the host's delay.
        key, slot = self._slot(request)
        pace = self.paces.get(key)
        if pace is not None and slot is not None:
            pace.settle(slot, monotonic())
            self.queued_at[request] = pace.raises

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent) if hasattr(robotparser, "crawl_delay") else None
        if not asked:
            return
        key, slot = self._slot(request)
        pace = self.paces.setdefault(key, HostPace())
        pace.crawl_delay = min(float(asked), self.crawl_delay_max)
        self.crawler.stats.set_value(f"fetch/crawl_delay/{key}", pace.crawl_delay)
        logger.info("robots.txt of %s asks for Crawl-delay %s: granted %s s", key, asked, pace.crawl_delay)
        if slot is not None:
            pace.settle(slot, monotonic())

    def response_downloaded(self, response: Response, request: Request) -> None:
        # Sent before the downloader frees the transfer and looks at the slot's queue again.
        key, slot = self._slot(request)
        if slot is None:
            return
        reason = self._pushback(response)
        if reason is None:
            pace = self.paces.get(key)
            if pace is not None:
                pace.troubled_since = None
            if pace is not None and self.backoff.recover(pace, slot, monotonic()):
                logger.info("%s is back at its usual delay (%.2f s)", key, slot.delay)
            return
        asked = retry_after(response.headers.get("Retry-After")) if response.status in self.slow_codes else None
        self._slow_down(key, slot, request, "retry_after" if asked is not None else reason, asked)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, self.failures) or disk_full(exception):
            return
        key, slot = self._slot(request)
        if slot is not None:
            self._slow_down(key, slot, request, error_kind(Failure(exception)) or "connection", None)

    def _pushback(self, response: Response) -> str | None:
        """Why an answer slows its host down, or None."""
        if "dataloss" in response.flags:
            return "data_loss"
        if response.status in self.slow_codes:
            return f"http_{response.status}"
        if isinstance(response, HtmlResponse) and (response.status >= 400 or len(response.body) <= _CHALLENGE_MAX_SIZE):
            if bot_wall(response.text, ""):
                return "bot_wall"
        return None

    def _slow_down(self, key: str, slot: Slot, request: Request, reason: str, asked: float | None) -> None:
        pace = self.paces.setdefault(key, HostPace())
        now = monotonic()
        if pace.troubled_since is None:
            pace.troubled_since = now
        # A request that reached the slot before the host had a pace came before any raise.
        fresh = self.queued_at.get(request, 0) == pace.raises
        wait = self.backoff.slow_down(pace, slot, now, asked, fresh)
        stats = self.crawler.stats
        stats.inc_value(f"fetch/slowdowns/{key}/count")
        stats.inc_value(f"fetch/slowdowns/{key}/reason/{reason}")
        stats.max_value(f"fetch/slowdowns/{key}/longest_s", round(max(wait, slot.delay), 3))
        logger.info(
            "%s slows down (%s): its delay is %.2f s, its next request in %.2f s at the soonest",
            key,
            reason,
            slot.delay,
            wait,
        )
