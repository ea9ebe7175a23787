"""The report of a site's crawl, from its stats: the JSON section, the summary and progress lines."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from harvester.report.progress import Progress
from harvester import exitcodes
from harvester.report.summary import exit_code, site_section, summary_line

STATS = {
    "start_time": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "finish_time": datetime(2026, 1, 2, 3, 5, 5, tzinfo=timezone.utc),
    "elapsed_time_seconds": 60.0,
    "finish_reason": "finished",
    "response_received_count": 40,
    "corpus/documents/new": 3,
    "corpus/documents/changed": 1,
    "corpus/documents/unchanged": 2,
    "state/not_modified": 5,
    "state/skipped/known": 29,
    "robotstxt/forbidden": 1,
    "extraction/failed/bot_wall": 2,
    "fetch/errors/timeout": 1,
    "fetch/errors/http_503": 2,
    "retry/reason_count/timeout": 3,
    "fetch/slowdowns/www.mofa.go.kr/count": 3,
    "fetch/slowdowns/www.mofa.go.kr/reason/http_503": 1,
    "fetch/slowdowns/www.mofa.go.kr/reason/retry_after": 2,
    "fetch/slowdowns/www.mofa.go.kr/longest_s": 120.0,
    "fetch/slowdowns/m.mofa.go.kr/count": 1,
    "fetch/slowdowns/m.mofa.go.kr/reason/timeout": 1,
    "fetch/slowdowns/m.mofa.go.kr/longest_s": 2.0,
    "fetch/crawl_delay/m.mofa.go.kr": 1.0,
    "capture/records_written": 81,
}


def test_site_section() -> None:
    assert site_section(STATS) == {
        "finish_reason": "finished",
        "started": "2026-01-02T03:04:05Z",
        "finished": "2026-01-02T03:05:05Z",
        "elapsed_s": 60.0,
        "pages": 40,
        "documents": {"new": 3, "changed": 1, "unchanged": 7},
        "skipped": {"known": 29, "robots": 1},
        "no_document": {"bot_wall": 2},
        "errors": {"http_503": 2, "timeout": 1},
        "retries": {"timeout": 3},
        "slowdowns": {
            "m.mofa.go.kr": {"count": 1, "longest_s": 2.0, "reasons": {"timeout": 1}},
            "www.mofa.go.kr": {"count": 3, "longest_s": 120.0, "reasons": {"http_503": 1, "retry_after": 2}},
        },
        "gave_up": [],
        "sources": {"read": 0, "not_due": [], "retired": []},
        "warc_records": 81,
        "drift": {
            "articles": 0,
            "flagged": 0,
            "share": 0.0,
            "fallback": {"title": 0, "body": 0, "published": 0, "authors": 0},
            "checks": {"title_is_site_name": 0, "short_body": 0, "date_after_capture": 0, "date_before_1990": 0, "no_article": 0},
            "examples": {},
            "out_of_date": False,
        },
    }


SITEMAP = "https://www.koreaherald.com/sitemap/news-2018-04-29.xml"
FEED = "https://www.koreaherald.com/rss/kh_National"


def test_sources_read_skipped_and_retired() -> None:
    stats = {
        **STATS,
        "state/sources/read": 9,
        "state/sources/not_due": [FEED],
        "state/skipped/source_not_due": 1,
        "state/sources/retired": [SITEMAP],
        "state/skipped/retired_sitemap": 2,
        "spider/skipped/sitemap_before_since": 3,
    }
    section = site_section(stats)
    assert section["sources"] == {"read": 9, "not_due": [FEED], "retired": [SITEMAP]}
    assert section["skipped"] == {
        "known": 29, "robots": 1, "sitemap_before_since": 3, "source_not_due": 1, "retired_sitemap": 2,
    }
    assert summary_line("korea_herald", section).endswith("; errors: http_503 2, timeout 1; sitemaps retired: 1")


def test_summary_and_progress_lines() -> None:
    assert summary_line("mofa_en", site_section(STATS)) == (
        "mofa_en (finished): 40 pages; documents 3 new, 1 changed, 7 unchanged; skipped: known 29, robots 1;"
        " no document: bot_wall 2; errors: http_503 2, timeout 1"
    )
    # The same counts as the summary: skipped are pages not fetched, no document is apart.
    assert Progress.of("mofa_en", STATS, 2.5, 75.0).line() == (
        "mofa_en: 40 pages (2.5/s), 4 documents (3 new, 1 changed), 7 unchanged, 30 skipped, 2 no document,"
        " 3 errors, 1:15"
    )


def test_summary_line_says_a_profile_looks_out_of_date() -> None:
    drift = {
        "articles": 8, "flagged": 6, "share": 0.75, "fallback": {"title": 0, "body": 6, "published": 0, "authors": 0},
        "checks": {"short_body": 1, "no_article": 0}, "examples": {}, "out_of_date": True,
    }
    line = summary_line("ecounion", site_section({**STATS, "report/drift": drift}))
    assert line.endswith("; errors: http_503 2, timeout 1; the profile looks out of date: 6 of 8 articles (fallback body 6; checks short_body 1)")
    assert "out of date" not in summary_line("ecounion", site_section({**STATS, "report/drift": {**drift, "out_of_date": False}}))


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, exitcodes.OK),
        ({"errors": {"timeout": 1}}, exitcodes.FAILED),
        ({"finish_reason": "cancelled"}, exitcodes.FAILED),
        ({"finish_reason": "closespider_pagecount"}, exitcodes.OK),  # the limit it was given
        ({"errors": {"http_429": 2, "timeout": 1}}, exitcodes.BLOCKED),
        ({"skipped": {"rate_limited": 3}}, exitcodes.BLOCKED),
        ({"finish_reason": "shutdown", "errors": {"timeout": 1}}, exitcodes.STOPPED),
        ({"finish_reason": "disk_full"}, exitcodes.DISK_FULL),
        ({"drift": {"out_of_date": True}}, exitcodes.DRIFT),
        ({"drift": {"out_of_date": True}, "errors": {"timeout": 1}}, exitcodes.FAILED),
    ],
)
def test_what_a_sites_crawl_means_for_the_exit_code(changes: dict, code: int) -> None:
    section = {**site_section({**STATS, "fetch/errors/timeout": 0, "fetch/errors/http_503": 0}), "errors": {}, **changes}
    assert exit_code(section) == code
