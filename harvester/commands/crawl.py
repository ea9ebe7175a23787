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

Exit status (harvester/exitcodes.py): 0 every site finished; 1 a site ended otherwise; 2 refused
(usage, DIR locked); 3 stopped before the end (signal, full disk), to be continued with --resume
(or, for a worker, by the other workers).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from harvester import exitcodes
from harvester.commands.merge_corpus import merge_if_last
from harvester.distributed.addon import report_file
from harvester.distributed.config import distributed, worker_id
from harvester.extraction import dates
from harvester.files import disk_full, write_atomic
from harvester.output import job_dir, output_settings
from harvester.profiles import PROFILES
from harvester.report.extension import read_report
from harvester.report.summary import site_section, summary_line
from harvester.state.disk import output_folders, short_of_space
from harvester.state.jobs import RUNNING, close_job, mark_running, open_job
from harvester.state.lock import LOCK_FILE, FolderLock, OutputLocked
from harvester.state.stopping import StopSignals

logger = logging.getLogger(__name__)

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


def crawl(
    sites: list[str | type[Spider]], settings: Settings, resume: bool = False, stop: StopSignals | None = None
) -> dict[str, dict[str, Any]]:
    """Crawl the sites (profile names, or spider classes) one after another; returns each site's
    final Scrapy stats (a site that could not start has only its `finish_reason`).

    Each site's crawl keeps its job in STATE_DIR/jobs/<site> (resumed with `resume`); the run stops
    at the first site that is stopped before its end, and starts no site once a stop signal came
    (`stop`, installed here when not given). A worker of a distributed crawl has no job: its queue
    is the crawl's, in Redis."""
    if stop is None:
        with StopSignals() as stop:
            return crawl(sites, settings, resume, stop)
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
                if stop.received is not None:
                    break
                name = site if isinstance(site, str) else site.name
                results[name] = await crawl_site(process, site, job_dir(state_dir, name) if jobs else None, resume, stop)
                if results[name].get("finish_reason") in STOPPED or results[name].get("state/disk_full"):
                    break
        finally:
            reactor.callLater(0, reactor.stop)

    stop.run_in(reactor)
    deferred_from_coro(one_by_one())
    process.start(stop_after_crawl=False, install_signal_handlers=False)
    return results


async def crawl_site(
    process: AsyncCrawlerProcess, site: str | type[Spider], job: Path | None, resume: bool, stop: StopSignals
) -> dict[str, Any]:
    """One site's crawl, its job kept or removed as it ends; its final stats."""
    crawler = process.create_crawler(site)
    name = crawler.spidercls.name
    # Before anything is written (the job, the crawl state's database): on a full disk nothing is.
    short = short_of_space(output_folders(crawler.settings), crawler.settings.getint("STATE_MIN_FREE_SPACE"))
    if short:
        logger.error("Disk full: %s; %s is not started (continue it with --resume once there is space)", short, name)
        return {"finish_reason": "disk_full", "state/disk_full": short}
    try:
        if job is not None:
            open_job(job, resume)
            crawler.settings.set("JOBDIR", str(job), priority="cmdline")
            mark_running(job)
        stop.watch(crawler)
        await process.crawl(crawler)
    except Exception as error:  # a component that could not even start: no spider was opened
        if not disk_full(error):
            raise
        logger.error("Disk full: %s could not start (%s); continue it with --resume once there is space", name, error)
        if job is not None and job.exists():
            (job / RUNNING).unlink(missing_ok=True)
        return {"finish_reason": "disk_full", "state/disk_full": f"could not start: {error}"}
    stats = crawler.stats.get_stats()
    if job is not None:
        close_job(job, stats.get("finish_reason"), writes_failed=bool(stats.get("state/disk_full/writes_failed")))
    return stats


# Bytes the report holds from the run's start (JSON padded with spaces): room for a short report
# written over it in place, should the disk fill up.
REPORT_RESERVE = 4096


def reserve_report(path: Path, run_id: str) -> None:
    """Start the run's report, padded: its blocks are the room a short report needs at the end."""
    start = json.dumps({"run": run_id, "sites": {}}).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, start.ljust(REPORT_RESERVE) + b"\n")
    except OSError as error:
        if not disk_full(error):
            raise  # an earlier report, if any, is the room then


