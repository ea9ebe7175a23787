"""The `SiteProfile` dataclass: everything the engine needs to know about one site, as plain data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from w3lib.html import replace_entities

Kind = Literal["ministry", "archive", "news"]


@dataclass(frozen=True)
class ListPages:
    """An HTML list page whose links lead to articles and to further list pages."""

    url: str


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed whose item links are articles."""

    url: str


@dataclass(frozen=True)
class Sitemap:
    """A sitemap (or sitemap index) whose URLs are filtered by the profile's article rule."""

    url: str


Source = ListPages | Feed | Sitemap


@dataclass(frozen=True)
class LinkRule:
    """Finds links on a page: the `attr` of each element matched by `css`.

    With `pattern`, only values matching it count; with `template` too, the template formatted
    with the match (`{0}`) and its groups (`{1}`...) is the URL instead of the whole value, e.g.
    `onclick="f_view('123')"` into `view.do?seq=123`. Relative URLs are joined with the page URL.
    """

    css: str
    attr: str = "href"
    pattern: str | None = None
    template: str | None = None

    def find(self, selector: Any, base_url: str) -> list[str]:
        urls = []
        for value in selector.css(self.css).xpath(f"@{self.attr}").getall():
            value = replace_entities(value.strip())
            if self.pattern is not None:
                match = re.search(self.pattern, value)
                if match is None:
                    continue
                if self.template is not None:
                    value = self.template.format(match.group(0), *match.groups())
            if value and not value.startswith(("javascript:", "#", "mailto:")):
                urls.append(urljoin(base_url, value))
        return urls


@dataclass(frozen=True)
class Selectors:
    """CSS selectors that override generic extraction for this site (None: let the extractor find it)."""

    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: str | None = None
    body: str | None = None
    # Elements removed from the body before it is turned into text (chrome inside the article).
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteProfile:
    """One site: where to start, which links are articles, and how to read an article."""

    name: str
    title: str
    # Host names; an entry starting with '.' covers every host under that domain.
    hosts: tuple[str, ...]
    kind: Kind
    language: str
    sources: tuple[Source, ...]
    # Article URLs: a URL is an article when it matches this regex (after canonicalisation).
    article_url: str
    # Links on list pages that lead to articles, and to the next list pages.
    article_links: tuple[LinkRule, ...] = ()
    next_pages: tuple[LinkRule, ...] = ()
    # CSS of the dates a list page shows beside its articles (`--since` stops paging by them).
    list_dates: str | None = None
    selectors: Selectors = field(default_factory=Selectors)
    timezone: str = "Asia/Seoul"
    # Maps any URL of an article (http/https, list query strings, feed links) to its one canonical URL.
    canonicalize: Callable[[str], str] | None = None
    # Lines under the title that the page shows as byline/date (profile hook; None: none).
    meta_lines: Callable[[Any], list[str]] | None = None
    # Scrapy settings for this site only (politeness, headers), merged at spider priority.
    custom_settings: dict[str, Any] = field(default_factory=dict)
    # A site that exists only in the replica (the fault-test site): never part of `all` or the demo.
    replica_only: bool = False

    def canonical_url(self, url: str) -> str:
        return self.canonicalize(url) if self.canonicalize else url

    def is_article(self, url: str) -> bool:
        return re.search(self.article_url, url) is not None

    def host_match(self, url: str) -> int:
        """2 when a host is named exactly, 1 when it falls under a '.domain' entry, else 0."""
        host = (urlsplit(url).hostname or "").lower()
        if host in self.hosts:
            return 2
        return int(any(entry.startswith(".") and host.endswith(entry) for entry in self.hosts))
