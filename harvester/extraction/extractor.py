"""Page to `Document`: the profile's selectors where it has them, trafilatura for the rest.

The profile is the one named, else the one for the URL's host, else a CMS family the page's
markup shows (a newspaper nobody configured yet); of a profile that changed templates, the version
whose rules the site's pages had on the capture's date (`captured`; None: the current rules).
`extract()` is a pure function of (body bytes, encoding, URL, profile name, capture date), so that
it can run in a worker process off the reactor. A profiled document records the fields generic
extraction gave (`fallback`) and the page's sanity checks it fails (`checks`, sanity.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, _Element
from w3lib.encoding import html_to_unicode, resolve_encoding

from harvester.extraction import bylines, charset, checks, cleanup, fallback, generic, metadata, sanity
from harvester.extraction.bylines import split_authors
from harvester.extraction.errors import ExtractionError
from harvester.extraction.html_text import element_blocks
from harvester.extraction.render import SOURCED_FIELDS, Document
from harvester.extraction.rules import all_authors, first_date, first_text, select
from harvester.extraction.selection import find_first, matcher
from harvester.fetch.botwall import WALL_MARKUP, WALL_MAX_TEXT, bot_wall
from harvester.profiles import SiteProfile, get_profile, profile_for_page

__all__ = ["EXTRACTOR", "ExtractionError", "extract", "parse_html", "split_authors"]

EXTRACTOR = f"harvester+trafilatura/{trafilatura.__version__}"
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
# lxml refuses text that still declares a byte encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SITE_NAME = "//meta[@property='og:site_name' or @name='application-name']/@content"


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




def visible_text(root: _Element, enough: int) -> str:
    """The text of the page's body a reader sees, up to a little over `enough` characters (an
    article page is long: reading all of it cost as much as parsing it)."""
    top = root.find("body")
    parts: list[str] = []
    total = 0
    for element in (top if top is not None else root).iter():
        texts = (element.tail,) if element.tag in _INVISIBLE else (element.text, element.tail)
        for text in texts if element is not top else (element.text,):
            if text and not text.isspace():
                parts.append(text)
                total += len(text.strip())
        if total > enough:
            break
    return " ".join(parts)


def extract(
    body: bytes, encoding: str | None, url: str, profile_name: str | None = None, captured: date | None = None
) -> Document:
    """The document a page makes, read with the rules the page's site had on `captured` (the
    capture's date; None: today's rules). Raises ExtractionError when the page holds no article."""
    named = get_profile(profile_name) if profile_name else None
    if not body.strip():
        raise ExtractionError("empty page")
    if checks.binary(body):
        raise ExtractionError("binary content: not an HTML page")
    root = parse_html(body, encoding)
    wall = bot_wall(body[:WALL_MARKUP].decode(encoding or "utf-8", "replace"), visible_text(root, WALL_MAX_TEXT))
    if wall:
        raise ExtractionError(f"bot wall: the page says {wall!r}")
    profile = named or profile_for_page(url, root)
    if profile is None:
        return _generic(root, url, language=None)
    return _profiled(root, url, profile.as_of(captured))


def _profiled(root: _Element, url: str, profile: SiteProfile) -> Document:
    selectors = profile.selectors
    tz = ZoneInfo(profile.timezone)
    # Measured before anything is removed from the page.
    visible = sanity.visible_length(root)
    site_names = (profile.title, *matcher(_SITE_NAME)(root))
    cleanup.remove_elements(root, selectors.remove)
    cleanup.remove_matching(root, selectors.drop_lines)
    # Everything read by selector first: trafilatura prunes the tree it is given.
    title = first_text(root, selectors.title, drop=selectors.drop)
    meta_lines = list(profile.meta_lines(root)) if profile.meta_lines else []
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
    given: list[str] = []  # the fields generic extraction gave
    found: fallback.Found | None = None
    if not (title and body and published):
        # The profile's rules miss part of the page (a template they do not know): generic
        # extraction gives it, the whole article box when it is the body (fallback.py).
        found = fallback.read(root, url, profile, title, meta_lines, need_body=not body)
        mine = {"title": title, "body": body, "published": published}
        theirs = {"title": found.title, "body": found.body, "published": found.published}
        given = [name for name in mine if theirs[name] and not mine[name]]
        title, published = title or found.title, published or found.published
        body = body or found.body
        meta_lines = meta_lines or found.meta_lines
    body = cleanup.drop_lines(body, selectors.drop_lines)
    body, signoff = cleanup.split_signoff(body, selectors.signoff)
    authors = authors or split_authors(signoff)
    if found is not None and not authors:
        authors = fallback.authors(found, body)
        given += ["authors"] if authors else []
    if not title or not body:
        raise ExtractionError("no article title or body")
    return _document(
        title=title,
        body=body,
        meta_lines=meta_lines,
        published=published,
        modified=modified,
        authors=authors,
        language=language,
        profile=profile.name,
        fallback=tuple(name for name in SOURCED_FIELDS if name in given),
        checks=sanity.page_checks(title, body, visible, site_names),
        extra=profile.manifest_fields(url) if profile.manifest_fields else {},
    )


def _generic(root: _Element, url: str, language: str | None) -> Document:
    """trafilatura's article body, with the page's own metadata, for pages no selector covers."""
    meta = metadata.read(root, url)
    generic.prune(root)
    found = generic.article(root, url, meta.title)
    if not found.body:
        raise ExtractionError("trafilatura found no article")
    title = meta.title or generic.fallback_title(root, found)
    if not title:
        raise ExtractionError("no article title")
    return _document(
        title=title,
        body=found.body,
        meta_lines=found.lead,
        published=meta.published,
        modified=meta.modified,
        authors=split_authors(meta.author) or bylines.text_authors(found.body),
        language=language or meta.language,
        fallback=() if meta.title else ("title",),
    )


def _document(*, fallback: tuple[str, ...], extra: dict[str, Any] | None = None, **fields: Any) -> Document:
    """The document, its `fallback` in the manifest's extra fields too (where the crawl's and
    the rebuild's manifest lines both take it from), left out when empty."""
    extra = {**(extra or {}), **({"fallback": list(fallback)} if fallback else {})}
    return Document(
        **{**fields, "body": tuple(fields["body"]), "meta_lines": tuple(fields["meta_lines"])},
        fallback=fallback,
        extra=extra,
    )
