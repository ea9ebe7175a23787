"""The proxy middleware chooses as Scrapy's does (proxy, credentials, no_proxy, meta["proxy"]) and
asks urllib about each host's no_proxy once, not at every request."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.utils.test import get_crawler

from harvester.fetch import proxy as proxy_module
from harvester.fetch.proxy import HostProxyMiddleware

URLS = [
    "http://www.example.org/a", "http://www.example.org/b", "https://www.example.org/c",
    "http://intranet.example.org/wiki", "https://build.internal/", "http://INTRANET.example.org/x",
    "ftp://files.example.org/f",
]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://user:secret@proxy.example.net:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.example.net:3129")
    monkeypatch.setenv("no_proxy", "intranet.example.org,.internal")


def chosen(middleware: HttpProxyMiddleware, url: str, **meta: object) -> tuple[object, bytes | None]:
    request = Request(url, meta=dict(meta))
    middleware.process_request(request)
    return request.meta.get("proxy"), request.headers.get("Proxy-Authorization")


@pytest.mark.usefixtures("environment")
def test_the_choice_is_scrapys() -> None:
    crawler = get_crawler(Spider)
    ours, scrapys = HostProxyMiddleware.from_crawler(crawler), HttpProxyMiddleware.from_crawler(crawler)
    for url in URLS:
        assert chosen(ours, url) == chosen(scrapys, url), url
    assert chosen(ours, URLS[0]) == ("http://proxy.example.net:3128", b"Basic dXNlcjpzZWNyZXQ=")
    assert chosen(ours, URLS[3]) == (None, None) and chosen(ours, URLS[4]) == (None, None)
    # A proxy the request names, or none, wins over the environment's.
    assert chosen(ours, URLS[3], proxy="http://other:8080") == ("http://other:8080", None)
    assert chosen(ours, URLS[0], proxy=None) == (None, None)


@pytest.mark.usefixtures("environment")
def test_each_host_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = proxy_module.proxy_bypass
    monkeypatch.setattr(proxy_module, "proxy_bypass", lambda host: asked.append(host) or real(host))
    middleware = HostProxyMiddleware.from_crawler(get_crawler(Spider))
    for url in URLS * 3:
        chosen(middleware, url)
    assert sorted(asked) == ["build.internal", "intranet.example.org", "www.example.org"]  # names are lowercased