def complete_report(path: Path, run_id: str, results: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], bool]:
    """Each site's section of the report, and whether the report holds them. A section the report
    extension could not write (a full disk, a site that could not start) is written here: the
    report in full, else a short one (the finish reasons) in place of the report there is, else a
    line says that the summary printed is all there is."""
    report = read_report(path)
    written = report.get("sites", {}) if report.get("run") == run_id else {}
    sections = {name: written.get(name) or site_section(stats) for name, stats in results.items()}
    if all(name in written for name in results):
        return sections, True
    full = {"run": run_id, "sites": {**written, **sections}}
    short = {"run": run_id, "short": True, "sites": {name: {"finish_reason": s["finish_reason"]} for name, s in sections.items()}}
    try:
        write_atomic(path, (json.dumps(full, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return sections, True
    except OSError as error:
        failure = error
    try:
        # Not atomic: the only write a full disk may still take is one over the file's own blocks.
        data = (json.dumps(short, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(path, os.O_WRONLY)
        try:
            if os.fstat(fd).st_size < len(data):
                raise failure
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        print(f"harvester crawl: {path} could not be written ({failure}); the summary printed is all there is", file=sys.stderr)
        return sections, False
    return sections, True


def where_stopped(sites: list[str], results: dict[str, dict[str, Any]], stop: StopSignals) -> str | None:
    """'(shutdown) during mofa_en', '(disk_full) before mofa_ko', ...: how the run was stopped
    before its end; None if it was not."""
    for name in sites:
        stats = results.get(name)
        if stats is None:
            # Not started: the signal came between two sites.
            return f"(shutdown) before {name}" if stop.received is not None else None
        if stats.get("finish_reason") in STOPPED:
            return f"({stats['finish_reason']}) {'during' if 'start_time' in stats else 'before'} {name}"
        if stats.get("state/disk_full"):
            return f"(disk_full) as {name} ended"  # its last writes (an index, the queue) are to be done again
    return None


def run(args: argparse.Namespace) -> int:
    with StopSignals() as stop:
        return run_until_stopped(args, stop)


def run_until_stopped(args: argparse.Namespace, stop: StopSignals) -> int:
    sites = resolve_sites(args.sites)
    if args.since and dates.parse(args.since) is None:
        print(f"harvester crawl: --since wants a date such as 2024-05-01, not {args.since!r}", file=sys.stderr)
        return exitcodes.REFUSED
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
        return exitcodes.REFUSED
    report_path = Path(settings.get("REPORT_FILE"))
    if worker:
        report_path = report_file(report_path, worker)
    settings.set("REPORT_RUN_ID", settings.get("REPORT_RUN_ID") or str(uuid.uuid4()), priority="cmdline")
    try:
        if settings.getbool("REPORT_ENABLED"):
            reserve_report(report_path, settings.get("REPORT_RUN_ID"))
        results = crawl(sites, settings, resume=args.resume, stop=stop)
    finally:
        lock.release()
    reported = True
    if settings.getbool("REPORT_ENABLED"):
        sections, reported = complete_report(report_path, settings.get("REPORT_RUN_ID"), results)
    else:
        sections = {name: site_section(stats) for name, stats in results.items()}
    for name, section in sections.items():
        print(summary_line(name, section))
    stopped = where_stopped(sites, results, stop) or (None if reported else "(disk_full) as the report was written")
    if stopped is not None:
        again = "the other workers go on, and a worker started again joins them" if worker else "`--resume` continues it"
        print(f"harvester crawl: stopped {stopped}; {again}", file=sys.stderr)
        return exitcodes.STOPPED
    failed = [name for name, stats in results.items() if stats.get("finish_reason") != "finished"]
    for name in failed:
        print(f"harvester crawl: {name} ended with {results[name].get('finish_reason')}", file=sys.stderr)
    if worker and not failed:
        merge_if_last(args.out)
    return exitcodes.FAILED if failed or len(results) < len(sites) else exitcodes.OK
