"""The `SiteProfile` dataclass: everything the engine needs to know about one site, as plain data.

A site that changed its page template keeps the rules of each earlier template as a dated
`Version` (fundus's `valid_until`): a page captured on or before a version's `valid_until` is read
with that version's rules, any later one with the profile's own (`SiteProfile.as_of`), so that
pages of old captures are read as the site made them then.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from lxml.cssselect import CSSSelector
from parsel.csstranslator import css2xpath

Kind = Literal["ministry", "archive", "news"]


@lru_cache(maxsize=1024)
def css(selector: str) -> CSSSelector:
    """A CSS selector for lxml trees, compiled once: compiling (CSS to XPath, XPath to code) costs
    more than matching it on a page, and a site's pages all use the same few selectors."""
    return CSSSelector(selector, translator="html")


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
    """A sitemap, sitemap index or news sitemap (gzipped or not) whose URLs are filtered by the
    profile's article rule; a robots.txt URL stands for the sitemaps its `Sitemap:` lines name."""

    url: str


Source = ListPages | Feed | Sitemap
# The kind of each source, as crawl settings (PROFILE_SOURCES) and the crawl state name it.
SOURCE_KINDS: dict[type, str] = {ListPages: "lists", Feed: "feeds", Sitemap: "sitemaps"}


@dataclass(frozen=True)
class Recrawl:
    """How often a site's sources are read again, and how long its articles count as fresh.

    A source (its list, feed or sitemap) read less than its interval ago is not read by this
    crawl (0: read by every crawl), so that one schedule serves sites of different pace. An
    article fetched `refresh_after` ago is fetched again, conditionally (None: only when a feed or
    sitemap dates it after its last fetch); `--refresh-after` overrides it for one crawl.
    """

    lists: timedelta = timedelta(0)
    feeds: timedelta = timedelta(0)
    sitemaps: timedelta = timedelta(0)
    refresh_after: timedelta | None = None

# A selector, or alternatives tried in order (a site whose templates changed over the years): CSS;
# XPath (starting with '/', '(' or a function such as `substring-after(`), whose result may be
# elements or text; or `jsonld:` and a dotted path into the page's JSON-LD (`jsonld:author.name`).
Selector = str | tuple[str, ...]


# An entity left in an attribute's value (markup that escaped `&amp;` twice): one that ends in
# `;`, the only kind a browser decodes in an attribute value when `=` or a letter follows it, so
# that a parameter such as `&lang=ko` stays itself (w3lib's replace_entities makes it `〈=ko`).
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def unescape_link(value: str) -> str:
    """An attribute's value with the entities its markup escaped twice decoded."""
    if "&" not in value or ";" not in value:  # most links: nothing to look for
        return value
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), value)


@lru_cache(maxsize=256)
def _attribute_xpath(css: str, attr: str) -> str:
    """One XPath for the `attr` of every element `css` matches, in document order (one query
    per page instead of one per element)."""
    return f"({css2xpath(css)})/@{attr}"


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
        for value in selector.xpath(_attribute_xpath(self.css, self.attr)).getall():
            value = unescape_link(value.strip())
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
    """Selectors that override generic extraction for this site (None: let the extractor find it)."""

    title: Selector | None = None
    published: Selector | None = None
    modified: Selector | None = None
    # Every match is a byline of one or more names ('By A and B', one JSON-LD author each).
    authors: Selector | None = None
    body: Selector | None = None
    # Elements removed from the body before it is turned into text (chrome inside the article).
    drop: tuple[str, ...] = ()
    # Elements removed from the whole page before anything is read: chrome wrapped around the
    # site's own page (an archive's banner), which generic extraction would otherwise take in.
    remove: tuple[str, ...] = ()
    # Regexes for chrome known by its text ('move to top', an archive banner's sentences), matched
    # with `re.match` on whitespace-collapsed text: elements holding one such paragraph are
    # removed from the page before anything is read, and such lines from the body after.
    drop_lines: tuple[str, ...] = ()
    # Regex: a closing body block that signs the article ('By X (x@heraldcorp.com)'). It is
    # removed from the body and read as the authors when the authors selector finds none.
    signoff: str | None = None
    # CSS, inside the body: images whose alt text is a caption the page gives only there.
    alt_captions: str | None = None
    # The page's language (e.g. '/html/@lang'), for sites that serve several; else the profile's.
    language: Selector | None = None


@dataclass(frozen=True)
class Version:
    """The rules of a template a site used until a change: its pages captured up to `valid_until`
    (that day included) are read with them."""

    valid_until: date
    selectors: Selectors
    # Lines under the title that this template shows as byline/date (None: none).
    meta_lines: Callable[[Any], list[str]] | None = None
    # The template, for a person ('the pre-2020 template: .viewTitle, .viewInfo').
    template: str = ""


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
    # Manifest fields beyond the format's own, computed from the page URL (an archive copy's
    # `original_url`).
    manifest_fields: Callable[[str], dict[str, str]] | None = None
    # A site that exists only in the replica (the fault-test site): never part of `all` or the demo.
    replica_only: bool = False
    # The site's sections: code (as its list URLs name it) -> the name the site shows.
    sections: Mapping[str, str] = field(default_factory=dict)
    # The news CMS family the site runs on (profiles/cms/), whose markup and URLs it shares.
    cms: str | None = None
    recrawl: Recrawl = Recrawl()
    # The rules of the site's earlier templates, oldest first; `selectors` and `meta_lines` are the
    # current template's.
    versions: tuple[Version, ...] = ()

    def __post_init__(self) -> None:
        until = [version.valid_until for version in self.versions]
        if until != sorted(set(until)):
            raise ValueError(f"profile {self.name!r}: versions must be oldest first, one per date")

    def version_of(self, captured: date | None) -> Version | None:
        """The earlier version a page captured on `captured` was made with; None: the current
        rules (also for an unknown capture date)."""
        if captured is not None:
            for version in self.versions:
                if captured <= version.valid_until:
                    return version
        return None

    def as_of(self, captured: date | None) -> SiteProfile:
        """The profile with the rules a page captured on `captured` is read with."""
        version = self.version_of(captured)
        if version is None:
            return self
        return replace(self, selectors=version.selectors, meta_lines=version.meta_lines, versions=())

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


def text_lines(*selectors: str) -> Callable[[Any], list[str]]:
    """A `meta_lines` hook: the text of each element the CSS selectors match, in that order."""

    def lines(root: Any) -> list[str]:
        found = []
        for selector in selectors:
            for element in css(selector)(root):
                text = " ".join(element.text_content().split())
                if text:
                    found.append(text)
        return found

    return lines
