"""trafilatura's XML body (p, head, list/item, quote, table/row/cell, lb) to text blocks."""

from __future__ import annotations

import re

from lxml.etree import _Element

# ASCII white space only: non-breaking spaces are kept as the page has them.
_SPACE = re.compile(r"[ \t\r\f\v]+")

_BLOCKS = frozenset({"p", "head", "quote", "code", "list", "table"})


def _inline(element: _Element) -> str:
    """Text of an element, `lb` as a line break, other inline markup flattened."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table"):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    lines = (_SPACE.sub(" ", line).strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _list(element: _Element, depth: int = 0) -> list[str]:
    ordered = element.get("rend", "").startswith(("ol", "#"))
    lines = []
    number = 0
    for item in element.iter("item"):
        if item.getparent() is not element:
            continue
        number += 1
        marker = f"{number}. " if ordered else "• "
        text = _inline(item)
        if text:
            lines.append("  " * (depth + 1) + marker + text.replace("\n", " "))
        for sub in item.findall("list"):
            lines.extend(_list(sub, depth + 1))
    return lines


def body_blocks(body: _Element) -> list[str]:
    blocks: list[str] = []
    for element in body:
        if element.tag == "list":
            lines = _list(element)
            if lines:
                blocks.append("\n".join(lines))
        elif element.tag == "table":
            for cell in element.iter("cell"):
                text = _inline(cell)
                if text:
                    blocks.append(text)
        elif element.tag == "graphic":
            continue
        else:
            text = _inline(element)
            if text:
                blocks.append(text)
    return blocks
