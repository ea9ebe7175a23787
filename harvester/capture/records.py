"""WARC/1.1 records, serialised here byte for byte (warcio would re-serialise the HTTP headers).

`RecordFactory` makes every record type the harvester writes: warcinfo, request, response,
revisit (identical-payload-digest profile), conversion and metadata. Record IDs and the digest algorithm
(sha1 or sha256, base32) are the factory's, so tests can pin them.

>>> digest(b"", "sha1")
'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ'
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

WARC_VERSION = b"WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
# A 304 to a conditional request: the server says the earlier capture still holds.
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
DIGESTS = ("sha1", "sha256")
TEXT_URN = "urn:text:"


def digest(data: bytes, algorithm: str) -> str:
    """A WARC digest: `algorithm:BASE32`."""
    return f"{algorithm}:{base64.b32encode(hashlib.new(algorithm, data).digest()).decode('ascii')}"


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date with microseconds, in UTC.

    >>> from datetime import timezone
    >>> warc_date(datetime(2026, 11, 2, 9, 5, 7, 1234, tzinfo=timezone.utc))
    '2026-11-02T09:05:07.001234Z'
    """
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class WarcRecord:
    """One record: its type, its named fields in order (Content-Length is computed), its block."""

    type: str
    fields: list[tuple[str, str]]
    block: bytes

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key.lower() == name.lower()), None)

    @property
    def record_id(self) -> str:
        value = self.get("WARC-Record-ID")
        assert value is not None
        return value

    def to_bytes(self, warcinfo_id: str | None = None) -> bytes:
        lines = [WARC_VERSION, f"WARC-Type: {self.type}".encode()]
        lines += [f"{name}: {value}".encode("utf-8") for name, value in self.fields]
        if warcinfo_id and self.type != "warcinfo":
            lines.append(f"WARC-Warcinfo-ID: {warcinfo_id}".encode())
        lines.append(b"Content-Length: %d" % len(self.block))
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.block + b"\r\n\r\n"


@dataclass(frozen=True)
class WarcRef:
    """Where a record sits in the captures: its file, the offset and length of its gzip member."""

    file: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True)
class Original:
    """The earlier capture a revisit refers to."""

    uri: str
    date: str
    record_id: str


class RecordFactory:
    def __init__(self, algorithm: str = "sha1", make_id: Callable[[], str] = new_record_id) -> None:
        if algorithm not in DIGESTS:
            raise ValueError(f"digest algorithm must be one of {', '.join(DIGESTS)}, not {algorithm!r}")
        self.algorithm = algorithm
        self.make_id = make_id

    def digest(self, data: bytes) -> str:
        return digest(data, self.algorithm)

    def _head(self, date: str, uri: str | None, ip: str | None) -> list[tuple[str, str]]:
        fields = [("WARC-Record-ID", self.make_id()), ("WARC-Date", date)]
        if uri is not None:
            fields.append(("WARC-Target-URI", uri))
        if ip:
            fields.append(("WARC-IP-Address", ip))
        return fields

    def warcinfo(self, filename: str, date: str, info: dict[str, str]) -> WarcRecord:
        block = b"".join(f"{name}: {value}\r\n".encode("utf-8") for name, value in info.items() if value)
        fields = [("WARC-Record-ID", self.make_id()), ("WARC-Date", date), ("WARC-Filename", filename)]
        fields += [("Content-Type", "application/warc-fields"), ("WARC-Block-Digest", self.digest(block))]
        return WarcRecord("warcinfo", fields, block)

    def response(
        self,
        uri: str,
        date: str,
        ip: str | None,
        head: bytes,
        payload: bytes,
        truncated: str | None = None,
        payload_digest: str | None = None,
    ) -> WarcRecord:
        """`payload_digest`: the payload's, when the caller has it already (it is not hashed again)."""
        block = head + payload
        fields = self._head(date, uri, ip)
        fields += [
            ("Content-Type", "application/http;msgtype=response"),
            ("WARC-Block-Digest", self.digest(block)),
            ("WARC-Payload-Digest", payload_digest or self.digest(payload)),
        ]
        if truncated:
            fields.append(("WARC-Truncated", truncated))
        return WarcRecord("response", fields, block)

    def revisit(
        self,
        uri: str,
        date: str,
        ip: str | None,
        head: bytes,
        payload_digest: str | None,
        original: Original,
        profile: str = REVISIT_PROFILE,
    ) -> WarcRecord:
        """A capture whose payload an earlier record holds: the block is the HTTP head only.

        With the server-not-modified profile (a 304) there is no payload, and no payload digest.
        """
        fields = self._head(date, uri, ip)
        fields += [
            ("WARC-Profile", profile),
            ("WARC-Refers-To", original.record_id),
            ("WARC-Refers-To-Target-URI", original.uri),
            ("WARC-Refers-To-Date", original.date),
            ("Content-Type", "application/http;msgtype=response"),
            ("WARC-Block-Digest", self.digest(head)),
        ]
        if payload_digest is not None:
            fields.append(("WARC-Payload-Digest", payload_digest))
        return WarcRecord("revisit", fields, head)

    def request(self, uri: str, date: str, ip: str | None, message: bytes, concurrent_to: str) -> WarcRecord:
        fields = self._head(date, uri, ip)
        fields += [
            ("WARC-Concurrent-To", concurrent_to),
            ("Content-Type", "application/http;msgtype=request"),
            ("WARC-Block-Digest", self.digest(message)),
        ]
        return WarcRecord("request", fields, message)

    def conversion(
        self,
        uri: str,
        date: str,
        text: bytes,
        refers_to: str,
        extra: list[tuple[str, str]] = (),
        text_digest: str | None = None,
    ) -> WarcRecord:
        """Text derived from the capture `refers_to` names (the extracted document).

        Its target is `urn:text:<page URL>` (the convention of Browsertrix's text records): with the
        page's own URL, replay tools index it as a capture of the page and serve it in its place.
        The block is the payload: one digest for both (`text_digest`, when the caller has it).
        """
        text_digest = text_digest or self.digest(text)
        fields = self._head(date, TEXT_URN + uri, None)
        fields += [
            ("WARC-Refers-To", refers_to),
            ("WARC-Refers-To-Target-URI", uri),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("WARC-Block-Digest", text_digest),
            ("WARC-Payload-Digest", text_digest),
            *extra,
        ]
        return WarcRecord("conversion", fields, text)

    def metadata(self, uri: str, date: str, lines: list[tuple[str, str]], concurrent_to: str) -> WarcRecord:
        """What the crawl knew of a capture (`concurrent_to`), as `application/warc-fields` lines
        (Heritrix's `via`, `hopsFromSeed`, `fetchTimeMs`, `outlink`, ...). Replay tools leave such
        records out of their indexes (cdxj-indexer skips warc-fields metadata)."""
        block = b"".join(f"{name}: {value}\r\n".encode("utf-8") for name, value in lines)
        fields = self._head(date, uri, None)
        fields += [
            ("WARC-Concurrent-To", concurrent_to),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Block-Digest", self.digest(block)),
        ]
        return WarcRecord("metadata", fields, block)
