"""Signals the harvester sends beside Scrapy's own (connect with `crawler.signals.connect`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# A request failed for good, after its retries: arguments `request`, `failure` and `kind`, the
# error's kind as counted under `fetch/errors/<kind>` ("timeout", "connection", "http_503", ...).
request_failed = object()

# A component could not write its output (argument `error`, the exception): the disk guard stops
# the crawl when the disk is full.
write_failed = object()

# A URL went no further: not fetched, fetched without a document, or failed for good. Arguments
# `url`, `reason` (one word: "robots", "offsite", "known", "trap", "bot_wall", "timeout", "http_503",
# ...), `detail` (why, for a person; may be empty) and `stage` (below). The skipped report
# (report/skipped.py) lists them.
url_skipped = object()


# The stages a URL can stop at: not fetched (a skip), fetched without a document, failed for good.
NOT_FETCHED, NO_DOCUMENT, FAILED = "not_fetched", "no_document", "failed"


def send_skipped(
    crawler: Crawler, url: str, reason: str, detail: str = "", count: bool = True, stage: str = NOT_FETCHED
) -> None:
    """Tell the crawl that `url` went no further, at `stage`, for `reason`; a URL not fetched is
    counted under `skipped/<reason>` (`count=False` where the stop already has a stat of its own,
    e.g. Scrapy's `robotstxt/forbidden`, `extraction/failed/<reason>`, `fetch/errors/<kind>`)."""
    if count:
        crawler.stats.inc_value(f"skipped/{reason}")
    crawler.signals.send_catch_log(signal=url_skipped, url=url, reason=reason, detail=detail, stage=stage)


# A sitemap was read: arguments `url` (as first requested), `kind` ("urlset", "sitemapindex" or
# "robots") and `newest`, the newest date it gives its entries (an aware datetime), or None.
sitemap_read = object()


# A stopping crawl gives up waiting for the downloads still in flight (no arguments): the download
# handler cancels them, and the stop sends their requests back to the queue (state/stopping.py).
abandon_downloads = object()
