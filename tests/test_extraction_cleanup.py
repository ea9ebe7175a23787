"""Profile-driven clean-up: page chrome by selector or by text, alt captions, sign-offs, languages."""

from __future__ import annotations

import doctest

import pytest
from lxml import html

from harvester.extraction import cleanup
from harvester.extraction.extractor import split_authors
from harvester.extraction.html_text import element_blocks

SIGNOFF = r"^By [^()]{2,120}?(?:\(\s*[\w.+-]+@heraldcorp\.com\s*\)\s*)+$"


def test_doctests() -> None:
    assert doctest.testmod(cleanup).failed == 0


def test_remove_matching_takes_the_paragraph_not_its_container() -> None:
    page = html.document_fromstring("""<html><body><div id="wrap">
<div class="notice"><p>This Website is the Presidential Records of Korea.</p><a href="#">[오늘 그만 보기]</a></div>
<div class="article"><p>This Website is the place. Body text.</p><p>Press move to top (not at the start).</p></div>
<span><img alt="move to top"></span></div></body></html>""")
    removed = cleanup.remove_matching(page, (r"This Website is the Presidential Records", r"\[오늘 그만 보기\]$", r"move to top"))
    assert removed == 2
    assert page.cssselect("#wrap .notice") and page.cssselect("#wrap .article")
    assert element_blocks(page.cssselect("#wrap")[0]) == ["This Website is the place. Body text.", "Press move to top (not at the start)."]


def test_remove_elements() -> None:
    page = html.document_fromstring('<html><body><div id="banner"><p>x</p></div><p>y</p></body></html>')
    assert cleanup.remove_elements(page, ("#banner", "#banner p", ".none")) == 1
    assert page.text_content() == "y"


def test_alt_captions_become_paragraphs_in_place() -> None:
    body = html.fragment_fromstring(
        '<div><p><img src="a.jpg" alt=" 강경화 장관 \n 외교부 "></p><p>Caption (MOFA)</p>'
        '<p><img src="b.jpg" alt=""><img src="c.jpg"></p><p>Text</p></div>'
    )
    cleanup.alt_captions(body, "img[alt]")
    assert element_blocks(body) == ["강경화 장관 외교부", "Caption (MOFA)", "Text"]


@pytest.mark.parametrize(
    ("blocks", "kept", "signoff"),
    [
        (["A.", "B.", "By Song Seung-hyun (ssh@heraldcorp.com)"], ["A.", "B."], "By Song Seung-hyun (ssh@heraldcorp.com)"),
        (["A.", "By Choi He-suk and news reports (\ncheesuk@heraldcorp.com)", "(Yonhap)"], ["A.", "(Yonhap)"],
         "By Choi He-suk and news reports ( cheesuk@heraldcorp.com)"),
        (["By A Kim (a@heraldcorp.com)", "1.", "2.", "3.", "4."], ["By A Kim (a@heraldcorp.com)", "1.", "2.", "3.", "4."], None),
        (["By the river, people (and dogs) walk."], ["By the river, people (and dogs) walk."], None),
    ],
)
def test_split_signoff(blocks: list[str], kept: list[str], signoff: str | None) -> None:
    assert cleanup.split_signoff(blocks, SIGNOFF) == (kept, signoff)


@pytest.mark.parametrize(
    ("signoff", "authors"),
    [
        ("By Choi He-suk and news reports ( cheesuk@heraldcorp.com)", ("Choi He-suk",)),
        ("By Choi Jae-hee and Kim Hae-yeon (cjh@heraldcorp.com) (hykim@heraldcorp.com)", ("Choi Jae-hee", "Kim Hae-yeon")),
        ("By Kim Eunhee and Lee Jihae / Photos = Korea.net DB", ("Kim Eunhee", "Lee Jihae")),
        ("By Yoon Sojung / Video = Korea.net", ("Yoon Sojung",)),
    ],
)
def test_authors_of_bylines(signoff: str, authors: tuple[str, ...]) -> None:
    assert split_authors(signoff) == authors


@pytest.mark.parametrize(("value", "language"), [(["ko-KR"], "ko"), (["EN"], "en"), (["not a tag"], None), ([], None)])
def test_language_tag(value: list[str], language: str | None) -> None:
    assert cleanup.language_tag(value) == language
