"""A page's metadata for generic extraction: what it says in machine-readable form (JSON-LD,
OpenGraph/article meta tags, `<html lang>`) first, since that carries full timestamps with
offsets; then what trafilatura (title) and htmldate (publication day) read from the visible page.

>>> from lxml import html
>>> page = html.fromstring('''<html lang="ko-KR"><head>
... <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
...   {"@type": "WebPage", "name": "site"},
...   {"@type": "NewsArticle", "headline": "제목", "datePublished": "2024-05-01T09:30:00+09:00",
...    "author": [{"@type": "Person", "name": "홍길동"}, {"@type": "Person", "name": "김철수"}]}]}
... </script>
... <meta property="article:modified_time" content="2024-05-02T10:00:00+09:00">
... </head><body></body></html>''')
>>> meta = read(page, 'https://example.com/a/1')
>>> meta.title, meta.published, meta.modified, meta.author, meta.language
('제목', '2024-05-01T09:30:00+09:00', '2024-05-02T10:00:00+09:00', '홍길동; 김철수', 'ko')
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dateutil.parser import UnknownTimezoneWarning
from htmldate import find_date
from lxml.etree import _Element
from trafilatura.metadata import extract_title

from harvester.extraction import dates
from harvester.extraction.selection import jsonld_objects

_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|NewsArticle|Posting", re.IGNORECASE)
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]\w+)*$")
_PUBLISHED_META = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified", "lastmod")


@dataclass(frozen=True)
class PageMetadata:
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    author: str | None = None  # names joined with '; '
    language: str | None = None


def _article_object(root: _Element) -> dict[str, Any]:
    for item in jsonld_objects(root):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
            return item
    return {}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        # `article:author` is often a profile URL, not a name.
        return [value.strip()] if value.strip() and not value.strip().startswith(("http:", "https:")) else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    return []


def _meta_values(root: _Element, names: tuple[str, ...]) -> Iterator[str]:
    """The contents of the meta tags with these names, in the order of `names`."""
    for name in names:
        for element in root.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = (element.get("content") or "").strip()
            if content:
                yield content


def _meta(root: _Element, names: tuple[str, ...]) -> str | None:
    return next(_meta_values(root, names), None)


def _language(root: _Element) -> str | None:
    for value in (root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"), _meta(root, ("og:locale",))):
        match = _LANGUAGE.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return None


def _timestamp(value: str | None) -> str | None:
    """ISO 8601 of a date value; with a zone abbreviation dateutil cannot place ('EST', 'IST' is
    three zones), only the day is kept, since the time would be off by hours.

    >>> _timestamp("20 Nov 2019 08:00 GMT"), _timestamp("November 19, 2019, 07:47 PM EST")
    ('2019-11-20T17:00:00+09:00', '2019-11-19')
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownTimezoneWarning)
        try:
            return dates.normalize(value)
        except UnknownTimezoneWarning:
            day = dates.normalize(re.sub(r"\b[A-Z]{2,5}\b|\d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?", " ", value or ""))
            return day[:10] if day else None


def read(root: _Element, url: str | None = None) -> PageMetadata:
    article = _article_object(root)
    headline = article.get("headline") if isinstance(article.get("headline"), str) else None
    title = " ".join((headline or _meta(root, ("og:title",)) or extract_title(root) or "").split())
    authors = _names(article.get("author")) or next(
        (names for value in _meta_values(root, ("article:author", "author")) if (names := _names(value))), []
    )
    published = article.get("datePublished") if isinstance(article.get("datePublished"), str) else None
    modified = article.get("dateModified") if isinstance(article.get("dateModified"), str) else None
    published = _timestamp(published or _meta(root, _PUBLISHED_META))
    if published is None:
        # htmldate looks through the URL, the visible text and the markup for the original day.
        published = dates.normalize(find_date(root, url=url, original_date=True, extensive_search=True))
    return PageMetadata(
        title=title or None,
        published=published,
        modified=_timestamp(modified or _meta(root, _MODIFIED_META)),
        author="; ".join(authors) or None,
        language=_language(root),
    )
