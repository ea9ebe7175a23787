"""The records of a gzipped WARC file, one gzip member each, read without warcio (reader.py's scan).

A rebuild reads every record of the captures before it can hand out the first page: a step no
other core can share. warcio's reading of a record's head is pure Python line by line, four times
what inflating the member costs (bench/README.md); here a member is inflated whole (ISA-L) and its
head split at once. Only the plain case is read here: a member that holds exactly one WARC/1.0 or
1.1 record, whole, with a numeric Content-Length. Anything else (a record spread over members, a
whole file in one member, a cut or damaged member, an angle-bracketed target URI) is left to
warcio, from that member on: `gzip_records` returns where it stopped. Header lines are read as
warcio reads them (its `StatusAndHeadersParser`), so the records are the same either way; a test
compares the two on every kind of capture the harvester makes.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Generator
from typing import BinaryIO, NamedTuple

from isal import isal_zlib
from warcio.recordloader import ArcWarcRecordLoader

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP = 31  # zlib's wbits for a gzip member
_PIECE = 1 << 16  # compressed bytes inflated at a time: a member's end is known only when reached
_VERSIONS = (b"WARC/1.0", b"WARC/1.1")
_HTTP_TYPES = ("response", "revisit")
_HTTP_SCHEMES = ArcWarcRecordLoader.HTTP_SCHEMES  # whose records warcio reads an HTTP head in

Head = list[tuple[str, str]]


class HttpHead(NamedTuple):
    protocol: str  # "HTTP/1.1"
    status_line: str  # what follows it: "200 OK"
    headers: Head


class PlainRecord(NamedTuple):
    offset: int
    length: int  # the gzip member's
    type: str
    fields: dict[str, str]
    http: HttpHead | None  # a response's or revisit's, as warcio reads it
    block: bytes | None  # if its type is kept


def gzip_records(stream: BinaryIO, keep: set[str]) -> Generator[PlainRecord, None, int]:
    """Each plain record from the start of `stream` (a file), the blocks of the types in `keep`
    with it; returns the offset of the first member not read (the file's size when all were)."""
    size = os.fstat(stream.fileno()).st_size
    if size == 0:
        return 0
    with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as whole:
        offset = 0
        while offset < size:
            if whole[offset : offset + 2] != _GZIP_MAGIC:
                return offset
            inflated, length = _member(whole, offset)
            record = _record(inflated, keep) if inflated is not None else None
            if record is None:
                return offset
            yield PlainRecord(offset, length, *record)
            offset += length
    return offset


def _member(whole: memoryview, offset: int) -> tuple[bytes | None, int]:
    """The gzip member at `offset` inflated, and its length; None if it is cut short or damaged."""
    inflater = isal_zlib.decompressobj(wbits=_GZIP)
    pieces, read = [], 0
    try:
        while not inflater.eof:
            piece = whole[offset + read : offset + read + _PIECE]
            if not piece:
                return None, 0
            pieces.append(inflater.decompress(piece))
            read += len(piece)
    except isal_zlib.error:
        return None, 0
    return b"".join(pieces), read - len(inflater.unused_data)


def _record(data: bytes, keep: set[str]) -> tuple[str, dict[str, str], HttpHead | None, bytes | None] | None:
    """A member's one record, or None if it is not plain."""
    if not data.startswith(_VERSIONS):
        return None
    head = _lines(data, 0)
    if head is None:
        return None
    status_line, warc_head, block_start = head
    if status_line.encode() not in _VERSIONS:
        return None
    fields = dict(warc_head)
    # warcio's `get_header`: a field's first value, its name in any case.
    first: dict[str, str] = {}
    for name, value in warc_head:
        first.setdefault(name.lower(), value)
    kind = first.get("warc-type")
    uri = first.get("warc-target-uri", "")
    try:
        length = int(first.get("content-length", ""))
    except ValueError:
        return None
    block_end = block_start + length
    # Exactly one record, whole: its block, its closing CRLF CRLF, and nothing after.
    if length < 0 or kind is None or uri.startswith("<") or data[block_end:] != b"\r\n\r\n":
        return None
    http = None
    if kind in _HTTP_TYPES and length and uri.startswith(_HTTP_SCHEMES):
        http = _http_head(data[block_start:block_end])
        if http is None:
            return None
        if kind in keep:  # warcio's block of an HTTP record is its payload, decoded
            return None
    block = data[block_start:block_end] if kind in keep else None
    return kind, fields, http, block


def _http_head(block: bytes) -> HttpHead | None:
    """The HTTP head as warcio reads it; None where it might read otherwise (an empty first line,
    no blank line within the block)."""
    head = _lines(block, 0)
    if head is None or not head[0]:
        return None
    status_line, lines, _ = head
    protocol, _, rest = status_line.partition(" ")
    return HttpHead(protocol, rest.strip(), lines)


def _lines(data: bytes, start: int) -> tuple[str, Head, int] | None:
    """The first line and the header lines from `start` to the first blank line, and where the bytes
    after it begin; None if no CRLF CRLF ends them. As warcio: each line decoded as UTF-8, else
    Latin-1, trailing white space dropped; a name ends at the first colon (white space before it
    dropped), its value starts after the white space that follows; a line that begins with white
    space continues the value before it; a line without a colon is dropped."""
    end = data.find(b"\r\n\r\n", start)
    if end < 0:
        return None
    try:
        lines = [line.rstrip() for line in data[start:end].decode("utf-8").split("\n")]
    except UnicodeDecodeError:
        lines = [_decode(line).rstrip() for line in data[start:end].split(b"\n")]
    if not all(lines):  # a line of white space only, or a bare LF LF: warcio's head ends there
        return None
    headers: Head = []
    pending: list[str] | None = None  # the last header: [name, value]
    for line in lines[1:]:
        if line[0] in " \t":
            if pending is not None:
                pending[1] += line
            continue
        if pending is not None:
            headers.append((pending[0], pending[1]))
        name, colon, value = line.partition(":")
        pending = [name.rstrip(" \t"), value.lstrip()] if colon else None
    if pending is not None:
        headers.append((pending[0], pending[1]))
    return lines[0], headers, end + 4


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")
