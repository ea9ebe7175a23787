"""The 다다미디어 CMS family: URLs and the profile `newspaper()` builds. The documents of its two
templates (current UTF-8: ecounion; old EUC-KR, its charset declared in the header and a meta tag or
nowhere: hanbit) are checked against their pages by test_profiles_registry. ecounion moved from the
older template to the current one: each of its captures is read with the rules of its day."""

from __future__ import annotations

from datetime import date

import pytest

from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.profiles import Feed, ListPages, get_profile
from harvester.profiles.cms import dadamedia
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for
from tests.site_documents import FIXTURES, expected_text

ARTICLE = "https://www.ecounion.co.kr/news/view.php?idx=8847"
# The same article captured twice: in 2018, on the older template (a saved page), and today.
OLD_PAGE = (FIXTURES / "ecounion" / "ecounion_8847_2018_07_02_old_template.html").read_bytes()
CAPTURED_THEN, TODAY = date(2018, 7, 2), date(2026, 12, 6)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.ecounion.co.kr/news/view.php?idx=8842", "https://www.ecounion.co.kr/news/view.php?idx=8842"),
        ("http://www.ecounion.co.kr/news/view.php?idx=8842&mcode=m247tk9", "https://www.ecounion.co.kr/news/view.php?idx=8842"),
        ("https://ecounion.co.kr/news/view.php?mcode=m247tk9&amp;idx=08842", "https://www.ecounion.co.kr/news/view.php?idx=8842"),
        ("https://m.ecounion.co.kr/m/view.php?idx=8842", "https://www.ecounion.co.kr/news/view.php?idx=8842"),
        ("https://www.ecounion.co.kr/news/8842", "https://www.ecounion.co.kr/news/view.php?idx=8842"),
        # Not articles, or not this paper's: unchanged.
        ("https://www.ecounion.co.kr/news/list.php?mcode=m247tk9&page=2", "https://www.ecounion.co.kr/news/list.php?mcode=m247tk9&page=2"),
        ("https://www.ecounion.co.kr/news/view.php?idx=abc", "https://www.ecounion.co.kr/news/view.php?idx=abc"),
        ("https://www.other.co.kr/news/view.php?idx=1", "https://www.other.co.kr/news/view.php?idx=1"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    profile = get_profile("ecounion")
    assert profile.canonical_url(url) == canonical


def test_newspaper_is_a_few_lines_of_configuration() -> None:
    profile = dadamedia.newspaper("paper", "신문", "www.paper.co.kr", {"m247tk9": "사회", "m101aa1": "정치"}, scheme="http")
    assert profile.hosts == ("www.paper.co.kr", "paper.co.kr", "m.paper.co.kr")
    assert profile.kind == "news" and profile.language == "ko"
    assert profile.sources == (
        ListPages("http://www.paper.co.kr/news/list.php?mcode=m247tk9"),
        ListPages("http://www.paper.co.kr/news/list.php?mcode=m101aa1"),
        Feed("http://www.paper.co.kr/rss.php"),
    )
    assert profile.is_article("http://www.paper.co.kr/news/view.php?idx=12")
    assert not profile.is_article("https://www.paper.co.kr/news/view.php?idx=12")
    assert not profile.is_article("http://www.paper.co.kr/news/list.php?mcode=m247tk9")


def current_page() -> bytes:
    return site_for("ecounion")(ReplicaRequest("GET", "https", "www.ecounion.co.kr", "/news/view.php?idx=8847")).body


def test_each_capture_is_read_with_the_rules_of_its_day() -> None:
    old = extract(OLD_PAGE, "utf-8", ARTICLE, "ecounion", CAPTURED_THEN)
    new = extract(current_page(), "utf-8", ARTICLE, "ecounion", TODAY)
    assert render(old) == expected_text("ecounion", "ecounion_8847_2018_07_02_old_template.txt")
    assert render(new) == expected_text("ecounion", "ecounion_8847_2018_07_02.txt")
    for document in (old, new):
        assert (document.title, document.authors, document.fallback) == (
            "[환경]노후 경유차 조기폐차 지원 확대…하반기 3만 대 추가", ("박지훈",), ())
        assert document.published == "2018-07-02T11:40:05+09:00"


def test_the_old_page_read_with_todays_rules_falls_back() -> None:
    """Today's rules find neither the old template's title nor its byline and dates: generic
    extraction gives them, the date without its time, and the head lines are lost."""
    document = extract(OLD_PAGE, "utf-8", ARTICLE, "ecounion", TODAY)
    assert document.fallback == ("title", "published", "authors")
    assert document.published == "2018-07-02" and document.meta_lines == ()
    # Today's page read with the 2018 rules fares no better.
    assert extract(current_page(), "utf-8", ARTICLE, "ecounion", CAPTURED_THEN).fallback == ("title", "published", "authors")


def test_a_paper_found_by_its_markup_reads_both_templates() -> None:
    """A paper no profile names gets the family's rules, which know both templates."""
    for body in (OLD_PAGE, current_page()):
        document = extract(body, "utf-8", "https://news.unknown-paper.kr/news/view.php?idx=8847", captured=TODAY)
        assert (document.profile, document.fallback) == ("dadamedia:news.unknown-paper.kr", ())
