"""The skipped report: every `url_skipped` signal becomes one whole JSON line of
reports/skipped.jsonl, buffered and appended; a run starts it anew, its sites append; a torn tail is
cut; a URL met again for the same reason is written once; skips are counted for the summary."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

from scrapy import Spider
from scrapy.utils.test import get_crawler

from harvester.report import skipped
from harvester.report.skipped import SkippedReport
from harvester.report.summary import site_section
from harvester.signals import FAILED, NO_DOCUMENT, send_skipped

MOMENT = datetime(2026, 11, 2, 9, 5, 7, tzinfo=timezone.utc)


def make_report(path: Path, run: str, site: str = "mofa_en") -> SkippedReport:
    crawler = get_crawler(Spider, {"REPORT_ENABLED": True, "REPORT_SKIPPED_FILE": str(path), "REPORT_RUN_ID": run})
    report = SkippedReport.from_crawler(crawler)
    report.clock = lambda: MOMENT
    report.site = site
    return report


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_each_skip_is_a_line_with_its_reason_and_time(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "skipped.jsonl"

    async def crawl() -> None:
        report = make_report(path, "run-1")
        report.spider_opened(Spider("mofa_en"))
        assert report.task.running  # the periodic flush
        send_skipped(report.crawler, "https://a.test/cal?month=2026-13", "trap", "calendar past 10 pages")
        send_skipped(report.crawler, "https://a.test/private", "robots", "forbidden by robots.txt", count=False)
        send_skipped(report.crawler, "https://a.test/wall", "bot_wall", "the page says 'Just a moment'", count=False, stage=NO_DOCUMENT)
        send_skipped(report.crawler, "https://a.test/slow", "timeout", "took longer than 180 s", count=False, stage=FAILED)
        assert path.read_bytes() == b""  # buffered until the end (or FLUSH_LINES)
        report.spider_closed()
        assert not report.task.running
        stats = report.crawler.stats.get_stats()
        assert stats["skipped/trap"] == 1 and "skipped/robots" not in stats
        assert site_section(stats)["skipped"] == {"trap": 1}

    asyncio.run(crawl())
    assert read(path) == [
        {"time": "2026-11-02T09:05:07Z", "url": "https://a.test/cal?month=2026-13", "stage": "not_fetched", "reason": "trap",
         "detail": "calendar past 10 pages", "site": "mofa_en", "run": "run-1"},
        {"time": "2026-11-02T09:05:07Z", "url": "https://a.test/private", "stage": "not_fetched", "reason": "robots",
         "detail": "forbidden by robots.txt", "site": "mofa_en", "run": "run-1"},
        {"time": "2026-11-02T09:05:07Z", "url": "https://a.test/wall", "stage": "no_document", "reason": "bot_wall",
         "detail": "the page says 'Just a moment'", "site": "mofa_en", "run": "run-1"},
        {"time": "2026-11-02T09:05:07Z", "url": "https://a.test/slow", "stage": "failed", "reason": "timeout",
         "detail": "took longer than 180 s", "site": "mofa_en", "run": "run-1"},
    ]


def test_a_full_buffer_is_appended_in_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "skipped.jsonl"
    report = make_report(path, "run-1")
    report.open()
    for number in range(skipped.FLUSH_LINES + 1):
        report.url_skipped(f"https://a.test/{number}", "known")
    written = path.read_bytes()
    assert written.endswith(b"\n") and written.count(b"\n") == skipped.FLUSH_LINES
    assert len(report.buffer) == 1
    report.spider_closed()
    assert len(read(path)) == skipped.FLUSH_LINES + 1


def test_a_url_met_again_for_the_same_reason_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "skipped.jsonl"
    report = make_report(path, "run-1")
    report.open()
    for _ in range(3):
        report.url_skipped("https://facebook.com/share", "offsite")
    report.url_skipped("https://facebook.com/share", "robots")
    report.spider_closed()
    assert [(line["url"], line["reason"]) for line in read(path)] == [
        ("https://facebook.com/share", "offsite"),
        ("https://facebook.com/share", "robots"),
    ]


def test_the_sites_of_a_run_append_and_a_new_run_starts_anew(tmp_path: Path) -> None:
    path = tmp_path / "skipped.jsonl"
    for site, run in (("mofa_en", "run-1"), ("korea_net", "run-1")):
        report = make_report(path, run, site)
        report.open()
        report.url_skipped(f"https://{site}.test/", "known")
        report.spider_closed()
    assert [(line["site"], line["run"]) for line in read(path)] == [("mofa_en", "run-1"), ("korea_net", "run-1")]
    report = make_report(path, "run-2")
    report.open()
    report.spider_closed()
    assert path.read_bytes() == b""


def test_a_torn_last_line_is_cut_at_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "skipped.jsonl"
    report = make_report(path, "run-1")
    report.open()
    report.url_skipped("https://a.test/1", "trap")
    report.spider_closed()
    with open(path, "ab") as handle:
        handle.write(b'{"time": "2026-11-02T09:05:07Z", "url": "https://a.te')  # a disk that filled up
    report = make_report(path, "run-1", "korea_net")
    report.open()
    report.url_skipped("https://a.test/2", "trap")
    report.spider_closed()
    assert [line["url"] for line in read(path)] == ["https://a.test/1", "https://a.test/2"]


def test_an_unwritable_report_is_logged_once_and_the_crawl_goes_on(tmp_path: Path) -> None:
    (tmp_path / "reports").write_text("a file where the folder should be")
    report = make_report(tmp_path / "reports" / "skipped.jsonl", "run-1")
    failures: list[BaseException] = []
    from harvester import signals

    report.crawler.signals.connect(lambda error: failures.append(error), signal=signals.write_failed, weak=False)
    report.open()
    report.url_skipped("https://a.test/1", "trap")
    report.spider_closed()
    assert len(failures) == 1 and isinstance(failures[0], OSError)
