"""The spider a site profile drives: entry points, list pagination, feeds, sitemaps, articles.

Settings: PROFILE_MAX_LIST_PAGES (0: no limit) caps how many list pages of one source are read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector

from harvester.capture.writer import utc_now
from harvester.extraction.charset import detect as detect_charset
from harvester.items import ArticlePage
from harvester.profiles import Feed, ListPages, SiteProfile, Sitemap


class ProfileSpider(scrapy.Spider):
    """Crawls one site as its profile describes. Subclassed per profile by the spider loader."""

    profile: SiteProfile

    @classmethod
    def for_profile(cls, profile: SiteProfile) -> type[ProfileSpider]:
        return type(
            f"{profile.name.title().replace('_', '')}Spider",
            (cls,),
            {"name": profile.name, "profile": profile, "custom_settings": dict(profile.custom_settings)},
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = [host.lstrip(".") for host in self.profile.hosts]

    async def start(self) -> AsyncIterator[Any]:
        for source in self.profile.sources:
            if isinstance(source, ListPages):
                yield scrapy.Request(source.url, callback=self.parse_list, cb_kwargs={"page": 1})
            elif isinstance(source, Feed):
                yield scrapy.Request(source.url, callback=self.parse_feed)
            elif isinstance(source, Sitemap):
                yield scrapy.Request(source.url, callback=self.parse_sitemap)

    # -- entry points
    def article_request(self, url: str) -> scrapy.Request | None:
        canonical = self.profile.canonical_url(url)
        if not self.profile.is_article(canonical):
            return None
        return scrapy.Request(canonical, callback=self.parse_article)

    def parse_list(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for rule in self.profile.article_links:
            for url in rule.find(response, response.url):
                request = self.article_request(url)
                if request is not None:
                    yield request
        max_pages = self.settings.getint("PROFILE_MAX_LIST_PAGES")
        if max_pages and page >= max_pages:
            return
        for rule in self.profile.next_pages:
            for url in rule.find(response, response.url):
                yield scrapy.Request(url, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        # Parse the bytes, so that the XML declaration's encoding wins over any guess.
        selector = Selector(text=None, body=response.body, type="xml")
        selector.remove_namespaces()
        links = selector.xpath("//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href").getall()
        for link in links:
            request = self.article_request(urljoin(response.url, link.strip()))
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        selector = Selector(text=None, body=response.body, type="xml")
        selector.remove_namespaces()
        for loc in selector.xpath("//sitemap/loc/text()").getall():
            yield scrapy.Request(loc.strip(), callback=self.parse_sitemap)
        for loc in selector.xpath("//url/loc/text()").getall():
            request = self.article_request(loc.strip())
            if request is not None:
                yield request

    # -- articles
    def parse_article(self, response: Response) -> Iterator[ArticlePage]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("spider/skipped/not_text")
            return
        redirects = response.meta.get("redirect_urls") or [response.request.url]
        fetched = response.meta.get("capture_date") or utc_now()
        yield ArticlePage(
            url=redirects[0],
            final_url=response.url,
            canonical_url=self.profile.canonical_url(response.url),
            site=self.profile.name,
            kind=self.profile.kind,
            body=response.body,
            encoding=_page_charset(response),
            fetched_at=fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
            warc=response.meta.get("capture"),
        )


def _page_charset(response: TextResponse) -> str:
    """The page's codec as a browser settles it, with a sniff that knows Korean pages that declare
    nothing (Scrapy's own guess can take EUC-KR bytes for another charset)."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return detect_charset(response.body, content_type)
