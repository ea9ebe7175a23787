"""Crawls of the byte-logging test server, and what the captures hold, checked against its log.

One crawl (direct HTTP, HTTP through a proxy, HTTPS through a CONNECT tunnel) is compared byte
for byte with what the server read and wrote; the real tools read the WARCs (warcio check,
cdxj-indexer's indexes, pywb replay, wacz validate); a second crawl into the same folder writes
revisits only; a crawl killed with SIGKILL is repaired by the next one.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.capture_server import TLS_HOST, CaptureTestServer, Exchange, answer
from tests.conftest import FAST
from tests.pywb import wayback

PATHS = ["/plain", "/gzip", "/chunked", "/gzip-chunked", "/redirect", "/missing", "/cookies", "/file.bin", "/article"]
# Escapes a client could re-quote (%2F as "/", %7E as "~"): the request line keeps them as linked.
SEARCH = "/search?q=bridge%20repairs&from=%2Fnews%7E&page=2"


@dataclass(frozen=True)
class Record:
    file: str
    offset: int
    type: str
    fields: dict[str, str]
    block: bytes

    @property
    def id(self) -> str:
        return self.fields["WARC-Record-ID"]


def read_records(folder: Path) -> list[Record]:
    """Every record of the folder's closed WARC files, its block exactly as stored."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, no_record_parse=True)
            for record in iterator:
                fields = dict(record.rec_headers.headers)
                block = record.raw_stream.read()
                found.append(Record(path.name, iterator.get_record_offset(), record.rec_type, fields, block))
    return found


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def archive(out: Path, server: CaptureTestServer, *seeds: str, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    args = [sys.executable, "-m", "harvester.cli", "archive", *seeds, "--out", str(out)]
    for setting in [*FAST, "LOG_LEVEL=INFO"]:
        args += ["-s", setting]
    env = dict(os.environ, http_proxy=server.url, https_proxy=server.url, no_proxy="127.0.0.1")
    if not wait:
        return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-5000:]
    return result


def seeds(server: CaptureTestServer) -> list[str]:
    # Direct, through the proxy in absolute form, and through a CONNECT tunnel with TLS.
    return [server.url + "/", f"http://{TLS_HOST}/", f"https://{TLS_HOST}/"]


def expected_block(path: str) -> tuple[bytes, bytes]:
    """(head, payload) the response record must hold for a path, by the documented rule: as
    sent, except that chunked framing is removed, its header renamed, a Content-Length added."""
    parts = answer(path)
    if not parts.chunks:
        return parts.to_bytes()[: -len(parts.body) or None], parts.body
    headers = [b"X-Orig-" + line if line == b"Transfer-Encoding: chunked" else line for line in parts.headers]
    headers.append(b"Content-Length: %d" % len(parts.body))
    return b"\r\n".join([parts.status_line, *headers]) + b"\r\n\r\n", parts.body


@pytest.fixture(scope="module")
def server() -> Iterator[CaptureTestServer]:
    running = CaptureTestServer().start()
    running.release()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def first(server: CaptureTestServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Exchange]]:
    out = tmp_path_factory.mktemp("first")
    before = len(server.log())
    archive(out, server, *seeds(server))
    return out, server.log()[before:]


