"""`harvester demo [--out DIR]`: start the site replica, crawl every site through it, summarise.

The crawl is `harvester crawl all` run through the replica (commands/running.py): a live progress
line per site on a terminal, a summary line per site, where the outputs are and how large the
corpus is (a second demo into the same folder finds the documents there already), and the exit
code of harvester/exitcodes.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harvester.commands import UsageError
from harvester.commands.crawl import crawl_settings, resolve_sites
from harvester.commands.running import Run, run_crawl
from harvester.output import NotWritable, writable_folder
from harvester.state.stopping import StopSignals

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
    try:
        writable_folder(args.out)
    except NotWritable as error:
        raise UsageError(f"{error}: give --out a folder it can write to") from None
    with running_replica() as proxy, proxied(proxy):
        print(f"harvester demo: crawling {len(sites)} sites through the replica at {proxy}", flush=True)
        with StopSignals() as stop:
            return run_crawl(Run("demo", args.out, crawl_settings(args.out, REPLICA_SETTINGS), list(sites)), stop)


@contextmanager
def proxied(proxy: str) -> Iterator[None]:
    """Every request through the proxy while the block runs (Scrapy reads the environment's)."""
    names = ("http_proxy", "https_proxy", "no_proxy")
    before = {name: os.environ.get(name) for name in names}
    os.environ["http_proxy"] = os.environ["https_proxy"] = proxy
    os.environ.pop("no_proxy", None)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
