"""Names in bylines and sign-offs, Korean copyright footers."""

from __future__ import annotations

import doctest

import pytest

from harvester.extraction import bylines


def test_doctests() -> None:
    assert doctest.testmod(bylines).failed == 0


@pytest.mark.parametrize(
    ("blocks", "names"),
    [
        (["(서울=연합뉴스) 김철수 기자 = 정부가 20일 발표했다.", "본문."], ("김철수",)),
        (["본문.", "글·사진=박영희 기자"], ("박영희",)),
        (["본문.", "이영희 특파원 (yh@example.com)"], ("이영희",)),
        # A reporter named in the middle of the text is no byline.
        (["본문.", "김철수 기자는 이렇게 썼다.", "끝."], ()),
        (["By Park Han-na, Kim Arin (hnpark@heraldcorp.com)"], ("Park Han-na", "Kim Arin")),
    ],
)
def test_text_authors(blocks: list[str], names: tuple[str, ...]) -> None:
    assert bylines.text_authors(blocks) == names


def test_drop_footers_keeps_the_text_around() -> None:
    blocks = ["본문.", "끝.\n<저작권자 ⓒ 강원도민일보, 무단전재 및 재배포 금지>", "ⓒ 한국일보"]
    assert bylines.drop_footers(blocks) == ["본문.", "끝."]
