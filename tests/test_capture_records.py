"""WARC records, byte for byte, with pinned record IDs (the expected bytes are written out by hand)."""

from __future__ import annotations

import itertools

import pytest

from harvester.capture.records import Original, RecordFactory, digest

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"


def pinned(algorithm: str = "sha1") -> RecordFactory:
    numbers = itertools.count(1)
    return RecordFactory(algorithm, make_id=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(numbers):012d}>")


def test_digests_are_base32() -> None:
    assert digest(b"hi", "sha1") == "sha1:YIVV7ELYGQTASQUNN5I3FRNPJQF542SC"
    assert digest(b"hi", "sha256") == "sha256:R5BUGRTER5VZNX4J3WUQDRIXNMIKNWBZMHOTYGWIRNM3FXBSPKSA===="


def test_response_and_request_records() -> None:
    factory = pinned()
    response = factory.response("http://example.com/?q=1", "2026-11-02T09:05:07.001234Z", "192.0.2.7", HEAD, b"hi")
    request = factory.request(
        "http://example.com/?q=1", "2026-11-02T09:05:07.001234Z", "192.0.2.7", b"GET /?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n", response.record_id
    )
    assert response.to_bytes("<urn:uuid:info>") == (
        b"WARC/1.1\r\n"
        b"WARC-Type: response\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2026-11-02T09:05:07.001234Z\r\n"
        b"WARC-Target-URI: http://example.com/?q=1\r\n"
        b"WARC-IP-Address: 192.0.2.7\r\n"
        b"Content-Type: application/http;msgtype=response\r\n"
        b"WARC-Block-Digest: sha1:ZDVCLR2Q5ZXFKAHAOPRARWI37TMSDVMH\r\n"
        b"WARC-Payload-Digest: sha1:YIVV7ELYGQTASQUNN5I3FRNPJQF542SC\r\n"
        b"WARC-Warcinfo-ID: <urn:uuid:info>\r\n"
        b"Content-Length: 40\r\n"
        b"\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        b"\r\n\r\n"
    )
    assert request.to_bytes() == (
        b"WARC/1.1\r\n"
        b"WARC-Type: request\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        b"WARC-Date: 2026-11-02T09:05:07.001234Z\r\n"
        b"WARC-Target-URI: http://example.com/?q=1\r\n"
        b"WARC-IP-Address: 192.0.2.7\r\n"
        b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"Content-Type: application/http;msgtype=request\r\n"
        b"WARC-Block-Digest: sha1:2ZKIOFF5WQXHDKP6KVWMICIOBRTXMHMR\r\n"
        b"Content-Length: 41\r\n"
        b"\r\n"
        b"GET /?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
        b"\r\n\r\n"
    )


def test_revisit_record_holds_the_head_and_refers_to_the_original() -> None:
    original = Original("http://example.com/a", "2026-01-01T00:00:00.000000Z", "<urn:uuid:first>")
    revisit = pinned().revisit("http://example.com/b", "2026-11-02T09:05:07.001234Z", None, HEAD, digest(b"hi", "sha1"), original)
    assert revisit.to_bytes() == (
        b"WARC/1.1\r\n"
        b"WARC-Type: revisit\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2026-11-02T09:05:07.001234Z\r\n"
        b"WARC-Target-URI: http://example.com/b\r\n"
        b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
        b"WARC-Refers-To: <urn:uuid:first>\r\n"
        b"WARC-Refers-To-Target-URI: http://example.com/a\r\n"
        b"WARC-Refers-To-Date: 2026-01-01T00:00:00.000000Z\r\n"
        b"Content-Type: application/http;msgtype=response\r\n"
        b"WARC-Block-Digest: sha1:OPGN6P36P4UCTXE3ZYUZS57XATBZZIIY\r\n"
        b"WARC-Payload-Digest: sha1:YIVV7ELYGQTASQUNN5I3FRNPJQF542SC\r\n"
        b"Content-Length: 38\r\n"
        b"\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        b"\r\n\r\n"
    )


def test_conversion_record_names_the_text_and_what_it_came_from() -> None:
    text = "제목\n\n본문".encode()
    record = pinned().conversion(
        "https://example.com/a", "2026-11-02T09:05:08.000000Z", text, "<urn:uuid:capture>", [("Harvester-Extractor", "x/1")]
    )
    assert record.to_bytes().startswith(
        b"WARC/1.1\r\n"
        b"WARC-Type: conversion\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2026-11-02T09:05:08.000000Z\r\n"
        b"WARC-Target-URI: urn:text:https://example.com/a\r\n"
        b"WARC-Refers-To: <urn:uuid:capture>\r\n"
        b"WARC-Refers-To-Target-URI: https://example.com/a\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
    )
    assert record.to_bytes().endswith(b"Harvester-Extractor: x/1\r\nContent-Length: 14\r\n\r\n" + text + b"\r\n\r\n")


def test_metadata_record_holds_warc_fields_concurrent_to_its_capture() -> None:
    lines = [("via", "https://example.com/"), ("hopsFromSeed", "LE"), ("fetchTimeMs", "12"), ("outlink", "https://example.com/b L")]
    record = pinned().metadata("https://example.com/a", "2026-11-02T09:05:07.001234Z", lines, "<urn:uuid:capture>")
    block = (
        b"via: https://example.com/\r\nhopsFromSeed: LE\r\nfetchTimeMs: 12\r\noutlink: https://example.com/b L\r\n"
    )
    assert record.to_bytes() == (
        b"WARC/1.1\r\n"
        b"WARC-Type: metadata\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2026-11-02T09:05:07.001234Z\r\n"
        b"WARC-Target-URI: https://example.com/a\r\n"
        b"WARC-Concurrent-To: <urn:uuid:capture>\r\n"
        b"Content-Type: application/warc-fields\r\n"
        b"WARC-Block-Digest: " + digest(block, "sha1").encode() + b"\r\n"
        b"Content-Length: 96\r\n\r\n" + block + b"\r\n\r\n"
    )


def test_sha256_is_selectable_and_other_algorithms_are_refused() -> None:
    record = pinned("sha256").response("http://example.com/", "2026-11-02T09:05:07.000000Z", None, HEAD, b"hi")
    assert record.get("WARC-Payload-Digest") == "sha256:R5BUGRTER5VZNX4J3WUQDRIXNMIKNWBZMHOTYGWIRNM3FXBSPKSA===="
    with pytest.raises(ValueError, match="sha1, sha256"):
        RecordFactory("md5")
