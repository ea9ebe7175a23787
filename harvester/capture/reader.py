"""Reading captures back (warcio): every record of a WARC file with its place, the record at a
place, and a captured page as a crawl saw it — status, headers, and body with its content coding
removed; a revisit's body is its original record's. For rebuilds and `harvester verify`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord, ArchiveLoadFailed

from harvester.capture.members import PlainRecord, gzip_records
from harvester.capture.records import WarcRef

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
# Records whose block the scan of a file keeps (small: derived text).
TEXT_TYPES = ("conversion",)


class CaptureError(ValueError):
    """A record that is not where it is said to be, or cannot be read."""


@dataclass(frozen=True)
class Record:
    """One record: where it is, its WARC fields, and for HTTP responses their status and header lines."""

    path: Path
    offset: int
    length: int
    type: str
    fields: dict[str, str]
    status: int | None = None
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    block: bytes | None = None  # kept for TEXT_TYPES only

    @property
    def record_id(self) -> str:
        return self.fields.get("WARC-Record-ID", "")

    @property
    def uri(self) -> str:
        return self.fields.get("WARC-Target-URI", "")

    @property
    def ref(self) -> WarcRef:
        return WarcRef(self.path.name, self.offset, self.length, self.record_id)

    def header(self, name: str) -> str | None:
        """An HTTP header's last value, as Scrapy's `Headers.get` gives it."""
        values = [value for key, value in self.http_headers if key.lower() == name.lower()]
        return values[-1] if values else None


@dataclass(frozen=True)
class Page:
    """A captured HTTP response as the crawl's spider got it."""

    uri: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    truncated: str | None  # the record's WARC-Truncated

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None


def warc_files(paths: Iterable[Path]) -> list[Path]:
    """The WARC files named, and those in the folders named, in file-name order (for the
    harvester's files, the order they were written). Files still being written (`.open`) are not read."""
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            found.update((p.name, p) for p in path.iterdir() if p.name.endswith(WARC_SUFFIXES))
            for still_open in sorted(path.glob("*.warc.gz.open")):
                logger.warning("%s: still being written (or left by a killed crawl), not read", still_open)
        elif path.is_file():
            found[path.name] = path
        else:
            raise FileNotFoundError(f"no such WARC file or folder: {path}")
    return [found[name] for name in sorted(found)]


def _record(path: Path, offset: int, record: ArcWarcRecord, keep_block: bool) -> Record:
    http = record.http_headers if record.rec_type in ("response", "revisit") else None
    return Record(
        path=path,
        offset=offset,
        length=0,
        type=record.rec_type,
        fields=dict(record.rec_headers.headers),
        status=_status(http.protocol, http.statusline) if http is not None else None,
        http_headers=list(http.headers) if http is not None else [],
        block=record.content_stream().read() if keep_block else None,
    )


def _plain_records(stream: BinaryIO, path: Path, keep: set[str]) -> Generator[Record, None, int]:
    """members.gzip_records as Records; returns where it stopped."""
    members = gzip_records(stream, keep)
    try:
        while True:
            yield _plain(path, next(members))
    except StopIteration as stop:
        return stop.value


def _plain(path: Path, plain: PlainRecord) -> Record:
    http = plain.http
    return Record(
        path=path,
        offset=plain.offset,
        length=plain.length,
        type=plain.type,
        fields=plain.fields,
        status=_status(http.protocol, http.status_line) if http is not None else None,
        http_headers=http.headers if http is not None else [],
        block=plain.block,
    )


def _status(protocol: str, status_line: str) -> int | None:
    """An HTTP response's status code (warcio's `get_statuscode`), if it is one."""
    if not protocol.upper().startswith("HTTP/"):
        return None
    try:
        return int(status_line.split(" ", 1)[0])
    except ValueError:
        return None


