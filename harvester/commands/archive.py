"""`harvester archive SEED_URL... [--depth N] [--scope host|domain|prefix] [--max-pages N]
[--max-bytes SIZE] [--out DIR]`: capture a site.

Every page in scope goes into DIR/warc, and each page with article text into DIR/corpus as a
document: for sites no profile knows. Crawler traps (calendars, path loops, session ids, very long
URLs) are avoided and listed in DIR/reports/skipped.jsonl (spiders/traps.py). `--max-pages` and
`--max-bytes` bound the whole crawl (Scrapy's CLOSESPIDER_PAGECOUNT, FETCH_MAX_CRAWL_BYTES); the
report's finish reason says which ended it. Politeness, robots.txt and every other setting are the
harvester's; `-s NAME=VALUE` overrides one.

Run as `harvester crawl` runs its sites (commands/running.py): the folder's lock, `Ctrl-C` stops it
gracefully, the report, a summary on stdout, and the exit code of harvester/exitcodes.py (a crawl
that reached its limit ended as asked; a seed or page that failed for good is an error).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from harvester import exitcodes
from harvester.commands.crawl import crawl_settings
from harvester.commands.running import Run, run_crawl
from harvester.spiders.archive import SCOPES, ArchiveSpider, Scope
from harvester.state.stopping import StopSignals

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
        print(f"harvester archive: {error}", file=sys.stderr)
        return exitcodes.REFUSED
    settings = crawl_settings(
        args.out, args.set, CLOSESPIDER_PAGECOUNT=args.max_pages, FETCH_MAX_CRAWL_BYTES=args.max_bytes
    )
    arguments = {ArchiveSpider.name: {"seeds": args.seeds, "scope": args.scope, "max_depth": args.depth}}
    with StopSignals() as stop:
        code = run_crawl(Run("archive", args.out, settings, [ArchiveSpider], arguments), stop)
    return code
