"""The archive spider's scopes and what it follows from a page."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.items import ArticlePage
from harvester.spiders.archive import ArchiveSpider, Scope


@pytest.mark.parametrize(
    ("kind", "url", "inside"),
    [
        ("host", "https://www.example.org/any/page", True),
        ("host", "http://www.example.org/", True),
        ("host", "https://news.example.org/", False),
        ("domain", "https://news.example.org/a", True),
        ("domain", "https://example.org/", True),
        ("domain", "https://badexample.org/", False),
        ("prefix", "https://www.example.org/news/2026/item", True),
        ("prefix", "http://www.example.org/news/", True),
        ("prefix", "https://www.example.org/newsletter", False),
        ("prefix", "https://www.example.org/", False),
    ],
)
def test_scopes(kind: str, url: str, inside: bool) -> None:
    assert Scope("https://www.example.org/news/index.html", kind).contains(url) is inside


@pytest.mark.parametrize(("seed", "kind"), [("ftp://example.org/", "host"), ("https://example.org/", "site")])
def test_bad_scopes_are_refused(seed: str, kind: str) -> None:
    with pytest.raises(ValueError):
        Scope(seed, kind)


PAGE = b"""<html><head><link rel="stylesheet" href="/css/site.css"><base href="/news/"></head><body>
<a href="item?id=1#top">in scope</a> <a href="/about/">out of the prefix</a> <a href="https://elsewhere.example/">off site</a>
<a href="mailto:desk@example.org">mail</a> <a href="http://127.0.0.1:8080/admin">admin</a> <img src="https://cdn.example.net/logo.png"> <img src="/img/photo.jpg">
</body></html>"""


def test_a_page_yields_its_document_its_links_in_scope_and_its_requisites() -> None:
    crawler = get_crawler(ArchiveSpider)
    spider = ArchiveSpider.from_crawler(crawler, seeds=["https://www.example.org/news/"], scope="prefix", max_depth=2)
    skipped: list[tuple[str, str]] = []
    crawler.signals.connect(lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False)
    request = Request("https://www.example.org/news/", meta={"hops": "L"})
    response = HtmlResponse(request.url, body=PAGE, encoding="utf-8", request=request)
    output = list(spider.parse(response, depth=1))
    pages = [item for item in output if isinstance(item, ArticlePage)]
    assert [(p.url, p.site, p.canonical_url) for p in pages] == [(request.url, None, request.url)]
    follows = {r.url: r.callback for r in output if isinstance(r, Request)}
    assert follows == {
        "https://www.example.org/news/item?id=1": spider.parse,
        "https://www.example.org/css/site.css": spider.parse_requisite,
        "https://www.example.org/img/photo.jpg": spider.parse_requisite,
    }
    hops = {r.url: (r.meta["hops"], r.meta["via"]) for r in output if isinstance(r, Request)}
    assert hops["https://www.example.org/news/item?id=1"] == ("LL", request.url)
    assert hops["https://www.example.org/img/photo.jpg"] == ("LE", request.url)
    # Out of scope: reported, a link to a loopback or private host as such.
    assert skipped == [
        ("https://cdn.example.net/logo.png", "offsite"),
        ("https://www.example.org/about/", "offsite"),
        ("https://elsewhere.example/", "offsite"),
        ("http://127.0.0.1:8080/admin", "private_address"),
    ]
    # At the depth limit, requisites only.
    at_limit = [r.url for r in spider.parse(response, depth=2) if isinstance(r, Request)]
    assert sorted(at_limit) == ["https://www.example.org/css/site.css", "https://www.example.org/img/photo.jpg"]
