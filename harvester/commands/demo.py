"""`harvester demo [--out DIR]`: start the site replica, crawl every site through it, summarise."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harvester.commands.crawl import crawl, crawl_settings, resolve_sites

# The replica answers at once: politeness delays would only slow the demo down.
REPLICA_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "LOG_LEVEL=WARNING"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("demo"), help="output folder (default: ./demo)")


@contextmanager
def running_replica() -> Iterator[str]:
    """Start the replica on a free port; yields its proxy address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harvester.replica", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("replica listening on "):
            raise RuntimeError(f"the replica did not start: {line!r}")
        yield "http://" + line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def run(args: argparse.Namespace) -> int:
    sites = resolve_sites(["all"])
    with running_replica() as proxy:
        os.environ["http_proxy"] = os.environ["https_proxy"] = proxy
        os.environ.pop("no_proxy", None)
        results = crawl(sites, crawl_settings(args.out, REPLICA_SETTINGS))
    print(f"\nharvester demo: crawled {len(results)} sites through the replica at {proxy}\n")
    print(f"{'site':<16} {'documents':>9} {'captures':>9} {'errors':>7}  finish")
    total_errors = 0
    for name, stats in results.items():
        errors = stats.get("log_count/ERROR", 0) + sum(
            value for key, value in stats.items() if key.startswith("extraction/failed/")
        )
        total_errors += errors
        print(
            f"{name:<16} {stats.get('corpus/documents', 0):>9} {stats.get('capture/records_written', 0):>9}"
            f" {errors:>7}  {stats.get('finish_reason')}"
        )
    print(f"\ncorpus:   {args.out / 'corpus'}/manifest.jsonl")
    print(f"captures: {args.out / 'warc'}/")
    return 0 if total_errors == 0 else 1
