"""The article pages a set of WARC files holds, in the order a crawl's corpus took them in.

A page is a 2xx `response` or `revisit` record (a revisit's body is its original record's) that a
`conversion` record refers to (the crawl made a document of it), or whose URL a site profile calls
an article, or, on a host no profile names, an HTML page that becomes a document if its markup
shows a known news CMS (decided when it is read). Each page carries its conversion record's
fields, among them the URL requested where a redirect led from it to the page (without that
record the page's own URL counts as requested: two requests that end on one URL, one redirected
and one not, look alike in the captures). A page with a conversion record is placed where that
record is, any other where its own record is: conversion records are written in the order the
corpus wrote the documents. A page of a document that has conversion records, but none of its
own, comes after the last of them: a fetch the crawl found unchanged (its record was written
late, after a kill between the corpus and the capture) changes nothing, and a text the crawl
never recorded becomes the next version.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

from harvester.capture.reader import CaptureError, Record, records
from harvester.corpus.conversion import ConversionFields, read_headers
from harvester.corpus.ids import document_id
from harvester.profiles import profile_for_url

logger = logging.getLogger(__name__)

_HTML = ("text/html", "application/xhtml+xml")
Order = tuple[int, int]  # (file index, offset)


@dataclass(frozen=True)
class Conversion:
    """The derived-text record of a page: where it is, and what its header fields say."""

    path: Path
    offset: int
    said: ConversionFields

    @property
    def seq(self) -> int | None:
        return self.said.seq


@dataclass(frozen=True)
class PageCapture:
    """One captured article page and what is known of it before it is read."""

    record: Record
    original: tuple[Path, int] | None  # a revisit's original record
    url: str  # the URL requested
    conversion: Conversion | None
    site: str | None
    kind: str | None
    canonical_url: str
    detect: bool  # on a host no profile names: a document only if its markup shows a known CMS
    order: Order

    @property
    def final_url(self) -> str:
        return self.record.uri

    @property
    def fetched_at(self) -> str:
        """The capture's WARC-Date to the second, as the crawl's manifest has it."""
        return self.record.fields.get("WARC-Date", "")[:19] + "Z"


@dataclass
class Scan:
    """Everything of a set of WARC files a rebuild needs, read in one pass."""

    responses: dict[str, tuple[Order, Record]]  # by record id: 2xx responses and revisits
    by_uri_date: dict[tuple[str, str], Record]  # responses by (URI, WARC-Date), for revisits
    conversions: dict[str, tuple[Order, Conversion]]  # by the record id they refer to
    problems: list[str]


def scan(files: Iterable[Path]) -> Scan:
    found = Scan({}, {}, {}, [])
    for index, path in enumerate(files):
        try:
            for record in records(path, keep_blocks=()):  # texts are read when their page is
                _take(found, (index, record.offset), record)
        except CaptureError as error:
            # What was read before the damage counts; the rest of the file cannot be reached. The
            # caller reports it (the command: one line on stderr), so it is only logged here.
            found.problems.append(str(error))
            logger.info("%s", error)
    return found


def _take(found: Scan, order: Order, record: Record) -> None:
    if record.type in ("response", "revisit") and record.status is not None and 200 <= record.status < 300:
        found.responses[record.record_id] = (order, record)
        if record.type == "response":
            found.by_uri_date[(record.uri, record.fields.get("WARC-Date", ""))] = record
    elif record.type == "conversion" and record.fields.get("WARC-Refers-To"):
        conversion = Conversion(record.path, record.offset, read_headers(record.fields))
        found.conversions.setdefault(record.fields["WARC-Refers-To"], (order, conversion))


def article_pages(found: Scan) -> list[PageCapture]:
    """The article pages, in the order their documents are to be made."""
    pages = []
    for record_id, (order, record) in found.responses.items():
        order, conversion = found.conversions.get(record_id, (order, None))
        page = _page(found, record, conversion, order)
        if page is not None:
            pages.append(page)
    last: dict[str, Order] = {}
    for page in pages:
        if page.conversion is not None:
            doc_id = document_id(page.canonical_url)
            last[doc_id] = max(page.order, last.get(doc_id, page.order))

    def place(page: PageCapture) -> tuple[Order, bool]:
        if page.conversion is not None:
            return page.order, False
        return max(page.order, last.get(document_id(page.canonical_url), page.order)), True

    pages.sort(key=place)
    return pages


def _page(found: Scan, record: Record, conversion: Conversion | None, order: Order) -> PageCapture | None:
    uri = record.uri
    if conversion is not None:
        canonical = conversion.said.canonical_url or urldefrag(uri)[0]
        site, kind, detect = conversion.said.site, conversion.said.kind, False
    else:
        profile = profile_for_url(uri)
        if profile is not None:
            canonical = profile.canonical_url(uri)
            if not profile.is_article(canonical):
                return None
            site, kind, detect = profile.name, profile.kind, False
        else:
            media_type = (record.header("Content-Type") or "").split(";")[0].strip().lower()
            if media_type not in _HTML:
                return None
            canonical, site, kind, detect = urldefrag(uri)[0], None, None, True
    return PageCapture(
        record=record,
        original=_original(found, record),
        url=(conversion.said.requested_url if conversion else None) or uri,
        conversion=conversion,
        site=site,
        kind=kind,
        canonical_url=canonical,
        detect=detect,
        order=order,
    )


def _original(found: Scan, record: Record) -> tuple[Path, int] | None:
    if record.type != "revisit":
        return None
    refers = found.responses.get(record.fields.get("WARC-Refers-To", ""))
    original = refers[1] if refers and refers[1].type == "response" else None
    if original is None:
        key = (record.fields.get("WARC-Refers-To-Target-URI", ""), record.fields.get("WARC-Refers-To-Date", ""))
        original = found.by_uri_date.get(key)
    return (original.path, original.offset) if original else None
