"""`harvester schedule SITE... --out DIR [--every 6h]`: print the crontab line of a scheduled crawl.

The line runs `harvester crawl SITE... --out DIR --resume` every N hours (1, 2, 3, 4, 6, 8, 12 or
24), at a minute of the hour drawn from DIR so that several scheduled crawls do not all start at
once, and appends its output to DIR/state/cron.log. Install it with

    (crontab -l; harvester schedule mofa_en mofa_ko --out /data/crawl) | crontab -

Every run is incremental (known articles are not fetched again) and reads of each site what its
profile's recrawl policy says is due, so one line run as often as the fastest site needs serves
them all; `--resume` continues a run that
was stopped (SIGTERM, a full disk) and starts afresh after one that finished or was killed; a run
that finds the previous one still going is refused (exit status 2) rather than interleaved. cron
gives commands a bare environment: put the proxy variables a crawl needs, if any, above the line
(`https_proxy=...`). For a service with an HTTP API instead of cron, deploy to scrapyd (README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import sys
from pathlib import Path

from harvester.commands.crawl import resolve_sites

EVERY = {"1h": 1, "2h": 2, "3h": 3, "4h": 4, "6h": 6, "8h": 8, "12h": 12, "24h": 24, "1d": 24}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sites", nargs="+", metavar="SITE", help="profile names (see `harvester sites`), or all")
    parser.add_argument("--out", type=Path, required=True, help="output folder of every run")
    parser.add_argument("--every", choices=list(EVERY), default="6h", help="how often (default: 6h)")
    parser.add_argument("--refresh-after", type=float, metavar="DAYS", help="passed on to `harvester crawl`")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting, passed on"
    )


def cron_fields(out: Path, hours: int) -> str:
    """Minute (and, once a day, hour) drawn from the folder's name: stable, and spread out."""
    draw = int(hashlib.sha256(str(out).encode()).hexdigest(), 16)
    minute = draw % 60
    if hours == 24:
        return f"{minute} {draw // 60 % 24} * * *"
    return f"{minute} {'*' if hours == 1 else f'*/{hours}'} * * *"


def command(sites: list[str], out: Path, refresh_after: float | None, overrides: list[str]) -> str:
    args = [sys.executable, "-m", "harvester.cli", "crawl", *sites, "--out", str(out), "--resume"]
    if refresh_after is not None:
        args += ["--refresh-after", f"{refresh_after:g}"]
    for item in overrides:
        args += ["-s", item]
    log = out / "state" / "cron.log"
    line = f"mkdir -p {shlex.quote(str(log.parent))} && {shlex.join(args)} >> {shlex.quote(str(log))} 2>&1"
    # cron reads an unescaped % as the end of the command.
    return line.replace("%", "\\%")


def run(args: argparse.Namespace) -> int:
    sites = resolve_sites(args.sites)
    out = args.out.absolute()
    hours = EVERY[args.every]
    print(f"# harvester: crawl {' '.join(sites)} into {out} every {hours} h (incremental, resumable, one run at a time)")
    print(f"{cron_fields(out, hours)} {command(sites, out, args.refresh_after, args.set)}")
    return 0
