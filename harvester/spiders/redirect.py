"""Redirect middleware that follows a redirect to the very URL requested, and ends redirect loops.

Cookie gates (MOFA's WAF, CloudFront) answer a cookieless request with a 3xx to the same URL plus
a Set-Cookie. Scrapy's duplicate filter has already seen that URL and drops the retry (scrapy#1225).
Such a redirect is sent with `dont_filter`; REDIRECT_MAX_TIMES still ends a loop. A redirect back to
a URL the chain already passed through (A -> B -> A) is a loop: it fails as `RedirectLoop`, counted
under `fetch/errors/redirect_loop`, instead of vanishing in the duplicate filter.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
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
