"""Sitemaps as the copies' sites publish them: sitemap indexes and (Google News) sitemaps, as XML or
as gzip files (a `.gz` file served as such, not a gzip Content-Encoding)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from harvester.replica.http import ReplicaResponse

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """A `<url>` (or, in an index, a `<sitemap>`): its address and dates (W3C datetimes)."""

    loc: str
    lastmod: str | None = None
    # A news sitemap's `news:publication_date` and `news:title`.
    published: str | None = None
    title: str | None = None


def _dates(entry: Entry) -> str:
    return f"<lastmod>{entry.lastmod}</lastmod>" if entry.lastmod else ""


def sitemap_index(entries: Iterable[Entry]) -> bytes:
    rows = "\n".join(f"  <sitemap><loc>{escape(entry.loc)}</loc>{_dates(entry)}</sitemap>" for entry in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{rows}\n</sitemapindex>\n'.encode()


def news_sitemap(entries: Iterable[Entry], publication: str, language: str) -> bytes:
    """A sitemap whose entries carry Google News' `news:news` (publication, date, title)."""
    rows = []
    for entry in entries:
        news = (
            f"<news:news><news:publication><news:name>{escape(publication)}</news:name>"
            f"<news:language>{language}</news:language></news:publication>"
            f"<news:publication_date>{entry.published}</news:publication_date>"
            f"<news:title>{escape(entry.title or '')}</news:title></news:news>"
        )
        rows.append(f"  <url><loc>{escape(entry.loc)}</loc>{_dates(entry)}{news}</url>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    ).encode()


def xml(body: bytes) -> ReplicaResponse:
    return ReplicaResponse(200, body, (("Content-Type", "application/xml; charset=UTF-8"),))


def gzipped(body: bytes) -> ReplicaResponse:
    """A `.gz` file as a web server sends one; the same bytes every time, as a file's are."""
    return ReplicaResponse(200, gzip.compress(body, mtime=0), (("Content-Type", "application/x-gzip"),))
