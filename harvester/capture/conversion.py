"""Item pipeline that writes each extracted document into the WARCs as a `conversion` record.

The record holds the document text exactly as the corpus file has it, `WARC-Refers-To` the capture
of the page it was extracted from, and says which extractor made it and where the corpus put it
(number and version), so the corpus can be rebuilt from the WARCs alone (`harvester rebuild
--from-warc`). It runs after the corpus, so its records come in the order the corpus wrote the
documents: one for each new document and new version, none for an unchanged one. Without a corpus,
a document whose identical text is already captured for its URL is not written again. Settings:
CAPTURE_ENABLED, CAPTURE_CONVERSIONS.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from harvester.capture.middleware import CaptureMiddleware
from harvester.corpus.ids import document_id
from harvester.extraction.extractor import EXTRACTOR
from harvester.items import ArticlePage


def conversion_fields(item: ArticlePage) -> list[tuple[str, str]]:
    """The manifest fields the text alone does not give, as ASCII WARC header fields."""
    document = item.document
    assert document is not None
    fields = {
        "Harvester-Extractor": EXTRACTOR,
        "Harvester-Document-Id": document_id(item.canonical_url),
        "Harvester-Canonical-URI": item.canonical_url,
        # The URL requested, when a redirect led from it to the page (the captures cannot tell
        # which of two requests that end on one URL gave the page).
        "Harvester-Requested-URI": item.url if item.url != item.final_url else None,
        "Harvester-Site": item.site,
        "Harvester-Kind": item.kind,
        "Harvester-Language": document.language,
        "Harvester-Published": document.published,
        "Harvester-Modified": document.modified,
        "Harvester-Authors": json.dumps(list(document.authors)) if document.authors else None,
        # The fields generic extraction gave (the manifest's `fallback`), for a rebuild from this text.
        "Harvester-Fallback": ",".join(document.fallback) or None,
    }
    if item.entry is not None:
        fields["Harvester-Seq"] = str(item.entry.seq)
        fields["Harvester-Version"] = str(item.entry.version)
    return [(name, value) for name, value in fields.items() if value]


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
        if self.capture is None or not isinstance(item, ArticlePage) or item.text is None or item.warc is None:
            return item
        if item.outcome == "unchanged":
            return item
        # Queued on the capture writer thread at once (no await before), so in the corpus's order.
        await self.capture.write_conversion(
            item.final_url,
            item.text,
            item.warc.record_id,
            conversion_fields(item),
            # A text the corpus just wrote is recorded even if an older capture had it (a reverted edit).
            dedup=item.outcome is None,
        )
        return item
