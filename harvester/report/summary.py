"""A site's crawl, summed up from its Scrapy stats: the section of `crawl-report.json` and its
human summary line.

documents: new, changed and unchanged (a 200 with the same text, or a 304) articles; skipped: what
was not fetched and why (known, robots, offsite, before_since, sitemap_before_since,
source_not_due, retired_sitemap); no_document: articles fetched that gave no document, by reason
(empty_article_body, bot_wall, truncated, ...); errors: requests that failed for good, by kind
(timeout, connection, http_503, ...); retries: tries repeated, by reason; sources: how many of the
site's sources (lists, feeds, sitemaps) were read, those not due yet, and the sitemaps this crawl
retired.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

_SKIPS = {
    "known": "state/skipped/known",
    "robots": "robotstxt/forbidden",
    "offsite": "offsite/filtered",
    "before_since": "spider/skipped/before_since",
    "sitemap_before_since": "spider/skipped/sitemap_before_since",
    "source_not_due": "state/skipped/source_not_due",
    "retired_sitemap": "state/skipped/retired_sitemap",
}


def _under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix) :]: value for key, value in sorted(stats.items()) if key.startswith(prefix)}


def _iso(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else None


def site_section(stats: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    """The report of one site's crawl from its stats."""
    return {
        "finish_reason": reason or stats.get("finish_reason"),
        "started": _iso(stats.get("start_time")),
        "finished": _iso(stats.get("finish_time")),
        "elapsed_s": round(stats.get("elapsed_time_seconds", 0.0), 3),
        "pages": stats.get("response_received_count", 0),
        "documents": {
            "new": stats.get("corpus/documents/new", 0),
            "changed": stats.get("corpus/documents/changed", 0),
            "unchanged": stats.get("corpus/documents/unchanged", 0) + stats.get("state/not_modified", 0),
        },
        "skipped": {name: stats[key] for name, key in _SKIPS.items() if stats.get(key)},
        "no_document": _under(stats, "extraction/failed/"),
        "errors": _under(stats, "fetch/errors/"),
        "retries": _under(stats, "retry/reason_count/"),
        "sources": {
            "read": stats.get("state/sources/read", 0),
            "not_due": list(stats.get("state/sources/not_due", [])),
            "retired": list(stats.get("state/sources/retired", [])),
        },
        "warc_records": stats.get("capture/records_written", 0),
    }


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"


def summary_line(site: str, section: dict[str, Any]) -> str:
    """'mofa_en (finished): 33 pages; documents 3 new, 1 changed, 29 unchanged; skipped: known 29; ...'"""
    documents = section["documents"]
    retired = len(section["sources"]["retired"])
    return (
        f"{site} ({section['finish_reason']}): {section['pages']} pages;"
        f" documents {documents['new']} new, {documents['changed']} changed, {documents['unchanged']} unchanged;"
        f" skipped: {_counts(section['skipped'])}; no document: {_counts(section['no_document'])};"
        f" errors: {_counts(section['errors'])}" + (f"; sitemaps retired: {retired}" if retired else "")
    )
