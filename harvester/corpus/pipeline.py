"""Item pipeline that writes each extracted document into the corpus folder.

Settings: CORPUS_ENABLED, CORPUS_DIR. Documents already in the corpus (same id) are skipped and
counted under `corpus/skipped/known`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from harvester.corpus.ids import document_id
from harvester.corpus.store import Corpus
from harvester.extraction.charset import label
from harvester.extraction.render import encode
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)


class CorpusPipeline:
    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.folder = folder
        self.corpus: Corpus | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusPipeline:
        if not crawler.settings.getbool("CORPUS_ENABLED"):
            raise NotConfigured
        return cls(crawler, Path(crawler.settings.get("CORPUS_DIR")))

    def open_spider(self) -> None:
        self.corpus = Corpus(self.folder)

    def close_spider(self) -> None:
        if self.corpus is not None:
            self.corpus.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage) or item.document is None:
            return item
        assert self.corpus is not None
        doc_id = document_id(item.canonical_url)
        if doc_id in self.corpus:
            self.stats.inc_value("corpus/skipped/known")
            raise DropItem(f"already in the corpus: {item.canonical_url}")
        document = item.document
        entry = self.corpus.add(
            doc_id,
            encode(document),
            {
                "url": item.url,
                "final_url": item.final_url,
                "canonical_url": item.canonical_url,
                "site": item.site,
                "kind": item.kind,
                "title": document.title,
                "published": document.published,
                "modified": document.modified,
                "authors": list(document.authors),
                "language": document.language,
                "fetched_at": item.fetched_at,
                "warc": item.warc,
                # Fields beyond the format's own: an archive copy's original_url, the page charset.
                "extra": {**document.extra, **_charset(item.encoding)},
            },
        )
        self.stats.inc_value("corpus/documents")
        logger.info("Document %s %s", entry.file, item.canonical_url, extra={"crawler": self.crawler})
        return item


def _charset(encoding: str | None) -> dict[str, str]:
    """The manifest's `charset`: the charset the page came in ('utf-8', 'euc-kr')."""
    return {"charset": label(encoding)} if encoding else {}
