"""The element of the page that holds the article trafilatura found, and what else belongs to it.

trafilatura gives text, not the element it came from. The paragraphs of the page whose text
starts like one of its blocks show where the article lies: their deepest common ancestor that
holds most of them is the article's container (`locate`, for fallback.py, which reads the box
around it whole: captions, bylines, sign-offs). And an article cut into several containers of
one kind (the text split by ads into `div.article__body` after `div.article__body`), of which
trafilatura reads the first only, has its `continuations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.etree import _Element

_WORDS = re.compile(r"\w+")
# Elements whose text the blocks are matched with.
_TEXT_TAGS = ("p", "li", "td", "h1", "h2", "h3", "h4", "blockquote", "pre", "dd", "figcaption")
# Blocks shorter than this (in words) match too much to show where the article is.
_KEY_WORDS = 4
_KEY_LENGTH = 8
# The container holds at least this share of the matched text.
_COVER = 0.8
# A container of a split article holds at least this share of trafilatura's blocks.
_HELD = 0.5


def key_of(text: str) -> str:
    """What a text is recognised by: its first words, case and punctuation aside."""
    return " ".join(_WORDS.findall(text.lower())[:_KEY_LENGTH])


def keys_of(blocks: Iterable[str]) -> set[str]:
    """The keys of the lines of text blocks, but of lines too short to tell."""
    keys = set()
    for block in blocks:
        for line in block.split("\n"):
            words = _WORDS.findall(line.lower())
            if len(words) >= _KEY_WORDS:
                keys.add(" ".join(words[:_KEY_LENGTH]))
    return keys


def matched(root: _Element, blocks: Iterable[str]) -> list[tuple[_Element, int]]:
    """The page's elements whose text opens like a block (a paragraph element, or a run of
    text between `<br>`s), each with the length of that text."""
    keys = keys_of(blocks)
    found = []
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _TEXT_TAGS:
            text = element.text_content()
            if len(text) > 20 and key_of(text) in keys:
                found.append((element, len(text)))
                continue
        for text, holder in ((element.text, element), (element.tail, element.getparent())):
            if text and len(text) > 20 and holder is not None and key_of(text) in keys:
                found.append((holder, len(text)))
    return found


def locate(root: _Element, blocks: Iterable[str]) -> _Element | None:
    """The deepest element that holds most of the page's text that trafilatura took."""
    found = matched(root, blocks)
    if not found:
        return None
    total = sum(length for _, length in found)
    weight: dict[_Element, int] = {}
    depth: dict[_Element, int] = {}
    for element, length in found:
        ancestors = [element, *element.iterancestors()]
        for level, ancestor in enumerate(reversed(ancestors)):
            weight[ancestor] = weight.get(ancestor, 0) + length
            depth[ancestor] = level
    holding = [element for element, held in weight.items() if held >= _COVER * total]
    return max(holding, key=lambda element: depth[element]) if holding else None


def _signature(element: _Element) -> tuple[str, str] | None:
    names = " ".join((element.get("class") or "").split())
    return (element.tag, names) if names else None


def continuations(root: _Element, blocks: Iterable[str]) -> list[_Element]:
    """Containers of paragraphs that share the tag and classes of one holding trafilatura's text
    and come after it: the rest of an article that ads or widgets cut into pieces."""
    groups: dict[tuple[str, str], dict[_Element, None]] = {}
    body = root.find("body")
    for paragraph in (body if body is not None else root).iter("p"):
        parent = paragraph.getparent()
        signature = _signature(parent) if parent is not None else None
        if signature is not None:
            groups.setdefault(signature, {})[parent] = None
    split = [list(members) for members in groups.values() if len(members) > 1]
    keys = keys_of(blocks) if split else set()
    if not keys:
        return []
    for ordered in split:
        taken = next((index for index, member in enumerate(ordered) if _holds(member, keys) >= _HELD * len(keys)), None)
        if taken is not None:
            return ordered[taken + 1 :]
    return []


def _holds(element: _Element, keys: set[str]) -> int:
    """How many of trafilatura's blocks are paragraphs of the element."""
    return len(keys & {key_of(paragraph.text_content()) for paragraph in element.iter("p")})
