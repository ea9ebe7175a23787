"""Crawler traps: the rules (doctests), the spider middleware that applies them to the links a page
yields, and `harvester archive` over a site of traps: it ends by itself, fetches each real page
once, and lists the trap URLs in reports/skipped.jsonl with their reasons; `--max-pages` ends a
crawl early and the report says so."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.spiders import traps
from harvester.spiders.traps import TrapFilter
from tests.conftest import FAST, run_harvester
from tests.trap_site import LONG, REAL, ROOT, month_after, serving


def test_doctests() -> None:
    assert doctest.testmod(traps).failed == 0


def trap_filter(**settings: object) -> tuple[TrapFilter, list[tuple[str, str]]]:
    values = {
        "ARCHIVE_TRAPS": True, "ARCHIVE_MAX_URL_LENGTH": 100, "ARCHIVE_MAX_SEGMENT_REPEATS": 3,
        "ARCHIVE_MAX_PAGES_PER_PATTERN": 3, **settings,
    }
    crawler = get_crawler(Spider, values)
    skipped: list[tuple[str, str]] = []
    crawler.signals.connect(lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False)
    return TrapFilter.from_crawler(crawler), skipped


def followed(middleware: TrapFilter, *urls: str) -> list[str]:
    page = HtmlResponse("https://a.test/", body=b"<html></html>")
    kept = [middleware.get_processed_request(Request(url), page) for url in urls]
    return [request.url for request in kept if request is not None]


def test_traps_are_not_followed_and_are_reported() -> None:
    middleware, skipped = trap_filter()
    loop = "https://a.test/a/b/a/b/a/b/a/b/"
    calendar = [f"https://a.test/cal?month=2026-0{month}" for month in range(1, 6)]
    kept = followed(middleware, "https://a.test/a/b/a/b/a/b/", loop, "https://a.test/s?q=1&q=1", "https://a.test/" + "x" * 100, *calendar, calendar[0])
    assert kept == ["https://a.test/a/b/a/b/a/b/", *calendar[:3], calendar[0]]
    assert skipped == [
        (loop, "trap"),
        ("https://a.test/s?q=1&q=1", "trap"),
        ("https://a.test/" + "x" * 100, "too_long"),
        (calendar[3], "trap"),
        (calendar[4], "trap"),
    ]
    assert middleware.crawler.stats.get_value("skipped/trap") == 4


def test_session_ids_are_dropped_and_seeds_taken_as_given() -> None:
    middleware, skipped = trap_filter()
    assert followed(middleware, "https://a.test/news;jsessionid=ABC?id=7&PHPSESSID=x") == ["https://a.test/news?id=7"]
    seed = Request("https://a.test/?PHPSESSID=x")
    assert middleware.get_processed_request(seed, None) is seed
    assert skipped == []


def test_off_unless_the_spider_asks() -> None:
    with pytest.raises(NotConfigured):
        TrapFilter.from_crawler(get_crawler(Spider, {"ARCHIVE_TRAPS": False}))


def archive(site_address: str, out: Path, *options: str) -> tuple[int, str]:
    args = ["archive", ROOT + "/", "--out", str(out), *options]
    for setting in [*FAST, "ARCHIVE_MAX_PAGES_PER_PATTERN=5"]:
        args += ["-s", setting]
    result = run_harvester(*args, proxy=site_address, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.returncode, result.stdout


def skipped_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "reports/skipped.jsonl").read_text("utf-8").splitlines()]


def test_an_archive_of_a_site_of_traps_ends_fetches_each_page_once_and_lists_the_traps(tmp_path: Path) -> None:
    with serving() as site:
        archive(site.address, tmp_path / "out")
    requested = [target for _, target in site.log]
    assert len(requested) == len(set(requested)), "a URL fetched twice"
    assert REAL <= set(requested)
    assert not [target for target in requested if "sessionid" in target.lower() or "sid=" in target.lower()]
    months = sorted(target.split("=")[1] for target in requested if target.startswith("/calendar"))
    assert len(months) == 5 and months == [month_after(months[0], step) for step in range(5)]
    assert sorted(target for target in requested if target.startswith("/a/")) == ["/a/b/", "/a/b/a/b/", "/a/b/a/b/a/b/"]
    assert [target for target in requested if target.startswith("/search")] == ["/search?q=ferry"]

    reasons = {(line["url"], line["reason"]) for line in skipped_lines(tmp_path / "out")}
    assert {
        (f"{ROOT}/calendar?month={month_after(months[0], -1)}", "trap"),
        (f"{ROOT}/calendar?month={month_after(months[-1], 1)}", "trap"),
        (f"{ROOT}/a/b/a/b/a/b/a/b/", "trap"),
        (f"{ROOT}/search?q=ferry&q=ferry", "trap"),
        (ROOT + LONG, "too_long"),
    } <= reasons
    report = json.loads((tmp_path / "out/crawl-report.json").read_text("utf-8"))["sites"]["archive"]
    assert report["finish_reason"] == "finished"
    assert report["skipped"]["trap"] == 4 and report["skipped"]["too_long"] == 1


def test_max_pages_ends_the_crawl_and_the_report_says_why(tmp_path: Path) -> None:
    with serving() as site:
        # One request at a time: the limit is then exact.
        _, stdout = archive(site.address, tmp_path / "out", "--max-pages", "3", "-s", "CONCURRENT_REQUESTS=1")
    report = json.loads((tmp_path / "out/crawl-report.json").read_text("utf-8"))["sites"]["archive"]
    assert report["finish_reason"] == "closespider_pagecount"
    assert stdout.startswith("archive (closespider_pagecount): 3 pages;")
    assert report["pages"] == 3 and len(site.log) == 3
