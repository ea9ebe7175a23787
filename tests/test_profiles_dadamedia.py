"""The 다다미디어 CMS family: URLs, the profile `newspaper()` builds, and documents of its two
templates (current UTF-8, old EUC-KR) read from the replica's pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.profiles import Feed, ListPages, get_profile
from harvester.profiles.cms import dadamedia
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for
from harvester.replica.sites.dadamedia import DadamediaSite

FIXTURES = Path(__file__).parent / "fixtures" / "dadamedia"


@pytest.fixture(scope="module")
def ecounion() -> DadamediaSite:
    return site_for("ecounion")


@pytest.fixture(scope="module")
def hanbit() -> DadamediaSite:
    return site_for("hanbit")


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


def _page(site: DadamediaSite, scheme: str, host: str, idx: int) -> bytes:
    response = site(ReplicaRequest("GET", scheme, host, f"/news/view.php?idx={idx}"))
    assert response.status == 200
    return response.body


def test_current_template_document(ecounion: DadamediaSite) -> None:
    url = "https://www.ecounion.co.kr/news/view.php?idx=8847"
    document = extract(_page(ecounion, "https", "www.ecounion.co.kr", 8847), "utf-8", url, "ecounion")
    assert render(document) == (FIXTURES / "ecounion_8847_2018_07_02.txt").read_text("utf-8")
    assert document.published == "2018-07-02T11:40:05+09:00"
    assert document.modified == "2018-07-02T15:10:22+09:00"
    assert document.authors == ("박지훈",)
    assert document.language == "ko"


@pytest.mark.parametrize(
    ("idx", "expected", "published", "author"),
    [
        # Charset in the HTTP header and a meta tag; a CP949-only syllable (똠) in the text.
        (1203, "hanbit_1203_2009_03_09.txt", "2009-03-09T09:30:44+09:00", "오상철"),
        # Charset declared nowhere; a photo caption in the old template's table.
        (1202, "hanbit_1202_2009_03_05.txt", "2009-03-05T15:40:21+09:00", "윤미경"),
    ],
)
def test_old_template_document_in_euc_kr(hanbit: DadamediaSite, idx: int, expected: str, published: str, author: str) -> None:
    body = _page(hanbit, "http", "www.hanbitnews.co.kr", idx)
    # No encoding given: the extractor settles it from the bytes, as `harvester extract` does.
    document = extract(body, None, f"http://www.hanbitnews.co.kr/news/view.php?idx={idx}", "hanbit")
    assert render(document) == (FIXTURES / expected).read_text("utf-8")
    assert document.published == published
    assert document.authors == (author,)