@pytest.fixture(scope="module")
def second(first: tuple[Path, list[Exchange]], server: CaptureTestServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The same crawl again into a copy of the first crawl's folder; returns it and the new files."""
    out = tmp_path_factory.mktemp("second") / "out"
    shutil.copytree(first[0], out)
    old = {path.name for path in (out / "warc").glob("*.warc.gz")}
    archive(out, server, *seeds(server))
    return out, {path.name for path in (out / "warc").glob("*.warc.gz")} - old


# -- byte for byte
def test_every_exchange_is_stored_as_it_crossed_the_wire(first: tuple[Path, list[Exchange]]) -> None:
    out, log = first
    records = read_records(out / "warc")
    by_id = {record.id: record for record in records}
    requests = {record.block: record for record in records if record.type == "request"}
    assert len(requests) == len(log) == sum(1 for r in records if r.type == "request")
    for exchange in log:
        # A GET as a browser sends it: no body, no Content-Length.
        assert exchange.received.startswith(b"GET ") and b"\r\ncontent-length:" not in exchange.received.lower()
        request = requests[exchange.received]
        main = by_id[request.fields["WARC-Concurrent-To"]]
        head, payload = expected_block(exchange.path)
        assert main.fields["WARC-Date"] == request.fields["WARC-Date"]
        assert main.fields["WARC-IP-Address"] == request.fields["WARC-IP-Address"] == "127.0.0.1"
        assert main.fields["WARC-Payload-Digest"] == sha1(payload)
        if main.type == "response":
            assert main.block == head + payload, exchange.path
        else:
            assert main.type == "revisit" and main.block == head, exchange.path
            original = by_id[main.fields["WARC-Refers-To"]]
            assert original.fields["WARC-Payload-Digest"] == main.fields["WARC-Payload-Digest"]
            assert original.fields["WARC-Target-URI"] == main.fields["WARC-Refers-To-Target-URI"]
            assert original.fields["WARC-Date"] == main.fields["WARC-Refers-To-Date"]


def test_each_wire_behaviour_was_crawled_on_every_route(first: tuple[Path, list[Exchange]], server: CaptureTestServer) -> None:
    _, log = first
    routes = {(exchange.host, exchange.tls) for exchange in log}
    assert routes == {(f"127.0.0.1:{server.port}", False), (TLS_HOST, False), (TLS_HOST, True)}
    for route in routes:
        paths = {exchange.path for exchange in log if (exchange.host, exchange.tls) == route}
        assert {*PATHS, SEARCH} <= paths, route
    # robots.txt once per host (http and https share Scrapy's robots.txt cache)
    assert sorted(exchange.host for exchange in log if exchange.path == "/robots.txt") == sorted(
        [f"127.0.0.1:{server.port}", TLS_HOST]
    )


def test_records_name_their_urls_and_the_chunked_payload_digest_is_of_the_entity(first: tuple[Path, list[Exchange]], server: CaptureTestServer) -> None:
    out, _ = first
    responses = {r.fields["WARC-Target-URI"]: r for r in read_records(out / "warc") if r.type in ("response", "revisit")}
    assert f"{server.url}{SEARCH}" in responses
    assert f"https://{TLS_HOST}/file.bin" in responses
    chunked = responses[f"{server.url}/gzip-chunked"]
    entity = answer("/gzip-chunked").body
    assert gzip.decompress(entity).startswith(b"<html><body><p>Compressed and chunked.")
    assert chunked.fields["WARC-Payload-Digest"] == sha1(entity)


def test_files_are_warc_1_1_with_warcinfo_first(first: tuple[Path, list[Exchange]]) -> None:
    out, _ = first
    records = read_records(out / "warc")
    files = {record.file for record in records}
    assert files and not list((out / "warc").glob("*.open"))
    for name in files:
        in_file = [record for record in records if record.file == name]
        info = in_file[0]
        assert info.type == "warcinfo" and info.fields["WARC-Filename"] == name
        assert b"robots: obey\r\n" in info.block and b"software: harvester/" in info.block
        assert all(record.fields["WARC-Warcinfo-ID"] == info.id for record in in_file[1:])
    with gzip.open(out / "warc" / sorted(files)[0]) as handle:
        assert handle.read(10) == b"WARC/1.1\r\n"


def test_documents_have_conversion_records_beside_their_captures(first: tuple[Path, list[Exchange]]) -> None:
    out, _ = first
    records = read_records(out / "warc")
    by_id = {record.id: record for record in records}
    manifest = [json.loads(line) for line in (out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    conversions = {r.fields["WARC-Refers-To"]: r for r in records if r.type == "conversion"}
    assert {row["final_url"] for row in manifest} >= {f"https://{TLS_HOST}/article"}
    for row in manifest:
        capture = by_id[row["warc"]["record_id"]]
        assert capture.fields["WARC-Target-URI"] == row["final_url"]
        conversion = conversions[capture.id]
        text = (out / "corpus" / row["file"]).read_bytes()
        assert conversion.block == text
        assert conversion.fields["WARC-Target-URI"] == "urn:text:" + row["final_url"]
        assert conversion.fields["Harvester-Document-Id"] == row["id"]
        assert conversion.fields["Harvester-Extractor"].startswith("harvester+trafilatura/")
    article = next(row for row in manifest if row["final_url"] == f"https://{TLS_HOST}/article")
    assert (out / "corpus" / article["file"]).read_text("utf-8").startswith("Harbour bridge reopens after two years of repairs\n")


def test_each_page_read_has_a_metadata_record_with_its_outlinks_hops_and_fetch_time(first: tuple[Path, list[Exchange]], server: CaptureTestServer) -> None:
    records = read_records(first[0] / "warc")
    by_id = {record.id: record for record in records}
    metadata = {}
    for record in records:
        if record.type != "metadata":
            continue
        capture = by_id[record.fields["WARC-Concurrent-To"]]
        assert capture.type in ("response", "revisit")
        assert (capture.fields["WARC-Target-URI"], capture.fields["WARC-Date"]) == (record.fields["WARC-Target-URI"], record.fields["WARC-Date"])
        assert record.fields["Content-Type"] == "application/warc-fields"
        metadata[record.fields["WARC-Target-URI"]] = record.block.decode().splitlines()
    seed = server.url + "/"
    lines = metadata[seed]
    assert lines[0] == "seed: " and lines[1].startswith("fetchTimeMs: ") and int(lines[1].split(": ")[1]) >= 0
    links = ["/plain", "/gzip", "/chunked", "/gzip-chunked", "/redirect", "/missing", "/cookies", SEARCH, "/file.bin", "/article", "/hold"]
    assert lines[2:] == [f"outlink: {server.url}/logo.png E", *(f"outlink: {server.url}{link} L" for link in links)]
    assert metadata[server.url + "/article"][:2] == [f"via: {seed}", "hopsFromSeed: L"]
    assert metadata[server.url + "/logo.png"][:2] == [f"via: {seed}", "hopsFromSeed: E"]
    # Every page the spider read on every route, the 404 of a broken link too (not robots.txt).
    assert not [url for url in metadata if url.endswith("/robots.txt")]
    assert len(metadata) >= 3 * len(PATHS) - 3 and metadata[server.url + "/missing"][:2] == [f"via: {seed}", "hopsFromSeed: L"]


# -- the tools
def test_warcio_check_passes(first: tuple[Path, list[Exchange]]) -> None:
    warcs = sorted(str(path) for path in (first[0] / "warc").glob("*.warc.gz"))
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *warcs], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout and "failed" not in result.stdout


def indexed(folder: Path) -> set[tuple[str, int]]:
    entries = set()
    for path in (folder / "indexes").glob("*.cdxj"):
        for line in path.read_text("utf-8").splitlines():
            entry = json.loads(line.split(" ", 2)[2])
            entries.add((entry["filename"], int(entry["offset"])))
    return entries


def test_cdxj_indexes_hold_every_response_and_revisit(first: tuple[Path, list[Exchange]]) -> None:
    warc = first[0] / "warc"
    assert {p.name.removesuffix(".cdxj") for p in (warc / "indexes").glob("*.cdxj")} == {
        p.name.removesuffix(".warc.gz") for p in warc.glob("*.warc.gz")
    }
    captures = {(r.file, r.offset) for r in read_records(warc) if r.type in ("response", "revisit")}
    assert captures and captures <= indexed(warc)


def assert_replays(folder: Path, warcs: list[Path], records: list[Record]) -> int:
    """pywb serves every response and revisit in `records` with its status and payload."""
    by_id = {record.id: record for record in read_records(warcs[0].parent)}
    checked = 0
    with wayback(folder, warcs) as pywb:
        for record in records:
            if record.type not in ("response", "revisit"):
                continue
            original = by_id[record.fields["WARC-Refers-To"]] if record.type == "revisit" else record
            head, _, payload = original.block.partition(b"\r\n\r\n")
            status = int(record.block.split(b" ", 2)[1])
            timestamp = "".join(c for c in record.fields["WARC-Date"] if c.isdigit())[:14]
            replayed = pywb.get(timestamp, record.fields["WARC-Target-URI"])
            if record.type == "revisit" and 300 <= status < 400:
                # pywb serves a revisit of a redirect without loading the original's body
                # (pywb/warcserver/resource/resolvingloader.py): status and Location must hold.
                location = next(line for line in head.split(b"\r\n") if line.lower().startswith(b"location:"))
                assert replayed.status == status
                assert dict(replayed.headers)["Location"].encode() == location.split(b":", 1)[1].strip()
            else:
                assert (replayed.status, replayed.body) == (status, payload), record.fields["WARC-Target-URI"]
            checked += 1
    return checked


def test_pywb_replays_every_capture(first: tuple[Path, list[Exchange]], tmp_path: Path) -> None:
    warcs = sorted((first[0] / "warc").glob("*.warc.gz"))
    assert assert_replays(tmp_path, warcs, read_records(first[0] / "warc")) >= 3 * len(PATHS)


def test_wacz_package_is_valid_and_lists_the_documents(first: tuple[Path, list[Exchange]], tmp_path: Path) -> None:
    out = first[0]
    wacz = tmp_path / "crawl.wacz"
    result = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "package", str(out), "-o", str(wacz)], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(wacz)], capture_output=True, text=True)
    assert check.returncode == 0 and "passed WACZ is valid" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(wacz) as package:
        names = package.namelist()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]
    assert {f"archive/{p.name}" for p in (out / "warc").glob("*.warc.gz")} <= set(names)
    manifest = [json.loads(line) for line in (out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert {(page["url"], page["title"]) for page in pages[1:]} == {(row["final_url"], row["title"]) for row in manifest}


# -- a second crawl of unchanged pages
def test_second_crawl_writes_revisits_only(second: tuple[Path, set[str]], first: tuple[Path, list[Exchange]]) -> None:
    out, new_files = second
    assert new_files
    new = [record for record in read_records(out / "warc") if record.file in new_files]
    types = [record.type for record in new]
    assert "response" not in types and "conversion" not in types
    assert types.count("revisit") == types.count("request") == len(first[1])
    old_ids = {record.id for record in read_records(first[0] / "warc")}
    assert all(record.fields["WARC-Refers-To"] in old_ids for record in new if record.type == "revisit")
    assert (out / "corpus/manifest.jsonl").read_bytes() == (first[0] / "corpus/manifest.jsonl").read_bytes()


def test_pywb_replays_the_revisits(second: tuple[Path, set[str]], tmp_path: Path) -> None:
    out, new_files = second
    warcs = sorted((out / "warc").glob("*.warc.gz"))
    revisits = [record for record in read_records(out / "warc") if record.file in new_files]
    assert assert_replays(tmp_path, warcs, revisits) >= 3 * len(PATHS)


# -- a crawl killed mid-write
def test_a_killed_crawl_is_repaired_by_the_next_and_the_tools_accept_it(tmp_path: Path) -> None:
    server = CaptureTestServer().start()
    try:
        out = tmp_path / "out"
        crawl = archive(out, server, server.url + "/", server.url + "/hold", wait=False)
        assert server.held.wait(60), "the crawl never reached /hold"
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        left = list((out / "warc").glob("*.warc.gz.open"))
        assert len(left) == 1 and not list((out / "warc").glob("*.warc.gz"))
        server.release()
        archive(out, server, server.url + "/", server.url + "/hold")
    finally:
        server.stop()
    warc = out / "warc"
    assert not list(warc.glob("*.open"))
    repaired = warc / left[0].name.removesuffix(".open")
    assert repaired.exists()
    records = read_records(warc)
    assert records[0].file == repaired.name and records[0].type == "warcinfo"
    warcs = sorted(warc.glob("*.warc.gz"))
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert {(r.file, r.offset) for r in records if r.type in ("response", "revisit")} <= indexed(warc)
    assert assert_replays(tmp_path / "pywb", warcs, records) > 0
    wacz = tmp_path / "killed.wacz"
    subprocess.run([sys.executable, "-m", "harvester.cli", "package", str(out), "-o", str(wacz)], check=True, capture_output=True)
    validate = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(wacz)], capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout
