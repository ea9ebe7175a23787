"""`harvester crawl SITE... [--out DIR]`: crawl sites (`all` for every one) into DIR/warc and DIR/corpus.

Sites are crawled one after another in one process, so that they share one corpus numbering. A
repeated crawl into the same DIR is incremental: lists, feeds and sitemaps are read again when their
profile's recrawl policy says they are due, known articles are not fetched again unless
`--refresh-after DAYS` (or the profile's default, or their feed or sitemap entry) says so, and then
conditionally; a changed text becomes the document's next version. SIGINT or SIGTERM stops the
crawl gracefully whenever it comes, between two sites too (no new requests, pages in flight finish
within STATE_STOP_TIMEOUT, files are closed, the report is written), and `--resume` continues it;
a second one stops it at once. Two crawls of one DIR at once are refused. At the end:
DIR/crawl-report.json (in short if the disk is too full for it) and a summary per site.

With `--redis URL` (or REDIS_URL) the process is one worker of a distributed crawl: the sites'
frontier, crawl state, digest index and document numbers are shared in Redis, the worker writes
its own WARC files and corpus part, and the worker that ends last in DIR merges the parts
(harvester/distributed/, `harvester merge-corpus`).

Exit status: the table of harvester/exitcodes.py, the run's sites' most pressing state (commands/running.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from harvester.commands import UsageError
from harvester.commands.running import Run, run_crawl
from harvester.extraction import dates
from harvester.output import output_settings
from harvester.profiles import PROFILES
from harvester.state.stopping import StopSignals


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sites", nargs="+", metavar="SITE", help="profile names (see `harvester sites`), or all")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    parser.add_argument("--resume", action="store_true", help="continue the crawl that was stopped in DIR")
    parser.add_argument(
        "--refresh-after", type=float, metavar="DAYS", help="fetch known articles again (conditionally) once this old"
    )
    parser.add_argument("--since", metavar="DATE", help="stop paging at list pages older than DATE (YYYY-MM-DD)")
    parser.add_argument("--max-pages", type=int, metavar="N", help="list pages read per list source")
    parser.add_argument(
        "--redis", metavar="URL", help="run as one worker of a distributed crawl sharing redis://HOST:PORT/DB"
    )
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0"
    )


def resolve_sites(names: list[str]) -> list[str]:
    crawlable = [name for name, profile in PROFILES.items() if profile.sources and not profile.replica_only]
    if "all" in names:
        return crawlable
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise UsageError(f"unknown site {', '.join(unknown)}; `harvester sites` lists them")
    return names


def crawl_settings(out: Path, overrides: list[str] = (), **knobs: Any) -> Settings:
    """The settings of a crawl into `out`: the project's, the output folder's, then the knobs given
    (setting name -> value, None: not given), then `-s NAME=VALUE` overrides."""
    settings = Settings()
    settings.setmodule("harvester.settings", priority="project")
    for name, value in output_settings(out).items():
        settings.set(name, value, priority="cmdline")
    for name, value in knobs.items():
        if value is not None:
            settings.set(name, value, priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"-s wants NAME=VALUE, such as -s DOWNLOAD_DELAY=2, not {item!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    with StopSignals() as stop:
        return run_until_stopped(args, stop)


def run_until_stopped(args: argparse.Namespace, stop: StopSignals) -> int:
    sites = resolve_sites(args.sites)
    if args.since and dates.parse(args.since) is None:
        raise UsageError(f"--since wants a date such as 2024-05-01, not {args.since!r}")
    settings = crawl_settings(
        args.out,
        args.set,
        STATE_REFRESH_AFTER=args.refresh_after,
        PROFILE_SINCE=args.since,
        PROFILE_MAX_LIST_PAGES=args.max_pages,
        REDIS_URL=args.redis,
    )
    return run_crawl(Run("crawl", args.out, settings, list(sites), resume=args.resume), stop)
