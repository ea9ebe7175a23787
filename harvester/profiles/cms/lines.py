"""Byline/date lines a CMS shows under the title, as `meta_lines` hooks: one line per list item."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

from harvester.profiles.base import css as compiled


def item_lines(css: str, skip: tuple[str, ...] = (), hidden: str | None = None) -> Callable[[Any], list[str]]:
    """The text of each element `css` matches, without the elements `hidden` matches inside it
    (labels for screen readers), leaving out items that start with one of `skip` (view and
    comment counters change on every visit)."""

    def lines(root: Any) -> list[str]:
        found = []
        for element in compiled(css)(root):
            if hidden:
                element = deepcopy(element)
                for node in compiled(hidden)(element):
                    node.drop_tree()
            text = " ".join(element.text_content().split())
            if text and not text.startswith(skip):
                found.append(text)
        return found

    return lines
