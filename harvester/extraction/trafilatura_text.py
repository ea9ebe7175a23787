"""trafilatura's XML body (p, head, list/item, quote, table/row/cell, lb) to text blocks.

Every text trafilatura returns comes out: a table's cells are blocks of their own, a table nested
in a cell too, and so are table rows that trafilatura gives without their table (the article
laid out as a table, its rows taken as the body).
"""

from __future__ import annotations

import re

from lxml.etree import _Element

# Elements that hold blocks of their own: their children are laid out one block each.
_CONTAINERS = frozenset({"div", "quote", "section", "article", "main", "body"})
_BLOCK_CHILDREN = frozenset({"p", "head", "quote", "code", "list", "table", "div", "graphic"})
_TABLE_PARTS = frozenset({"table", "row", "cell"})
# ASCII white space only: non-breaking spaces stay as the page has them.
_SPACE = re.compile(r"[ \t\n\r\f]+")


def _collapse(text: str | None) -> str:
    """Source white space (newlines included) as HTML renders it: one space."""
    return _SPACE.sub(" ", text or "")


def _inline(element: _Element) -> str:
    """Text of an element, `lb` as a line break, other inline markup flattened."""
    parts = [_collapse(element.text)]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table", "graphic"):
            parts.append(_inline(child))
        parts.append(_collapse(child.tail))
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


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


def _has_blocks(element: _Element) -> bool:
    return element.tag in _CONTAINERS and any(child.tag in _BLOCK_CHILDREN for child in element)


def _add_loose(blocks: list[tuple[str, str]], text: str | None) -> None:
    """Text lying between blocks (trafilatura leaves some there) is a block of its own."""
    loose = _collapse(text).strip()
    if loose:
        blocks.append(("p", loose))


def _cell(cell: _Element, blocks: list[tuple[str, str]]) -> None:
    """A table cell: its inline text one block, each block it holds (a nested table's cells,
    paragraphs, lists) laid out as such, in reading order."""
    run = [_collapse(cell.text)]

    def flush() -> None:
        lines = (line.strip(" ") for line in "".join(run).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(("cell", text))
        run.clear()

    for child in cell:
        if child.tag in _BLOCK_CHILDREN or child.tag in _TABLE_PARTS:
            flush()
            _block(child, blocks)
        elif child.tag == "lb":
            run.append("\n")
        else:
            run.append(_inline(child))
        run.append(_collapse(child.tail))
    flush()


def _table(element: _Element, blocks: list[tuple[str, str]]) -> None:
    """A table or a row: one block per cell."""
    for child in element:
        if child.tag == "cell":
            _cell(child, blocks)
        elif child.tag in _TABLE_PARTS:
            _table(child, blocks)
        else:
            _block(child, blocks)


def _block(child: _Element, blocks: list[tuple[str, str]]) -> None:
    if child.tag == "list":
        lines = _list(child)
        if lines:
            blocks.append(("list", "\n".join(lines)))
    elif child.tag == "cell":
        _cell(child, blocks)
    elif child.tag in _TABLE_PARTS:
        _table(child, blocks)
    elif child.tag == "code":
        # Preformatted: its line breaks and indents are content.
        code = "".join(child.itertext()).strip("\n")
        if code.strip():
            blocks.append(("code", code))
    elif _has_blocks(child):
        _walk(child, blocks)
    elif child.tag != "graphic":
        text = _inline(child)
        if text:
            # A heading says its level: 'head' for h2-h6, 'h1' for the page's main heading.
            blocks.append(("h1" if child.tag == "head" and child.get("rend") == "h1" else child.tag, text))


def _walk(element: _Element, blocks: list[tuple[str, str]]) -> None:
    _add_loose(blocks, element.text)
    for child in element:
        _block(child, blocks)
        _add_loose(blocks, child.tail)


def tagged_blocks(body: _Element) -> list[tuple[str, str]]:
    """The text blocks of trafilatura's body, each with the tag it came from ('head', 'p', ...;
    'h1' for a heading of the first level)."""
    blocks: list[tuple[str, str]] = []
    _walk(body, blocks)
    return blocks


def body_blocks(body: _Element) -> list[str]:
    return [text for _, text in tagged_blocks(body)]
