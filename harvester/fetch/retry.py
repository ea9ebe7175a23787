"""Retry middleware: Scrapy's retries (through its public `get_retry_request`), their reasons named as
the error kinds are (`retry/reason_count/timeout`, `http_503`, ...), and a response cut short
retried like a dropped connection.

Settings: RETRY_* (Scrapy's). A retry is sent as soon as its host's pace allows: the wait before it
is the host's, held by fetch/pacing.py (a 429/503, a Retry-After, a failed connection slow the host
down), never a request's sleep in the downloader, which would stop every other host meanwhile.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware as ScrapyRetryMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from twisted.python.failure import Failure

from harvester.fetch.errors import error_kind


class RetryMiddleware(ScrapyRetryMiddleware):
    """Scrapy's, for its settings (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS, ...)."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry"):
            return response
        if "dataloss" in response.flags:
            reason = "data_loss"
        elif response.status in self.retry_http_codes:
            reason = f"http_{response.status}"
        else:
            return response
        return self._retry_request(request, reason) or response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        return self._retry_request(request, error_kind(Failure(exception)) or type(exception).__name__)

    def _retry_request(self, request: Request, reason: str) -> Request | None:
        # The per-request meta keys Scrapy's middleware honours, honoured here too.
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )
