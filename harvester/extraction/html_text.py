"""HTML to readable text blocks, the way a browser lays a page out: one block per paragraph.

Used on the article element a profile selects. Whitespace collapses as HTML collapses it (ASCII
whitespace only: non-breaking spaces are kept as the page has them); `<br>` breaks a line, and
`<br><br>` (an empty line on screen) ends a paragraph; list items become `  • item` / `  1. item`
lines of one block; tables give one block per cell.

>>> fragment_blocks("One<br>line two<br><br>Para two<br /> <br/> <br>Para three")
['One\\nline two', 'Para two', 'Para three']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import html as lxml_html
from lxml.etree import _Comment, _Element, _ProcessingInstruction

from harvester.extraction.selection import matcher

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul caption".split()
)
SKIP_TAGS = frozenset(
    "script style noscript template button iframe svg select option input textarea head object "
    "embed canvas map audio video".split()
)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_OWN_MARKER = re.compile(r"([●○•◦▪■□◆◇※·\-–]|\d{1,3}[.)]|[가-힣][.)]|\(\d{1,3}\))")


class _Layout:
    """Accumulates inline text into lines and lines into blocks."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []
        # Indent and marker of the list item whose first line is pending.
        self.item = ("", "")
        # Inside a list item, blocks only break lines: a list stays one block.
        self.list_depth = 0
        # A `<br>` ended the last line and no text came since: a second one makes an empty line.
        self.after_br = False

    def text(self, text: str | None) -> None:
        if text:
            # Most text nodes hold single spaces only: the regex is skipped for them (it was a
            # third of the time spent on a page).
            if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
                text = _ASCII_SPACE.sub(" ", text)
            self.current.append(text)
            if text.strip(" "):
                self.after_br = False

    def br(self) -> None:
        if self.after_br and not "".join(self.current).strip(" "):
            self.block_break()
        else:
            self.line_break()
            self.after_br = True

    def line_break(self) -> None:
        line = "".join(self.current).strip(" ")
        self.current = []
        if line.strip():
            indent, marker = self.item
            if _OWN_MARKER.match(line) or unicodedata.category(line[0]).startswith("S"):
                # The page numbers or bullets its items itself ('1. ...', '● ...'): keep its marker.
                marker = ""
            self.lines.append(indent + marker + line)
            self.item = ("", "")

    def block_break(self) -> None:
        self.after_br = False
        self.line_break()
        if self.list_depth:
            return
        if self.lines:
            self.blocks.append("\n".join(self.lines))
            self.lines = []


def _list_item(element: _Element, depth: int) -> tuple[str, str]:
    """The indent and marker of a list item: '  • ' in lists, '  3. ' in ordered lists."""
    indent = "  " * depth
    parent = element.getparent()
    if parent is not None and parent.tag == "ol":
        items = [child for child in parent if child.tag == "li"]
        start = int(parent.get("start", "1")) if parent.get("start", "1").isdigit() else 1
        return indent, f"{start + items.index(element)}. "
    return indent, "• "


def _walk(element: _Element, layout: _Layout) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if isinstance(element, (_Comment, _ProcessingInstruction)) or tag in SKIP_TAGS:
        layout.text(element.tail)
        return
    if tag == "br":
        layout.br()
        layout.text(element.tail)
        return
    if tag == "pre":
        layout.block_break()
        text = element.text_content().strip("\n")
        if text.strip():
            layout.blocks.append(text)
        layout.text(element.tail)
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        layout.block_break()
    if tag in ("ul", "ol"):
        layout.list_depth += 1
    elif tag == "li":
        layout.item = _list_item(element, max(layout.list_depth, 1))
    layout.text(element.text)
    for child in element:
        _walk(child, layout)
    if tag in ("ul", "ol"):
        layout.list_depth -= 1
    if is_block:
        layout.block_break()
    layout.text(element.tail)


def element_blocks(element: _Element, drop: Iterable[str] = ()) -> list[str]:
    """The text blocks of `element`, after removing the elements matched by the `drop` selectors."""
    for selector in drop:
        for unwanted in matcher(selector)(element):
            unwanted.drop_tree()
    layout = _Layout()
    layout.text(element.text)
    for child in element:
        _walk(child, layout)
    layout.block_break()
    return layout.blocks


def fragment_blocks(html: str, drop: Iterable[str] = ()) -> list[str]:
    """The text blocks of an HTML fragment."""
    return element_blocks(lxml_html.fragment_fromstring(html, create_parent="div"), drop)
