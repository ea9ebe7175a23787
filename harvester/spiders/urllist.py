"""The spider `harvester rebuild MANIFEST` runs: the URL of every manifest line fetched again.

One spider per site profile (`for_profile`, with the profile's politeness settings), and one for
lines of no known profile. Each page becomes an `ArticlePage` as a profile crawl makes it, with the
manifest line it was fetched for in `previous`, so that extraction and corpus see it as they see a
crawl's. What becomes of each line is recorded in the ledger: a page redirected off its article
(another canonical URL, another site) is `gone`, as is a 404 or 410; any other failure is `failed`
with its kind. The rebuild pipeline (harvester/rebuild/pipeline.py) records the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from harvester.corpus.manifest import Entry
from harvester.fetch.errors import error_kind
from harvester.items import ArticlePage
from harvester.profiles import SiteProfile
from harvester.rebuild.report import Ledger
from harvester.spiders.pages import article_page

GONE_STATUSES = (404, 410)


class UrlListSpider(scrapy.Spider):
    """Fetches the URLs of manifest lines again. `entries` are the current lines, `versions` their
    kept versions, `source` the folder of their files; `ledger` takes each line's outcome."""

    name = "rebuild"
    profile: SiteProfile | None = None

    @classmethod
    def for_profile(cls, profile: SiteProfile | None) -> type[UrlListSpider]:
        if profile is None:
            return cls
        return type(
            f"Rebuild{profile.name.title().replace('_', '')}Spider",
            (cls,),
            {"name": f"rebuild_{profile.name}", "profile": profile, "custom_settings": dict(profile.custom_settings)},
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UrlListSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    def __init__(self, entries: list[Entry], versions: list[Entry], source: Any, ledger: Ledger, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries = entries
        self.versions = versions
        self.source = source
        self.ledger = ledger
        if self.profile is not None:
            hosts = {host.lstrip(".") for host in self.profile.hosts}
        else:
            hosts = {urlsplit(url).hostname or "" for entry in entries for url in (entry.url, entry.final_url)}
        self.allowed_domains = sorted(hosts - {""})
        # Where a line's page was last redirected to: a redirect off the site is dropped by the
        # offsite filter without a word, and the line is then gone.
        self.redirected: dict[str, str] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for entry in self.entries:
            yield scrapy.Request(entry.url, callback=self.parse, errback=self.failed, meta={"rebuild_of": entry})

    def request_scheduled(self, request: scrapy.Request) -> None:
        entry = request.meta.get("rebuild_of")
        if entry is not None and request.meta.get("redirect_urls"):
            self.redirected[entry.id] = request.url

    def canonical_url(self, url: str) -> str:
        return self.profile.canonical_url(url) if self.profile else urldefrag(url)[0]

    def parse(self, response: Response) -> Iterator[ArticlePage]:
        entry: Entry = response.meta["rebuild_of"]
        canonical = self.canonical_url(response.url)
        if canonical != entry.canonical_url:
            self.ledger.record(entry, "gone", f"redirected to {response.url}")
            return
        # The line's profile reads the page again (a name no profile has any more: generic extraction).
        site, kind = (self.profile.name, self.profile.kind) if self.profile else (None, entry.kind)
        yield article_page(response, canonical, site, kind, previous=entry)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        entry: Entry = request.meta["rebuild_of"]
        error = failure.value
        if isinstance(error, HttpError) and error.response.status in GONE_STATUSES:
            self.ledger.record(entry, "gone", f"http {error.response.status}")
        elif isinstance(error, IgnoreRequest) and not isinstance(error, HttpError):
            self.ledger.record(entry, "failed", f"not fetched: {error}")
        else:
            self.ledger.record(entry, "failed", error_kind(failure) or type(error).__name__)
