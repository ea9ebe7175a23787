"""scrapy-plain: the bench site crawled by a bare Scrapy spider, with no capture and no extraction.

The same link following as the harvester (list rows to articles, the pager to list pages) on the
same settings: the framework's own cost per page. `python bench/plain_spider.py --stats FILE`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response

from harvester import settings as harvester_settings
from largesite import CRAWL_SETTINGS, START_URL


class PlainSpider(scrapy.Spider):
    name = "plain"
    allowed_domains = ["www.mofa.go.kr"]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(START_URL, callback=self.parse)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css(".board_list a::attr(href)").getall():
            if "view.do?" in href:
                yield response.follow(href, callback=self.parse_article)
        for href in response.css(".paging a::attr(href)").getall():
            if "list.do?" in href:
                yield response.follow(href, callback=self.parse)

    def parse_article(self, response: Response) -> None:
        self.crawler.stats.inc_value("bench/articles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stats", type=Path, required=True, help="where to write the crawl's stats (JSON)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    args = parser.parse_args()
    settings: dict[str, Any] = {
        **CRAWL_SETTINGS,
        "USER_AGENT": "Mozilla/5.0 (compatible; bench)",
        # The framework tuning the harvester ships, so that both run the same framework.
        "CONCURRENT_ITEMS": harvester_settings.CONCURRENT_ITEMS,
    }
    settings.update(item.split("=", 1) for item in args.set)
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(PlainSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    args.stats.write_text(json.dumps({"pages": stats.get("bench/articles", 0), **stats}, default=str))


if __name__ == "__main__":
    main()
