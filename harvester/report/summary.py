"""A site's crawl, summed up from its Scrapy stats: the section of `crawl-report.json` and its
human summary line.

documents: new, changed and unchanged (a 200 with the same text, or a 304) articles; skipped: what
was not fetched and why (known, robots, offsite, before_since, sitemap_before_since,
source_not_due, retired_sitemap, rate_limited: a host the crawl gave up, `gave_up`, and every
reason counted under `skipped/<reason>`: trap, too_long, private_address, ...); no_document:
articles fetched that gave no document, by reason (empty_article_body, bot_wall, truncated, ...);
errors: requests that failed for good, by kind (timeout, connection, http_503, ...); retries: tries
repeated, by reason; slowdowns: per host that pushed back, how many answers slowed it down, the
longest wait it was given (seconds) and why (http_429, http_503, retry_after, bot_wall, timeout,
connection, ...); sources: how many of the site's sources (lists, feeds, sitemaps) were read, those
not due yet, and the sitemaps this crawl retired; drift: the signs that the site's profile no longer
fits its pages, and whether it looks out of date (drift.py).

`exit_code()` is the one place that says what a site's crawl means for the exit code
(harvester/exitcodes.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harvester import exitcodes
from harvester.report.drift import STATS_KEY, empty_section, signs

_SKIPS = {
    "known": "state/skipped/known",
    "robots": "robotstxt/forbidden",
    "offsite": "offsite/filtered",
    "before_since": "spider/skipped/before_since",
    "sitemap_before_since": "spider/skipped/sitemap_before_since",
    "source_not_due": "state/skipped/source_not_due",
    "retired_sitemap": "state/skipped/retired_sitemap",
}
# Errors that say the site refuses the crawl, rather than that a page failed.
_REFUSALS = ("http_429", "bot_wall")
# Finish reasons of a crawl that reached a limit it was given (--max-pages, --max-bytes, Scrapy's
# CLOSESPIDER_*): it ended as asked.
LIMITS = ("closespider_pagecount", "closespider_itemcount", "closespider_timeout", "max_bytes")


def _under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix) :]: value for key, value in sorted(stats.items()) if key.startswith(prefix)}


def _slowdowns(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{host: {"count", "longest_s", "reasons"}} from fetch/pacing.py's `fetch/slowdowns/<host>/...`."""
    hosts: dict[str, dict[str, Any]] = {}
    for key, value in sorted(stats.items()):
        if not key.startswith("fetch/slowdowns/"):
            continue
        host, _, name = key[len("fetch/slowdowns/") :].rpartition("/")
        if host.endswith("/reason"):
            entry = hosts.setdefault(host[: -len("/reason")], {"count": 0, "longest_s": 0.0, "reasons": {}})
            entry["reasons"][name] = value
        elif name in ("count", "longest_s"):
            hosts.setdefault(host, {"count": 0, "longest_s": 0.0, "reasons": {}})[name] = value
    return hosts


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
        "skipped": {**{name: stats[key] for name, key in _SKIPS.items() if stats.get(key)}, **_under(stats, "skipped/")},
        "no_document": {**_under(stats, "extraction/failed/"), **_under(stats, "spider/no_document/")},
        "errors": _under(stats, "fetch/errors/"),
        "retries": _under(stats, "retry/reason_count/"),
        "slowdowns": _slowdowns(stats),
        "gave_up": sorted(_under(stats, "fetch/gave_up/")),
        "sources": {
            "read": stats.get("state/sources/read", 0),
            "not_due": list(stats.get("state/sources/not_due", [])),
            "retired": list(stats.get("state/sources/retired", [])),
        },
        "warc_records": stats.get("capture/records_written", 0),
        "drift": stats.get(STATS_KEY) or empty_section(),
    }


def exit_code(section: dict[str, Any]) -> int:
    """What a site's crawl, as its report section tells it, means for the exit code."""
    reason = section["finish_reason"]
    if reason == "disk_full":
        return exitcodes.DISK_FULL
    if reason == "shutdown":
        return exitcodes.STOPPED
    if section["skipped"].get("rate_limited") or any(kind in _REFUSALS for kind in section["errors"]):
        return exitcodes.BLOCKED
    if reason not in ("finished", *LIMITS) or section["errors"]:
        return exitcodes.FAILED
    if section.get("drift", {}).get("out_of_date"):
        return exitcodes.DRIFT
    return exitcodes.OK


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
        + drift_note(section.get("drift"))
    )


def drift_note(drift: dict[str, Any] | None) -> str:
    """'; the profile looks out of date: 6 of 8 articles (fallback body 6)', or nothing."""
    if not drift or not drift.get("out_of_date"):
        return ""
    return f"; the profile looks out of date: {drift['flagged']} of {drift['articles']} articles ({signs(drift)})"
