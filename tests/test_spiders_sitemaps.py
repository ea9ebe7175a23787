"""Sitemaps: read with Scrapy's parser (indexes, news sitemaps, gzip files within the size cap,
robots.txt), turned into dated article requests by the profile spider; and crawls of the replica
from sitemaps alone."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.replica.sites import site_for
from harvester.spiders.loader import ProfileSpiderLoader
from harvester.spiders.profile import ProfileSpider
from harvester.spiders.sitemaps import SitemapEntry, read_sitemap
from tests.conftest import crawl, harvester_settings
from tests.site_documents import expected, read_manifest
from tests.warcs import records

CAP = 1024 * 1024
NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://www.koreaherald.com/article/10480551</loc><lastmod>2025-05-02T12:00:00+09:00</lastmod>
    <news:news><news:publication_date>2025-05-02T11:20:00+09:00</news:publication_date></news:news></url>
  <url><loc>https://www.koreaherald.com/view.php?ud=20180429000160</loc>
    <news:news><news:publication_date>2018-04-29</news:publication_date></news:news></url>
  <url><loc>https://www.koreaherald.com/National?page=2</loc></url>
</urlset>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.koreaherald.com/sitemap/news-2025-05-02.xml</loc><lastmod>2025-05-02T11:20:00+09:00</lastmod></sitemap>
  <sitemap><loc>/sitemap/news-2018-04-29.xml</loc><lastmod>2018-04-29</lastmod></sitemap>
</sitemapindex>"""
ROBOTS = b"User-agent: *\nDisallow: /search/\n\nSitemap: https://www.koreaherald.com/sitemap_index.xml\nsitemap: /sitemap/news.xml\n"


def xml(url: str, body: str) -> XmlResponse:
    """A sitemap response as a crawl hands it to the spider (with its request)."""
    return XmlResponse(url, body=body.encode(), request=Request(url))


def entries(response: Response) -> tuple[str, list[SitemapEntry]] | None:
    read = read_sitemap(response, CAP)
    return None if read is None else (read[0], list(read[1]))


# -- reading
def test_a_news_sitemap_dates_each_entry_by_lastmod_else_publication() -> None:
    response = XmlResponse("https://www.koreaherald.com/sitemap/news.xml", body=NEWS.encode())
    assert entries(response) == ("urlset", [
        SitemapEntry("https://www.koreaherald.com/article/10480551", "2025-05-02T12:00:00+09:00"),
        SitemapEntry("https://www.koreaherald.com/view.php?ud=20180429000160", "2018-04-29"),
        SitemapEntry("https://www.koreaherald.com/National?page=2", None),
    ])


def test_a_gzipped_index_is_read_as_a_gz_file_is_served() -> None:
    # A .gz file comes as application/x-gzip: a plain Response whose bytes are gzip.
    response = Response("https://www.korea.net/sitemap_index.xml.gz", body=gzip.compress(INDEX.encode()))
    kind, found = entries(response)
    assert kind == "sitemapindex"
    assert found == [
        SitemapEntry("https://www.koreaherald.com/sitemap/news-2025-05-02.xml", "2025-05-02T11:20:00+09:00"),
        SitemapEntry("/sitemap/news-2018-04-29.xml", "2018-04-29"),
    ]


def test_robots_txt_names_sitemaps() -> None:
    response = TextResponse("https://www.koreaherald.com/robots.txt", body=ROBOTS)
    assert entries(response) == ("robots", [
        SitemapEntry("https://www.koreaherald.com/sitemap_index.xml", None),
        SitemapEntry("https://www.koreaherald.com/sitemap/news.xml", None),
    ])


@pytest.mark.parametrize(
    "response",
    [
        # Larger than the cap once gunzipped (a gzip bomb is not read whole).
        Response("https://a.test/big.xml.gz", body=gzip.compress(NEWS.encode() + b" " * (2 * CAP))),
        Response("https://a.test/broken.xml.gz", body=b"\x1f\x8b\x08" + b"\x00" * 20),
        TextResponse("https://a.test/sitemap.xml", body=b"<html><body>Not found</body></html>"),
        XmlResponse("https://a.test/feed.xml", body=b'<?xml version="1.0"?><rss><channel/></rss>'),
        XmlResponse("https://a.test/empty.xml", body=b""),
    ],
    ids=["over_cap", "broken_gzip", "html", "not_a_sitemap", "empty"],
)
def test_what_is_not_a_sitemap_is_told(response: Response) -> None:
    assert read_sitemap(response, CAP) is None


# -- the spider
def spider(name: str, **settings: object) -> ProfileSpider:
    """The profile spider with the project's PROFILE_ settings (and none of its components)."""
    profile_settings = {key: value for key, value in harvester_settings().items() if key.startswith("PROFILE_")}
    spider_class = ProfileSpiderLoader().load(name)
    return spider_class.from_crawler(get_crawler(spider_class, settings_dict={**profile_settings, **settings}))


