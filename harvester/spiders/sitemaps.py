"""Reading a sitemap response with Scrapy's own parser (`scrapy.utils.sitemap`, as SitemapSpider
does): its XML (a gzip file gunzipped within a size cap), its type, and its entries, each with the
date that says when it last changed (`lastmod`, else a news sitemap's `news:publication_date`).

The caller gives the cap (PROFILE_SITEMAP_MAX_SIZE): the protocol allows 50 MB of XML per file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml.etree import XMLSyntaxError, _Element
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

ROBOTS = "robots"


class DatedSitemap(Sitemap):
    """Scrapy's `Sitemap`, whose entries also keep a news sitemap's publication date: Scrapy keeps
    an entry's direct children only, and `news:publication_date` sits inside `news:news`."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: _Element) -> dict[str, Any] | None:
        published = elem.findtext("{*}news/{*}publication_date")
        entry = super()._process_sitemap_element(elem)
        if entry is not None and published:
            entry["publication_date"] = published.strip()
        return entry


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    # When the entry last changed, as the sitemap says it (W3C datetime), if it says.
    dated: str | None


def is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


def sitemap_body(response: Response, max_size: int) -> bytes | None:
    """The sitemap XML a response holds, gunzipped if it is a gzip file (None: larger than
    `max_size` once gunzipped, a broken gzip file, or not a sitemap at all)."""
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except (ValueError, OSError, EOFError, zlib.error):
            # ValueError: Scrapy's size cap (_DecompressionMaxSizeExceeded) was reached.
            return None
    # A server that gzips sitemaps on the fly (Content-Encoding) has them gunzipped already.
    if isinstance(response, XmlResponse) or response.body.lstrip()[:5] == b"<?xml":
        return response.body
    return None


def read_sitemap(response: Response, max_size: int) -> tuple[str, Iterator[SitemapEntry]] | None:
    """(type, entries) of a sitemap response: type `sitemapindex` (entries are sitemaps), `urlset`
    (entries are pages) or `robots` (entries are the sitemaps its `Sitemap:` lines name); None:
    the response holds no sitemap. Entries are parsed as they are taken (a sitemap may hold 50,000)."""
    if is_robots(response.url):
        found = sitemap_urls_from_robots(response.body, base_url=response.url)
        return ROBOTS, (SitemapEntry(url, None) for url in found)
    body = sitemap_body(response, max_size)
    if not body:
        return None
    try:
        sitemap = DatedSitemap(body)
    except (StopIteration, XMLSyntaxError):
        return None
    if sitemap.type not in ("sitemapindex", "urlset"):
        return None
    return sitemap.type, _entries(sitemap)


def _entries(sitemap: DatedSitemap) -> Iterator[SitemapEntry]:
    for entry in sitemap:
        loc = entry.get("loc")
        if loc:
            yield SitemapEntry(loc, entry.get("lastmod") or entry.get("publication_date") or None)
