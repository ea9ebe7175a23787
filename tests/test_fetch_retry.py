"""Retries through Scrapy's get_retry_request: reasons named by error kind, RETRY_TIMES honoured, a
body cut short retried; the retried request carries no wait of its own (its host's pace holds it)."""

from __future__ import annotations

import doctest

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost

from harvester.fetch.retry import RetryMiddleware
from harvester.spiders import profile


def test_doctests() -> None:
    assert doctest.testmod(profile).failed == 0


@pytest.fixture
def middleware() -> RetryMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 3})
    crawler.spider = crawler._create_spider("test")
    return RetryMiddleware.from_crawler(crawler)


def test_failures_are_retried_up_to_retry_times_and_counted_by_kind(middleware: RetryMiddleware) -> None:
    request, tries = Request("https://a.test/"), []
    for _ in range(3):
        request = middleware.process_exception(request, DownloadTimeoutError("timed out"))
        tries.append(request.meta["retry_times"])
    assert tries == [1, 2, 3]
    assert middleware.process_exception(request, DownloadTimeoutError("timed out")) is None
    stats = middleware.crawler.stats
    assert stats.get_value("retry/reason_count/timeout") == 3
    assert stats.get_value("retry/max_reached") == 1
    lost = middleware.process_exception(Request("https://a.test/2"), ConnectionLost())
    assert isinstance(lost, Request) and stats.get_value("retry/reason_count/connection") == 1
    # Not a fault of the fetch: not retried.
    assert middleware.process_exception(Request("https://a.test/3"), IgnoreRequest()) is None


@pytest.mark.parametrize("status", [429, 503, 500])
def test_retried_answers_carry_no_wait_of_their_own(middleware: RetryMiddleware, status: int) -> None:
    request = Request("https://a.test/", priority=5)
    response = HtmlResponse(request.url, status=status, headers={"Retry-After": "120"}, request=request)
    retried = middleware.process_response(request, response)
    assert isinstance(retried, Request) and retried.url == request.url and retried.dont_filter
    # Back to the scheduler at once (Scrapy's RETRY_PRIORITY_ADJUST); the host's pace holds it.
    assert retried.priority == 4 and "retry_delay" not in retried.meta
    assert middleware.crawler.stats.get_value(f"retry/reason_count/http_{status}") == 1


def test_per_request_meta_is_honoured(middleware: RetryMiddleware) -> None:
    request = Request("https://a.test/", meta={"max_retry_times": 1})
    retried = middleware.process_exception(request, DownloadTimeoutError("timed out"))
    assert middleware.process_exception(retried, DownloadTimeoutError("timed out")) is None
    response = HtmlResponse("https://a.test/", status=503, request=Request("https://a.test/", meta={"dont_retry": True}))
    assert middleware.process_response(response.request, response) is response


def test_a_body_cut_short_is_retried(middleware: RetryMiddleware) -> None:
    request = Request("https://a.test/")
    response = HtmlResponse(request.url, status=200, body=b"<html><body><p>half", flags=["dataloss"], request=request)
    retried = middleware.process_response(request, response)
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1
    assert middleware.crawler.stats.get_value("retry/reason_count/data_loss") == 1
    whole = HtmlResponse(request.url, status=200, body=b"<html></html>", request=request)
    assert middleware.process_response(request, whole) is whole
