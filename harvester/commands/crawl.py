"""`harvester crawl SITE... [--out DIR]`: crawl sites (`all` for every one) into DIR/warc and DIR/corpus.

Sites are crawled one after another in one process, so that they share one corpus numbering. A
repeated crawl into the same DIR is incremental: lists, feeds and sitemaps are read again when their
profile's recrawl policy says they are due, known articles are not fetched again unless
`--refresh-after DAYS` (or the profile's default, or their feed or sitemap entry) says so, and then
conditionally; a changed text becomes the document's next version. SIGINT or SIGTERM stops the
crawl gracefully (in-flight pages finish, files are closed), and `--resume` continues it. Two
crawls of one DIR at once are refused. At the end: DIR/crawl-report.json and a summary per site.

With `--redis URL` (or REDIS_URL) the process is one worker of a distributed crawl: the sites'
frontier, crawl state, digest index and document numbers are shared in Redis, the worker writes
its own WARC files and corpus part, and the worker that ends last in DIR merges the parts
(harvester/distributed/, `harvester merge-corpus`).

Exit status (harvester/exitcodes.py): 0 every site finished; 1 a site ended otherwise or had
requests that failed for good; 2 refused (usage, DIR locked); 3 stopped before the end (signal, full
disk), to be continued with --resume (or, for a worker, by the other workers); 5 a site refused the
crawl; 6 a site's profile looks out of date (the report's `drift`).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from harvester.commands.merge_corpus import merge_if_last
from harvester.distributed.addon import report_file
from harvester.distributed.config import distributed, worker_id
from harvester.extraction import dates
from harvester.output import job_dir, output_settings
from harvester.profiles import PROFILES
from harvester.report.extension import read_report
from harvester import exitcodes
from harvester.report.summary import exit_code, site_section, summary_line
from harvester.state.jobs import close_job, mark_running, open_job, remove_job
from harvester.state.lock import LOCK_FILE, FolderLock, OutputLocked

# Finish reasons after which the run stops instead of going on to the next site.
STOPPED = ("shutdown", "disk_full")


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
        raise SystemExit(f"harvester crawl: unknown site {', '.join(unknown)}; see `harvester sites`")
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
        if not sep:
            raise SystemExit(f"harvester crawl: -s wants NAME=VALUE, not {item!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def crawl(sites: list[str | type[Spider]], settings: Settings, resume: bool = False) -> dict[str, dict[str, Any]]:
    """Crawl the sites (profile names, or spider classes) one after another; returns each site's
    final Scrapy stats.

    Each site's crawl keeps its job in STATE_DIR/jobs/<site> (resumed with `resume`); the run stops
    at the first site that is stopped before its end. A worker of a distributed crawl has no job:
    its queue is the crawl's, in Redis."""
    settings.set("REPORT_RUN_ID", settings.get("REPORT_RUN_ID") or str(uuid.uuid4()), priority="cmdline")
    state_dir = Path(settings.get("STATE_DIR"))
    jobs = not distributed(settings)
    process = AsyncCrawlerProcess(settings)
    # AsyncCrawlerProcess has installed the asyncio reactor: importing it now gets that one.
    from twisted.internet import reactor

    results: dict[str, dict[str, Any]] = {}

    async def one_by_one() -> None:
        try:
            for site in sites:
                crawler = process.create_crawler(site)
                name = site if isinstance(site, str) else site.name
                job = job_dir(state_dir, name)
                if jobs:
                    open_job(job, resume)
                    crawler.settings.set("JOBDIR", str(job), priority="cmdline")
                    mark_running(job)

                # In the spider's close, not after the crawl: on a signal the reactor stops right after.
                def closed(reason: str, name: str = name, crawler: Crawler = crawler, job: Path = job) -> None:
                    results[name] = crawler.stats.get_stats()
                    if jobs:
                        close_job(job, reason)

                crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
                await process.crawl(crawler)
                reason = results.get(name, {}).get("finish_reason")
                if reason == "finished" and jobs:
                    remove_job(job)  # nothing left to resume
                if reason in STOPPED:
                    break
        finally:
            reactor.callLater(0, reactor.stop)

    deferred_from_coro(one_by_one())
    process.start(stop_after_crawl=False)
    return results


def run(args: argparse.Namespace) -> int:
    sites = resolve_sites(args.sites)
    if args.since and dates.parse(args.since) is None:
        print(f"harvester crawl: --since wants a date such as 2024-05-01, not {args.since!r}", file=sys.stderr)
        return 2
    settings = crawl_settings(
        args.out,
        args.set,
        STATE_REFRESH_AFTER=args.refresh_after,
        PROFILE_SINCE=args.since,
        PROFILE_MAX_LIST_PAGES=args.max_pages,
        REDIS_URL=args.redis,
    )
    worker = worker_id(settings)
    if worker:
        # One name for every component of this worker (the default is made of the process id).
        settings.set("DISTRIBUTED_WORKER_ID", worker, priority="cmdline")
    lock = FolderLock(Path(settings.get("STATE_DIR")) / LOCK_FILE, shared=worker is not None)
    try:
        lock.acquire()
    except OutputLocked as error:
        print(f"harvester crawl: {error}", file=sys.stderr)
        return 2
    try:
        results = crawl(sites, settings, resume=args.resume)
    finally:
        lock.release()
    report_path = Path(settings.get("REPORT_FILE"))
    report = read_report(report_file(report_path, worker) if worker else report_path)
    for name, section in report.get("sites", {}).items():
        if name in results:
            print(summary_line(name, section))
    stopped = [name for name, stats in results.items() if stats.get("finish_reason") in STOPPED]
    if stopped:
        reason = results[stopped[0]]["finish_reason"]
        again = "the other workers go on, and a worker started again joins them" if worker else "`--resume` continues it"
        print(f"harvester crawl: stopped ({reason}) during {stopped[0]}; {again}", file=sys.stderr)
        return 3
    failed = [name for name, stats in results.items() if stats.get("finish_reason") != "finished"]
    for name in failed:
        print(f"harvester crawl: {name} ended with {results[name].get('finish_reason')}", file=sys.stderr)
    if worker and not failed:
        merge_if_last(args.out)
    # Each site's code as its report section gives it (from its stats when no report was written).
    codes = [exit_code(report.get("sites", {}).get(name) or site_section(stats)) for name, stats in results.items()]
    return exitcodes.outcome(codes + [exitcodes.FAILED] * (len(results) < len(sites)))
