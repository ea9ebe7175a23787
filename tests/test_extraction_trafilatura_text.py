"""trafilatura's XML body to text blocks: nothing of the article text is lost on the way."""

from __future__ import annotations

import pytest
from lxml import etree

from harvester.extraction.trafilatura_text import body_blocks


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
