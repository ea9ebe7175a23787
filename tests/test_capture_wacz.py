"""The package check on a small package made here: a page whose capture is a revisit replays from
its original; a page at a cookie gate's URL replays from the page, not the self-redirect; a page
with no capture, a damaged record and a record whose payload is not the one indexed are named."""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import pytest

from harvester.capture.records import Original, RecordFactory
from harvester.capture.wacz import check_package, timestamp
from harvester.capture.writer import WarcFileWriter, WarcInfo
from harvester.commands.package import package

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
GATE = b"HTTP/1.1 302 Found\r\nLocation: https://news.example.org/gate\r\nSet-Cookie: ok=1\r\nContent-Length: 0\r\n\r\n"
BODY = b"<html><head><title>Ferry</title></head><body><p>The harbour ferry runs every twenty minutes.</p></body></html>"
STALE = "https://news.example.org/stale"
MANIFEST_FIELDS = {"site": None, "kind": None, "published": None, "modified": None, "authors": [], "language": "en"}


def document(seq: int, url: str, fetched_at: str, text: str) -> dict:
    return {
        "seq": seq, "id": f"{seq:016x}", "file": f"{seq:03d}_{seq:016x}.txt", "url": url, "final_url": url,
        "canonical_url": url, "title": "Ferry", **MANIFEST_FIELDS, "fetched_at": fetched_at, "sha256": "0" * 64,
        "warc": None, "text": text,
    }


def make_crawl(folder: Path) -> None:
    """Three captures of /ferry (a response, then a revisit a day later), a cookie gate's 302 and
    its page at one second, and four documents: the ferry at each capture, the gate page, and a
    page never captured."""
    factory = RecordFactory()
    writer = WarcFileWriter(folder / "warc", "test", WarcInfo("test", "", "obey", "crawl-1"), factory)
    ferry = "https://news.example.org/ferry"
    first = factory.response(ferry, "2026-11-02T09:05:07.000000Z", None, HEAD % len(BODY), BODY)
    writer.write(first)
    original = Original(ferry, "2026-11-02T09:05:07.000000Z", first.record_id)
    writer.write(factory.revisit(ferry, "2026-11-03T09:05:07.000000Z", None, HEAD % len(BODY), factory.digest(BODY), original))
    gate = "https://news.example.org/gate"
    writer.write(factory.response(gate, "2026-11-02T09:06:00.000000Z", None, GATE, b""))
    other = BODY.replace(b"twenty", b"thirty")
    writer.write(factory.response(gate, "2026-11-02T09:06:00.500000Z", None, HEAD % len(other), other))
    # A record whose payload is not the one its digest names (the index takes the digest).
    wrong = factory.response(STALE, "2026-11-02T09:08:00.000000Z", None, HEAD % len(other), other)
    wrong.fields = [(name, factory.digest(BODY) if name == "WARC-Payload-Digest" else value) for name, value in wrong.fields]
    writer.write(wrong)
    writer.close()
    corpus = folder / "corpus"
    corpus.mkdir()
    rows = [
        document(1, ferry, "2026-11-02T09:05:07Z", "Ferry\n\nThe harbour ferry runs every twenty minutes.\n"),
        document(2, ferry, "2026-11-03T09:05:07Z", "Ferry\n\nThe harbour ferry runs every twenty minutes.\n"),
        document(3, gate, "2026-11-02T09:06:00Z", "Ferry\n\nThe harbour ferry runs every thirty minutes.\n"),
        document(4, "https://news.example.org/never", "2026-11-02T09:07:00Z", "Never\n"),
        document(5, STALE, "2026-11-02T09:08:00Z", "Stale\n"),
    ]
    with open(corpus / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for row in rows:
            (corpus / row["file"]).write_text(row.pop("text"), "utf-8")
            manifest.write(json.dumps(row) + "\n")


@pytest.fixture
def packaged(tmp_path: Path) -> Path:
    make_crawl(tmp_path / "crawl")
    wacz = tmp_path / "crawl.wacz"
    package(tmp_path / "crawl", wacz)
    return wacz


def test_revisits_and_cookie_gates_replay_and_pages_that_would_not_are_named(packaged: Path) -> None:
    checked, problems = check_package(packaged)
    assert checked == 5
    assert [(p.url, p.what) for p in problems] == [
        ("https://news.example.org/never", "no capture in the index"),
        (STALE, f"its payload in {warc_name(packaged)} at {offset_of(packaged, STALE)} is not the one indexed (digest differs)"),
    ]


def warc_name(wacz: Path) -> str:
    with zipfile.ZipFile(wacz) as zipped:
        return next(n for n in zipped.namelist() if n.startswith("archive/")).removeprefix("archive/")


def offset_of(wacz: Path, url: str) -> int:
    """The offset of the URL's response record in the package's WARC, found by reading it through."""
    with zipfile.ZipFile(wacz) as zipped:
        data = zipped.read("archive/" + warc_name(wacz))
    members = [index for index in range(len(data)) if data.startswith(b"\x1f\x8b\x08", index)]
    for start in members:
        decompressed = zlib.decompressobj(31).decompress(data[start:])
        if f"WARC-Target-URI: {url}\r\n".encode() in decompressed.split(b"\r\n\r\n", 1)[0]:
            return start
    raise AssertionError(f"no record of {url}")


def damaged(wacz: Path, old: bytes, new: bytes) -> Path:
    data = wacz.read_bytes()
    assert data.count(old) == 1
    wacz.write_bytes(data.replace(old, new))
    return wacz


def damage(wacz: Path, url: str) -> None:
    """Zero 20 bytes in the middle of the URL's first record, in the package."""
    with zipfile.ZipFile(wacz) as zipped:
        warc = zipped.read("archive/" + warc_name(wacz))
    start = offset_of(wacz, url)
    damaged(wacz, warc[start + 60 : start + 80], bytes(20))


def test_a_damaged_record_is_named_and_a_revisit_of_it_too(packaged: Path) -> None:
    damage(packaged, "https://news.example.org/ferry")
    problems = {(p.url, p.ts): p.what for p in check_package(packaged)[1]}
    assert problems[("https://news.example.org/ferry", "2026-11-02T09:05:07Z")].startswith("its record (")
    assert problems[("https://news.example.org/ferry", "2026-11-03T09:05:07Z")].startswith("it is a revisit, and its original (")
    assert ("https://news.example.org/gate", "2026-11-02T09:06:00Z") not in problems


def test_a_cookie_gates_page_is_checked_not_its_redirect(packaged: Path) -> None:
    with zipfile.ZipFile(packaged) as zipped:
        warc = zipped.read("archive/" + warc_name(packaged))
    # The gate's two records: damage the second, the page.
    first = offset_of(packaged, "https://news.example.org/gate")
    second = warc.index(b"\x1f\x8b\x08", first + 10)
    damaged(packaged, warc[second + 60 : second + 80], bytes(20))
    assert "https://news.example.org/gate" in {p.url for p in check_package(packaged)[1]}


def test_timestamps() -> None:
    assert timestamp("2026-11-02T09:05:07Z") == "20261102090507"
