"""Scrapy's HttpProxyMiddleware, with each host's `no_proxy` answer kept for the crawl.

Scrapy reads the proxies from the environment once, at start-up, but asks urllib's `proxy_bypass`
about the host of every request, which reads the whole environment again each time: 4% of a
capture crawl's reactor thread through a proxy (bench/README.md). Here each host is asked once.
Otherwise Scrapy's middleware as it is (meta["proxy"], credentials, the proxy of a redirect's
scheme). Settings: Scrapy's (HTTPPROXY_ENABLED, HTTPPROXY_AUTH_ENCODING).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.request import proxy_bypass  # type: ignore[attr-defined]

from scrapy import Request
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.utils.httpobj import urlparse_cached

# Hosts whose answer is kept: a broad crawl's many hosts cost a lookup each past this.
BYPASS_CACHE = 4096


class HostProxyMiddleware(HttpProxyMiddleware):
    def __init__(self, auth_encoding: str | None = "latin-1") -> None:
        super().__init__(auth_encoding)
        self.bypassed = lru_cache(maxsize=BYPASS_CACHE)(proxy_bypass)

    def process_request(self, request: Request) -> None:
        creds, proxy_url, scheme = None, None, None
        if "proxy" in request.meta:
            if request.meta["proxy"] is not None:
                creds, proxy_url = self._get_proxy(request.meta["proxy"], "")
        elif self.proxies:
            parsed = urlparse_cached(request)
            # As Scrapy's: `no_proxy` applies to http and https only.
            bypassed = parsed.scheme in ("http", "https") and (not parsed.hostname or self.bypassed(parsed.hostname))
            if not bypassed and parsed.scheme in self.proxies:
                scheme = parsed.scheme
                creds, proxy_url = self.proxies[scheme]
        self._set_proxy_and_creds(request, proxy_url, creds, scheme)
