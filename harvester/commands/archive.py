"""`harvester archive SEED_URL... [--depth N] [--scope host|domain|prefix] [--max-pages N]
[--max-bytes SIZE] [--out DIR]`: capture a site.

Every page in scope goes into DIR/warc, and each page with article text into DIR/corpus as a
document: for sites no profile knows. Crawler traps (calendars, path loops, session ids, very long
URLs) are avoided and listed in DIR/reports/skipped.jsonl (spiders/traps.py). `--max-pages` and
`--max-bytes` bound the whole crawl (Scrapy's CLOSESPIDER_PAGECOUNT, FETCH_MAX_CRAWL_BYTES); the
report's finish reason says which ended it. Politeness, robots.txt and every other setting are the
harvester's; `-s NAME=VALUE` overrides one.

Exit status: 0 the crawl finished or reached its limit; 1 it ended otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess

from harvester.commands.crawl import crawl_settings
from harvester.fetch.budget import FINISH_REASON as MAX_BYTES
from harvester.spiders.archive import SCOPES, ArchiveSpider, Scope

# Finish reasons of a crawl that reached the limit it was given, and the option that set it.
LIMITS = {"closespider_pagecount": "--max-pages", MAX_BYTES: "--max-bytes"}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def size(text: str) -> int:
    """A size in bytes from '500000', '200k', '1.5G', '10MiB' (units of 1024).

    >>> size("1.5G"), size("200k"), size("10MiB"), size("500000")
    (1610612736, 204800, 10485760, 500000)
    """
    match = _SIZE.fullmatch(text.strip())
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"a size such as 500M or 2G, not {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def positive(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"a number of pages above 0, not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("seeds", nargs="+", metavar="SEED_URL", help="where to start")
    parser.add_argument("--depth", type=int, default=0, help="link hops to follow from a seed (default 0: no limit)")
    parser.add_argument("--scope", choices=SCOPES, default="host", help="which URLs to capture (default: host)")
    parser.add_argument("--max-pages", type=positive, metavar="N", help="stop after N responses (pages, requisites, robots.txt)")
    parser.add_argument("--max-bytes", type=size, metavar="SIZE", help="stop after SIZE bytes received, e.g. 500M, 2G")
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
    settings = crawl_settings(
        args.out, args.set, CLOSESPIDER_PAGECOUNT=args.max_pages, FETCH_MAX_CRAWL_BYTES=args.max_bytes
    )
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ArchiveSpider)
    process.crawl(crawler, seeds=args.seeds, scope=args.scope, max_depth=args.depth)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    if reason in LIMITS:
        print(f"harvester archive: ended at its limit ({LIMITS[reason]}, finish reason {reason})")
        return 0
    if reason != "finished":
        print(f"harvester archive: ended with {reason}", file=sys.stderr)
        return 1
    return 0
