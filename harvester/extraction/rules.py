"""What a profile's selectors read from a page: elements, the first text, bylines, the first date."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from lxml.etree import _Element

from harvester.extraction import dates
from harvester.extraction.bylines import split_authors
from harvester.extraction.html_text import element_blocks
from harvester.extraction.selection import alternatives, find, find_first, matcher
from harvester.profiles import Selector


def select(root: _Element, selector: Selector | None) -> list[_Element]:
    """Elements the first alternative of a selector that matches any finds (CSS or XPath)."""
    for alternative in alternatives(selector):
        elements = [node for node in find(root, alternative) if isinstance(node, _Element)]
        if elements:
            return elements
    return []


def text_of(element: _Element) -> str:
    return " ".join("\n".join(element_blocks(element)).split())


def _drop(element: _Element, drop: Iterable[str]) -> None:
    for unwanted in [node for css in drop for node in matcher(css)(element)]:
        unwanted.drop_tree()


def first_text(root: _Element, selector: Selector | None, drop: Iterable[str] = ()) -> str | None:
    for alternative in alternatives(selector):
        for found in find(root, alternative):
            if isinstance(found, str):
                text = " ".join(found.split())
            else:
                _drop(found, drop)
                text = text_of(found)
            if text:
                return text
    return None


def all_authors(root: _Element, selector: Selector | None, drop: Iterable[str] = ()) -> tuple[str, ...]:
    """The names in every byline the first matching alternative finds (one per JSON-LD author)."""
    names: list[str] = []
    for found in find_first(root, selector):
        if not isinstance(found, str):
            _drop(found, drop)
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
