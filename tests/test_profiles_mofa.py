from __future__ import annotations

import doctest

import pytest
from scrapy.http import HtmlResponse

from harvester.profiles import PROFILES, get_profile, mofa, profile_for_url


def test_doctests() -> None:
    assert doctest.testmod(mofa).failed == 0


@pytest.mark.parametrize(
    "url",
    [
        # From the RSS feed: /www/ even for the English board, plain http.
        "http://www.mofa.go.kr/www/brd/m_5676/view.do?seq=323320",
        # From a list page: the whole list query string, sometimes double-escaped.
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320&page=2&srchFr=&srchTo=&srchWord=&srchTp="
        "&multi_itm_seq=0&itm_seq_1=0&itm_seq_2=0&company_cd=&company_nm=",
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320&amp;amp;srchFr=&amp;amp;srchTo=",
        # Bare domain, odd port, http.
        "http://mofa.go.kr/eng/brd/m_5676/view.do?seq=323320",
        "http://www.mofa.go.kr:443/eng/brd/m_5676/view.do?page=1&seq=323320",
    ],
)
def test_one_canonical_url_per_release(url: str) -> None:
    profile = get_profile("mofa_en")
    assert profile.canonical_url(url) == "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320"
    assert profile.is_article(profile.canonical_url(url))


def test_korean_board_stays_under_www() -> None:
    profile = get_profile("mofa_ko")
    url = profile.canonical_url("http://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376012&page=3")
    assert url == "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376012"
    assert profile.is_article(url)
    assert not get_profile("mofa_en").is_article(url)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1", "mofa_en"),
        ("http://www.mofa.go.kr/www/brd/m_5676/view.do?seq=1", "mofa_en"),
        ("https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=1", "mofa_ko"),
        ("https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542&page=1", "mofa_missions"),
        ("https://overseas.mofa.go.kr/us-newyork-ko/brd/m_4248/view.do?seq=7", "mofa_missions"),
    ],
)
def test_profile_for_url(url: str, name: str) -> None:
    profile = profile_for_url(url)
    assert profile is not None and profile.name == name


def test_unknown_host_has_no_profile() -> None:
    assert profile_for_url("https://example.org/news/1") is None


def test_list_and_next_page_rules() -> None:
    page = HtmlResponse(
        "https://www.mofa.go.kr/www/brd/m_4080/list.do",
        body="""<div class="board_list"><table><tbody>
        <tr><td class="tal"><a href="#" onclick="f_view('376012'); return false;">A</a></td></tr>
        <tr><td class="tal"><a href="./view.do?seq=376010&amp;page=1&amp;srchFr=">B</a></td></tr>
        </tbody></table>
        <div class="paging"><a href="./list.do?page=1&amp;srchFr=" class="on">1</a>
        <a href="./list.do?page=2&amp;srchFr=">2</a><a href="javascript:void(0)">x</a></div></div>""".encode(),
        encoding="utf-8",
    )
    profile = get_profile("mofa_ko")
    articles = [profile.canonical_url(url) for rule in profile.article_links for url in rule.find(page, page.url)]
    assert articles == [
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376012",
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376010",
    ]
    pages = [url for rule in profile.next_pages for url in rule.find(page, page.url)]
    assert pages == [
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=1&srchFr=",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=2&srchFr=",
    ]


def test_registry_names_are_unique_and_crawlable_profiles_have_sources() -> None:
    assert {"mofa_en", "mofa_ko", "mofa_missions"} <= set(PROFILES)
    for profile in PROFILES.values():
        assert profile.kind in ("ministry", "archive", "news")
        for source in profile.sources:
            assert profile.host_match(source.url), (profile.name, source.url)
