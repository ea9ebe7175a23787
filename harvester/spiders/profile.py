"""The spider a site profile drives: entry points, list pagination, feeds, sitemaps, articles.

Settings: PROFILE_MAX_LIST_PAGES (0: no limit) caps the list pages read per source: pages numbered
past it (by the URL's page number, else by their distance from the first page) are not followed;
PROFILE_SINCE (an ISO date, empty: none) stops paging once a list page's dates (the profile's
`list_dates`) are all older, and skips older feed and sitemap entries. Article requests carry
`meta["article"]` and, where a feed or sitemap dates the entry, `meta["listed_at"]` (UTC ISO), which
the crawl state reads. The spider argument `out=DIR` points every output into DIR (as
`harvester crawl --out DIR` does), for runs through `scrapy crawl` or scrapyd.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector
from twisted.python.failure import Failure

from harvester import signals
from harvester.extraction import dates
from harvester.fetch.errors import failed as fetch_failed
from harvester.items import ArticlePage
from harvester.output import output_settings
from harvester.profiles import Feed, ListPages, SiteProfile
from harvester.profiles.base import SOURCE_KINDS, Recrawl, Source
from harvester.spiders.pages import article_page
from harvester.spiders.sitemaps import read_sitemap

logger = logging.getLogger(__name__)

_PAGE_NUMBER = re.compile(r"[?&](?:page|pageIndex|pageNo|pg|np|cpage)=(\d+)", re.IGNORECASE)
_FEED_ENTRIES = "//item | //entry"
_FEED_LINK = "link/text() | link[not(@rel) or @rel='alternate']/@href"
_FEED_DATE = "updated/text() | pubDate/text() | published/text() | date/text()"
# Articles go before further list pages, feeds and sitemaps (priority 0): the frontier then holds
# the articles of the list pages being read, not every article of every list page read so far, so
# memory stays flat however large the site.
ARTICLE_PRIORITY = 1


def recrawl_settings(recrawl: Recrawl) -> dict[str, float]:
    """A profile's recrawl policy as the crawl state's settings (hours between reads of each kind of
    source; days after which an article is fetched again, when the profile says)."""
    settings = {f"STATE_{kind.upper()}_EVERY": getattr(recrawl, kind).total_seconds() / 3600 for kind in SOURCE_KINDS.values()}
    if recrawl.refresh_after is not None:
        settings["STATE_REFRESH_AFTER"] = recrawl.refresh_after.total_seconds() / 86400
    return settings


def source_url(response: Response) -> str:
    """The URL a source was requested at, before any redirect (the crawl state's key)."""
    return (response.meta.get("redirect_urls") or [response.url])[0]


def page_number(url: str) -> int | None:
    """The page number a list URL names (`page=`, `pageIndex=`, `np=`, ...), if it names one.

    >>> page_number("https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=3&srchFr=")
    3
    >>> page_number("https://www.mofa.go.kr/eng/brd/m_5676/list.do") is None
    True
    """
    match = _PAGE_NUMBER.search(url)
    return int(match.group(1)) if match else None


class ProfileSpider(scrapy.Spider):
    """Crawls one site as its profile describes. Subclassed per profile by the spider loader."""

    profile: SiteProfile

    @classmethod
    def for_profile(cls, profile: SiteProfile) -> type[ProfileSpider]:
        custom_settings = {**recrawl_settings(profile.recrawl), **profile.custom_settings}
        return type(
            f"{profile.name.title().replace('_', '')}Spider",
            (cls,),
            {"name": profile.name, "profile": profile, "custom_settings": custom_settings},
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, out: str | None = None, **kwargs: Any) -> ProfileSpider:
        # Settings are still open while the spider is made (Scrapy freezes them after).
        if out:
            for name, value in output_settings(Path(out)).items():
                crawler.settings.set(name, value, priority="spider")
        return super().from_crawler(crawler, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = [host.lstrip(".") for host in self.profile.hosts]
        self.tz = ZoneInfo(self.profile.timezone)

    @cached_property
    def since(self) -> datetime | None:
        crawler = getattr(self, "crawler", None)  # a spider made outside a crawl has no settings
        value = crawler.settings.get("PROFILE_SINCE") if crawler else None
        parsed = dates.parse(value, self.tz) if value else None
        return parsed[0] if parsed else None

    def request(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.failed, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        kinds = set(self.settings.getlist("PROFILE_SOURCES"))
        for source in self.profile.sources:
            if SOURCE_KINDS[type(source)] in kinds:
                yield self.source_request(source)
        if self.settings.getbool("PROFILE_ROBOTS_SITEMAPS"):
            origins = (urlsplit(source.url) for source in self.profile.sources)
            for origin in dict.fromkeys(f"{parts.scheme}://{parts.netloc}" for parts in origins):
                yield self.sitemap_request(f"{origin}/robots.txt")

    def source_request(self, source: Source) -> scrapy.Request:
        if isinstance(source, ListPages):
            return self.request(source.url, self.parse_list, cb_kwargs={"page": 1}, meta={"source": "lists"})
        if isinstance(source, Feed):
            return self.request(source.url, self.parse_feed, meta={"source": "feeds"})
        return self.sitemap_request(source.url)

    def sitemap_request(self, url: str, lastmod: str | None = None) -> scrapy.Request:
        """A sitemap (or a robots.txt, for the sitemaps it names); `lastmod`: its date in the index
        that named it (UTC ISO)."""
        meta = {"source": "sitemaps", "max_page_size": self.settings.getint("PROFILE_SITEMAP_MAX_SIZE")}
        if lastmod:
            meta["lastmod"] = lastmod
        return self.request(url, self.parse_sitemap, meta=meta)

    # -- entry points
    def article_request(self, url: str, listed_at: str | None = None, listed_by: str | None = None) -> scrapy.Request | None:
        canonical = self.profile.canonical_url(url)
        if not self.profile.is_article(canonical):
            return None
        if listed_at and self.since and datetime.fromisoformat(listed_at) < self.since:
            self.crawler.stats.inc_value("spider/skipped/before_since")
            detail = f"listed at {listed_at}, before {self.since.isoformat()}"
            signals.send_skipped(self.crawler, canonical, "before_since", detail, count=False)
            return None
        meta: dict[str, Any] = {"article": True, "listed_at": listed_at}
        if listed_by:
            meta["listed_by"] = listed_by
        return self.request(canonical, self.parse_article, meta=meta, priority=ARTICLE_PRIORITY)

    def _moment(self, text: str | None) -> str | None:
        """A feed or sitemap date as UTC ISO 8601 (a bare day counts from its start, site time)."""
        if not text:
            return None
        try:
            # A sitemap's W3C datetime, and many feeds' dates: read at once (dateutil, which reads
            # every other form, costs 30 times as much, and a sitemap has up to 50,000 of them).
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            parsed = dates.parse(text, self.tz)
            if not parsed:
                return None
            moment = parsed[0]
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment.astimezone(timezone.utc).isoformat()

    def parse_list(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for rule in self.profile.article_links:
            for url in rule.find(response, response.url):
                request = self.article_request(url)
                if request is not None:
                    yield request
        if self._past_since(response):
            self.crawler.stats.inc_value("spider/since_reached")
            logger.info("%s: list dates are older than %s; paging stops", response.url, self.since)
            return
        max_pages = self.settings.getint("PROFILE_MAX_LIST_PAGES")
        for rule in self.profile.next_pages:
            for url in rule.find(response, response.url):
                number = page_number(url) or page + 1
                if not max_pages or number <= max_pages:
                    yield self.request(url, self.parse_list, cb_kwargs={"page": number})

    def _past_since(self, response: TextResponse) -> bool:
        """Whether the oldest date the list page shows is older than PROFILE_SINCE."""
        since = self.since
        if since is None or not self.profile.list_dates:
            return False
        found = [dates.parse(text, self.tz) for text in response.css(self.profile.list_dates).css("::text").getall()]
        moments = [parsed[0] for parsed in found if parsed]
        return bool(moments) and min(moments) < since

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        # Parse the bytes, so that the XML declaration's encoding wins over any guess.
        selector = Selector(text=None, body=response.body, type="xml")
        selector.remove_namespaces()
        for entry in selector.xpath(_FEED_ENTRIES):
            link = entry.xpath(_FEED_LINK).get()
            if not link:
                continue
            listed_at = self._moment(entry.xpath(_FEED_DATE).get())
            request = self.article_request(urljoin(response.url, link.strip()), listed_at)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """The articles of a sitemap (dated by their `lastmod` or news publication date), the
        sitemaps of an index (but those it dates before PROFILE_SINCE), or those a robots.txt names."""
        stats = self.crawler.stats
        read = read_sitemap(response, self.settings.getint("PROFILE_SITEMAP_MAX_SIZE"))
        if read is None:
            stats.inc_value("spider/sitemaps/invalid")
            logger.warning("%s: not a sitemap (or larger than PROFILE_SITEMAP_MAX_SIZE once gunzipped); ignored", response.url)
            return
        if response.meta.get("truncated"):
            logger.warning("%s: larger than PROFILE_SITEMAP_MAX_SIZE: its first entries only", response.url)
        kind, entries = read
        url = source_url(response)
        newest: datetime | None = None
        for entry in entries:
            dated = self._moment(entry.dated)
            moment = datetime.fromisoformat(dated) if dated else None
            if moment and (newest is None or moment > newest):
                newest = moment
            if kind == "urlset":
                request = self.article_request(entry.loc, dated, listed_by=url)
            elif moment and self.since and moment < self.since:
                stats.inc_value("spider/skipped/sitemap_before_since")
                continue
            else:
                request = self.sitemap_request(urljoin(response.url, entry.loc), dated)
            if request is not None:
                yield request
        stats.inc_value(f"spider/sitemaps/{kind}")
        self.crawler.signals.send_catch_log(signal=signals.sitemap_read, url=url, kind=kind, newest=newest)

    # -- articles
    def parse_article(self, response: Response) -> Iterator[ArticlePage]:
        """Every article response becomes an item: extraction decides whether it is a document."""
        yield article_page(response, self.profile.canonical_url(response.url), self.profile.name, self.profile.kind)

    # -- failures
    def failed(self, failure: Failure) -> None:
        fetch_failed(self.crawler, failure)
