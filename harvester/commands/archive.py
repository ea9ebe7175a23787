"""`harvester archive SEED_URL... [--depth N] [--scope host|domain|prefix] [--out DIR]`: capture a site.

Every page in scope goes into DIR/warc, and each page with article text into DIR/corpus as a
document: for sites no profile knows. Politeness, robots.txt and every other setting are the harvester's;
`-s NAME=VALUE` overrides one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess

from harvester.commands.crawl import crawl_settings
from harvester.spiders.archive import SCOPES, ArchiveSpider, Scope


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("seeds", nargs="+", metavar="SEED_URL", help="where to start")
    parser.add_argument("--depth", type=int, default=0, help="link hops to follow from a seed (default 0: no limit)")
    parser.add_argument("--scope", choices=SCOPES, default="host", help="which URLs to capture (default: host)")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0"
    )


def run(args: argparse.Namespace) -> int:
    try:
        for seed in args.seeds:
            Scope(seed, args.scope)
    except ValueError as error:
        raise SystemExit(f"harvester archive: {error}") from None
    process = AsyncCrawlerProcess(crawl_settings(args.out, args.set))
    crawler = process.create_crawler(ArchiveSpider)
    process.crawl(crawler, seeds=args.seeds, scope=args.scope, max_depth=args.depth)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    if reason != "finished":
        print(f"harvester archive: ended with {reason}", file=sys.stderr)
        return 1
    return 0
