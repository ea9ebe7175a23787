"""A crawl run as `harvester crawl`, `harvester archive` and `harvester demo` make it: the output
folder's lock, the sites one after another in one process (each with its job for `--resume`), the
stop signals, the report, a summary on stdout, and the exit code (harvester/exitcodes.py).

On a terminal the log scrolls above one live progress line per site (report/terminal.py);
elsewhere (cron, a pipe) the log is Scrapy's, with the progress lines in it.
"""

from __future__ import annotations

import logging
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.defer import deferred_from_coro

from harvester import exitcodes
from harvester.capture.middleware import FINISH_REASON as CAPTURE_FAILED
from harvester.commands import UsageError
from harvester.commands.merge_corpus import merge_if_last
from harvester.corpus.manifest import MANIFEST, count_lines
from harvester.distributed.addon import report_file
from harvester.distributed.config import distributed, unreachable, worker_id
from harvester.files import disk_full
from harvester.output import NotWritable, job_dir, writable_folder
from harvester.report import terminal
from harvester.report.extension import complete_report, reserve_report
from harvester.report.summary import exit_code, site_section, summary_line
from harvester.state.disk import output_folders, short_of_space
from harvester.state.jobs import RUNNING, close_job, mark_running, open_job
from harvester.state.lock import LOCK_FILE, FolderLock, OutputLocked
from harvester.state.stopping import StopSignals

logger = logging.getLogger(__name__)

# Finish reasons after which the run stops instead of going on to the next site.
STOPPED = ("shutdown", "disk_full", CAPTURE_FAILED)


