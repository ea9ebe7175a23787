"""The profile spider: entry points, feeds (real MOFA RSS), politeness defaults."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.commands.crawl import crawl_settings
from harvester.profiles import get_profile
from harvester.spiders.loader import ProfileSpiderLoader
from harvester.spiders.profile import ProfileSpider


def spider(name: str) -> ProfileSpider:
    spider_class = ProfileSpiderLoader().load(name)
    return spider_class()


def test_loader_knows_every_profile() -> None:
    loader = ProfileSpiderLoader()
    assert "mofa_en" in loader.list()
    spider_class = loader.load("mofa_en")
    assert spider_class.name == "mofa_en" and spider_class.profile is get_profile("mofa_en")


def test_real_mofa_feed_gives_canonical_article_requests(shared: Path) -> None:
    body = (shared / "realpages/mofa/rss_feed_press_releases.xml").read_bytes()
    response = XmlResponse("https://www.mofa.go.kr/www/brd/rss.do?brdId=302", body=body)
    requests = list(spider("mofa_en").parse_feed(response))
    assert [request.url for request in requests] == [
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320",
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323319",
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323318",
    ]


def test_feed_of_another_board_gives_nothing(shared: Path) -> None:
    body = (shared / "realpages/mofa/rss_feed_press_briefings.xml").read_bytes()
    response = XmlResponse("https://www.mofa.go.kr/www/brd/rss.do?brdId=303", body=body)
    assert list(spider("mofa_en").parse_feed(response)) == []


def test_politeness_is_on_by_default(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    # What Scrapy does when it starts the crawler: the spider's own settings on top.
    ProfileSpiderLoader().load("mofa_en").update_settings(settings)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert "harvester/" in settings.get("USER_AGENT")
    assert settings.getbool("COOKIES_ENABLED")
    assert settings.get("CORPUS_DIR") == str(tmp_path / "corpus")


MOFA_LIST = """<html><body><div class="board_list"><table><tbody>
<tr><td class="tal"><a href="#" onclick="f_view('367001'); return false;">One</a></td></tr>
<tr><td class="tal"><a href="#" onclick="f_view('367000'); return false;">Two</a></td></tr>
</tbody></table>
<div class="paging"><a href="./list.do?page=1&amp;srchFr=" class="on">1</a> <a href="./list.do?page=2&amp;srchFr=">2</a></div>
</div></body></html>"""


def test_articles_come_before_further_list_pages() -> None:
    spider_class = ProfileSpiderLoader().load("mofa_ko")
    mofa_ko = spider_class.from_crawler(get_crawler(spider_class))
    url = "https://www.mofa.go.kr/www/brd/m_4080/list.do"
    requests = list(mofa_ko.parse_list(HtmlResponse(url, body=MOFA_LIST.encode(), encoding="utf-8"), page=1))
    articles = [request for request in requests if request.callback == mofa_ko.parse_article]
    lists = [request for request in requests if request.callback == mofa_ko.parse_list]
    assert [request.url for request in articles] == [
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367001",
        "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367000",
    ]
    assert len(lists) == 2
    # Scheduled first: the frontier holds a list page's articles, not every article seen so far.
    assert min(request.priority for request in articles) > max(request.priority for request in lists)


def test_a_feed_entry_before_since_is_reported_skipped(shared: Path) -> None:
    spider_class = ProfileSpiderLoader().load("mofa_en")
    mofa_en = spider_class.from_crawler(get_crawler(spider_class, {"PROFILE_SINCE": "2100-01-01"}))
    skipped: list[tuple[str, str]] = []
    mofa_en.crawler.signals.connect(
        lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False
    )
    body = (shared / "realpages/mofa/rss_feed_press_releases.xml").read_bytes()
    assert list(mofa_en.parse_feed(XmlResponse("https://www.mofa.go.kr/www/brd/rss.do?brdId=302", body=body))) == []
    assert skipped == [
        ("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320", "before_since"),
        ("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323319", "before_since"),
        ("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323318", "before_since"),
    ]


def test_a_profiles_recrawl_policy_is_its_spiders_settings(tmp_path: Path) -> None:
    """korea_net reads lists every 12 h, feeds every 3, sitemaps every 6, and fetches articles again
    after 30 days; the command line overrides each (`--refresh-after`, `-s STATE_FEEDS_EVERY=0`)."""
    korea_net = ProfileSpiderLoader().load("korea_net")
    settings = crawl_settings(tmp_path)
    korea_net.update_settings(settings)
    assert [settings.getfloat(name) for name in ("STATE_LISTS_EVERY", "STATE_FEEDS_EVERY", "STATE_SITEMAPS_EVERY",
                                                 "STATE_REFRESH_AFTER")] == [12, 3, 6, 30]
    given = crawl_settings(tmp_path, ["STATE_FEEDS_EVERY=0"], STATE_REFRESH_AFTER=2)
    korea_net.update_settings(given)
    assert (given.getfloat("STATE_FEEDS_EVERY"), given.getfloat("STATE_REFRESH_AFTER")) == (0, 2)
    # A profile that says nothing: every crawl reads its sources; articles are not fetched again.
    mofa = crawl_settings(tmp_path)
    ProfileSpiderLoader().load("mofa_en").update_settings(mofa)
    assert (mofa.getfloat("STATE_LISTS_EVERY"), mofa.getfloat("STATE_REFRESH_AFTER")) == (0, -1)
