"""Stored HTTP messages: responses as received but for chunk framing, requests as sent but for proxy credentials."""

from __future__ import annotations

import doctest

import pytest

from harvester.capture import message, records

from harvester.capture.message import WireError, dechunk, stored_request, stored_response


def test_a_content_length_response_is_stored_untouched() -> None:
    raw = b"HTTP/1.1 404 Not Here\r\ncontent-TYPE: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\nmiss!"
    stored = stored_response(raw, "GET")
    assert stored.message == raw
    assert (stored.status, stored.payload, stored.truncated) == (404, b"miss!", False)


def test_chunked_framing_is_removed_and_documented_in_the_head() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nVary: Accept\r\n\r\n"
        b"5;name=ext\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
    )
    stored = stored_response(raw, "GET")
    assert stored.head == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Orig-Transfer-Encoding: chunked\r\nVary: Accept\r\n"
        b"Content-Length: 12\r\n\r\n"
    )
    assert (stored.payload, stored.dechunked, stored.truncated) == (b"hello, world", True, False)


def test_chunk_trailers_become_header_lines_and_a_stray_content_length_is_renamed() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
        b"3\r\nabc\r\n0\r\nExpires: never\r\n\r\n"
    )
    stored = stored_response(raw, "GET")
    assert stored.head == (
        b"HTTP/1.1 200 OK\r\nX-Orig-Transfer-Encoding: chunked\r\nX-Orig-Content-Length: 99\r\n"
        b"Expires: never\r\nContent-Length: 3\r\n\r\n"
    )
    assert stored.payload == b"abc"


def test_chunked_without_its_last_chunk_is_truncated() -> None:
    stored = stored_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly five", "GET")
    assert (stored.payload, stored.truncated) == (b"only five", True)


def test_a_body_shorter_than_its_content_length_is_truncated() -> None:
    stored = stored_response(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "GET")
    assert stored.truncated and stored.payload == b"short"


@pytest.mark.parametrize(
    ("method", "status_line"), [("HEAD", b"HTTP/1.1 200 OK"), ("GET", b"HTTP/1.1 304 Not Modified"), ("GET", b"HTTP/1.1 204 No Content")]
)
def test_responses_without_a_body(method: str, status_line: bytes) -> None:
    raw = status_line + b"\r\nContent-Length: 120\r\n\r\n"
    stored = stored_response(raw, method)
    assert (stored.message, stored.payload, stored.truncated) == (raw, b"", False)


def test_an_interim_response_is_not_the_answer() -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    stored = stored_response(raw, "POST")
    assert (stored.status, stored.message) == (201, b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")


def test_a_body_until_close_is_stored_whole() -> None:
    raw = b"HTTP/1.0 200 OK\nContent-Type: text/html\n\n<html>to the end"
    assert stored_response(raw, "GET").payload == b"<html>to the end"


def test_transfer_codings_other_than_chunked_alone_are_kept_as_received() -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert stored_response(raw, "GET").message == raw


@pytest.mark.parametrize("raw", [b"", b"HTTP/1.1 200 OK\r\nContent-Length: 3", b"220 smtp.example ESMTP\r\n\r\n"])
def test_unreadable_responses_are_errors(raw: bytes) -> None:
    with pytest.raises(WireError):
        stored_response(raw, "GET")


def test_dechunk_accepts_bare_line_feeds() -> None:
    chunked = dechunk(b"4\nwiki\n5\npedia\n0\n\n")
    assert (chunked.body, chunked.complete) == (b"wikipedia", True)


def test_requests_are_stored_as_sent_without_proxy_credentials() -> None:
    sent = (
        b"POST http://example.com/form?a=1&b=%20 HTTP/1.1\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n"
        b"Host: example.com\r\nContent-Length: 3\r\nCookie: x=1\r\n\r\nq=1"
    )
    assert stored_request(sent) == (
        b"POST http://example.com/form?a=1&b=%20 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\nCookie: x=1\r\n\r\nq=1"
    )


@pytest.mark.parametrize("module", [message, records])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
