"""Sanity checks of a profiled document: the page's (a title that is the site's name, a body much
shorter than the page's text) in the extractor, the capture's (a date after it, or before 1990)
where its time is known."""

from __future__ import annotations

import doctest
from datetime import datetime, timezone

import pytest

from harvester.extraction import sanity
from harvester.extraction.extractor import extract, parse_html

URL = "https://news.faults.test/news/view.php?idx=1"
CHROME = "".join(f"<li><a href='/n/{n}'>많이 본 뉴스 제목이 여기에 길게 이어집니다 {n}번째 기사</a></li>" for n in range(200))


def page(title: str, body: str, site_name: str = "환경일보") -> bytes:
    return (
        f'<html><head><meta property="og:site_name" content="{site_name}"><script>var x = "{"스크립트" * 500}";</script></head>'
        f'<body><ul class="gnb">{CHROME}</ul><h3 class="article-head-title">{title}</h3>'
        '<ul class="info-text"><li>이도윤 기자</li><li>등록 2025-01-03 14:40:00</li></ul>'
        f'<div id="viewContent"><div class="fr-view">{body}</div></div></body></html>'
    ).encode()


ARTICLE = "".join(f"<p>미세먼지 저감 숲 조성 사업을 올해 15곳으로 확대한다는 문단 {n}입니다.</p>" for n in range(40))


def test_doctests() -> None:
    assert doctest.testmod(sanity).failed == 0


def test_an_article_passes() -> None:
    assert extract(page("숲 조성 사업 확대", ARTICLE), "utf-8", URL, "faults").checks == ()


def test_a_title_that_is_the_sites_name() -> None:
    document = extract(page(" 환경일보 ", ARTICLE), "utf-8", URL, "faults")
    assert document.checks == ("title_is_site_name",)


def test_a_body_much_shorter_than_the_page() -> None:
    """A selector that still matches, but only a caption's worth of the article."""
    document = extract(page("숲 조성 사업 확대", "<p>(사진=환경일보 DB)</p>"), "utf-8", URL, "faults")
    assert document.checks == ("short_body",)
    # Scripts are not text the page shows: the same page without its chrome is no sign.
    bare = page("숲 조성 사업 확대", "<p>(사진=환경일보 DB)</p>").replace(CHROME.encode(), b"")
    assert extract(bare, "utf-8", URL, "faults").checks == ()


def test_visible_length_leaves_out_scripts_styles_and_white_space() -> None:
    root = parse_html(b"<html><head><title>t</title></head><body><p>a b\n c</p><script>xyz</script>"
                      b"<style>p{}</style><noscript>no</noscript><div> d </div></body></html>", "utf-8")
    assert sanity.visible_length(root) == 4


CAPTURED = datetime(2026, 5, 1, 3, 0, tzinfo=timezone.utc)  # 12:00 in Seoul


@pytest.mark.parametrize(
    ("published", "failed"),
    [
        ("2026-05-01T12:30:00+09:00", ()),  # the site's clock a little ahead
        ("2026-05-01T13:30:00+09:00", ("date_after_capture",)),
        ("2026-05-01", ()),  # the capture's day
        ("2026-05-02", ("date_after_capture",)),  # a day no zone had reached (UTC+14: 17:00 on the 1st)
        ("1989-12-31", ("date_before_1990",)),
        ("1970-01-01T09:00:00+09:00", ("date_before_1990",)),
        ("2024-05-13", ()),
        (None, ()),
        ("not a date", ()),
    ],
)
def test_date_checks(published: str | None, failed: tuple[str, ...]) -> None:
    assert sanity.date_checks(published, CAPTURED) == failed
