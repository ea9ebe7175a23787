"""Page to `Document`: the profile's selectors where it has them, trafilatura for the rest.

`extract()` is a pure function of (body bytes, encoding, URL, profile name), so that it can run
in a worker process off the reactor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, _Element

from harvester.extraction import checks, dates
from harvester.extraction.html_text import element_blocks
from harvester.extraction.render import Document
from harvester.extraction.trafilatura_text import body_blocks
from harvester.profiles import SiteProfile, get_profile, profile_for_url

EXTRACTOR = f"harvester+trafilatura/{trafilatura.__version__}"


class ExtractionError(ValueError):
    """The page holds no article text (empty, not HTML, or a bot wall)."""


def parse_html(body: bytes, encoding: str | None) -> _Element:
    parser = lxml_html.HTMLParser(encoding=encoding or "utf-8", remove_comments=True)
    try:
        root = lxml_html.document_fromstring(body, parser=parser)
    except (ParserError, ValueError) as error:
        raise ExtractionError(f"unparseable HTML: {error}") from error
    return root


def select(root: _Element, selector: str) -> list[_Element]:
    """Elements matched by a CSS selector, or by an XPath when it starts with '/' or '('."""
    if selector.startswith(("/", "(")):
        return [node for node in root.xpath(selector) if isinstance(node, _Element)]
    return root.cssselect(selector)


def text_of(element: _Element) -> str:
    return " ".join("\n".join(element_blocks(element)).split())


def first_text(root: _Element, selector: str | None, drop: Iterable[str] = ()) -> str | None:
    if not selector:
        return None
    for element in select(root, selector):
        for unwanted in [node for css in drop for node in element.cssselect(css)]:
            unwanted.drop_tree()
        text = text_of(element)
        if text:
            return text
    return None


def first_date(root: _Element, selector: str | None, tz: ZoneInfo) -> str | None:
    if not selector:
        return None
    for element in select(root, selector):
        value = dates.normalize(element.get("content") or element.get("datetime") or text_of(element), tz)
        if value:
            return value
    return None


def split_authors(text: str | None) -> tuple[str, ...]:
    """'By Xu Aiying and Lee Hana' -> ('Xu Aiying', 'Lee Hana'); '신상미 기자' -> ('신상미',)."""
    if not text:
        return ()
    text = re.sub(r"\([^)]*@[^)]*\)|\S+@\S+", " ", text)
    text = re.sub(r"^\s*(By|Written by|글|사진)\s*[:=]?\s+", "", text.strip(), flags=re.IGNORECASE)
    names = re.split(r"\s*(?:,|;|\band\b|·|/|&)\s*", text)
    cleaned = (re.sub(r"\s*(기자|특파원|객원기자|인턴기자)$", "", name).strip() for name in names)
    return tuple(name for name in cleaned if name)


def extract(body: bytes, encoding: str | None, url: str, profile_name: str | None = None) -> Document:
    """The document a page makes. Raises ExtractionError when the page holds no article."""
    profile = _profile(url, profile_name)
    if not body.strip():
        raise ExtractionError("empty page")
    if checks.binary(body):
        raise ExtractionError("binary content: not an HTML page")
    root = parse_html(body, encoding)
    visible = " ".join(root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    wall = checks.bot_wall(body[:65536].decode(encoding or "utf-8", "replace"), visible)
    if wall:
        raise ExtractionError(f"bot wall: the page says {wall!r}")
    if profile is None:
        return _generic(root, url, language=None)
    return _profiled(root, url, profile)


def _profile(url: str, profile_name: str | None) -> SiteProfile | None:
    if profile_name:
        return get_profile(profile_name)
    return profile_for_url(url)


def _profiled(root: _Element, url: str, profile: SiteProfile) -> Document:
    selectors = profile.selectors
    tz = ZoneInfo(profile.timezone)
    # Everything read by selector first: trafilatura prunes the tree it is given.
    title = first_text(root, selectors.title, drop=selectors.drop)
    meta_lines = tuple(profile.meta_lines(root)) if profile.meta_lines else ()
    authors = split_authors(first_text(root, selectors.authors))
    published = first_date(root, selectors.published, tz)
    modified = first_date(root, selectors.modified, tz)
    body: list[str] = []
    if selectors.body:
        for element in select(root, selectors.body)[:1]:
            body = element_blocks(element, selectors.drop)
            if not body:
                # The article is there and empty (an attachment-only post): no document, not the chrome.
                raise ExtractionError("empty article body")
    if not (title and body and published):
        generic = _generic(root, url, profile.language)
        title = title or generic.title
        body = body or list(generic.body)
        published = published or generic.published
        authors = authors or generic.authors
    if not title or not body:
        raise ExtractionError("no article title or body")
    return Document(
        title=title,
        body=tuple(body),
        meta_lines=meta_lines,
        published=published,
        modified=modified,
        authors=authors,
        language=profile.language,
    )


def _generic(root: _Element, url: str, language: str | None) -> Document:
    """trafilatura's article body and metadata, for pages no profile selector covers."""
    result = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        include_tables=True,
    )
    if result is None or result.body is None:
        raise ExtractionError("trafilatura found no article")
    blocks = body_blocks(result.body)
    if not blocks:
        raise ExtractionError("trafilatura found no article text")
    title = (result.title or "").strip()
    if not title:
        raise ExtractionError("no article title")
    return Document(
        title=title,
        body=tuple(blocks),
        published=dates.normalize(result.date) if result.date else None,
        authors=split_authors(result.author),
        language=language or result.language,
    )
