"""Redirect middleware that follows a redirect to the very URL requested, and ends redirect loops.

Cookie gates (MOFA's WAF, CloudFront) answer a cookieless request with a 3xx to the same URL plus
a Set-Cookie. Scrapy's duplicate filter has already seen that URL and drops the retry (scrapy#1225).
Such a redirect is sent with `dont_filter`; REDIRECT_MAX_TIMES still ends a loop. A redirect back to
a URL the chain already passed through (A -> B -> A) is a loop: it fails as `RedirectLoop`, counted
under `fetch/errors/redirect_loop`, instead of vanishing in the duplicate filter.

Meta refreshes are Scrapy's, looked for only in pages whose first bytes spell "refresh".
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import Response


class RedirectLoop(Exception):
    """A redirect chain came back to a URL it had already passed through."""


class SelfRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        result = super().process_response(request, response)
        if not isinstance(result, Request):
            return result
        if result.url == request.url:
            result.dont_filter = True
            self.crawler.stats.inc_value("redirect/self")
        elif result.url in request.meta.get("redirect_urls", ()):
            raise RedirectLoop(f"{request.url} redirects back to {result.url}")
        return result


# Scrapy reads a refresh in the first 4,096 characters: 16 KB of bytes hold as many in any
# ASCII-compatible encoding (UTF-8 spends at most four bytes on one).
REFRESH_SCAN = 4 * 4096


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh, after a look for the word in the raw bytes.

    Scrapy decodes every HTML page and searches its head for a refresh: 4.5% of a capture crawl's
    reactor thread (bench/README.md). Nearly no page has one. A page whose bytes do not spell
    "refresh" in any case has none; a page with NUL bytes there (UTF-16, UTF-32) is left to Scrapy.
    """

    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        head = response.body[:REFRESH_SCAN]
        if b"\x00" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)