def test_sitemap_entries_become_dated_article_requests() -> None:
    herald = spider("korea_herald")
    heard: list[dict] = []
    herald.crawler.signals.connect(lambda **kwargs: heard.append(kwargs), signal=signals.sitemap_read, weak=False)
    url = "https://www.koreaherald.com/sitemap/news-2025-05-02.xml"
    requests = list(herald.parse_sitemap(xml(url, NEWS)))
    # The list page is not an article; dates are UTC; a bare day counts from its start, in Seoul.
    assert [(r.url, r.meta["listed_at"], r.meta["listed_by"], r.meta["article"]) for r in requests] == [
        ("https://www.koreaherald.com/article/10480551", "2025-05-02T03:00:00+00:00", url, True),
        ("https://www.koreaherald.com/view.php?ud=20180429000160", "2018-04-28T15:00:00+00:00", url, True),
    ]
    assert heard == [{"signal": signals.sitemap_read, "sender": heard[0]["sender"], "url": url, "kind": "urlset",
                      "newest": datetime(2025, 5, 2, 3, 0, tzinfo=timezone.utc)}]


def test_an_index_names_sitemaps_read_whole_and_dated() -> None:
    herald = spider("korea_herald", PROFILE_SITEMAP_MAX_SIZE=CAP)
    requests = list(herald.parse_sitemap(xml("https://www.koreaherald.com/sitemap_index.xml", INDEX)))
    assert [(r.url, r.meta.get("lastmod"), r.meta["source"], r.meta["max_page_size"]) for r in requests] == [
        ("https://www.koreaherald.com/sitemap/news-2025-05-02.xml", "2025-05-02T02:20:00+00:00", "sitemaps", CAP),
        ("https://www.koreaherald.com/sitemap/news-2018-04-29.xml", "2018-04-28T15:00:00+00:00", "sitemaps", CAP),
    ]
    assert all(r.callback == herald.parse_sitemap for r in requests)


def test_since_skips_older_sitemaps_and_entries() -> None:
    herald = spider("korea_herald", PROFILE_SINCE="2025-01-01")
    index = list(herald.parse_sitemap(xml("https://www.koreaherald.com/sitemap_index.xml", INDEX)))
    assert [r.url for r in index] == ["https://www.koreaherald.com/sitemap/news-2025-05-02.xml"]
    news = list(herald.parse_sitemap(xml("https://www.koreaherald.com/sitemap/news.xml", NEWS)))
    assert [r.url for r in news] == ["https://www.koreaherald.com/article/10480551"]
    stats = herald.crawler.stats
    assert (stats.get_value("spider/skipped/sitemap_before_since"), stats.get_value("spider/skipped/before_since")) == (1, 1)


def start_urls(site: ProfileSpider) -> list[tuple[str, str | None]]:
    async def read() -> list[tuple[str, str | None]]:
        return [(request.url, request.meta.get("source")) async for request in site.start()]

    return asyncio.run(read())


def test_sources_read_are_chosen_by_kind_and_robots_txt_may_add_sitemaps() -> None:
    assert start_urls(spider("korea_herald", PROFILE_SOURCES=["sitemaps"])) == [
        ("https://www.koreaherald.com/sitemap_index.xml", "sitemaps"),
    ]
    assert start_urls(spider("hanbit", PROFILE_SOURCES=[], PROFILE_ROBOTS_SITEMAPS=True)) == [
        ("http://www.hanbitnews.co.kr/robots.txt", "sitemaps"),
    ]
    assert [kind for _, kind in start_urls(spider("korea_net"))] == ["lists"] * 3 + ["feeds"] * 2 + ["sitemaps"]


# -- crawls of the replica
def articles(out: Path) -> set[str]:
    return {row["canonical_url"] for row in read_manifest(out)}


def report(out: Path, site: str) -> dict:
    return json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"][site]


def test_a_crawl_from_a_gzipped_sitemap_index_alone_finds_every_article(replica: str, tmp_path: Path) -> None:
    crawl(tmp_path, "korea_net", proxy=replica, settings=["PROFILE_SOURCES=sitemaps"])
    assert articles(tmp_path) == {fields["canonical_url"] for fields in expected("korea_net").values()}
    fetched = {record.url for record in records(tmp_path / "warc") if record.type == "request"}
    assert not [url for url in fetched if "/koreanet/rss/" in url or "pageIndex" in url]
    days = site_for("korea_net").pages.days()
    assert {f"https://www.korea.net/sitemap/news-{day}.xml.gz" for day in days} <= fetched
    assert report(tmp_path, "korea_net")["sources"]["read"] == 1 + len(days)


def test_robots_txt_alone_leads_to_every_article(replica: str, tmp_path: Path) -> None:
    crawl(tmp_path, "korea_herald", proxy=replica, settings=["PROFILE_SOURCES=", "PROFILE_ROBOTS_SITEMAPS=True"])
    assert articles(tmp_path) == {fields["canonical_url"] for fields in expected("korea_herald").values()}
