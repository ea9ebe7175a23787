"""Keeps a site's sources (list, feed, sitemap) on their schedule in the crawl state: a source read
less than its interval ago is not read again by this crawl, a retired sitemap is not read at all,
and a sitemap that has not changed for STATE_SITEMAP_RETIRE_DAYS and lists nothing new is retired.
`SourceSchedule` is the downloader middleware that decides and settles; `SitemapNews` the spider
middleware that tells which sitemaps list something new.

Settings: STATE_ENABLED, STATE_STORE_CLASS, STATE_LISTS_EVERY, STATE_FEEDS_EVERY,
STATE_SITEMAPS_EVERY (hours; 0: every crawl; a profile's recrawl policy sets them for its spider),
STATE_SITEMAP_RETIRE_DAYS (negative: never retire; a retired sitemap is also read again once it
has been retired that long), PROFILE_SINCE (a crawl that skips older entries retires nothing: it
did not look at them all).

A source's first request carries `meta["source"]` (its kind: lists, feeds, sitemaps); a sitemap an
index names, `meta["lastmod"]` (its date there): a retired sitemap that its index dates after its
last change is back on the schedule. An article request from a sitemap carries `meta["listed_by"]`:
as the spider yields it, before any duplicate filter (a list page may have asked for the same
article first), the crawl state says whether the article is new to it or dated anew; a sitemap that
lists such an article has something new, which is written at once (`yielded_at`), so that the
workers of a distributed crawl see each other's. What a read found (its time, the body's digest, the dates the sitemap gives itself: its
index's lastmod, Last-Modified, its newest entry through the `sitemap_read` signal) is written when
the crawl finishes, with the retirements; a crawl stopped before its end leaves the schedule as it
was, so that its sources are read again. Only sitemaps that list pages are retired, never an index
or a robots.txt: new sitemaps appear there.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object

from harvester import signals as harvester_signals
from harvester.profiles.base import SOURCE_KINDS
from harvester.state.incremental import iso, listed_anew, parse_iso, state_key, utc_now
from harvester.state.store import SourceState, StateStore

logger = logging.getLogger(__name__)

# Scheduled crawls start a few seconds apart from one run to the next: a source is due once this
# share of its interval is left, so that a crawl every 6 h reads a 6 h source every time.
GRACE = 0.05


@dataclass
class Read:
    """One source read by this crawl."""

    kind: str
    read_at: datetime
    digest: str
    # The dates it gives itself: its index's lastmod, Last-Modified, its newest entry's.
    dated: list[datetime] = field(default_factory=list)
    # What the spider found it to be: urlset, sitemapindex, robots (None: not a sitemap).
    sitemap: str | None = None


class SourceSchedule:
    def __init__(
        self,
        crawler: Crawler,
        state: StateStore,
        every: dict[str, timedelta],
        retire_after: timedelta | None,
        clock: Callable[[], datetime] = utc_now,
        may_retire: bool = True,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = state
        self.every = every
        # None: no sitemap is retired (and those retired before are read again).
        self.retire_after = retire_after
        # Whether this crawl looks at every entry, and so may tell a dead sitemap.
        self.may_retire = may_retire
        self.clock = clock
        self.reads: dict[str, Read] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceSchedule:
        settings = crawler.settings
        if not settings.getbool("STATE_ENABLED"):
            raise NotConfigured
        state = build_from_crawler(load_object(settings.get("STATE_STORE_CLASS")), crawler)
        every = {kind: timedelta(hours=settings.getfloat(f"STATE_{kind.upper()}_EVERY")) for kind in SOURCE_KINDS.values()}
        days = settings.getfloat("STATE_SITEMAP_RETIRE_DAYS")
        retire_after = timedelta(days=days) if days >= 0 else None
        middleware = cls(crawler, state, every, retire_after, may_retire=not settings.get("PROFILE_SINCE"))
        crawler.signals.connect(middleware.sitemap_read, signal=harvester_signals.sitemap_read)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _put(self, source: SourceState) -> None:
        put_source(self.crawler, self.state, source)

    def _note(self, key: str, url: str) -> None:
        """Lists a source in the crawl's stats (the report's `sources`)."""
        self.stats.set_value(key, [*(self.stats.get_value(key) or []), url])

    # -- before the fetch
    def process_request(self, request: Request) -> None:
        kind = request.meta.get("source")
        if not kind or "source_decision" in request.meta:
            return  # decided once per source, not again for its retries and redirects
        request.meta["source_decision"] = True
        known = self.state.get_source(request.url)
        if known is None:
            return
        if known.retired_at and self.retire_after is not None:
            lastmod = request.meta.get("lastmod")
            if lastmod and known.changed_at and parse_iso(lastmod) > parse_iso(known.changed_at):
                logger.info("%s: its index dates it %s: back on the schedule", request.url, lastmod)
                return
            if self.clock() - parse_iso(known.retired_at) >= self.retire_after:
                # Read once a retirement long: a sitemap named by no index is seen again if it revives.
                logger.info("%s: retired since %s: read again, once", request.url, known.retired_at)
                return
            self.stats.inc_value("state/skipped/retired_sitemap")
            raise IgnoreRequest(f"sitemap retired at {known.retired_at}")
        interval = self.every.get(kind) or timedelta(0)
        if interval and known.read_at and self.clock() - parse_iso(known.read_at) < interval * (1 - GRACE):
            self.stats.inc_value("state/skipped/source_not_due")
            self._note("state/sources/not_due", request.url)
            raise IgnoreRequest(f"read at {known.read_at}; read every {interval}")

    # -- after the fetch
    def process_response(self, request: Request, response: Response) -> Response:
        kind = request.meta.get("source")
        if kind and 200 <= response.status < 300:
            # To the second, as the state keeps times (an article it leads to counts from that second).
            read = Read(kind, self.clock().replace(microsecond=0), "sha256:" + hashlib.sha256(response.body).hexdigest())
            if request.meta.get("lastmod"):
                read.dated.append(parse_iso(request.meta["lastmod"]))
            last_modified = response.headers.get("Last-Modified")
            if last_modified:
                try:
                    when = parsedate_to_datetime(last_modified.decode("latin-1"))
                except (TypeError, ValueError):
                    when = None  # an unreadable date says nothing
                if when is not None:
                    read.dated.append(when if when.tzinfo else when.replace(tzinfo=timezone.utc))
            self.reads[state_key(request)] = read
            self.stats.inc_value("state/sources/read")
        return response

    def sitemap_read(self, url: str, kind: str, newest: datetime | None) -> None:
        read = self.reads.get(url)
        if read is not None:
            read.sitemap = kind
            if newest is not None:
                read.dated.append(newest)

    # -- once the crawl has finished
    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            if reason == "finished":
                for url, read in self.reads.items():
                    self._settle(url, read, spider.name)
        finally:
            self.state.close()

    def _settle(self, url: str, read: Read, site: str) -> None:
        known = self.state.get_source(url)
        changed = changed_at(known, read)
        retired = None
        if read.sitemap == "urlset" and self.retire_after is not None and self.may_retire:
            # The state keeps times to the second: a sitemap read and found new within one second counts.
            led_to_new = (
                known is not None
                and known.yielded_at is not None
                and parse_iso(known.yielded_at) >= read.read_at.replace(microsecond=0)
            )
            if not led_to_new and self.clock() - changed >= self.retire_after:
                retired = iso(self.clock())
                self._note("state/sources/retired", url)
                logger.info("%s: unchanged since %s and nothing new in it: retired", url, iso(changed))
        yielded = known.yielded_at if known else None
        self._put(SourceState(url, site, read.kind, iso(read.read_at), read.digest, iso(changed), yielded, retired))


def put_source(crawler: Crawler, state: StateStore, source: SourceState) -> None:
    """A failed write (a full disk) is logged, never fatal: the source is then read again."""
    try:
        state.put_source(source)
    except sqlite3.Error as error:
        logger.error("crawl state not written for %s: %s", source.url, error, extra={"crawler": crawler})
        crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)


class SitemapNews:
    """Spider middleware: marks in the crawl state (`yielded_at`) each sitemap that lists an article
    the crawl state does not hold settled, or dates one after its last fetch, once per crawl.

    An article that several sources list (a daily sitemap and the news sitemap, a feed) is asked for
    by each, and the duplicate filter keeps the first request: one dated before the article's last
    fetch is then skipped as known, and the source that dates it anew, read a moment later, is not
    heard. So the first request for a known article that a source dates after its last fetch
    passes the duplicate filter (`dont_filter`): whichever source is read first, it is fetched, once."""

    def __init__(self, crawler: Crawler, state: StateStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.crawler = crawler
        self.state = state
        self.clock = clock
        self.marked: set[str] = set()
        self.dated_anew: set[str] = set()  # known articles let past the duplicate filter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SitemapNews:
        if not crawler.settings.getbool("STATE_ENABLED"):
            raise NotConfigured
        middleware = cls(crawler, build_from_crawler(load_object(crawler.settings.get("STATE_STORE_CLASS")), crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.state.close()

    def process_spider_output(self, response: Response, result: Iterable[object]) -> Iterator[object]:
        for item in result:
            yield self.look(item)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[object]) -> AsyncIterator[object]:
        async for item in result:
            yield self.look(item)

    def look(self, item: object) -> object:
        """The item, or the request that passes the duplicate filter in its place."""
        if not isinstance(item, Request):
            return item
        sitemap, listed_at = item.meta.get("listed_by"), item.meta.get("listed_at")
        if listed_at is None and (sitemap is None or sitemap in self.marked):
            return item
        page = self.state.get(item.url)
        if not listed_anew(page, listed_at):
            return item
        if sitemap is not None and sitemap not in self.marked:
            self.marked.add(sitemap)
            known = self.state.get_source(sitemap) or SourceState(sitemap, self.crawler.spider.name, "sitemaps")
            put_source(self.crawler, self.state, replace(known, yielded_at=iso(self.clock())))
        if page is not None and page.settled and item.url not in self.dated_anew:
            self.dated_anew.add(item.url)
            return item.replace(dont_filter=True)
        return item


def changed_at(known: SourceState | None, read: Read) -> datetime:
    """When a source last changed: the latest of the dates it gives itself and of the changes of its
    body the crawl saw (its first read counts as a change only when it gives no date)."""
    seen = None
    if known is not None and known.digest is not None:
        seen = read.read_at if known.digest != read.digest else (parse_iso(known.changed_at) if known.changed_at else None)
    moments = [moment for moment in (seen, *read.dated) if moment is not None]
    return max(moments) if moments else read.read_at
