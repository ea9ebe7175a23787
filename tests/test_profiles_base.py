"""Link rules: the links of a page, in page order, as absolute URLs."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from harvester.profiles.base import LinkRule
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
