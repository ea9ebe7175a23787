"""The 다다미디어 CMS family: URLs and the profile `newspaper()` builds. The documents of its two
templates (current UTF-8: ecounion; old EUC-KR, its charset declared in the header and a meta tag or
nowhere: hanbit) are checked against their pages by test_profiles_registry."""

from __future__ import annotations

import pytest

from harvester.profiles import Feed, ListPages, get_profile
from harvester.profiles.cms import dadamedia


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
