"""The replica's copies of newspapers on Korean news CMSs behave as those sites do."""

from __future__ import annotations

import pytest
from lxml import etree, html

from harvester.replica.http import ReplicaRequest, ReplicaResponse
from harvester.replica.sites import all_sites


@pytest.fixture(scope="module")
def sites() -> dict:
    return all_sites()


def get(sites: dict, url: str) -> ReplicaResponse:
    scheme, rest = url.split("://", 1)
    host, _, target = rest.partition("/")
    return sites[host](ReplicaRequest("GET", scheme, host, "/" + target))


def header(response: ReplicaResponse, name: str) -> str | None:
    return next((value for key, value in response.headers if key.lower() == name.lower()), None)


@pytest.mark.parametrize(
    "url",
    ["https://www.ecounion.co.kr/robots.txt", "http://www.hanbitnews.co.kr/robots.txt", "https://www.kado.net/robots.txt"],
)
def test_robots_txt(sites: dict, url: str) -> None:
    response = get(sites, url)
    assert response.status == 200 and response.body.startswith(b"User-agent: *")


@pytest.mark.parametrize(
    ("first", "rows", "charset"),
    [
        ("https://www.ecounion.co.kr/news/list.php?mcode=m247tk9", "//div[@class='basicList']//dt/a/@href", "utf-8"),
        ("http://www.hanbitnews.co.kr/news/list.php?mcode=m120ab1", "//div[@class='basicList']//dt/a/@href", "cp949"),
        ("https://www.kado.net/news/articleList.html?sc_section_code=S1N4&view_type=sm", "//section[@id='section-list']//h4/a/@href", "utf-8"),
    ],
)
def test_list_pages_paginate(sites: dict, first: str, rows: str, charset: str) -> None:
    """Six articles in the section: five on page 1, the sixth on page 2, which page 1 links."""
    page = html.fromstring(get(sites, first).body.decode(charset))
    second = next(href for href in page.xpath("//*[@class='paging' or @class='pagination']//a/@href") if "page=2" in href)
    assert len(set(page.xpath(rows))) == 5
    base = first.split("/news/")[0]
    later = html.fromstring(get(sites, base + second).body.decode(charset))
    assert len(set(later.xpath(rows))) == 1
    assert set(later.xpath(rows)).isdisjoint(page.xpath(rows))


def test_euc_kr_copy_declares_its_charset_three_ways(sites: dict) -> None:
    declared = {}
    for idx in (1201, 1202, 1203):
        response = get(sites, f"http://www.hanbitnews.co.kr/news/view.php?idx={idx}")
        declared[idx] = (header(response, "Content-Type"), b"charset=euc-kr" in response.body[:400])
        assert "똠방각하".encode("cp949") in response.body or idx != 1203
    assert declared == {1203: ("text/html; charset=euc-kr", True), 1201: ("text/html", True), 1202: ("text/html", False)}


def test_feeds(sites: dict) -> None:
    for url, count in (("https://www.ecounion.co.kr/rss.php", 8), ("http://www.hanbitnews.co.kr/rss.php", 6), ("https://www.kado.net/rss/allArticle.xml", 7)):
        feed = etree.fromstring(get(sites, url).body)
        assert len(feed.findall(".//item/link")) == count


def test_unknown_article_and_wrong_scheme(sites: dict) -> None:
    missing = get(sites, "https://www.ecounion.co.kr/news/view.php?idx=1")
    assert missing.status == 200 and b"article-head-title" not in missing.body
    moved = get(sites, "http://www.ecounion.co.kr/news/view.php?idx=8842")
    assert moved.status == 301 and header(moved, "Location") == "https://www.ecounion.co.kr/news/view.php?idx=8842"
