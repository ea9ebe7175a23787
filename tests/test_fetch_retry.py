"""Retries spaced out: exponential backoff, Retry-After honoured and capped, data loss retried."""

from __future__ import annotations

import doctest

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from harvester.fetch import retry
from harvester.fetch.retry import BackoffRetryMiddleware
from harvester.spiders import profile


def test_doctests() -> None:
    assert doctest.testmod(retry).failed == 0
    assert doctest.testmod(profile).failed == 0


@pytest.fixture
def middleware() -> BackoffRetryMiddleware:
    settings = {
        "RETRY_TIMES": 4,
        "FETCH_RETRY_BACKOFF": 0.5,
        "FETCH_RETRY_BACKOFF_MAX": 3.0,
        "FETCH_RETRY_AFTER_MAX": 10.0,
    }
    crawler = get_crawler(settings_dict=settings)
    crawler.spider = crawler._create_spider("test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_backoff_doubles_up_to_its_cap(middleware: BackoffRetryMiddleware) -> None:
    request, delays = Request("https://a.test/"), []
    for _ in range(4):
        request = middleware.process_exception(request, DownloadTimeoutError("timed out"))
        delays.append(request.meta["retry_delay"])
    assert delays == [0.5, 1.0, 2.0, 3.0]
    assert middleware.crawler.stats.get_value("retry/reason_count/timeout") == 4
    assert middleware.process_exception(request, DownloadTimeoutError("timed out")) is None


@pytest.mark.parametrize(("asked", "waited"), [("2", 2.0), ("3600", 10.0)])
def test_retry_after_is_what_the_server_asked_within_the_cap(middleware: BackoffRetryMiddleware, asked: str, waited: float) -> None:
    request = Request("https://a.test/")
    response = HtmlResponse(request.url, status=429, headers={"Retry-After": asked}, request=request)
    retried = middleware.process_response(request, response)
    assert isinstance(retried, Request) and retried.meta["retry_delay"] == waited


def test_a_body_cut_short_is_retried(middleware: BackoffRetryMiddleware) -> None:
    request = Request("https://a.test/")
    response = HtmlResponse(request.url, status=200, body=b"<html><body><p>half", flags=["dataloss"], request=request)
    retried = middleware.process_response(request, response)
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1
    assert middleware.crawler.stats.get_value("retry/reason_count/data_loss") == 1
    whole = HtmlResponse(request.url, status=200, body=b"<html></html>", request=request)
    assert middleware.process_response(request, whole) is whole
