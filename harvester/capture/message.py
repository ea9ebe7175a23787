"""HTTP messages as stored in WARC records, made from the bytes that crossed the wire.

A response is stored as received: status line, header lines and body bytes untouched (a gzip or br
body stays encoded), with one documented exception: the chunked transfer coding is removed, its
header renamed `X-Orig-Transfer-Encoding` and a `Content-Length` of the de-chunked body added, so
that the payload (and its WARC 1.1 payload digest) is the entity body every tool reads. Chunk
trailer fields, if any, are kept as header lines (RFC 9112 §7.1.2). A request is stored as sent,
but for `Proxy-Authorization` lines, which would put proxy credentials into the archive.

>>> stored = stored_response(b"HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabc\\r\\n0\\r\\n\\r\\n", "GET")
>>> stored.message
b'HTTP/1.1 200 OK\\r\\nX-Orig-Transfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\nabc'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LINE = re.compile(rb"[^\n]*\n|[^\n]+")
_NO_BODY_STATUS = (204, 304)


class WireError(ValueError):
    """The received bytes hold no readable HTTP response."""


@dataclass(frozen=True)
class StoredResponse:
    """The response as the record block holds it."""

    head: bytes  # status line, header lines and the blank line, as stored
    payload: bytes  # the entity body: transfer coding removed, content coding kept
    status: int
    dechunked: bool = False
    truncated: bool = False  # the body ended before its framing said it would

    @property
    def message(self) -> bytes:
        return self.head + self.payload


@dataclass(frozen=True)
class Chunked:
    body: bytes
    trailers: list[bytes]  # trailer field lines, with their line ends
    complete: bool


def split_head(data: bytes) -> tuple[bytes, bytes]:
    """(head with its blank line, the rest); a head without its end is an error."""
    end = _HEAD_END.search(data)
    if end is None:
        raise WireError(f"no end of the header section in {len(data)} bytes")
    return data[: end.end()], data[end.end() :]


def status_of(head: bytes) -> int:
    parts = head.split(b"\n", 1)[0].split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise WireError(f"not an HTTP status line: {head[:80]!r}")
    return int(parts[1])


def header_name(line: bytes) -> bytes:
    return line.split(b":", 1)[0].strip().lower() if b":" in line and line[:1] not in b" \t" else b""


def header_values(head: bytes, name: bytes) -> list[bytes]:
    return [line.split(b":", 1)[1].strip() for line in _LINE.findall(head) if header_name(line) == name]


def dechunk(data: bytes) -> Chunked:
    """The body inside chunked framing, the trailer lines, and whether the last chunk came."""
    body = bytearray()
    position = 0
    while True:
        line_end = data.find(b"\n", position)
        if line_end < 0:
            return Chunked(bytes(body), [], False)
        size_field = data[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            return Chunked(bytes(body), [], False)
        position = line_end + 1
        if size == 0:
            break
        chunk = data[position : position + size]
        body += chunk
        if len(chunk) < size:
            return Chunked(bytes(body), [], False)
        position += size
        if data[position : position + 2] == b"\r\n":
            position += 2
        elif data[position : position + 1] == b"\n":
            position += 1
        else:
            return Chunked(bytes(body), [], False)
    trailers = []
    for line in _LINE.findall(data[position:]):
        if not line.strip():
            return Chunked(bytes(body), trailers, True)
        trailers.append(line if line.endswith(b"\n") else line + b"\r\n")
    return Chunked(bytes(body), trailers, False)


def _rename(line: bytes) -> bytes:
    return b"X-Orig-" + line


def stored_response(received: bytes, method: str) -> StoredResponse:
    """The response record's block from the bytes received for one request."""
    head, rest = split_head(received)
    status = status_of(head)
    # Interim 1xx responses (100 Continue, 103 Early Hints) precede the one that answers.
    while 100 <= status < 200 and status != 101 and rest:
        head, rest = split_head(rest)
        status = status_of(head)
    if method.upper() == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return StoredResponse(head, b"", status)
    codings = [c.strip().lower() for v in header_values(head, b"transfer-encoding") for c in v.split(b",")]
    if codings != [b"chunked"]:
        lengths = header_values(head, b"content-length")
        short = bool(lengths) and lengths[0].isdigit() and len(rest) < int(lengths[0])
        return StoredResponse(head, rest, status, truncated=short)
    chunked = dechunk(rest)
    lines = _LINE.findall(head)
    blank = lines.pop()
    kept = [_rename(line) if header_name(line) in (b"transfer-encoding", b"content-length") else line for line in lines]
    eol = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    kept += chunked.trailers
    kept.append(b"Content-Length: %d" % len(chunked.body) + eol)
    return StoredResponse(b"".join(kept) + blank, chunked.body, status, dechunked=True, truncated=not chunked.complete)


def stored_request(sent: bytes) -> bytes:
    """The request record's block from the bytes sent, without proxy credentials."""
    head, body = split_head(sent)
    lines = [line for line in _LINE.findall(head) if header_name(line) != b"proxy-authorization"]
    return b"".join(lines) + body
