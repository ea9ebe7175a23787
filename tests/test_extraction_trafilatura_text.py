"""trafilatura's XML body to text blocks: nothing of the article text is lost on the way."""

from __future__ import annotations

import pytest
from lxml import etree

from harvester.extraction.trafilatura_text import body_blocks, tagged_blocks


def blocks(xml: str) -> list[str]:
    return body_blocks(etree.fromstring(f"<body>{xml}</body>"))


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        # Text trafilatura leaves between blocks, after a heading: its own paragraph.
        ('<head rend="h2">Deal one</head>Save $31 on it.<head rend="h2">Deal two</head>Lowest price.',
         ["Deal one", "Save $31 on it.", "Deal two", "Lowest price."]),
        ("Loose first<p>Para</p>", ["Loose first", "Para"]),
        # A wrapper of paragraphs (trafilatura's whole-tree fallback): one block per paragraph.
        ("<div><p>\nOne\n</p><p>Two <hi>bold</hi> end</p></div>", ["One", "Two bold end"]),
        ("<quote><p>Quoted one.</p><p>Quoted two.</p></quote>", ["Quoted one.", "Quoted two."]),
        ("<quote>Short quote.</quote>", ["Short quote."]),
        # Source line breaks are spaces; <lb/> breaks a line.
        ("<p>line\none<lb/>line two</p>", ["line one\nline two"]),
        # Non-breaking spaces are kept as the page has them.
        ("<p>9\u00a0km</p>", ["9\u00a0km"]),
        ('<list rend="ol"><item>First</item><item>Second</item></list>', ["  1. First\n  2. Second"]),
        ('<list rend="ul"><item>A<list rend="ul"><item>A.1</item></list></item></list>', ["  • A\n    • A.1"]),
        ("<table><row><cell>k</cell><cell>v</cell></row></table>", ["k", "v"]),
        ("<code>def f():\n    return 1</code>", ["def f():\n    return 1"]),
        ('<graphic src="x.jpg"/>After', ["After"]),
    ],
)
def test_body_blocks(xml: str, expected: list[str]) -> None:
    assert blocks(xml) == expected


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        # The article as table rows without their table (trafilatura took a table as the body),
        # its text in a table nested in a cell: every cell's text comes out, in reading order.
        ("<row><cell><table><row><cell>First <hi>paragraph</hi>.</cell></row>"
         "<row><cell>Second paragraph.</cell></row></table></cell></row><row><cell>Last row.</cell></row>",
         ["First paragraph.", "Second paragraph.", "Last row."]),
        # Text around a nested table, and a cell laid out in paragraphs and a list.
        ("<table><row><cell>Before<lb/>line<table><row><cell>nested</cell></row></table>after</cell></row></table>",
         ["Before\nline", "nested", "after"]),
        ("<table><row><cell><p>Para one</p><list><item>item</item></list></cell></row></table>",
         ["Para one", "  • item"]),
        ("<cell>A lone cell</cell>", ["A lone cell"]),
    ],
)
def test_nested_and_loose_table_parts(xml: str, expected: list[str]) -> None:
    assert blocks(xml) == expected


def test_a_first_level_heading_says_so() -> None:
    body = etree.fromstring('<body><head rend="h1">Title</head><head rend="h2">Part</head><p>Text</p></body>')
    assert tagged_blocks(body) == [("h1", "Title"), ("head", "Part"), ("p", "Text")]
