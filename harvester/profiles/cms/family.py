"""`CmsFamily`: what every newspaper on one news CMS shares, and the profile of one such paper."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harvester.profiles.base import Feed, LinkRule, ListPages, Recrawl, Selectors, SiteProfile, Version

# (domain, scheme, hosts) -> a function mapping any URL of an article to its canonical URL.
Canonicalizer = Callable[[str, str, Sequence[str]], Callable[[str], str]]


@dataclass(frozen=True)
class CmsFamily:
    name: str
    # Path and query of a section list, with `{section}` for the section's code.
    list_path: str
    # Path and query of an article, with `{id}` for its number (the canonical form).
    article_template: str
    # Regex of the canonical article path and query.
    article_path: str
    feeds: tuple[str, ...]
    selectors: Selectors
    meta_lines: Callable[[Any], list[str]]
    article_links: tuple[LinkRule, ...]
    next_pages: tuple[LinkRule, ...]
    canonicalizer: Canonicalizer
    # Whether a parsed page is an article page of this CMS.
    shows: Callable[[Any], bool]

    def newspaper(
        self,
        name: str,
        title: str,
        domain: str,
        sections: Mapping[str, str] | None = None,
        *,
        scheme: str = "https",
        feeds: Sequence[str] | None = None,
        aliases: Sequence[str] = (),
        custom_settings: dict[str, Any] | None = None,
        recrawl: Recrawl = Recrawl(),
        selectors: Selectors | None = None,
        meta_lines: Callable[[Any], list[str]] | None = None,
        versions: tuple[Version, ...] = (),
    ) -> SiteProfile:
        """A newspaper on this CMS: its host, the sections to crawl (code -> the name the paper
        shows), its feeds (paths; None: the family's); the rules of the template it runs (None:
        the family's, for any of its templates) and of those it ran before (`versions`)."""
        sections = dict(sections or {})
        bare = domain.removeprefix("www.")
        hosts = tuple(dict.fromkeys((domain, bare, f"m.{bare}", *aliases)))
        return SiteProfile(
            name=name,
            title=title,
            hosts=hosts,
            kind="news",
            language="ko",
            sources=(
                *(ListPages(f"{scheme}://{domain}{self.list_path.format(section=code)}") for code in sections),
                *(Feed(f"{scheme}://{domain}{path}") for path in (self.feeds if feeds is None else feeds)),
            ),
            article_url=rf"^{scheme}://{re.escape(domain)}{self.article_path}$",
            article_links=self.article_links,
            next_pages=self.next_pages,
            selectors=selectors or self.selectors,
            canonicalize=self.canonicalizer(domain, scheme, hosts),
            meta_lines=meta_lines or self.meta_lines,
            custom_settings=dict(custom_settings or {}),
            sections=sections,
            cms=self.name,
            recrawl=recrawl,
            versions=versions,
        )
