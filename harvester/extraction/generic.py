"""The article on a page no profile selector covers, found by trafilatura.

trafilatura runs precision first (comments off, `favor_precision`): a corpus wants the article
and nothing else. The first pass is trafilatura's fast one (no comparison with its readability
and jusText fallbacks): on most pages it gives the same text at a third of the cost. When what it
keeps is short, the full pass (with the comparison) is run, and its text taken if longer. When
even that is a stub (a reprints notice, a caption: the precision rules pruned the article
itself) and a balanced pass finds several times as much, the balanced pass is taken. That last
rescue fires on stubs only: for short but whole texts it helped and hurt about equally on a
held-out set of pages. bench/extraction_quality.py measures all this against plain trafilatura.

Then, in the document format's terms: the heading trafilatura's text opens with is the title
(already the document's first line), the short byline and date lines under it are the head's
lines; chrome lines (link-list labels, share prompts, copyright footers) go; an article cut into
several containers of one kind by ads is read to its end (container.py).

Figures go, captions with them: trafilatura drops them, and keeping captions as paragraphs cost
0.004 F1 on the benchmark, whose article texts leave them out. Pages of configured sites and CMS
families keep their captions through the profile's body selector.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass

import trafilatura
from lxml.etree import _Element

from harvester.extraction import bylines, chrome, container
from harvester.extraction.html_text import element_blocks
from harvester.extraction.trafilatura_text import tagged_blocks

# Text of the fast pass shorter than this (characters) is checked against the full pass.
FULL_BELOW = 1000
# Precise text shorter than this is a stub, checked against a balanced pass...
RESCUE_BELOW = 300
# ...which replaces it when it is at least this many times as long.
RESCUE_FACTOR = 2
# Lines under the heading that can be its byline, date or standfirst: short, a few at most.
_LEAD_MAX = 160
_LEAD_LINES = 3
_LEAD_WORDS = 16
_WORDS = re.compile(r"\w+")
_DATE = re.compile(
    r"\b(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d\d\b|\d+\s*(?:년|월|일)"
    r"|\b\d{1,2}\s+(?:de\s+)?(?:jan|feb|fev|mar|apr|abr|may|mai|jun|jul|aug|ago|sep|set|oct|out|nov|dec|dez)[a-z]*\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|por|par|von|di|written by|posted by|published|updated|posted)\b|기자|특파원", re.IGNORECASE)
# Elements no extractor reads (JSON-LD is read before they go), and page chrome trafilatura
# removes first thing anyway.
_UNREAD = ("script", "style", "noscript", "template", "svg", "link", "nav", "aside", "footer")
# A title made of the text's first line is cut to this many characters.
_TITLE_MAX = 200
# A continuation holds prose: this much text at least, most of it in paragraphs, little in links.
_MIN_CONTINUATION = 200
_MAX_LINK_SHARE = 0.3
# A list whose text is this much links is a list of links.
_LINK_LIST = 0.8


@dataclass(frozen=True)
class Article:
    body: list[str]
    # Lines under the heading: standfirst, byline, dateline (the document's head lines).
    lead: list[str]
    # The heading the text opened with (the title as the page shows it), if any.
    heading: str | None


def _extract(root: _Element, url: str, precise: bool, fast: bool = False) -> list[tuple[str, str]]:
    # Metadata comes from harvester.extraction.metadata: trafilatura's would cost a quarter more.
    result = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_precision=precise,
        fast=fast,
    )
    if result is None or result.body is None:
        return []
    return tagged_blocks(result.body)


def _length(blocks: list[tuple[str, str]]) -> int:
    return sum(len(text) for _, text in blocks)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def same_title(line: str, title: str | None) -> bool:
    """Whether a line is the title (the page's heading and its metadata title differ in a
    site name, a kicker or a word or two)."""
    if not title:
        return False
    words, titled = _words(line), _words(title)
    if not words or not titled:
        return False
    shared = len(set(words) & set(titled))
    return shared >= 0.6 * max(len(set(words)), 1) and shared >= 0.5 * len(set(titled))


def is_title(line: str, title: str | None) -> bool:
    """Whether a line that is no heading is the title all the same: the same words, or the
    title's words with a site name or a kicker around them."""
    words, titled = _words(line), _words(title or "")
    if not words or not titled:
        return False
    longer, shorter = (words, titled) if len(words) >= len(titled) else (titled, words)
    if len(shorter) < 0.7 * len(longer):
        return False
    return any(longer[start : start + len(shorter)] == shorter for start in range(len(longer) - len(shorter) + 1))


