"""Page to `Document`: the profile's selectors where it has them, trafilatura for the rest.

The profile is the one named, else the one for the URL's host, else a CMS family the page's
markup shows (a newspaper nobody configured yet). `extract()` is a pure function of (body bytes,
encoding, URL, profile name), so that it can run in a worker process off the reactor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, XPath, _Element
from w3lib.encoding import html_to_unicode, resolve_encoding

from harvester.extraction import charset, checks, cleanup, dates, generic, metadata
from harvester.extraction.errors import ExtractionError
from harvester.extraction.html_text import element_blocks
from harvester.extraction.render import Document
from harvester.extraction.selection import alternatives, find, find_first, matcher
from harvester.fetch.botwall import bot_wall
from harvester.profiles import Selector, SiteProfile, get_profile, profile_for_page

__all__ = ["EXTRACTOR", "ExtractionError", "extract", "parse_html", "split_authors"]

EXTRACTOR = f"harvester+trafilatura/{trafilatura.__version__}"
_VISIBLE_TEXT = XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
# lxml refuses text that still declares a byte encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(body: bytes, encoding: str | None) -> _Element:
    """The page's tree. The bytes are decoded here, with the codec browsers use for the label
    (libxml2 given 'euc-kr' stops at the first CP949 syllable); None: detect it."""
    codec = resolve_encoding(encoding) if encoding else None
    _, text = html_to_unicode(f"charset={codec or charset.detect(body)}", body)
    parser = lxml_html.HTMLParser(remove_comments=True)
    try:
        root = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except (ParserError, ValueError) as error:
        raise ExtractionError(f"unparseable HTML: {error}") from error
    return root




def select(root: _Element, selector: Selector | None) -> list[_Element]:
    """Elements the first alternative of a selector that matches any finds (CSS or XPath)."""
    for alternative in alternatives(selector):
        elements = [node for node in find(root, alternative) if isinstance(node, _Element)]
        if elements:
            return elements
    return []


def text_of(element: _Element) -> str:
    return " ".join("\n".join(element_blocks(element)).split())


def first_text(root: _Element, selector: Selector | None, drop: Iterable[str] = ()) -> str | None:
    for alternative in alternatives(selector):
        for found in find(root, alternative):
            if isinstance(found, str):
                text = " ".join(found.split())
            else:
                for unwanted in [node for css in drop for node in matcher(css)(found)]:
                    unwanted.drop_tree()
                text = text_of(found)
            if text:
                return text
    return None


def all_authors(root: _Element, selector: Selector | None, drop: Iterable[str] = ()) -> tuple[str, ...]:
    """The names in every byline the first matching alternative finds (one per JSON-LD author)."""
    names: list[str] = []
    for found in find_first(root, selector):
        if not isinstance(found, str):
            for unwanted in [node for css in drop for node in matcher(css)(found)]:
                unwanted.drop_tree()
        text = found if isinstance(found, str) else text_of(found)
        names.extend(name for name in split_authors(text) if name not in names)
    return tuple(names)


def first_date(root: _Element, selector: Selector | None, tz: ZoneInfo) -> str | None:
    for alternative in alternatives(selector):
        for found in find(root, alternative):
            if isinstance(found, str):
                value = dates.normalize(found, tz)
            else:
                value = dates.normalize(found.get("content") or found.get("datetime") or text_of(found), tz)
            if value:
                return value
    return None


# Credits that name no person: 'By Choi He-suk and news reports'.
_NOT_NAMES = re.compile(r"^(news|wire|agency) reports?$|^(news )?agencies$|^wires$", re.IGNORECASE)


def split_authors(text: str | None) -> tuple[str, ...]:
    """Names in a byline.

    >>> split_authors("By Xu Aiying and Lee Hana")
    ('Xu Aiying', 'Lee Hana')
    >>> split_authors("신상미 기자")
    ('신상미',)
    >>> split_authors("By Kim Eunhee and Lee Jihae / Photos = Korea.net DB")
    ('Kim Eunhee', 'Lee Jihae')
    >>> split_authors("By Choi He-suk and news reports (cheesuk@heraldcorp.com)")
    ('Choi He-suk',)
    >>> split_authors("By Park Han-na, Kim Arin (hnpark@heraldcorp.com) (arin@heraldcorp.com)")
    ('Park Han-na', 'Kim Arin')
    """
    if not text:
        return ()
    text = re.sub(r"\([^)]*@[^)]*\)|\S+@\S+", " ", text)
    # Photo and video credits follow the writers' names after a slash.
    text = re.split(r"\s/\s*(?:photos?|videos?|사진|영상)\b", text, maxsplit=1, flags=re.IGNORECASE)[0]
    text = re.sub(r"^\s*(By|Written by|글|사진)\s*[:=]?\s+", "", text.strip(), flags=re.IGNORECASE)
    names = re.split(r"\s*(?:,|;|\band\b|·|/|&)\s*", text)
    cleaned = (re.sub(r"\s*(기자|특파원|객원기자|인턴기자)$", "", name).strip() for name in names)
    return tuple(name for name in cleaned if name and not _NOT_NAMES.match(name))


def extract(body: bytes, encoding: str | None, url: str, profile_name: str | None = None) -> Document:
    """The document a page makes. Raises ExtractionError when the page holds no article."""
    named = get_profile(profile_name) if profile_name else None
    if not body.strip():
        raise ExtractionError("empty page")
    if checks.binary(body):
        raise ExtractionError("binary content: not an HTML page")
    root = parse_html(body, encoding)
    wall = bot_wall(body[:65536].decode(encoding or "utf-8", "replace"), " ".join(_VISIBLE_TEXT(root)))
    if wall:
        raise ExtractionError(f"bot wall: the page says {wall!r}")
    profile = named or profile_for_page(url, root)
    if profile is None:
        return _generic(root, url, language=None)
    return _profiled(root, url, profile)


def _profiled(root: _Element, url: str, profile: SiteProfile) -> Document:
    selectors = profile.selectors
    tz = ZoneInfo(profile.timezone)
    cleanup.remove_elements(root, selectors.remove)
    cleanup.remove_matching(root, selectors.drop_lines)
    # Everything read by selector first: trafilatura prunes the tree it is given.
    title = first_text(root, selectors.title, drop=selectors.drop)
    meta_lines = tuple(profile.meta_lines(root)) if profile.meta_lines else ()
    authors = all_authors(root, selectors.authors, drop=selectors.drop)
    published = first_date(root, selectors.published, tz)
    modified = first_date(root, selectors.modified, tz)
    language = cleanup.language_tag(find_first(root, selectors.language)) or profile.language
    body: list[str] = []
    for element in select(root, selectors.body)[:1]:
        cleanup.alt_captions(element, selectors.alt_captions)
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
    body = cleanup.drop_lines(body, selectors.drop_lines)
    body, signoff = cleanup.split_signoff(body, selectors.signoff)
    authors = authors or split_authors(signoff)
    if not title or not body:
        raise ExtractionError("no article title or body")
    return Document(
        title=title,
        body=tuple(body),
        meta_lines=meta_lines,
        published=published,
        modified=modified,
        authors=authors,
        language=language,
        extra=profile.manifest_fields(url) if profile.manifest_fields else {},
    )


def _generic(root: _Element, url: str, language: str | None) -> Document:
    """trafilatura's article body, with the page's own metadata, for pages no selector covers."""
    blocks = generic.article_blocks(root, url)
    if not blocks:
        raise ExtractionError("trafilatura found no article")
    meta = metadata.read(root, url)
    if not meta.title:
        raise ExtractionError("no article title")
    return Document(
        title=meta.title,
        body=tuple(blocks),
        published=meta.published,
        modified=meta.modified,
        authors=split_authors(meta.author),
        language=language or meta.language,
    )
