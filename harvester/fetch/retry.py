"""Retry middleware: Scrapy's retries, spaced out, and a response cut short retried like a dropped
connection.

Settings: RETRY_* (Scrapy's), FETCH_RETRY_BACKOFF (seconds before the first retry; each next one
waits twice as long), FETCH_RETRY_BACKOFF_MAX, FETCH_RETRY_AFTER_MAX (the longest wait a 429 or
503's `Retry-After` is granted). The wait rides in `meta["retry_delay"]` and is served when the
retry reaches the downloader again, so other requests go on meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from twisted.python.failure import Failure

from harvester.fetch.errors import error_kind


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None.

    >>> retry_after(b"2")
    2.0
    >>> retry_after(b"Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, 0, tzinfo=timezone.utc))
    10.0
    >>> retry_after(b"soon") is None
    True
    """
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("FETCH_RETRY_BACKOFF")
        self.backoff_max = settings.getfloat("FETCH_RETRY_BACKOFF_MAX")
        self.retry_after_max = settings.getfloat("FETCH_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop("retry_delay", 0)
        if delay > 0:
            await sleep(delay)

    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        if request.meta.get("dont_retry"):
            return response
        if "dataloss" in response.flags:
            retry = self._retry(request, "data_loss")
        elif response.status in self.retry_http_codes:
            retry = self._retry(request, f"http_{response.status}")
        else:
            return response
        if retry is None:
            return response
        asked = retry_after(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        retry.meta["retry_delay"] = min(asked, self.retry_after_max) if asked is not None else self._backoff(retry)
        return retry

    def process_exception(self, request: Request, exception: Exception, spider: object = None) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        # Reasons named as the error kinds are (fetch/errors/<kind>): retry/reason_count/timeout, ...
        retry = self._retry(request, error_kind(Failure(exception)) or type(exception).__name__)
        if retry is not None:
            retry.meta["retry_delay"] = self._backoff(retry)
        return retry

    def _backoff(self, retry: Request) -> float:
        return min(self.backoff * 2 ** (retry.meta["retry_times"] - 1), self.backoff_max)
