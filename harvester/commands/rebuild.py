"""`harvester rebuild MANIFEST [--out DIR]`: make a corpus again from the source sites, or
`harvester rebuild --from-warc WARC_OR_DIR... [--out DIR]` from captures alone, without the network.

From the sites: every manifest line's URL is fetched again through its site profile (one site after
another, politely, captured into DIR/warc), and DIR/corpus gets each document under its old number
and id. Each line is reported unchanged, changed (with a diff summary), gone (404/410, redirected
off the article) or failed (the error), on the terminal and in DIR/rebuild-report.json; a gone or
failed document keeps its old file and line, marked. From captures: every captured article page
becomes its document again (re-extracted with today's extractor, or `--use-stored-text` as the
conversion records hold it), read by a pool of `--jobs` processes (0: in this one), each page
with EXTRACTION_TIMEOUT seconds at most (`-s EXTRACTION_TIMEOUT=N`); the report lists the
documents whose re-extracted text differs from the stored one. A capture file that is empty,
truncated or not readable is named, one line each; the documents of what could be read are kept.

Both report, per site, the signs that its profile no longer fits its pages (`drift`, as a crawl's
report does), each page read with the rules its profile had on its capture's date.

Exit status (harvester/exitcodes.py): 0 done (documents gone are an outcome, not an error); 1 some
documents failed or some capture files could not be read whole; 2 refused (usage, DIR/corpus not
empty, DIR locked); 6 a site's profile looks out of date.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from harvester import exitcodes
from harvester.capture.reader import warc_files
from harvester.commands.crawl import crawl_settings
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry, read_manifest
from harvester.extraction.pipeline import time_limit
from harvester.profiles import PROFILES
from harvester.rebuild.offline import rebuild_from_warcs
from harvester.rebuild.report import REPORT_FILE, Ledger, outcome_table, table, write_report
from harvester.report.drift import STATS_KEY, drift_threshold, summary
from harvester.spiders.urllist import UrlListSpider
from harvester.state.lock import LOCK_FILE, FolderLock, OutputLocked

PIPELINE = "harvester.rebuild.pipeline.RebuildPipeline"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", type=Path, nargs="?", metavar="MANIFEST", help="manifest.jsonl of the corpus to fetch again")
    parser.add_argument("--from-warc", type=Path, nargs="+", metavar="WARC_OR_DIR", help="rebuild from these captures, offline")
    parser.add_argument("--out", type=Path, default=Path("rebuild"), help="output folder (default: ./rebuild)")
    parser.add_argument("--use-stored-text", action="store_true", help="with --from-warc: the conversion records' text as it is")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="with --from-warc: extraction processes (default: one per core; 0: none, in this one)"
    )
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0"
    )


def run(args: argparse.Namespace) -> int:
    if bool(args.manifest) == bool(args.from_warc):
        print("harvester rebuild: give a MANIFEST, or --from-warc WARC_OR_DIR...", file=sys.stderr)
        return 2
    corpus = args.out / "corpus"
    if (corpus / MANIFEST).exists() or any(corpus.glob("*.txt")):
        print(f"harvester rebuild: {corpus} already holds a corpus; rebuild into a new folder", file=sys.stderr)
        return 2
    lock = FolderLock(args.out / "state" / LOCK_FILE)
    try:
        lock.acquire()
    except OutputLocked as error:
        print(f"harvester rebuild: {error}", file=sys.stderr)
        return 2
    try:
        return from_warcs(args) if args.from_warc else from_sites(args)
    finally:
        lock.release()


# -- from captures
def from_warcs(args: argparse.Namespace) -> int:
    try:
        files = warc_files(args.from_warc)
    except FileNotFoundError as error:
        print(f"harvester rebuild: {error}", file=sys.stderr)
        return 2
    if not files:
        print("harvester rebuild: no WARC file there", file=sys.stderr)
        return 2
    try:
        settings = rebuild_settings(args.out, args.set)
        threshold = drift_threshold(settings)
        timeout = time_limit(settings.get("EXTRACTION_TIMEOUT"))
    except ValueError as error:
        print(f"harvester rebuild: {error}", file=sys.stderr)
        return 2
    if args.jobs < 0:
        print(f"harvester rebuild: --jobs must be 0 or more, not {args.jobs}", file=sys.stderr)
        return 2
    result = rebuild_from_warcs(
        files,
        args.out / "corpus",
        use_stored=args.use_stored_text,
        workers=args.jobs,
        timeout=timeout,
        drift_threshold=threshold,
    )
    text = "stored" if args.use_stored_text else "re-extracted"
    report = result.report(mode="from-warc", warcs=[str(path) for path in files], text=text)
    write_report(args.out / REPORT_FILE, report)
    skipped = ", ".join(f"{reason} {count}" for reason, count in report["no_document"].items()) or "none"
    print(
        f"{len(files)} WARC files, {result.pages} article pages: {result.documents} documents,"
        f" {result.versions} new versions, {result.unchanged} unchanged; no document: {skipped}"
    )
    if result.text_changed:
        print(f"\n{len(result.text_changed)} documents whose text today's extractor makes otherwise than the stored one:")
        rows = [(f"{seq:03d}", doc_id, diff.summary, url) for seq, doc_id, url, diff in result.text_changed]
        print(table(rows, ("seq", "id", "change", "url")))
    print_drift(report["drift"])
    for failure in result.failed:
        print(f"failed: {failure['url']}: {failure['error']}", file=sys.stderr)
    for problem in result.problems:
        print(f"capture file not read whole: {problem}", file=sys.stderr)
    print(f"\ncorpus: {args.out / 'corpus'}\nreport: {args.out / REPORT_FILE}")
    return exit_code(bool(result.failed or result.problems), report["drift"])


def print_drift(drift: dict[str, dict[str, Any]]) -> None:
    """A line per site whose articles show signs of drift."""
    shown = [summary(site, section) for site, section in drift.items() if section["flagged"]]
    if shown:
        print("\ndrift:\n" + "\n".join(shown))


def exit_code(failed: bool, drift: dict[str, dict[str, Any]]) -> int:
    out_of_date = any(section["out_of_date"] for section in drift.values())
    return exitcodes.outcome([exitcodes.FAILED] * failed + [exitcodes.DRIFT] * out_of_date)


# -- from the sites
def read_source(manifest: Path) -> tuple[list[Entry], list[Entry]]:
    """The current lines of a manifest and the kept versions beside it; refuses a manifest that
    lists a number or an id twice (`harvester verify` says more)."""
    entries = list(read_manifest(manifest))
    versions = list(read_manifest(manifest.parent / VERSIONS))
    for name, values in (("number", [entry.seq for entry in entries]), ("id", [entry.id for entry in entries])):
        if len(set(values)) != len(values):
            raise ValueError(f"{manifest} lists a {name} twice; see `harvester verify {manifest.parent}`")
    return entries, versions


def from_sites(args: argparse.Namespace) -> int:
    if not args.manifest.is_file():
        print(f"harvester rebuild: no such manifest: {args.manifest}", file=sys.stderr)
        return 2
    try:
        entries, versions = read_source(args.manifest)
    except ValueError as error:
        print(f"harvester rebuild: {error}", file=sys.stderr)
        return 2
    ledger = Ledger()
    settings = rebuild_settings(args.out, args.set)
    groups: dict[str | None, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.site if entry.site in PROFILES else None].append(entry)
    kept = defaultdict(list)
    for version in versions:
        kept[version.id].append(version)
    runs = [
        (UrlListSpider.for_profile(PROFILES[site] if site else None), group, [v for e in group for v in kept[e.id]])
        for site, group in groups.items()
    ]
    drift = fetch(runs, settings, args.manifest.parent, ledger)
    write_report(args.out / REPORT_FILE, ledger.report(mode="sources", manifest=str(args.manifest), drift=drift))
    print(outcome_table(ledger))
    counts = ledger.counts()
    print("\n" + ", ".join(f"{count} {status}" for status, count in counts.items()))
    print_drift(drift)
    print(f"corpus: {args.out / 'corpus'}\nreport: {args.out / REPORT_FILE}")
    return exit_code(bool(counts["failed"]), drift)


def rebuild_settings(out: Path, overrides: list[str]) -> Settings:
    """A crawl's settings, but no crawl state (every line is fetched) nor crawl report, and the
    rebuild pipeline in the corpus pipeline's place."""
    base = Settings()
    base.setmodule("harvester.settings")
    pipelines: dict[str, Any] = {**base.getdict("ITEM_PIPELINES"), "harvester.corpus.pipeline.CorpusPipeline": None, PIPELINE: 800}
    return crawl_settings(out, overrides, STATE_ENABLED=False, REPORT_FILE="", ITEM_PIPELINES=pipelines)


def fetch(
    runs: list[tuple[type[UrlListSpider], list[Entry], list[Entry]]], settings: Settings, source: Path, ledger: Ledger
) -> dict[str, dict[str, Any]]:
    """Run each site's spider, one after another, in one process; returns each site's drift
    (harvester/report/drift.py), as its crawl left it in its stats."""
    process = AsyncCrawlerProcess(settings)
    from twisted.internet import reactor

    drift: dict[str, dict[str, Any]] = {}

    async def one_by_one() -> None:
        try:
            for spider, entries, versions in runs:
                crawler = process.create_crawler(spider)
                await process.crawl(crawler, entries=entries, versions=versions, source=source, ledger=ledger)
                section = crawler.stats.get_value(STATS_KEY)
                if section is not None and spider.profile is not None:
                    drift[spider.profile.name] = section
        finally:
            reactor.callLater(0, reactor.stop)

    deferred_from_coro(one_by_one())
    process.start(stop_after_crawl=False)
    return drift