def crawl(
    sites: list[str | type[Spider]],
    settings: Settings,
    resume: bool = False,
    stop: StopSignals | None = None,
    arguments: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the sites (profile names, or spider classes) one after another; returns each site's
    final Scrapy stats (a site that could not start has only its `finish_reason`). `arguments`
    gives a site's spider its arguments, by the site's name.

    Each site's crawl keeps its job in STATE_DIR/jobs/<site> (resumed with `resume`); the run stops
    at the first site that is stopped before its end, and starts no site once a stop signal came
    (`stop`, installed here when not given). A worker of a distributed crawl has no job: its queue
    is the crawl's, in Redis."""
    if stop is None:
        with StopSignals() as stop:
            return crawl(sites, settings, resume, stop, arguments)
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
                job = job_dir(state_dir, name) if jobs else None
                results[name] = await crawl_site(process, site, job, resume, stop, (arguments or {}).get(name, {}))
                if results[name].get("finish_reason") in STOPPED or results[name].get("state/disk_full"):
                    break
        finally:
            reactor.callLater(0, reactor.stop)

    stop.run_in(reactor)
    deferred_from_coro(one_by_one())
    process.start(stop_after_crawl=False, install_signal_handlers=False)
    return results


async def crawl_site(
    process: AsyncCrawlerProcess,
    site: str | type[Spider],
    job: Path | None,
    resume: bool,
    stop: StopSignals,
    arguments: dict[str, Any],
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
        await process.crawl(crawler, **arguments)
    except Exception as error:  # a component that could not even start: no spider was opened
        if not disk_full(error):
            raise
        logger.error("Disk full: %s could not start (%s); continue it with --resume once there is space", name, error)
        if job is not None and job.exists():
            (job / RUNNING).unlink(missing_ok=True)
        return {"finish_reason": "disk_full", "state/disk_full": f"could not start: {error}"}
    stats = crawler.stats.get_stats()
    if job is not None:
        writes_failed = stats.get("state/disk_full/writes_failed") or stats.get("capture/writes_failed")
        close_job(job, stats.get("finish_reason"), writes_failed=bool(writes_failed))
    return stats


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


@dataclass
class Run:
    """What a command asks of a crawl run."""

    command: str  # "crawl", "archive", "demo": names the run in its messages
    out: Path
    settings: Settings
    sites: list[str | type[Spider]]
    arguments: dict[str, dict[str, Any]] = field(default_factory=dict)  # spider arguments by site name
    resume: bool = False


def run_crawl(run: Run, stop: StopSignals) -> int:
    """Crawl the run's sites under the folder's lock; report, summarise; the exit code."""
    settings = run.settings
    try:
        writable_folder(run.out)
    except NotWritable as error:
        raise UsageError(f"{error}: give --out a folder it can write to") from None
    if distributed(settings) and (problem := unreachable(settings)):
        raise UsageError(problem)
    worker = worker_id(settings)
    if worker:
        # One name for every component of this worker (the default is made of the process id).
        settings.set("DISTRIBUTED_WORKER_ID", worker, priority="cmdline")
    lock = FolderLock(Path(settings.get("STATE_DIR")) / LOCK_FILE, shared=worker is not None)
    try:
        lock.acquire()
    except OutputLocked as error:
        print(f"harvester {run.command}: {error}", file=sys.stderr)
        return exitcodes.REFUSED
    report_path = Path(settings.get("REPORT_FILE"))
    if worker:
        report_path = report_file(report_path, worker)
    settings.set("REPORT_RUN_ID", settings.get("REPORT_RUN_ID") or str(uuid.uuid4()), priority="cmdline")
    corpus_before = count_lines(Path(settings.get("CORPUS_DIR")) / MANIFEST)
    try:
        if settings.getbool("REPORT_ENABLED"):
            reserve_report(report_path, settings.get("REPORT_RUN_ID"))
        results = _crawl_showing_progress(run, stop)
    finally:
        lock.release()
    reported = True
    if settings.getbool("REPORT_ENABLED"):
        sections, reported = complete_report(report_path, settings.get("REPORT_RUN_ID"), results)
    else:
        sections = {name: site_section(stats) for name, stats in results.items()}
    for name, section in sections.items():
        print(summary_line(name, section))
    codes = [exit_code(section) for section in sections.values()]
    names = [site if isinstance(site, str) else site.name for site in run.sites]
    stopped = where_stopped(names, results, stop) or (None if reported else "(disk_full) as the report was written")
    if stopped is not None:
        again = "the other workers go on, and a worker started again joins them" if worker else "`--resume` continues it"
        print(f"harvester {run.command}: stopped {stopped}; {again}", file=sys.stderr)
        codes.append(exitcodes.DISK_FULL if "(disk_full)" in stopped else exitcodes.STOPPED)
    elif len(results) < len(names):
        codes.append(exitcodes.FAILED)
    for name, section in sections.items():
        if section["finish_reason"] not in ("finished", *STOPPED):
            print(f"harvester {run.command}: {name} ended with {section['finish_reason']}", file=sys.stderr)
    code = exitcodes.outcome(codes)
    if worker and code == exitcodes.OK:
        merge_if_last(run.out)
    print(run_summary(run, sections, corpus_before, report_path if reported and settings.getbool("REPORT_ENABLED") else None))
    return code


def run_summary(run: Run, sections: dict[str, dict[str, Any]], corpus_before: int, report: Path | None) -> str:
    """The run's last line: where its outputs are, and how large the corpus is now."""
    settings = run.settings
    new = sum(section.get("documents", {}).get("new", 0) for section in sections.values())
    changed = sum(section.get("documents", {}).get("changed", 0) for section in sections.values())
    corpus = Path(settings.get("CORPUS_DIR"))
    total = count_lines(corpus / MANIFEST)
    parts = [
        f"harvester {run.command}: output in {run.out}",
        f"corpus {corpus}: {total} documents ({new} new, {changed} changed, {corpus_before} there before)",
        f"captures {settings.get('CAPTURE_DIR')}",
    ]
    if report is not None:
        parts.append(f"report {report}")
    skipped = Path(settings.get("REPORT_SKIPPED_FILE") or "")
    if settings.get("REPORT_SKIPPED_FILE") and skipped.exists():
        parts.append(f"skipped URLs {skipped}")
    return "; ".join(parts)


def _crawl_showing_progress(run: Run, stop: StopSignals) -> dict[str, dict[str, Any]]:
    settings = run.settings
    if not terminal.wanted(settings):
        return crawl(run.sites, settings, run.resume, stop, run.arguments)
    # The log goes through the live display's handler instead of Scrapy's; the progress, each second.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.set("REPORT_PROGRESS_INTERVAL", 1.0, priority="cmdline")
    # A person at a terminal reads the live lines; the log above them, warnings and errors, unless
    # a log level was asked for.
    asked = (settings.getpriority("LOG_LEVEL") or 0) > SETTINGS_PRIORITIES["project"]
    with terminal.live_progress(settings.get("LOG_LEVEL") if asked else "WARNING"):
        return crawl(run.sites, settings, run.resume, stop, run.arguments)