def _heading(blocks: list[tuple[str, str]], title: str | None) -> str | None:
    """The first block, if it is the title as the page shows it."""
    tag, first = blocks[0]
    if "\n" in first:
        return None
    if tag == "h1":  # a first-level heading on top is the title, whatever the metadata says
        return first
    if tag == "head":
        return first if title is None or same_title(first, title) else None
    return first if is_title(first, title) else None


def _lead(blocks: list[tuple[str, str]], title: str | None) -> tuple[str | None, list[str], list[tuple[str, str]]]:
    """The heading the text opens with, the byline, date and standfirst lines under it (or on
    top of the text), and the rest."""
    if not blocks:
        return None, [], blocks
    heading = _heading(blocks, title)
    rest = blocks[1:] if heading is not None else blocks
    lead: list[str] = []
    while rest and len(lead) < _LEAD_LINES:
        tag, text = rest[0]
        if "\n" in text or len(text) > _LEAD_MAX:
            break
        if chrome.reading_time(text):
            rest = rest[1:]
            continue
        dateline = len(text.split()) <= _LEAD_WORDS and bool(_DATE.search(text) or _BYLINE.search(text))
        standfirst = heading is not None and tag in ("head", "h1") and not lead
        if not (dateline or standfirst):
            break
        lead.append(text)
        rest = rest[1:]
    return heading, lead, rest


def _continuation_blocks(root: _Element, texts: list[str]) -> list[str]:
    """Text of the article's further containers (see container.py) that trafilatura left out."""
    seen = container.keys_of(texts)
    found: list[str] = []
    for element in container.continuations(root, texts):
        text = element.text_content()
        links = sum(len(link.text_content()) for link in element.iter("a"))
        prose = sum(len(p.text_content()) for p in element.iter("p"))
        if len(text.strip()) < _MIN_CONTINUATION or links > _MAX_LINK_SHARE * len(text) or prose < 0.5 * len(text):
            continue
        piece = deepcopy(element)
        chrome.drop_chrome(piece)
        _drop_link_lists(piece)
        for block in element_blocks(piece):
            if container.key_of(block) not in seen:
                found.append(block)
    return found


def _drop_link_lists(element: _Element) -> None:
    """Remove the lists that are all links (more stories, a table of contents): trafilatura
    drops them from the text it gives by the same measure."""
    for listing in [node for node in element.iter("ul", "ol")]:
        text = len(listing.text_content().strip())
        links = sum(len(link.text_content().strip()) for link in listing.iter("a"))
        if text and links >= _LINK_LIST * text and listing.getparent() is not None:
            listing.drop_tree()


def article(root: _Element, url: str, title: str | None = None) -> Article:
    """The page's article; empty when trafilatura finds none. `title` is the page's title as its
    metadata gives it (None: unknown), to recognise the heading in the text."""
    found = _extract(root, url, precise=True, fast=True)
    if _length(found) < FULL_BELOW:
        full = _extract(root, url, precise=True)
        found = full if _length(full) > _length(found) else found
    if _length(found) < RESCUE_BELOW:
        balanced = _extract(root, url, precise=False)
        if _length(balanced) >= max(1, RESCUE_FACTOR * _length(found)):
            found = balanced
    if not found:
        return Article([], [], None)
    heading, lead, rest = _lead(found, title)
    body = [text for _, text in rest]
    body.extend(_continuation_blocks(root, body))
    body = bylines.drop_footers(chrome.drop_chrome_lines(body))
    return Article(body, lead, heading)


def prune(root: _Element) -> None:
    """Remove what no extractor reads from the page (scripts, styles, icons, navigation), its
    metadata read: trafilatura copies and searches the whole tree several times, and these are
    close to half of it (46% of the elements of the benchmark's pages)."""
    doomed = [element for element in root.iter(*_UNREAD) if element.getparent() is not None]
    for element in doomed:
        element.drop_tree()


def fallback_title(root: _Element, found: Article) -> str | None:
    """A title for a page whose markup gives none where metadata looks: the heading its text
    opens with, its first heading, its `<title>` wherever the parser put it, or the first line."""
    candidates = [found.heading]
    candidates.extend(element.text_content() for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    candidates.extend(element.text_content() for element in root.iter("title"))
    for candidate in candidates:
        text = " ".join((candidate or "").split())
        if text:
            return _cut(text)
    first = next((line for block in found.body for line in block.split("\n") if line.strip()), "")
    return _cut(first.strip()) or None


def _cut(line: str) -> str:
    """A line made a title: at most _TITLE_MAX characters, cut at a word."""
    if len(line) <= _TITLE_MAX:
        return line
    return line[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"


def article_blocks(root: _Element, url: str) -> list[str]:
    """The text blocks of the page's article; empty when trafilatura finds none."""
    return article(root, url).body
