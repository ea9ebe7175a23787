"""What generic extraction gives a profiled page whose rules miss part of it (a changed template).

The body is the whole article box, not trafilatura's precise text, which drops photo captions,
bylines, standfirsts and sign-offs: trafilatura's text shows where the article lies
(container.py); from there the box is widened to the element that holds the text and its
lines around it (a caption, a byline, a sign-off) but not the title's head, and read whole, less
known chrome (chrome.py), the profile's own `drop` and copyright footers. The lines between the
title and the box (standfirst, byline, date) are the head's lines, unless the profile's rules
gave those: then they open the body. The document keeps the format's order: title, byline/date
lines, body.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field

from lxml.etree import _Element

from harvester.extraction import bylines, chrome, cleanup, container, generic, metadata
from harvester.extraction.html_text import SKIP_TAGS, element_blocks
from harvester.profiles import SiteProfile

# The box grows by a parent while the parent adds this much text at most (characters)...
_GROW_BY = 300
# ...or this share of the box's own text, whichever is more.
_GROW_SHARE = 0.3
# Text between the title and the box longer than this is not its head.
_HEAD_MAX = 600
_HEADINGS = ("h1", "h2", "h3", "h4")
_MARKER = re.compile(r"^\s*(?:•|\d+\.)\s")
# A box whose text is this many times trafilatura's (plus a margin) is not the article's.
_TOO_BIG = 3
_TOO_BIG_MARGIN = 2000


@dataclass(frozen=True)
class Found:
    title: str | None = None
    body: list[str] = field(default_factory=list)
    published: str | None = None
    meta_lines: list[str] = field(default_factory=list)
    authors: tuple[str, ...] = ()


def read(root: _Element, url: str, profile: SiteProfile, title: str | None, meta_lines: list[str], need_body: bool) -> Found:
    """The page's title, date, authors and (when `need_body`) article as generic extraction finds them."""
    meta = metadata.read(root, url)
    body: list[str] = []
    lead: list[str] = []
    if need_body:
        body, lead = _article_box(root, url, profile, title or meta.title, meta_lines)
    return Found(meta.title, body, meta.published, lead, bylines.split_authors(meta.author))


def authors(found: Found, body: list[str]) -> tuple[str, ...]:
    """The page's authors as its metadata names them, else as its text's byline or sign-off does."""
    return found.authors or bylines.text_authors(body)


def _visible_length(element: _Element) -> int:
    """Characters of text a reader sees in the element, chrome left out."""
    total = 0
    hidden: set[_Element] = set()
    for node in element.iter():
        if node.getparent() in hidden:
            hidden.add(node)
            continue
        if node is not element:
            total += len((node.tail or "").strip())
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS or (node is not element and chrome.chrome_element(node)):
            hidden.add(node)
            continue
        total += len((node.text or "").strip())
    return total


def _title_element(root: _Element, title: str | None) -> _Element | None:
    """The page's heading that shows the title: a heading element, else the innermost element
    whose text is the title."""
    if not title:
        return None
    body = root.find("body")
    top = body if body is not None else root
    for element in top.iter(*_HEADINGS):
        if generic.same_title(element.text_content(), title):
            return element
    for element in top.iter():
        if isinstance(element.tag, str) and element.tag not in ("title", "script", "style") and _shows(element, title):
            while True:  # down to the innermost element that still shows it
                inner = next((child for child in element if isinstance(child.tag, str) and _shows(child, title)), None)
                if inner is None:
                    return element
                element = inner
    return None


def _shows(element: _Element, title: str) -> bool:
    text = element.text_content()
    return len(text) <= 2 * len(title) + 40 and generic.is_title(text, title)


def _widen(core: _Element, heading: _Element | None) -> _Element:
    box = core
    own = _visible_length(box)
    while True:
        parent = box.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return box
        if heading is not None and (parent is heading or parent in heading.iterancestors()):
            return box
        grown = _visible_length(parent)
        if grown - own > max(_GROW_BY, _GROW_SHARE * own):
            return box
        box, own = parent, grown


def _between(heading: _Element, box: _Element) -> list[_Element]:
    """The elements after the heading and before the box, in their common ancestor."""
    common = next((a for a in heading.iterancestors() if box in a.iterdescendants()), None)
    if common is None:
        return []
    after: list[_Element] = []
    node = heading
    while node.getparent() is not common:
        after.extend(node.itersiblings())
        node = node.getparent()
    before: list[_Element] = []
    target = box
    while target.getparent() is not common:
        before[0:0] = list(target.itersiblings(preceding=True))[::-1]
        target = target.getparent()
    middle = []
    for sibling in node.itersiblings():
        if sibling is target:
            break
        middle.append(sibling)
    return after + middle + before


def _bare(line: str) -> str:
    """A line without its list marker and white space, to compare head lines by."""
    return "".join(_MARKER.sub("", line).split())


def _blocks(element: _Element, profile: SiteProfile) -> list[str]:
    piece = deepcopy(element)
    cleanup.alt_captions(piece, profile.selectors.alt_captions)
    chrome.drop_chrome(piece)
    if chrome.chrome_element(piece):
        return []
    return element_blocks(piece, profile.selectors.drop)


def _article_box(root: _Element, url: str, profile: SiteProfile, title: str | None, meta_lines: list[str]) -> tuple[list[str], list[str]]:
    """The article box's blocks and the head lines above it."""
    found = generic.article(root, url, title)
    core = container.locate(root, found.body)
    if core is None:
        return found.body, found.lead
    heading = _title_element(root, title)
    box = _widen(core, heading)
    body = _blocks(box, profile)
    if sum(map(len, body)) > _TOO_BIG * sum(map(len, found.body)) + _TOO_BIG_MARGIN:
        return found.body, found.lead
    if body and generic.is_title(body[0], title) and "\n" not in body[0]:
        body = body[1:]
    head: list[str] = []
    front: list[str] = []
    if heading is not None:
        pieces = _between(heading, box)
        if sum(_visible_length(piece) for piece in pieces) <= _HEAD_MAX:
            # The profile's head lines, without spaces: a piece can run two of them together.
            shown = "".join(_bare(line) for line in meta_lines)
            for piece in pieces:
                lines = [line for block in _blocks(piece, profile) for line in block.split("\n")]
                lines = [line for line in lines if _bare(line) not in shown]
                pictured = piece.tag in ("figure", "img") or piece.find(".//img") is not None
                (front if meta_lines or pictured else head).extend(lines)
    body = bylines.drop_footers(chrome.drop_chrome_lines(front + body))
    head = [line for line in head if not (chrome.chrome_line(line) or bylines.copyright_footer(line))]
    return body, head
