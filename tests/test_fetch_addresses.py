"""No fetches where a crawler does not belong: requests to loopback, private, link-local and
cloud-metadata hosts are skipped and reported, but for the seeds' hosts; names are resolved only
without a proxy, through the reactor's resolver; over the replica, a public page's links and
redirects to such hosts are skipped and reported."""

from __future__ import annotations

import asyncio
import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.test import get_crawler
from twisted.internet.address import IPv4Address
from twisted.internet.error import DNSLookupError

from harvester import signals
from harvester.fetch import addresses
from harvester.fetch.addresses import PrivateAddressMiddleware
from harvester.replica.sites.faults import PRIVATE_LINKS, PRIVATE_REDIRECTS
from tests.conftest import FAST, run_harvester
from tests.warcs import records

PROXY = "http://127.0.0.1:3128"


class Resolver:
    """Answers names from a table, at once, as a cache would; records what it was asked."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def resolveHostName(self, receiver: Any, host: str, portNumber: int = 0, **kwargs: Any) -> None:
        self.asked.append(host)
        receiver.resolutionBegan(None)
        for address in self.table.get(host, []):
            receiver.addressResolved(IPv4Address("TCP", address, portNumber))
        receiver.resolutionComplete()


def middleware(table: dict[str, list[str]] | None = None) -> tuple[PrivateAddressMiddleware, list[tuple[str, str]]]:
    crawler = get_crawler(Spider)
    skipped: list[tuple[str, str]] = []
    crawler.signals.connect(lambda url, reason, detail: skipped.append((url, detail)), signal=signals.url_skipped, weak=False)
    return PrivateAddressMiddleware(crawler, Resolver(table or {})), skipped


def fetched(middleware: PrivateAddressMiddleware, request: Request) -> bool:
    async def check() -> bool:
        try:
            await middleware.process_request(request)
        except IgnoreRequest:
            return False
        return True

    return asyncio.run(check())


def test_doctests() -> None:
    assert doctest.testmod(addresses).failed == 0


@pytest.mark.parametrize("proxy", [None, PROXY])
def test_literal_private_hosts_and_localhost_are_skipped(proxy: str | None) -> None:
    checker, skipped = middleware()
    urls = ["http://169.254.169.254/latest/meta-data/", "http://localhost:8080/admin", "http://10.0.0.7/", "http://[::1]/", "http://[fd00::5]/x"]
    for url in urls:
        assert not fetched(checker, Request(url, meta={"proxy": proxy}))
    assert [url for url, _ in skipped] == urls
    assert [detail for _, detail in skipped][:2] == ["169.254.169.254 is cloud metadata", "localhost is loopback"]
    assert checker.crawler.stats.get_value("skipped/private_address") == len(urls)
    assert checker.resolver.asked == []


def test_a_seeds_private_host_is_crawled_but_a_redirect_away_from_it_is_not() -> None:
    checker, skipped = middleware()
    seed = Request("http://127.0.0.1:8000/", meta={"is_start_request": True})
    checker.request_scheduled(seed)
    assert fetched(checker, Request("http://127.0.0.1:8000/robots.txt"))  # asked before the seed arrives
    assert fetched(checker, seed)
    assert fetched(checker, Request("http://127.0.0.1:8000/page"))
    # A redirect keeps the seed's meta, but is no seed.
    redirected = Request("http://10.0.0.7/", meta={"is_start_request": True, "redirect_urls": [seed.url]})
    checker.request_scheduled(redirected)
    assert not fetched(checker, redirected)
    assert [url for url, _ in skipped] == ["http://10.0.0.7/"]


def test_names_are_resolved_without_a_proxy_only() -> None:
    checker, skipped = middleware({"intranet.example.org": ["10.1.2.3"], "www.example.org": ["93.184.215.14"]})
    assert not fetched(checker, Request("http://intranet.example.org/wiki"))
    assert fetched(checker, Request("https://www.example.org/"))
    assert skipped == [("http://intranet.example.org/wiki", "intranet.example.org resolves to 10.1.2.3, private")]
    # Through a proxy the proxy resolves names: no lookup here.
    assert fetched(checker, Request("http://intranet.example.org/wiki", meta={"proxy": PROXY}))
    assert checker.resolver.asked == ["intranet.example.org", "www.example.org"]


def test_a_name_that_does_not_resolve_fails_as_the_download_would() -> None:
    checker, skipped = middleware()
    with pytest.raises(DNSLookupError):
        fetched(checker, Request("https://nonexistent.invalid/"))
    assert skipped == []


def test_a_setting_allows_every_address() -> None:
    with pytest.raises(NotConfigured):
        PrivateAddressMiddleware.from_crawler(get_crawler(Spider, {"FETCH_ALLOW_PRIVATE_ADDRESSES": True}))


def test_a_public_pages_private_links_and_redirects_are_skipped_and_reported(replica: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seed = "http://news.faults.test/news/partners.php"
    args = ["archive", seed, "--depth", "1", "--out", str(out)]
    for setting in FAST:
        args += ["-s", setting]
    result = run_harvester(*args, proxy=replica, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in (out / "reports/skipped.jsonl").read_text("utf-8").splitlines()]
    private = {line["url"] for line in lines if line["reason"] == "private_address"}
    # The redirects' targets, the links, and the robots.txt Scrapy asks for before a redirect's target.
    robots = {"http://169.254.169.254/robots.txt", "http://127.0.0.1:8080/robots.txt"}
    assert private == {*PRIVATE_LINKS, *PRIVATE_REDIRECTS.values(), *robots}
    captured = {record.url for record in records(out / "warc") if record.type in ("response", "revisit", "request")}
    assert "http://news.faults.test/news/view.php?idx=1001" in captured
    assert {f"http://news.faults.test/news/go.php?to={name}" for name in PRIVATE_REDIRECTS} <= captured
    assert not [uri for uri in captured if not uri.startswith("http://news.faults.test/")]
    report = json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"]["archive"]
    assert report["skipped"]["private_address"] == len(private)
