"""Checking a WACZ package: every page of `pages/pages.jsonl` replays from the package's own WARCs.

For each page, its capture is looked up in the package's CDXJ index as a replay tool would (the
page's URL, the capture nearest its time; a redirect only when nothing else is there), and the
record the index names is read in place with the project's reader (the WARCs are stored in the
zip uncompressed, at an offset the zip names); its HTTP status and the digest of its payload (the
original's, for a revisit) must be the index's. A page that fails is a Problem, naming the page.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from harvester.capture.reader import CaptureError, payload_at
from harvester.capture.records import digest

PAGES = "pages/pages.jsonl"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local file header


@dataclass(frozen=True)
class Capture:
    """One line of a CDXJ index."""

    url: str
    timestamp: str
    status: str
    digest: str
    mime: str
    filename: str
    offset: int

    @property
    def redirect(self) -> bool:
        return self.status.startswith("3")


@dataclass(frozen=True)
class Problem:
    url: str
    ts: str
    what: str

    def __str__(self) -> str:
        return f"{self.url} ({self.ts}): {self.what}"


def timestamp(iso: str) -> str:
    """'2026-11-02T09:05:07Z' -> '20261102090507'."""
    return "".join(character for character in iso if character.isdigit())[:14]


def member_offset(path: Path, info: zipfile.ZipInfo) -> int:
    """Where a stored (uncompressed) member's bytes start in the zip file."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise CaptureError(f"{info.filename}: compressed in the package, cannot be read in place")
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        fields = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    name_length, extra_length = fields[-2], fields[-1]
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def pages(package: zipfile.ZipFile) -> Iterator[dict[str, Any]]:
    """The pages of pages/pages.jsonl, its header left out."""
    with package.open(PAGES) as stream:
        for line in io.TextIOWrapper(stream, "utf-8"):
            if line.strip():
                page = json.loads(line)
                if "url" in page:
                    yield page


def _index_streams(package: zipfile.ZipFile) -> Iterator[IO[bytes]]:
    for name in sorted(package.namelist()):
        if name.startswith("indexes/") and name.endswith(".cdx.gz"):
            with package.open(name) as raw, gzip.open(raw) as stream:
                yield stream
        elif name.startswith("indexes/") and name.endswith((".cdx", ".cdxj")):
            with package.open(name) as stream:
                yield stream


def captures(package: zipfile.ZipFile) -> Iterator[Capture]:
    """Every line of the package's CDXJ indexes."""
    for stream in _index_streams(package):
        for line in stream:
            _, ts, data = line.decode("utf-8").split(" ", 2)
            fields = json.loads(data)
            if "filename" not in fields or "offset" not in fields:
                continue
            yield Capture(
                url=fields.get("url", ""),
                timestamp=ts,
                status=str(fields.get("status", "")),
                digest=fields.get("digest", ""),
                mime=fields.get("mime", ""),
                filename=fields["filename"],
                offset=int(fields["offset"]),
            )


def replayed(candidates: list[Capture], ts: str) -> Capture | None:
    """The capture a replay tool serves for a page at `ts`: the nearest in time, a redirect (a
    cookie gate's, to the page itself) only when nothing else is there."""
    if not candidates:
        return None
    return min(candidates, key=lambda capture: (capture.redirect, abs(int(capture.timestamp) - int(ts))))


def same_digest(payload: bytes, indexed: str) -> bool:
    algorithm, _, value = indexed.rpartition(":")
    computed = digest(payload, algorithm.lower() or "sha1")
    return computed.split(":", 1)[1].upper() == value.upper()


class PackageCheck:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.package = zipfile.ZipFile(path)
        self.offsets: dict[str, int] = {}
        self.originals: dict[tuple[str, str], tuple[str, int]] | None = None

    def close(self) -> None:
        self.package.close()

    def run(self, read: bool = True) -> tuple[int, list[Problem]]:
        """(pages checked, problems); without `read`, only whether each page has a capture in the index."""
        if PAGES not in self.package.namelist():
            return 0, [Problem(str(self.path), "", f"no {PAGES} in the package")]
        wanted = {page["url"] for page in pages(self.package)}
        by_url: dict[str, list[Capture]] = {}
        for capture in captures(self.package):
            if capture.url in wanted:
                by_url.setdefault(capture.url, []).append(capture)
        checked, problems = 0, []
        for page in pages(self.package):
            checked += 1
            ts = timestamp(page.get("ts", ""))
            capture = replayed(by_url.get(page["url"], []), ts)
            what = "no capture in the index" if capture is None else self.check(capture) if read else None
            if what:
                problems.append(Problem(page["url"], page.get("ts", ""), what))
        return checked, problems

    def where(self, filename: str) -> int:
        if filename not in self.offsets:
            try:
                info = self.package.getinfo(f"archive/{filename}")
            except KeyError:
                raise CaptureError(f"{filename} is not in the package") from None
            self.offsets[filename] = member_offset(self.path, info)
        return self.offsets[filename]

    def check(self, capture: Capture) -> str | None:
        """What keeps the capture from replaying as indexed, or None."""
        try:
            head, payload = payload_at(self.path, self.where(capture.filename) + capture.offset)
        except CaptureError as error:
            return f"its record ({capture.filename} at {capture.offset}) cannot be read: {_reason(error)}"
        if head.type == "revisit":
            try:
                payload = self.original(head.fields)
            except CaptureError as error:
                return f"it is a revisit, and {_reason(error)}"
        if head.fields.get("WARC-Target-URI") != capture.url:
            return f"the record at {capture.filename}@{capture.offset} is of {head.fields.get('WARC-Target-URI')}"
        if str(head.status) != capture.status:
            return f"status {head.status} in the record, {capture.status} in the index"
        if capture.digest and not same_digest(payload, capture.digest):
            return f"its payload in {capture.filename} at {capture.offset} is not the one indexed (digest differs)"
        return None

    def original(self, fields: dict[str, str]) -> bytes:
        """A revisit's payload: its original record's, found in the index."""
        if self.originals is None:
            # Read once, at the first revisit: where each full capture is, by URL and time.
            self.originals = {
                (capture.url, capture.timestamp): (capture.filename, capture.offset)
                for capture in captures(self.package)
                if capture.mime != "warc/revisit"
            }
        uri, ts = fields.get("WARC-Refers-To-Target-URI", ""), timestamp(fields.get("WARC-Refers-To-Date", ""))
        found = self.originals.get((uri, ts))
        if found is None:
            raise CaptureError(f"its original ({uri} at {ts}) is not in the package")
        try:
            _, payload = payload_at(self.path, self.where(found[0]) + found[1])
        except CaptureError as error:
            raise CaptureError(f"its original ({found[0]} at {found[1]}) cannot be read: {_reason(error)}") from None
        return payload


def _reason(error: CaptureError) -> str:
    """The reader's message without the place it read at (the package's, not the WARC's), short."""
    text = str(error)
    if "Unknown archive format" in text:
        # warcio read on past a gzip member that does not inflate, and quotes its bytes.
        return "the bytes there are no readable WARC record (damaged?)"
    text = text.split(": ", 1)[1] if ": " in text and "@" in text.split(": ", 1)[0] else text
    return "".join(character if character.isprintable() else "?" for character in text)[:160]


def check_package(path: Path, read: bool = True) -> tuple[int, list[Problem]]:
    """Whether every page of a WACZ replays from its WARCs: (pages checked, problems). Without
    `read`, only whether each has a capture in the index (no record is read)."""
    check = PackageCheck(path)
    try:
        return check.run(read)
    finally:
        check.close()