def records(path: Path, keep_blocks: Iterable[str] = TEXT_TYPES) -> Iterator[Record]:
    """Every record of one WARC file, with its place and length (a gzip member's, compressed).
    CaptureError where the file stops being readable (an empty file, bytes that are no WARC record,
    a record cut short by a truncation) after the records before that place."""
    keep = set(keep_blocks)
    end = 0  # where the last whole record ends
    try:
        with open(path, "rb") as stream:
            if path.name.endswith(".gz"):
                # The plain records first; warcio reads on from the first one that is not (if any).
                end = yield from _plain_records(stream, path, keep)
                stream.seek(end)
            iterator = ArchiveIterator(stream)
            for record in iterator:
                if not record.format.startswith("warc"):
                    # warcio reads any text as old ARC records; stop before it reads on.
                    raise CaptureError(_damaged(path, end))
                found = _record(path, 0, record, record.rec_type in keep)
                # Place and length are known once the record is read to its end (its block first).
                place = {"offset": iterator.get_record_offset(), "length": iterator.get_record_length()}
                if _cut_short(iterator, record):
                    raise CaptureError(f"{path}: truncated: the record at offset {place['offset']} is cut short")
                end = place["offset"] + place["length"]
                yield Record(**{**found.__dict__, **place})
    except CaptureError:
        raise
    except ArchiveLoadFailed:
        raise CaptureError(_damaged(path, end)) from None
    except OSError as error:
        raise CaptureError(f"{path}: {error.strerror or error}") from None
    except (EOFError, ValueError, zlib.error) as error:
        raise CaptureError(f"{path}: unreadable after offset {end}: {error}") from None
    size = path.stat().st_size
    if not end:
        raise CaptureError(f"{path}: empty file" if size == 0 else f"{path}: no WARC record in it")
    if end < size and not _separator_only(path, end, size):
        # warcio ends without a word where a file stops inside a gzip member before the record's
        # head is whole: the bytes after the last whole record are that record, cut short.
        raise CaptureError(f"{path}: truncated: the record at offset {end} is cut short")


def _separator_only(path: Path, end: int, size: int) -> bool:
    """Whether the bytes from `end` are only line ends: an uncompressed record's closing CRLF CRLF,
    which warcio leaves out of its length."""
    if size - end > 16:
        return False
    with open(path, "rb") as stream:
        stream.seek(end)
        return not stream.read().strip(b"\r\n")


def _damaged(path: Path, end: int) -> str:
    return f"{path}: no WARC record at offset {end} (damaged, or not a WARC file)"


def _cut_short(iterator: ArchiveIterator, record: ArcWarcRecord) -> bool:
    """Whether the record just read to its end lacks bytes: its block shorter than its
    Content-Length, or its gzip member without its end."""
    if getattr(record.raw_stream, "limit", 0):
        return True
    decompressor = iterator.reader.decompressor
    return decompressor is not None and not decompressor.eof


@contextmanager
def _opened(path: Path, offset: int) -> Iterator[tuple[ArchiveIterator, ArcWarcRecord]]:
    with open(path, "rb") as stream:
        stream.seek(offset)
        iterator = ArchiveIterator(stream)
        try:
            record = next(iter(iterator))
        except (ArchiveLoadFailed, StopIteration, EOFError, OSError, ValueError, zlib.error) as error:
            raise CaptureError(f"{path.name}@{offset}: no record there ({error or 'end of file'})") from None
        if not record.format.startswith("warc") or not record.rec_headers.get_header("WARC-Record-ID"):
            # warcio takes bytes from the middle of a record for an old ARC record now and then.
            raise CaptureError(f"{path.name}@{offset}: no record there (no WARC record starts there)")
        yield iterator, record


def record_at(path: Path, offset: int) -> Record:
    """The record whose gzip member (or uncompressed record) starts at `offset`."""
    with _opened(path, offset) as (iterator, record):
        found = _record(path, offset, record, keep_block=record.rec_type in TEXT_TYPES)
        return Record(**{**found.__dict__, "length": iterator.get_record_length()})


def payload_at(path: Path, offset: int) -> tuple[Record, bytes]:
    """A response or revisit record's head and its payload as stored, content coding kept: what
    its WARC-Payload-Digest is of (a revisit's is empty). `path` may be any file holding the
    record at `offset`, such as a WACZ, whose WARCs are stored in it uncompressed."""
    with _opened(path, offset) as (_, record):
        head = _record(path, offset, record, keep_block=False)
        try:
            payload = record.raw_stream.read()
        except (EOFError, OSError, ValueError, zlib.error) as error:
            raise CaptureError(f"{path.name}@{offset}: the record cannot be read ({error})") from None
    if head.status is None:
        raise CaptureError(f"{path.name}@{offset}: not an HTTP response record")
    return head, payload


def page_at(path: Path, offset: int, original: tuple[Path, int] | None = None) -> Page:
    """The page a response record holds; for a revisit, its head with `original`'s body."""
    with _opened(path, offset) as (_, record):
        head = _record(path, offset, record, keep_block=False)
        if head.status is None:
            raise CaptureError(f"{path.name}@{offset}: not an HTTP response record")
        if record.rec_type != "revisit":
            body = record.content_stream().read()
        elif original is None:
            raise CaptureError(f"{path.name}@{offset}: a revisit whose original record is not in the captures")
        else:
            with _opened(*original) as (_, first):
                body = first.content_stream().read()
    return Page(head.uri, head.status, head.http_headers, body, head.fields.get("WARC-Truncated"))
