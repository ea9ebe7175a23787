"""Item pipeline that writes each extracted document into the corpus folder.

Settings: CORPUS_ENABLED, CORPUS_DIR; in a distributed crawl (REDIS_URL), DISTRIBUTED_PREFIX and
DISTRIBUTED_WORKER_ID: the documents go to this worker's part, CORPUS_DIR/parts/<worker>/
(corpus/parts.py). A document not in the corpus yet is written under the next number
(`corpus/documents/new`); one whose text changed becomes its next version
(`corpus/documents/changed`); one whose text is the same is not written again
(`corpus/documents/unchanged`). `corpus/documents` counts the files written. The item leaves with
its `outcome` and manifest `entry` set. A document that cannot be written for want of space is
dropped (`corpus/failed/disk_full`) and the disk guard told (signal `write_failed`). The files are
written and fsynced on a writer thread, one document after another in the order they come, so that
waiting for the disk never holds up the crawl.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from harvester import signals as harvester_signals
from harvester.awaitable import result
from harvester.corpus.ids import document_id
from harvester.corpus.manifest import Entry
from harvester.corpus.parts import CorpusPart, part_folder
from harvester.corpus.registry import DocumentRegistry
from harvester.corpus.store import Corpus
from harvester.distributed.config import connect, worker_id
from harvester.extraction.charset import label
from harvester.fetch.errors import disk_full
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)


class CorpusPipeline:
    def __init__(self, crawler: Crawler, folder: Path, open_corpus: Callable[[], Corpus | CorpusPart] | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.folder = folder
        self.open_corpus = open_corpus or partial(Corpus, folder)
        self.corpus: Corpus | CorpusPart | None = None
        # The only thread that touches the corpus once it is open.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="corpus-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusPipeline:
        settings = crawler.settings
        if not settings.getbool("CORPUS_ENABLED"):
            raise NotConfigured
        folder = Path(settings.get("CORPUS_DIR"))
        worker = worker_id(settings)
        if worker is None:
            return cls(crawler, folder)
        # A distributed crawl: this worker's part, numbered by the crawl's shared counter.
        registry = DocumentRegistry(connect(settings), settings.get("DISTRIBUTED_PREFIX"))
        return cls(crawler, folder, partial(CorpusPart, part_folder(folder, worker), registry))

    def open_spider(self) -> None:
        self.corpus = self.open_corpus()

    def close_spider(self) -> None:
        self.writer.shutdown(wait=True)
        if self.corpus is not None:
            self.corpus.close()

    def store(self, doc_id: str, text: bytes, fields: dict[str, Any]) -> tuple[Entry, str]:
        """Runs on the writer thread: the document's manifest entry, and "new", "changed" or "unchanged"."""
        assert self.corpus is not None
        known = self.corpus.get(doc_id)
        if known is None:
            return self.corpus.add(doc_id, text, fields), "new"
        if known.sha256 == hashlib.sha256(text).hexdigest():
            return known, "unchanged"
        return self.corpus.revise(doc_id, text, fields), "changed"

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage) or item.document is None:
            return item
        assert item.text is not None
        try:
            item.entry, item.outcome = await result(
                self.writer.submit(self.store, document_id(item.canonical_url), item.text, entry_fields(item))
            )
        except OSError as error:
            if not disk_full(error):
                raise
            # Nothing half-written stays (atomic writes); the page is fetched again by the next crawl.
            self.stats.inc_value("corpus/failed/disk_full")
            logger.error("Document of %s not written: %s", item.canonical_url, error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)
            raise DropItem(f"not written: {error}", log_level="DEBUG") from error
        self.stats.inc_value(f"corpus/documents/{item.outcome}")
        if item.outcome != "unchanged":
            self.stats.inc_value("corpus/documents")
            logger.info(
                "Document %s v%d %s", item.entry.file, item.entry.version, item.canonical_url, extra={"crawler": self.crawler}
            )
        return item


def entry_fields(item: ArticlePage) -> dict[str, Any]:
    """The manifest fields of an extracted page's document, but seq, id, file and sha256."""
    document = item.document
    assert document is not None
    return {
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
    }


def _charset(encoding: str | None) -> dict[str, str]:
    """The manifest's `charset`: the charset the page came in ('utf-8', 'euc-kr')."""
    return {"charset": label(encoding)} if encoding else {}
