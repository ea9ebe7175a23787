"""Known chrome by markup and by text: what the article box and the generic text drop."""

from __future__ import annotations

import doctest

import pytest
from lxml import html

from harvester.extraction import chrome
from harvester.extraction.html_text import element_blocks


def test_doctests() -> None:
    assert doctest.testmod(chrome).failed == 0


@pytest.mark.parametrize(
    ("attributes", "is_chrome"),
    [
        ('class="share-list"', True),
        ('class="btn_print"', True),
        ('class="relatedNews"', True),
        ('class="most-viewed"', True),
        ('id="ad-slot-3"', True),
        ('class="article-body"', False),
        ('class="shared-story"', False),
        ('class="adventure"', False),
        ('class="article-header"', False),
        ("", False),
    ],
)
def test_chrome_element_by_the_words_of_its_names(attributes: str, is_chrome: bool) -> None:
    assert chrome.chrome_element(html.fragment_fromstring(f"<div {attributes}>x</div>")) is is_chrome


def test_drop_chrome_keeps_what_a_reader_sees_of_the_article() -> None:
    box = html.fragment_fromstring(
        "<div><figure><img src='a.jpg'><figcaption>Caption of the photo.</figcaption></figure>"
        "<p>By Jane Moss</p><p>Text of the article.</p>"
        "<ul class='share'><li>Facebook</li><li>Twitter</li></ul><button>Print</button>"
        "<p>Jane Moss <a href='mailto:j@x.kr'>j@x.kr</a> <a href='/list'>다른기사 보기</a></p>"
        "<div class='related-news'><h4>Related Articles</h4><ul><li><a href='/2'>Other</a></li></ul></div></div>"
    )
    chrome.drop_chrome(box)
    assert element_blocks(box) == ["Caption of the photo.", "By Jane Moss", "Text of the article.", "Jane Moss j@x.kr"]


def test_chrome_lines_go_from_blocks_and_list_lines() -> None:
    blocks = ["Text.", "READ MORE: Another story", "  • 댓글 0\n  • 조회 505\n  • 입력 2023.05.02", "Views: 1,204"]
    assert chrome.drop_chrome_lines(blocks) == ["Text.", "  • 입력 2023.05.02"]
