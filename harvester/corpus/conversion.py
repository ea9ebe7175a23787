"""Conversion records: each document's text beside its capture in the WARCs, with the manifest
fields the text alone does not give, so that the corpus can be made again from the captures alone
(`harvester rebuild --from-warc`). The `Harvester-*` header fields are written and read here only.

The item pipeline writes one for each manifest line the corpus writes from a capture: a new
document, a new version, or a line a rebuild made anew. It runs after the corpus, so its records
come in the order the corpus wrote the lines, and each names the document's number and version.
An unchanged document gets none, unless the one it should have is missing from the captures (a
crawl killed between the corpus and the record): then it is written at last. Without a corpus, a
document whose identical text is already captured for its URL is not written again. A record that
cannot be written for want of space drops its item (the disk guard is told: signal `write_failed`).
Settings: CAPTURE_ENABLED, CAPTURE_CONVERSIONS.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from harvester import signals as harvester_signals

from harvester.capture.middleware import CaptureMiddleware
from harvester.corpus.ids import document_id
from harvester.corpus.manifest import Entry, item_fields
from harvester.extraction.extractor import EXTRACTOR
from harvester.files import disk_full
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)

# Manifest fields carried as header fields, and their names.
_TEXT_FIELDS = {
    "canonical_url": "Harvester-Canonical-URI",
    "site": "Harvester-Site",
    "kind": "Harvester-Kind",
    "language": "Harvester-Language",
    "published": "Harvester-Published",
    "modified": "Harvester-Modified",
}
_REQUESTED = "Harvester-Requested-URI"
_AUTHORS = "Harvester-Authors"
# The fields generic extraction gave (the manifest's `fallback`), for a rebuild from this text.
_FALLBACK = "Harvester-Fallback"
_SEQ = "Harvester-Seq"
_VERSION = "Harvester-Version"


def conversion_headers(fields: Mapping[str, Any], seq: int | None = None, version: int | None = None) -> list[tuple[str, str]]:
    """The header fields of a document's conversion record, from its manifest fields (and its
    number and version, once the corpus gave them), as ASCII WARC header fields."""
    headers = {
        "Harvester-Extractor": EXTRACTOR,
        "Harvester-Document-Id": document_id(fields["canonical_url"]),
        "Harvester-Canonical-URI": fields["canonical_url"],
        # The URL requested, when a redirect led from it to the page (the captures cannot tell
        # which of two requests that end on one URL gave the page).
        _REQUESTED: fields["url"] if fields["url"] != fields["final_url"] else None,
        **{name: fields.get(field) for field, name in _TEXT_FIELDS.items() if field != "canonical_url"},
        _AUTHORS: json.dumps(list(fields["authors"])) if fields.get("authors") else None,
        _FALLBACK: ",".join(fields.get("extra", {}).get("fallback", ())) or None,
        _SEQ: str(seq) if seq is not None else None,
        _VERSION: str(version) if version is not None else None,
    }
    return [(name, value) for name, value in headers.items() if value]


@dataclass(frozen=True)
class ConversionFields:
    """What a conversion record's header fields say of its document."""

    canonical_url: str | None
    requested_url: str | None
    site: str | None
    kind: str | None
    language: str | None
    published: str | None
    modified: str | None
    authors: list[str]
    fallback: list[str]
    seq: int | None
    version: int | None


def read_headers(headers: Mapping[str, str]) -> ConversionFields:
    """`conversion_headers` read back from a record's header fields."""

    def get(name: str) -> str | None:
        return headers.get(name) or None

    def number(name: str) -> int | None:
        value = get(name)
        return int(value) if value and value.isdigit() else None

    text = {field: get(name) for field, name in _TEXT_FIELDS.items()}
    return ConversionFields(
        **text,
        requested_url=get(_REQUESTED),
        authors=json.loads(get(_AUTHORS) or "[]"),
        fallback=(get(_FALLBACK) or "").split(",") if get(_FALLBACK) else [],
        seq=number(_SEQ),
        version=number(_VERSION),
    )


class ConversionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.capture: CaptureMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConversionPipeline:
        settings = crawler.settings
        if not (settings.getbool("CAPTURE_ENABLED") and settings.getbool("CAPTURE_CONVERSIONS")):
            raise NotConfigured
        return cls(crawler)

    def open_spider(self) -> None:
        # The downloader's middlewares exist once the engine does, not when pipelines are made.
        self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)

    async def process_item(self, item: Any) -> Any:
        try:
            await self._write(item)
        except OSError as error:
            if not disk_full(error):
                raise
            # Dropped, its page is not settled in the crawl state: the next crawl fetches it again,
            # finds its document unchanged and writes the record then.
            logger.error("Conversion record of %s not written: %s", item.canonical_url, error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
            raise DropItem(f"conversion record not written: {error}", log_level="DEBUG") from error
        return item

    async def _write(self, item: Any) -> None:
        if self.capture is None or not isinstance(item, ArticlePage) or item.text is None or item.warc is None:
            return
        entry: Entry | None = item.entry
        if entry is None:
            # No corpus: the page's own capture, and only a text not captured for the URL before.
            headers = conversion_headers(item_fields(item))
            await self.capture.write_conversion(item.final_url, item.text, item.warc.record_id, headers)
            return
        written_now = entry.warc == item.warc
        if entry.warc is None or (not written_now and self.capture.dedup is None):
            # Without a digest index, a missing record cannot be told from one written before.
            return
        # The line names this capture: the corpus wrote it now. Else the document is unchanged and
        # its record was written with its line, unless a kill came in between: it is written if
        # the captures lack it. Queued on the writer thread at once (no await before), so in the
        # corpus's order.
        await self.capture.write_conversion(
            entry.final_url,
            item.text,
            entry.warc.record_id,
            conversion_headers(vars(entry), entry.seq, entry.version),
            # A text the corpus just wrote is recorded even if an older capture had it (a reverted edit).
            dedup=not written_now,
        )
