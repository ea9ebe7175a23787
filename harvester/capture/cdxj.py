"""CDXJ lines of records as the writer writes them: the lines cdxj-indexer makes of the same file.

cdxj-indexer (as capture/index.py runs it: default fields and records, `post_append`) reads each
record back with warcio; here the line is made from the record in memory and where it was
written, with the same functions wherever the result depends on them: warcio's parser for the
HTTP head, its timestamps, `surt`, and cdxj-indexer's own rule for a POST or PUT request's body.
No settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from io import BytesIO
from types import SimpleNamespace

from surt import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import iso_date_to_timestamp

from harvester.capture.records import WarcRecord, WarcRef, digest

# cdxj-indexer's default records, named here for both (capture/index.py passes them to it: importing
# py-wacz appends "warcinfo" to its own list).
INDEXED = ("response", "revisit", "resource", "metadata")
_HTTP_RECORDS = ("response", "revisit")  # whose block warcio reads an HTTP head from, when indexed
_HTTP_SCHEMES = ArcWarcRecordLoader.HTTP_SCHEMES
_HTTP = StatusAndHeadersParser(ArcWarcRecordLoader.HTTP_TYPES, verify=False)
# Where cdxj-indexer cuts a Content-Type for the "mime" field (CDXJIndexer.RE_SPACE).
_MIME_END = re.compile(r"[;\s]")
# warcio's digest of a payload it has already read to its end (cdxj-indexer buffers every
# record's content first): what a resource or metadata record without WARC-Payload-Digest gets.
_READ_PAYLOAD_DIGEST = digest(b"", "sha1")


def url_key(url: str) -> str:
    try:
        return surt(url)
    except Exception:  # as cdxj-indexer: a URL surt cannot read is its own key
        return url


def field(record: WarcRecord, name: str) -> str | None:
    """A WARC field as warcio reads it back (white space around the value dropped)."""
    value = record.get(name)
    return value.strip() if value is not None else None


def target_uri(record: WarcRecord) -> str | None:
    """WARC-Target-URI as warcio hands it on: without wget's angle brackets, spaces encoded."""
    uri = field(record, "WARC-Target-URI")
    if uri is not None and uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri.replace(" ", "%20") if uri is not None else None


def http_head(record: WarcRecord, uri: str | None) -> StatusAndHeaders | None:
    """The HTTP head warcio finds in the record's block (None where it looks for none)."""
    if record.type not in _HTTP_RECORDS or not record.block or uri is None or not uri.startswith(_HTTP_SCHEMES):
        return None
    try:
        return _HTTP.parse(BytesIO(record.block))
    except EOFError:
        return None


def indexed(record: WarcRecord) -> bool:
    if record.type not in INDEXED:
        return False
    return not (record.type in ("resource", "metadata") and field(record, "Content-Type") == "application/warc-fields")


def line(record: WarcRecord, ref: WarcRef, request: WarcRecord | None = None) -> str:
    """The index line of one record written at `ref`; `request`: the request record cdxj-indexer
    joins to it (a POST's or PUT's body joins the key)."""
    uri = target_uri(record)
    head = http_head(record, uri)
    entry: dict[str, str | None] = {}
    if uri is not None:
        entry["url"] = uri
    mime = _mime(record, head)
    if mime is not None:
        entry["mime"] = mime
    if head:
        entry["status"] = head.get_statuscode()
    payload_digest = field(record, "WARC-Payload-Digest")
    if payload_digest:
        entry["digest"] = payload_digest
    elif record.type != "revisit":
        entry["digest"] = _READ_PAYLOAD_DIGEST
    entry["length"], entry["offset"], entry["filename"] = str(ref.length), str(ref.offset), ref.file
    key = url_key(uri or "")
    if request is not None and _posted(request):
        joined = _post_append(request)
        if joined is not None:
            key = joined.urlkey
            entry["requestBody"], entry["method"] = joined.requestBody, joined.method
    return f"{key} {iso_date_to_timestamp(field(record, 'WARC-Date'))} {json.dumps(entry)}\n"


class FileLines:
    """The index lines of one WARC file, record after record in the order they are written.

    cdxj-indexer joins a response with the request next to it (either way round, paired by
    WARC-Concurrent-To); a record's line waits for the record after it, or for `finish()`.
    """

    def __init__(self) -> None:
        self._waiting: tuple[WarcRecord, WarcRef] | None = None

    def add(self, records: Sequence[WarcRecord], refs: Sequence[WarcRef]) -> list[str]:
        found: list[str] = []
        for record, ref in zip(records, refs, strict=True):
            waiting, self._waiting = self._waiting, None
            if waiting is None:
                self._waiting = (record, ref)
                continue
            request = _request_of(waiting[0], record)
            if request is None:
                found += self._lines(*waiting)
                self._waiting = (record, ref)
            else:
                found += self._lines(*waiting, request) + self._lines(record, ref, request)
        return found

    def finish(self) -> list[str]:
        waiting, self._waiting = self._waiting, None
        return self._lines(*waiting) if waiting else []

    @staticmethod
    def _lines(record: WarcRecord, ref: WarcRef, request: WarcRecord | None = None) -> list[str]:
        return [line(record, ref, request if record is not request else None)] if indexed(record) else []


def _mime(record: WarcRecord, head: StatusAndHeaders | None) -> str | None:
    if record.type == "revisit":
        return "warc/revisit"
    if record.type == "response":
        value = head.get_header("content-type") if head else None
    else:
        value = field(record, "Content-Type")
    return _MIME_END.split(value, 1)[0].strip() if value else value


def _request_of(first: WarcRecord, second: WarcRecord) -> WarcRecord | None:
    """The request, when cdxj-indexer joins two records in a row: a response and a request (in
    either order) for the same URI, the second concurrent to the first."""
    types = {first.type, second.type}
    if types != {"response", "request"} or target_uri(first) != target_uri(second):
        return None
    if field(second, "WARC-Concurrent-To") != field(first, "WARC-Record-ID"):
        return None
    return first if first.type == "request" else second


def _posted(request: WarcRecord) -> bool:
    """The request line says POST or PUT: only then does `post_append` change the line."""
    first = StatusAndHeadersParser.decode_header(request.block.split(b"\n", 1)[0]).rstrip()
    return first.split(" ", 1)[0].upper() in ("POST", "PUT")


def _post_append(request: WarcRecord) -> SimpleNamespace | None:
    """The key, method and body cdxj-indexer gives the response to a POST or PUT: the request
    record read back by warcio and joined by cdxj-indexer itself (rare: no need to be quick)."""
    # Imported here: cdxj-indexer's form parsers take a third of a second to import (pyamf).
    from cdxj_indexer.bufferiter import buffer_record_content, join_req_resp

    parsed = next(iter(ArchiveIterator(BytesIO(request.to_bytes()), arc2warc=True, verify_http=False)))
    buffer_record_content(parsed)
    response = SimpleNamespace()
    try:
        join_req_resp(parsed, response, post_append=True, url_key_func=url_key)
    finally:
        parsed.buffered_stream.close()
    return response if hasattr(response, "method") else None
