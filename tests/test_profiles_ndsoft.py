"""The ND Soft CMS family: URLs, the profile `newspaper()` builds, chrome kept out of the replica's pages, and
documents of the family's other skins (kado's expected documents are checked by test_profiles_registry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.profiles import Feed, ListPages, get_profile
from harvester.profiles.cms import ndsoft
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for
from harvester.replica.sites.ndsoft import NdsoftSite

FIXTURES = Path(__file__).parent / "fixtures" / "ndsoft"
KADO = "https://www.kado.net/news/articleView.html?idxno={}"


@pytest.fixture(scope="module")
def kado() -> NdsoftSite:
    return site_for("kado")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (KADO.format(1180433), KADO.format(1180433)),
        ("http://kado.net/news/articleView.html?idxno=1180433&replyAll=&reply_sc_order_by=C", KADO.format(1180433)),
        ("https://m.kado.net/news/articleView.html?idxno=1180433", KADO.format(1180433)),
        ("https://www.kado.net/news/articleViewAmp.html?idxno=1180433", KADO.format(1180433)),
        ("https://www.kado.net/news/articleList.html?sc_section_code=S1N4", "https://www.kado.net/news/articleList.html?sc_section_code=S1N4"),
        ("https://www.sisajournal.com/news/articleView.html?idxno=1", "https://www.sisajournal.com/news/articleView.html?idxno=1"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert get_profile("kado").canonical_url(url) == canonical


def test_newspaper_is_a_few_lines_of_configuration() -> None:
    profile = ndsoft.newspaper("paper", "신문", "www.paper.com", {"S1N1": "정치"})
    assert profile.hosts == ("www.paper.com", "paper.com", "m.paper.com")
    assert profile.sources == (
        ListPages("https://www.paper.com/news/articleList.html?sc_section_code=S1N1&view_type=sm"),
        Feed("https://www.paper.com/rss/allArticle.xml"),
    )
    assert profile.is_article("https://www.paper.com/news/articleView.html?idxno=7")


def test_page_chrome_stays_out(kado: NdsoftSite) -> None:
    response = kado(ReplicaRequest("GET", "https", "www.kado.net", "/news/articleView.html?idxno=1180433"))
    text = render(extract(response.body, "utf-8", KADO.format(1180433), "kado"))
    for chrome in ("ADVERTISEMENT", "기사공유하기", "링크 복사", "본문 글씨 키우기", "저작권자", "다른기사 보기",
                   "많이 본 뉴스", "모바일버전", "댓글 0", "singme@kado.net"):
        assert chrome not in text


@pytest.mark.parametrize(
    ("page", "url", "published", "author"),
    [
        # The current skin with screen-reader labels in the byline and the subheading inside the body.
        ("skin_2022", "https://www.sisajournal.com/news/articleView.html?idxno=300001", "2026-10-02T09:41:00+09:00", "김은별"),
        # The older skin: `.article-head-title`, `.info-text` and '승인'.
        ("skin_2017", "https://news.einfomax.co.kr/news/articleView.html?idxno=352184", "2017-08-31T10:12:00+09:00", "이윤구"),
    ],
)
def test_other_skins(page: str, url: str, published: str, author: str) -> None:
    document = extract((FIXTURES / f"{page}.html").read_bytes(), None, url)
    assert render(document) == (FIXTURES / f"{page}.txt").read_text("utf-8")
    assert (document.published, document.authors) == (published, (author,))
