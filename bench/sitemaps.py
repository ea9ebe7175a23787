"""What reading a sitemap costs: CPU per URL of a 50,000-URL news sitemap (the protocol's maximum),
gzipped, read by the profile spider.

    python bench/sitemaps.py [--urls 50000] [--rounds 5]

Three figures per round, each the process CPU time of one step over the whole sitemap, divided by
its URLs: `gunzip` (Scrapy's gunzip within PROFILE_SITEMAP_MAX_SIZE), `parse` (the gunzip and
Scrapy's `Sitemap` iterated, with the news dates: harvester.spiders.sitemaps.read_sitemap), and
`requests` (the spider's `parse_sitemap`: that, plus each URL's date parsed, canonicalised, matched
against the article rule and made a request). The sitemap is the Korea Herald's shape (lastmod and
`news:news` per URL, G3 article URLs). Medians of the rounds are printed. The spider runs outside a
crawl (no reactor, no scheduler): what is measured is the spider's own work per URL.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapy import Request  # noqa: E402
from scrapy.http import Response  # noqa: E402
from scrapy.utils.gz import gunzip  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from harvester.replica.sites.sitemaps import Entry, news_sitemap  # noqa: E402
from harvester.spiders.loader import ProfileSpiderLoader  # noqa: E402
from harvester.spiders.sitemaps import read_sitemap  # noqa: E402
from tests.conftest import harvester_settings  # noqa: E402

URL = "https://www.koreaherald.com/sitemap/news-2025-05-02.xml.gz"
MAX_SIZE = harvester_settings()["PROFILE_SITEMAP_MAX_SIZE"]


def sitemap(urls: int) -> bytes:
    kst = timezone(timedelta(hours=9))
    start = datetime(2025, 5, 2, tzinfo=kst)
    entries = (
        Entry(
            f"https://www.koreaherald.com/article/{10400000 + n}",
            lastmod=(start + timedelta(seconds=n)).isoformat(),
            published=(start + timedelta(seconds=n)).isoformat(),
            title=f"Article number {n} of the day, a headline of ordinary length",
        )
        for n in range(urls)
    )
    return gzip.compress(news_sitemap(entries, "The Korea Herald", "en"))


def cpu(step: Callable[[], int]) -> tuple[float, int]:
    """(CPU seconds, count) of one step."""
    start = time.process_time()
    count = step()
    return time.process_time() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    body = sitemap(args.urls)
    response = Response(URL, body=body, request=Request(URL))
    spider_class = ProfileSpiderLoader().load("korea_herald")
    # The spider alone: the project's PROFILE_ settings, none of its components (no output folder).
    profile_settings = {key: value for key, value in harvester_settings().items() if key.startswith("PROFILE_")}
    spider = spider_class.from_crawler(get_crawler(spider_class, settings_dict=profile_settings))

    def gunzipped() -> int:
        return len(gunzip(body, max_size=MAX_SIZE))

    def parsed() -> int:
        read = read_sitemap(response, MAX_SIZE)
        assert read is not None
        return sum(1 for _ in read[1])

    def requests() -> int:
        return sum(1 for _ in spider.parse_sitemap(response))

    steps = {"gunzip": gunzipped, "parse": parsed, "requests": requests}
    figures: dict[str, list[float]] = {name: [] for name in steps}
    xml_size = gunzipped()
    for _ in range(args.rounds):
        for name, step in steps.items():
            seconds, count = cpu(step)
            if name != "gunzip":
                assert count == args.urls, (name, count)
            figures[name].append(seconds)
    print(f"sitemap: {args.urls} URLs, {len(body):,} bytes gzipped, {xml_size:,} bytes of XML; medians of {args.rounds} rounds")
    print(f"{'step':<10} {'CPU s':>8} {'µs / URL':>10}")
    for name, values in figures.items():
        seconds = statistics.median(values)
        print(f"{name:<10} {seconds:>8.3f} {seconds / args.urls * 1e6:>10.1f}")


if __name__ == "__main__":
    main()
