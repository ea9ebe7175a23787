"""Item pipeline that turns an `ArticlePage` into its `Document`.

Settings: EXTRACTION_ENABLED. A page without article text (empty, binary, not HTML, a bot wall, cut
short) is dropped, logged and counted under `extraction/failed/<reason>`; its capture stays in the
WARC. A page whose declared charset is wrong or missing is read in the one its bytes are in,
counted under `extraction/charset/<note>`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from harvester.extraction import charset, checks
from harvester.extraction.extractor import ExtractionError, extract
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def reason_key(message: str) -> str:
    """'bot wall: the page says ...' -> 'bot_wall'."""
    return re.sub(r"\W+", "_", message.split(":")[0]).strip("_")


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
            if item.truncated:
                raise ExtractionError(f"truncated: the page was cut short ({item.truncated})")
            media_type = (item.content_type or "text/html").split(";")[0].strip().lower()
            if media_type not in _HTML_TYPES:
                raise ExtractionError(f"not html: the page is {media_type}")
            if checks.binary(item.body):
                raise ExtractionError(f"binary content: sent as {media_type}")
            encoding, note = charset.settle(item.body, item.content_type)
            if note:
                self.stats.inc_value(f"extraction/charset/{note}")
                logger.info("%s: charset %s (%s)", item.url, encoding, note, extra={"crawler": self.crawler})
            item.encoding = encoding
            item.document = extract(item.body, encoding, item.final_url, item.site)
        except ExtractionError as error:
            item.skipped = reason_key(str(error))
            self.stats.inc_value(f"extraction/failed/{item.skipped}")
            logger.warning("No document from %s: %s", item.url, error, extra={"crawler": self.crawler})
            # Logged above, once: Scrapy's own "Dropped" line is kept to DEBUG.
            raise DropItem(f"no document: {error}", log_level="DEBUG") from error
        self.stats.inc_value("extraction/documents")
        return item
