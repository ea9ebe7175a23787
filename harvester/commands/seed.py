"""`harvester seed SITE... --redis URL [--fresh]`: queue the start requests of a distributed crawl.

The sites' start requests go into the crawl's shared queue in Redis, and nothing is crawled.
Workers (`harvester crawl SITE... --redis URL`, on any machine) then crawl from the shared queue;
without a seed, the first worker to start queues them. A site whose run is seeded or running
already is left as it is; `--fresh` first drops its run (queue, seen requests, leases) and starts
a new one. Settings as for crawl (-s NAME=VALUE; DISTRIBUTED_PREFIX names the crawl's keys).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler

from harvester.commands import UsageError
from harvester.commands.crawl import crawl_settings, resolve_sites
from harvester.distributed.config import connect, unreachable
from harvester.distributed.frontier import Frontier
from harvester.profiles import PROFILES
from harvester.spiders.profile import ProfileSpider


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sites", nargs="+", metavar="SITE", help="profile names (see `harvester sites`), or all")
    parser.add_argument("--redis", metavar="URL", required=True, help="the crawl's Redis, redis://HOST:PORT/DB")
    parser.add_argument("--fresh", action="store_true", help="drop the sites' runs first, and seed new ones")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting, e.g. -s DISTRIBUTED_PREFIX=x"
    )


async def start_requests(spider: ProfileSpider) -> list[Request]:
    return [request async for request in spider.start() if isinstance(request, Request)]


def run(args: argparse.Namespace) -> int:
    settings = crawl_settings(Path("."), args.set, REDIS_URL=args.redis)
    sites = resolve_sites(args.sites)
    if problem := unreachable(settings):
        raise UsageError(problem)
    server = connect(settings)
    for name in sites:
        # A spider of a crawler that never runs: its start requests read the crawl's settings.
        spider_class = ProfileSpider.for_profile(PROFILES[name])
        spider = spider_class.from_crawler(Crawler(spider_class, settings))
        frontier = Frontier(
            server, settings.get("DISTRIBUTED_PREFIX"), spider, "seed", settings.getfloat("DISTRIBUTED_WORKER_TIMEOUT")
        )
        if args.fresh:
            frontier.reset()
        frontier.start_requests = asyncio.run(start_requests(spider))
        if frontier.seed_if_unclaimed():
            print(f"{name}: {len(frontier.start_requests)} start requests queued")
        else:
            print(f"{name}: a run is {frontier.status()} already; left as it is (--fresh starts a new one)")
    return 0
