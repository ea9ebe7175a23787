"""Link rules: the links of a page, in page order, as absolute URLs. Versions: a capture is read
with the rules of its day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scrapy.http import HtmlResponse

from harvester.profiles.base import LinkRule, Selectors, SiteProfile, Version
from harvester.profiles.mofa import ARTICLE_LINKS, NEXT_PAGES

BASE = "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=2"
LIST = """<html><body>
<div class="board_list"><table><tbody>
<tr><td class="tal"><a href="#" onclick="f_view('367001'); return false;">One</a></td></tr>
<tr><td class="tal"><a href="./view.do?seq=367000&amp;page=2&amp;srchFr=">Two</a></td></tr>
<tr><td class="tal"><a href="javascript:void(0)">Not a link</a></td></tr>
</tbody></table>
<div class="paging"><a href="./list.do?page=1&amp;srchFr=" class="first"><span class="hide">first</span></a>
<a href="./list.do?page=3&amp;srchFr=">3</a></div>
</div></body></html>"""


def response() -> HtmlResponse:
    return HtmlResponse(BASE, body=LIST.encode(), encoding="utf-8")


def test_article_links_of_a_board_list_rule_by_rule() -> None:
    # f_view('seq') in onclick (the Korean board), then view.do links in href (the English one).
    found = [url for rule in ARTICLE_LINKS for url in rule.find(response(), BASE)]
    assert found == [
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367001",
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367000&page=2&srchFr=",
    ]


def test_a_plain_rule_gives_every_link_in_page_order_but_script_and_fragment_links() -> None:
    rule = LinkRule(".board_list a")
    assert rule.find(response(), BASE) == [
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367000&page=2&srchFr=",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=1&srchFr=",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=3&srchFr=",
    ]


def test_pager_links() -> None:
    found = [url for rule in NEXT_PAGES for url in rule.find(response(), BASE)]
    assert found == [
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=1&srchFr=",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=3&srchFr=",
    ]


# -- versions
OLD, NEWER = Selectors(title=".viewTitle h3"), Selectors(title="h1.title")
VERSIONED = SiteProfile(
    name="paper", title="신문", hosts=("www.paper.test",), kind="news", language="ko", sources=(), article_url="",
    selectors=Selectors(title=".article-head-title"),
    versions=(Version(date(2019, 12, 31), OLD, template="older"), Version(date(2022, 6, 30), NEWER)),
)


@pytest.mark.parametrize(
    ("captured", "title"),
    [
        (date(2015, 3, 1), ".viewTitle h3"),
        (date(2019, 12, 31), ".viewTitle h3"),  # its last day is still its own
        (date(2020, 1, 1), "h1.title"),
        (date(2022, 7, 1), ".article-head-title"),
        (None, ".article-head-title"),  # no capture date: today's rules
    ],
)
def test_a_capture_is_read_with_the_rules_of_its_day(captured: date | None, title: str) -> None:
    profile = VERSIONED.as_of(captured)
    assert profile.selectors.title == title
    assert (profile.name, profile.hosts) == ("paper", ("www.paper.test",))


def test_versions_are_oldest_first_one_per_date() -> None:
    with pytest.raises(ValueError, match="versions must be oldest first"):
        replace(VERSIONED, versions=VERSIONED.versions[::-1])
    with pytest.raises(ValueError, match="one per date"):
        replace(VERSIONED, versions=(VERSIONED.versions[0], VERSIONED.versions[0]))


def test_a_link_whose_entities_the_markup_escaped_twice_is_unescaped() -> None:
    page = '<div class="board_list"><a href="./view.do?seq=367002&amp;amp;page=2">Three</a></div>'
    found = LinkRule(".board_list a").find(HtmlResponse(BASE, body=page.encode(), encoding="utf-8"), BASE)
    assert found == ["https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367002&page=2"]


def test_a_parameter_named_like_an_entity_stays_itself() -> None:
    """`&lang=ko` and `&para=2` are parameters (a browser reads them so in an attribute), where
    `&amp;#39;` is an entity escaped twice."""
    page = (
        '<div class="board_list"><a href="./view.do?seq=1&amp;lang=ko&amp;para=2">One</a>'
        '<a href="./view.do?seq=2&amp;amp;lang=en&amp;#39;">Two</a></div>'
    )
    found = LinkRule(".board_list a").find(HtmlResponse(BASE, body=page.encode(), encoding="utf-8"), BASE)
    assert found == [
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=1&lang=ko&para=2",
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=2&lang=en'",
    ]
