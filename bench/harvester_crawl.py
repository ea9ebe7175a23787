"""harvester-full/-capture/-extract: the harvester's MOFA English profile crawling the bench site.

`python bench/harvester_crawl.py --out DIR --mode full|capture|extract --stats FILE`. The profile
is the real `mofa_en` with one change: the bench site is plain http (nginx cannot tunnel https),
so its start page and canonical URLs say http. It keeps its name, so extraction (which finds the
profile by name, in worker processes too) reads the pages with the real profile's selectors.
"""

from __future__ import annotations

import argparse
import json
import resource
from dataclasses import replace
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess

from harvester.commands.crawl import crawl_settings
from harvester.profiles import ListPages
from harvester.profiles.mofa import MOFA_EN, canonical_url
from harvester.spiders.profile import ProfileSpider
from largesite import CRAWL_SETTINGS, START_URL

MODES = {
    "full": {},
    "capture": {"EXTRACTION_ENABLED": False, "CORPUS_ENABLED": False},
    "extract": {"CAPTURE_ENABLED": False},
}


def plain_http_url(url: str) -> str:
    return canonical_url(url).replace("https://", "http://", 1)


BENCH_PROFILE = replace(
    MOFA_EN,
    sources=(ListPages(START_URL),),
    article_url=r"^http://www\.mofa\.go\.kr/eng/brd/m_5676/view\.do\?seq=\d+$",
    canonicalize=plain_http_url,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder of warc/ and corpus/")
    parser.add_argument("--mode", choices=MODES, default="full")
    parser.add_argument("--stats", type=Path, required=True, help="where to write the crawl's stats (JSON)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    args = parser.parse_args()
    overrides = [f"{name}={value}" for name, value in {**CRAWL_SETTINGS, **MODES[args.mode]}.items()]
    settings = crawl_settings(args.out, [*overrides, *args.set])
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ProfileSpider.for_profile(BENCH_PROFILE))
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    # Article pages done: documents written where there is a corpus, else pages captured.
    pages = stats.get("corpus/documents", 0) if MODES[args.mode].get("CORPUS_ENABLED", True) else stats.get(
        "item_scraped_count", 0)
    # Where the CPU went: the crawl process itself (the reactor and its threads) and its workers.
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"cpu_crawl_process_s": own.ru_utime + own.ru_stime, "cpu_workers_s": workers.ru_utime + workers.ru_stime}
    args.stats.write_text(json.dumps({"pages": pages, **cpu, **stats}, default=str))


if __name__ == "__main__":
    main()
