"""`harvester crawl SITE... [--out DIR]`: crawl sites (`all` for every one) into DIR/warc and DIR/corpus.

Sites are crawled one after another in one process, so that they share one corpus numbering.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from harvester.profiles import PROFILES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sites", nargs="+", metavar="SITE", help="profile names (see `harvester sites`), or all")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0"
    )


def resolve_sites(names: list[str]) -> list[str]:
    crawlable = [name for name, profile in PROFILES.items() if profile.sources]
    if "all" in names:
        return crawlable
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise SystemExit(f"harvester crawl: unknown site {', '.join(unknown)}; see `harvester sites`")
    return names


def crawl_settings(out: Path, overrides: list[str] = ()) -> Settings:
    settings = Settings()
    settings.setmodule("harvester.settings", priority="project")
    settings.set("CAPTURE_DIR", str(out / "warc"), priority="cmdline")
    settings.set("CORPUS_DIR", str(out / "corpus"), priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"harvester crawl: -s wants NAME=VALUE, not {item!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def crawl(sites: list[str], settings: Settings) -> dict[str, dict[str, Any]]:
    """Crawl the sites one after another; returns each site's final Scrapy stats."""
    process = AsyncCrawlerProcess(settings)
    # AsyncCrawlerProcess has installed the asyncio reactor: importing it now gets that one.
    from twisted.internet import reactor

    results: dict[str, dict[str, Any]] = {}

    async def one_by_one() -> None:
        try:
            for name in sites:
                crawler = process.create_crawler(name)
                await process.crawl(crawler)
                results[name] = crawler.stats.get_stats()
        finally:
            reactor.callLater(0, reactor.stop)

    deferred_from_coro(one_by_one())
    process.start(stop_after_crawl=False)
    return results


def run(args: argparse.Namespace) -> int:
    results = crawl(resolve_sites(args.sites), crawl_settings(args.out, args.set))
    failed = [name for name, stats in results.items() if stats.get("finish_reason") != "finished"]
    for name in failed:
        print(f"harvester crawl: {name} ended with {results[name].get('finish_reason')}", file=sys.stderr)
    return 1 if failed or len(results) < len(args.sites) and "all" not in args.sites else 0
