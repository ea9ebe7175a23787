"""Item pipeline of `harvester rebuild MANIFEST`, in the corpus pipeline's place: each document
fetched again goes into the new corpus under its old number and id.

The old line is placed first, then the new text goes through the corpus's one rule
(harvester/corpus/store.py): the same text makes the line anew from the new fetch (`unchanged`:
same version); a different text becomes the document's next version, the old one kept as
`NNN_<id>.v<K>.txt` (`changed`, with a diff summary); kept versions of the old corpus are kept too. A line whose page is gone or failed
keeps its old file and line, marked `"rebuild": "gone"` or `"failed"`, so nothing is lost. The spider
(spiders/urllist.py) brings the lines, the folder of their files and the ledger of outcomes.
Settings: CORPUS_DIR.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from harvester.corpus.manifest import Entry, item_fields
from harvester.corpus.store import Corpus
from harvester.items import ArticlePage
from harvester.rebuild.report import text_diff

logger = logging.getLogger(__name__)


class RebuildPipeline:
    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder
        self.corpus: Corpus | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RebuildPipeline:
        pipeline = cls(crawler, Path(crawler.settings.get("CORPUS_DIR")))
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self) -> None:
        self.corpus = Corpus(self.folder)

    def old_text(self, entry: Entry) -> bytes | None:
        """An old line's text, if its file is there with the line's sha256."""
        try:
            text = (Path(self.spider.source) / entry.file).read_bytes()
        except OSError:
            return None
        return text if hashlib.sha256(text).hexdigest() == entry.sha256 else None

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage) or item.document is None or item.previous is None:
            return item
        assert self.corpus is not None
        assert item.text is not None
        old, text = item.previous, item.text
        fields = item_fields(item)
        sha = hashlib.sha256(text).hexdigest()
        old_text = text if sha == old.sha256 else self.old_text(old)
        if old_text is None:
            # The old text is not there to keep: the new one is the next version all the same.
            same = {"seq": old.seq, "id": old.id, "file": old.file, "sha256": sha}
            item.entry = self.corpus.put(Entry(**fields, **same, version=old.version + 1, previous_sha256=old.sha256), text)
            item.outcome = "new"
            self.spider.ledger.record(old, "changed", "the old text is not in the corpus rebuilt from")
            return item
        self.corpus.put(old, old_text)
        stored = self.corpus.store(old.id, text, fields, refresh=True)
        item.entry, item.outcome = stored.entry, stored.outcome
        if stored.outcome == "changed":
            self.spider.ledger.record(old, "changed", diff=text_diff(old_text, text))
        else:
            self.spider.ledger.record(old, "unchanged")
        return item

    def item_dropped(self, item: Any, response: Response, exception: BaseException) -> None:
        if isinstance(item, ArticlePage) and item.previous is not None:
            self.spider.ledger.record(item.previous, "failed", f"no document: {item.skipped or exception}")

    def close_spider(self) -> None:
        assert self.corpus is not None
        ledger = self.spider.ledger
        for entry in self.spider.entries:
            outcome = ledger.get(entry.id)
            if outcome is None:
                redirected = self.spider.redirected.get(entry.id)
                if redirected:
                    ledger.record(entry, "gone", f"redirected off the site to {redirected}")
                else:
                    ledger.record(entry, "failed", "not fetched")
                outcome = ledger.get(entry.id)
            if outcome.status in ("gone", "failed"):
                self._keep(entry, outcome.status)
        for version in self.spider.versions:
            text = self.old_text(version)
            if text is None:
                logger.warning("%s: missing or edited in the corpus rebuilt from; version not kept", version.file)
                continue
            self.corpus.put_version(version, text)
        self.corpus.close()

    def _keep(self, entry: Entry, status: str) -> None:
        assert self.corpus is not None
        text = self.old_text(entry)
        if text is None:
            logger.error("%s (%s): its file is missing or edited in the corpus rebuilt from; not kept", entry.file, status)
            outcome = self.spider.ledger.get(entry.id)
            outcome.detail += "; its old file is missing or edited, so it is not kept"
            return
        marked = Entry(**{**entry.__dict__, "extra": {**entry.extra, "rebuild": status}})
        self.corpus.put(marked, text)
