"""Reading captures back: records with their place, the record at a place (or a clear error where
there is none), a page's body with its content coding removed, WARC files in name order."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from harvester.capture.reader import CaptureError, page_at, record_at, records, warc_files
from harvester.capture.records import RecordFactory
from harvester.capture.writer import WarcFileWriter, WarcInfo

BODY = "<html><body><p>기사 본문</p></body></html>".encode()


@pytest.fixture
def warc(tmp_path: Path) -> tuple[Path, list]:
    factory = RecordFactory()
    writer = WarcFileWriter(tmp_path, "harvester", WarcInfo("test", "", "obey", "crawl"), factory)
    encoded = gzip.compress(BODY)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(encoded)
    response = factory.response("https://a.test/1", "2026-11-25T10:00:00.000000Z", None, head, encoded)
    refs = writer.write(response, factory.request("https://a.test/1", "2026-11-25T10:00:00.000000Z", None, b"GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n", response.record_id))
    refs += writer.write(factory.conversion("https://a.test/1", "2026-11-25T10:00:01.000000Z", "기사 본문".encode(), response.record_id))
    path = writer.close()
    assert path is not None
    return path, refs


def test_every_record_comes_with_its_place(warc: tuple[Path, list]) -> None:
    path, refs = warc
    found = list(records(path))
    assert [record.type for record in found] == ["warcinfo", "response", "request", "conversion"]
    assert [record.ref for record in found[1:]] == refs
    response, conversion = found[1], found[3]
    assert (response.status, response.uri, response.block) == (200, "https://a.test/1", None)
    # Scrapy's `Headers.get` gives a header's last value: so does the reader.
    assert response.header("content-type") == "text/html; charset=UTF-8"
    assert conversion.block == "기사 본문".encode()


def test_the_record_at_a_place(warc: tuple[Path, list]) -> None:
    path, refs = warc
    record = record_at(path, refs[2].offset)
    assert (record.type, record.record_id, record.length) == ("conversion", refs[2].record_id, refs[2].length)


@pytest.mark.parametrize("offset", [17, 10**9])
def test_no_record_at_a_place_is_a_clear_error(warc: tuple[Path, list], offset: int) -> None:
    path, _ = warc
    with pytest.raises(CaptureError, match=f"{path.name}@{offset}: no record there"):
        record_at(path, offset)


def test_a_page_comes_without_its_content_coding(warc: tuple[Path, list]) -> None:
    path, refs = warc
    page = page_at(path, refs[0].offset)
    assert (page.status, page.body, page.truncated) == (200, BODY, None)
    with pytest.raises(CaptureError, match="not an HTTP response record"):
        page_at(path, refs[2].offset)


def test_warc_files_in_name_order_and_open_ones_left_alone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("b-2.warc.gz", "a-1.warc.gz", "c-3.warc.gz.open", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "a-0.warc").write_bytes(b"")
    assert [path.name for path in warc_files([tmp_path, tmp_path / "more"])] == ["a-0.warc", "a-1.warc.gz", "b-2.warc.gz"]
    assert "c-3.warc.gz.open: still being written" in caplog.text
    with pytest.raises(FileNotFoundError):
        warc_files([tmp_path / "missing"])


def cut(path: Path, size: int) -> Path:
    damaged = path.with_name("damaged-" + path.name)
    damaged.write_bytes(path.read_bytes()[:size])
    return damaged


def test_a_truncated_file_gives_the_records_before_the_cut(warc: tuple[Path, list]) -> None:
    path, refs = warc
    conversion = refs[2]
    # Cut in the conversion record's block, and cut in its gzip member's trailer only.
    for size in (conversion.offset + conversion.length // 2, conversion.offset + conversion.length - 3):
        found = []
        with pytest.raises(CaptureError, match=f"truncated: the record at offset {conversion.offset} is cut short"):
            found.extend(records(cut(path, size)))
        assert [record.type for record in found] == ["warcinfo", "response", "request"]


@pytest.mark.parametrize("kept", [1, 20, 60])
def test_a_file_cut_before_a_record_s_head_is_whole_is_truncated_too(warc: tuple[Path, list], kept: int) -> None:
    # warcio itself ends there without a word (a bench WARC cut in a request record's member).
    path, refs = warc
    conversion = refs[2]
    found = []
    with pytest.raises(CaptureError, match=f"truncated: the record at offset {conversion.offset} is cut short"):
        found.extend(records(cut(path, conversion.offset + kept)))
    assert [record.type for record in found] == ["warcinfo", "response", "request"]


def test_a_whole_uncompressed_file_ends_with_its_last_record_s_separator_only(warc: tuple[Path, list], tmp_path: Path) -> None:
    path, _ = warc
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    assert plain.read_bytes().endswith(b"\r\n\r\n")
    assert [record.type for record in records(plain)] == ["warcinfo", "response", "request", "conversion"]


def test_a_truncated_uncompressed_file_gives_the_records_before_the_cut(warc: tuple[Path, list], tmp_path: Path) -> None:
    path, _ = warc
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    block_start = plain.read_bytes().rindex("기사 본문".encode())
    found = []
    with pytest.raises(CaptureError, match=r"plain\.warc: truncated: the record at offset \d+ is cut short"):
        found.extend(records(cut(plain, block_start + 4)))
    assert [record.type for record in found] == ["warcinfo", "response", "request"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "empty file"),
        (b"GET / HTTP/1.1\r\nHost: a.test\r\n\r\n" * 5, "no WARC record at offset 0 (damaged, or not a WARC file)"),
        (gzip.compress(b"", mtime=0), "no WARC record in it"),
    ],
)
def test_a_file_without_records_is_a_clear_error(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(CaptureError) as raised:
        list(records(path))
    assert str(raised.value) == f"{path}: {error}"


def test_bytes_after_the_last_record_are_reported(warc: tuple[Path, list]) -> None:
    path, _ = warc
    size = path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(b"\x8b\x1f random bytes that are no record\r\n" * 20)
    found = []
    with pytest.raises(CaptureError, match=f"no WARC record at offset {size} "):
        found.extend(records(path))
    assert len(found) == 4


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="gone.warc.gz: No such file or directory"):
        list(records(tmp_path / "gone.warc.gz"))
