"""The spider `harvester archive` runs: every page in scope from a few seed URLs, for sites no
profile knows.

Scope is per seed: `host` (the seed's host), `domain` (the seed's host without `www.`, and every
host under it) or `prefix` (URLs starting with the seed URL up to its last `/`). Links (`a`, `area`,
frames) in scope are followed up to `max_depth` link hops (0: no limit); the requisites a page
shows (images, style sheets, scripts, icons) are fetched from the scope's hosts whatever the depth
or prefix, so that the page replays whole. Every HTML page in scope goes down the item pipelines,
where the ones with article text become documents. Links and requisites out of scope are reported
skipped (`offsite`, or `private_address` for a loopback, private or link-local address: see
fetch/addresses.py, which also keeps redirects off them); the links followed pass the trap rules
(spiders/traps.py, ARCHIVE_TRAPS on). Each request carries `meta["hops"]`, its path from the seed
as Heritrix writes it (`L` a link, `E` a requisite), and `meta["via"]`, the page it was found on,
for the capture's metadata records (CAPTURE_METADATA, on for archive crawls).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from harvester.capture.wire import utc_now
from harvester.fetch.addresses import local_name, not_public
from harvester.fetch.errors import failed as fetch_failed
from harvester.items import ArticlePage
from harvester.signals import NO_DOCUMENT, send_skipped

SCOPES = ("host", "domain", "prefix")
_LINKS = "a::attr(href), area::attr(href), frame::attr(src), iframe::attr(src)"
_REQUISITES = (
    "img::attr(src), link[rel~=stylesheet]::attr(href), link[rel~=icon]::attr(href), script::attr(src),"
    " input[type=image]::attr(src), video::attr(poster)"
)


@dataclass(frozen=True)
class Scope:
    """Which URLs one seed puts in scope."""

    seed: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.kind!r}")
        if urlsplit(self.seed).scheme not in ("http", "https") or not urlsplit(self.seed).hostname:
            raise ValueError(f"not an http(s) URL: {self.seed!r}")

    @property
    def host(self) -> str:
        return urlsplit(self.seed).hostname or ""

    def host_in_scope(self, host: str) -> bool:
        if self.kind == "domain":
            domain = self.host.removeprefix("www.")
            return host == domain or host.endswith("." + domain)
        return host == self.host

    def contains(self, url: str) -> bool:
        if not self.host_in_scope(urlsplit(url).hostname or ""):
            return False
        if self.kind == "prefix":
            prefix = self.seed.rsplit("/", 1)[0] + "/" if urlsplit(self.seed).path else self.seed
            return _without_scheme(url).startswith(_without_scheme(prefix))
        return True


def _without_scheme(url: str) -> str:
    return url.split(":", 1)[1]


class ArchiveSpider(scrapy.Spider):
    name = "archive"
    custom_settings = {
        "ARCHIVE_TRAPS": True,
        "CAPTURE_METADATA": True,
        # ARCHIVE_MAX_URL_LENGTH in its place: Scrapy's would drop long URLs unreported.
        "URLLENGTH_LIMIT": 0,
    }

    def __init__(self, seeds: list[str], scope: str = "host", max_depth: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seeds = list(seeds)
        self.scopes = [Scope(seed, scope) for seed in self.seeds]
        self.max_depth = max_depth

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for seed in self.seeds:
            yield scrapy.Request(seed, callback=self.parse, errback=self.failed, cb_kwargs={"depth": 0}, meta={"hops": ""})

    def in_scope(self, url: str) -> bool:
        return any(scope.contains(url) for scope in self.scopes)

    def requisite_allowed(self, url: str) -> bool:
        return any(scope.host_in_scope(urlsplit(url).hostname or "") for scope in self.scopes)

    def parse(self, response: Response, depth: int) -> Iterator[Any]:
        if not isinstance(response, HtmlResponse) or not self.in_scope(response.url):
            return
        yield self.page(response)
        hops = response.meta.get("hops", "")
        for url in _urls(response, _REQUISITES):
            if self.requisite_allowed(url):
                meta = {"hops": hops + "E", "via": response.url}
                yield scrapy.Request(url, callback=self.parse_requisite, errback=self.failed, meta=meta)
            else:
                self.out_of_scope(url, "a requisite off the scope's hosts")
        if self.max_depth and depth >= self.max_depth:
            return
        for url in _urls(response, _LINKS):
            if self.in_scope(url):
                meta = {"hops": hops + "L", "via": response.url}
                yield scrapy.Request(url, callback=self.parse, errback=self.failed, cb_kwargs={"depth": depth + 1}, meta=meta)
            else:
                self.out_of_scope(url, f"a link out of the {self.scopes[0].kind} scope")

    def out_of_scope(self, url: str, detail: str) -> None:
        host = urlsplit(url).hostname or ""
        kind = "loopback" if local_name(host) else not_public(host)
        if kind is not None:
            # The more telling reason, though the scope alone keeps it out.
            send_skipped(self.crawler, url, "private_address", f"{host} is {kind}")
            return
        # Counted as Scrapy counts the requests its offsite filter drops.
        self.crawler.stats.inc_value("offsite/filtered")
        send_skipped(self.crawler, url, "offsite", detail, count=False)

    def failed(self, failure: Failure) -> None:
        """A seed, page or requisite that failed for good is an error of the crawl; but a link that
        leads to a page the site says is not there (4xx) is what the web is: that page is captured,
        and counted as a page without a document (`no_document: http_404`)."""
        error, request = failure.value, failure.request  # type: ignore[attr-defined]
        status = error.response.status if isinstance(error, HttpError) else None
        if status is not None and 400 <= status < 500 and status != 429 and request.meta.get("hops"):
            self.crawler.stats.inc_value(f"spider/no_document/http_{status}")
            send_skipped(self.crawler, request.url, f"http_{status}", "a link to a page that is not there", count=False, stage=NO_DOCUMENT)
            return
        fetch_failed(self.crawler, failure)

    def parse_requisite(self, response: Response) -> None:
        """Captured on the way in; nothing to read from it."""

    def page(self, response: HtmlResponse) -> ArticlePage:
        redirects = response.meta.get("redirect_urls") or [response.request.url]
        fetched = response.meta.get("capture_date") or utc_now()
        return ArticlePage(
            url=redirects[0],
            final_url=response.url,
            canonical_url=urldefrag(response.url)[0],
            site=None,
            kind=None,
            body=response.body,
            encoding=response.encoding,
            fetched_at=fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
            warc=response.meta.get("capture"),
        )


def _urls(response: HtmlResponse, css: str) -> Iterator[str]:
    base = response.css("base::attr(href)").get()
    base_url = urljoin(response.url, base.strip()) if base else response.url
    for value in response.css(css).getall():
        url = urldefrag(urljoin(base_url, value.strip()))[0]
        if urlsplit(url).scheme in ("http", "https"):
            yield url
