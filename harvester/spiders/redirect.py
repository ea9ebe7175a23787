"""Redirect middleware that follows a redirect to the very URL requested.

Cookie gates (MOFA's WAF, CloudFront) answer a cookieless request with a 3xx to the same URL plus
a Set-Cookie. Scrapy's duplicate filter has already seen that URL and drops the retry (scrapy#1225).
Such a redirect is sent with `dont_filter`; REDIRECT_MAX_TIMES still ends a loop.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response


class SelfRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request) and result.url == request.url:
            result.dont_filter = True
            self.crawler.stats.inc_value("redirect/self")
        return result
