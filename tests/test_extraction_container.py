"""Where trafilatura's text lies on the page, and the rest of an article cut into pieces."""

from __future__ import annotations

from lxml import html

from harvester.extraction import container

TEXT = [
    "The harbour ferry sailed again on Monday after ten years.",
    "Some two hundred people waited on the quay at dawn for it.",
    "The new boat takes forty minutes to reach the first island.",
]


def test_locate_finds_the_element_holding_the_text_br_runs_too() -> None:
    page = html.document_fromstring(
        "<html><body><div id='nav'><p>Home and other links of the site menu here</p></div>"
        f"<div id='story'><div class='run'>{TEXT[0]}<br><br>{TEXT[1]}</div><p>{TEXT[2]}</p></div>"
        "<div id='footer'><p>About us and contact and the rest of the page</p></div></body></html>"
    )
    assert container.locate(page, TEXT).get("id") == "story"


def test_locate_without_a_match() -> None:
    assert container.locate(html.document_fromstring("<html><body><p>Nothing of it here at all.</p></body></html>"), TEXT) is None


def test_continuations_are_the_later_containers_of_the_same_kind() -> None:
    page = html.document_fromstring(
        "<html><body>"
        f"<div class='body'><p>{TEXT[0]}</p><p>{TEXT[1]}</p></div>"
        "<div class='ad'>Advertisement</div>"
        f"<div class='body'><p>{TEXT[2]}</p></div>"
        "<div class='teaser'><p>A teaser of another story with enough words.</p></div>"
        "</body></html>"
    )
    found = container.continuations(page, TEXT[:2])
    assert [element.text_content() for element in found] == [TEXT[2]]
    # Text in a container of a kind the page has once has no continuation.
    assert container.continuations(page, ["A teaser of another story with enough words."]) == []
    # A container holding less than half of trafilatura's text is not the article's.
    assert container.continuations(page, [TEXT[0], "Text that is nowhere on the page at all.", "Nor is this one here."]) == []
