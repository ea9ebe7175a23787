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

# A URL was not fetched, or was fetched and made no document: arguments `url`, `reason` (one word:
# "robots", "offsite", "known", "before_since", "trap", "too_long", "private_address", ...) and
# `detail` (why, for a person; may be empty). The skipped report (report/skipped.py) lists them.
url_skipped = object()


def send_skipped(crawler: Crawler, url: str, reason: str, detail: str = "", count: bool = True) -> None:
    """Tell the crawl that `url` was skipped for `reason`, and count it under `skipped/<reason>`
    (`count=False` where the skip already has a stat of its own, e.g. Scrapy's `robotstxt/forbidden`)."""
    if count:
        crawler.stats.inc_value(f"skipped/{reason}")
    crawler.signals.send_catch_log(signal=url_skipped, url=url, reason=reason, detail=detail)


# A sitemap was read: arguments `url` (as first requested), `kind` ("urlset", "sitemapindex" or
# "robots") and `newest`, the newest date it gives its entries (an aware datetime), or None.
sitemap_read = object()


# A stopping crawl gives up waiting for the downloads still in flight (no arguments): the download
# handler cancels them, and the stop sends their requests back to the queue (state/stopping.py).
abandon_downloads = object()
