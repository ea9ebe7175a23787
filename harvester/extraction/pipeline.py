"""Item pipeline that turns an `ArticlePage` into its `Document`.

Settings: EXTRACTION_ENABLED. A page without article text is dropped, logged and counted under
`extraction/failed/<reason>`; its capture stays in the WARC.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from harvester.extraction.extractor import ExtractionError, extract
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        if not crawler.settings.getbool("EXTRACTION_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            item.document = extract(item.body, item.encoding, item.final_url, item.site)
        except ExtractionError as error:
            reason = re.sub(r"\W+", "_", str(error).split(":")[0]).strip("_")
            self.stats.inc_value(f"extraction/failed/{reason}")
            logger.warning("No document from %s: %s", item.url, error, extra={"crawler": self.crawler})
            raise DropItem(f"no document: {error}") from error
        self.stats.inc_value("extraction/documents")
        return item
