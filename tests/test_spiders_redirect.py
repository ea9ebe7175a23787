"""Meta refreshes: Scrapy's middleware, run only on pages whose first bytes spell "refresh"."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from harvester.spiders.redirect import QuickMetaRefreshMiddleware

URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1"


def middleware() -> QuickMetaRefreshMiddleware:
    return QuickMetaRefreshMiddleware.from_crawler(get_crawler())


def answer(body: bytes, encoding: str = "utf-8") -> HtmlResponse:
    return HtmlResponse(URL, body=body, encoding=encoding, request=Request(URL))


@pytest.mark.parametrize(
    "meta",
    [
        b'<meta http-equiv="refresh" content="0; url=/eng/index.do">',
        b"<META HTTP-EQUIV='Refresh' CONTENT='0;URL=/eng/index.do'>",
    ],
)
def test_a_refresh_in_any_case_is_followed(meta: bytes) -> None:
    result = middleware().process_response(Request(URL), answer(b"<html><head>" + meta + b"</head><body></body></html>"))
    assert isinstance(result, Request) and result.url == "https://www.mofa.go.kr/eng/index.do"


def test_a_refresh_after_4096_bytes_but_within_4096_characters_is_followed() -> None:
    title = "외교부 보도자료 " * 300  # 2,700 characters, 7,500 bytes of UTF-8
    body = f'<html><head><title>{title}</title><meta http-equiv="refresh" content="0; url=/kor/index.do"></head></html>'
    assert body.encode().index(b"refresh") > 4096
    result = middleware().process_response(Request(URL), answer(body.encode()))
    assert isinstance(result, Request) and result.url == "https://www.mofa.go.kr/kor/index.do"


def test_a_utf16_page_is_left_to_scrapy() -> None:
    body = '<html><head><meta http-equiv="refresh" content="0; url=/eng/index.do"></head></html>'.encode("utf-16-le")
    result = middleware().process_response(Request(URL), answer(body, encoding="utf-16-le"))
    assert isinstance(result, Request) and result.url == "https://www.mofa.go.kr/eng/index.do"


def test_a_page_without_the_word_passes_undecoded() -> None:
    response = answer(b"<html><head><title>Press releases</title></head><body><p>Seoul</p></body></html>")
    assert middleware().process_response(Request(URL), response) is response
    assert response._cached_ubody is None  # the saving: Scrapy would have decoded the page to look
