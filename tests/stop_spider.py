"""Test-only: a crawl of a test's own HTTP server through `harvester crawl`'s runner (its stop
signals, its job for --resume, its report), by a spider that asks for PAGES_COUNT pages,
PAGES_BASE/page/0 first:

    python -m tests.stop_spider BASE OUT [--count N] [--resume] [-s NAME=VALUE]...

It prints the site's finish reason and exits as `harvester crawl` does (0 finished, 3 stopped).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider

from harvester import exitcodes
from harvester.commands.crawl import crawl_settings
from harvester.commands.running import STOPPED, crawl
from harvester.state.stopping import StopSignals


class PagesSpider(Spider):
    name = "pages"

    async def start(self) -> AsyncIterator[Request]:
        base = self.settings.get("PAGES_BASE")
        for number in range(self.settings.getint("PAGES_COUNT")):
            yield Request(f"{base}/page/{number}", callback=self.parse)

    def parse(self, response: Any) -> None:
        return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("-s", "--set", action="append", default=[])
    args = parser.parse_args(argv)
    settings = crawl_settings(args.out, args.set, PAGES_BASE=args.base, PAGES_COUNT=args.count)
    with StopSignals() as stop:
        results = crawl([PagesSpider], settings, resume=args.resume, stop=stop)
    reason = results.get("pages", {}).get("finish_reason")
    print(f"finish_reason {reason}", flush=True)
    if reason == "finished":
        return exitcodes.OK
    return exitcodes.STOPPED if reason in STOPPED or stop.received else exitcodes.FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
