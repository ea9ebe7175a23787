"""What a profile selector finds on a page: elements, text, or values of the page's JSON-LD.

A selector is CSS; XPath when it starts with '/', '(' or a function call (`substring-after(...)`),
whose result may be elements, attribute values or one string; or `jsonld:` and a dotted path
(`jsonld:author.name`) read from the page's `application/ld+json` scripts. A tuple of selectors
is a list of alternatives, tried in order until one finds something.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from html import unescape
from typing import Any

from lxml.etree import XPath, _Element

from harvester.profiles.base import css

JSONLD = "jsonld:"
_XPATH_CALL = re.compile(r"^[a-z][a-z-]*\(")

Found = _Element | str


def alternatives(selector: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not selector:
        return ()
    return (selector,) if isinstance(selector, str) else selector


def is_xpath(selector: str) -> bool:
    return selector.startswith(("/", "(")) or bool(_XPATH_CALL.match(selector))


@lru_cache(maxsize=1024)
def matcher(selector: str) -> Callable[[_Element], Any]:
    """A CSS selector or an XPath, compiled once: compiling (CSS to XPath, XPath to code) costs
    more than matching it on a page, and profiles use the same few selectors on every page."""
    return XPath(selector) if is_xpath(selector) else css(selector)


def find(root: _Element, selector: str) -> list[Found]:
    """Elements and strings one selector finds, in document order; blank strings left out."""
    if selector.startswith(JSONLD):
        return jsonld_values(root, selector[len(JSONLD) :])
    result = matcher(selector)(root)
    if not is_xpath(selector):
        return result
    items = result if isinstance(result, list) else [result] if isinstance(result, str) else []
    return [item if isinstance(item, _Element) else str(item) for item in items if _present(item)]


def find_first(root: _Element, selector: str | tuple[str, ...] | None) -> list[Found]:
    """What the first alternative that finds anything finds."""
    for alternative in alternatives(selector):
        found = find(root, alternative)
        if found:
            return found
    return []


def _present(item: Any) -> bool:
    if isinstance(item, _Element):
        return True
    return isinstance(item, str) and bool(item.strip())


# -- JSON-LD
def jsonld_objects(root: _Element) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD, top-level and in `@graph`, in page order.

    A script that is not valid JSON is passed over: such pages exist, and the visible page
    remains to be read.
    """
    for script in matcher("//script[@type='application/ld+json']")(root):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        pending: list[Any] = [data]
        while pending:
            item = pending.pop(0)
            if isinstance(item, list):
                pending[0:0] = item
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    pending[0:0] = graph


def jsonld_values(root: _Element, path: str) -> list[Found]:
    """The values at a dotted path in the first JSON-LD object that has it ('author.name' covers
    one author object or a list of them)."""
    keys = path.split(".")
    for item in jsonld_objects(root):
        values = _walk(item, keys)
        if values:
            return list(values)
    return []


def _walk(value: Any, keys: list[str]) -> list[str]:
    if isinstance(value, list):
        return [found for item in value for found in _walk(item, keys)]
    if not keys:
        if isinstance(value, str) and value.strip():
            return [unescape(value).strip()]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return [str(value)]
        return []
    if isinstance(value, dict) and keys[0] in value:
        return _walk(value[keys[0]], keys[1:])
    return []
