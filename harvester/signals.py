"""Signals the harvester sends beside Scrapy's own (connect with `crawler.signals.connect`)."""

# A request failed for good, after its retries: arguments `request`, `failure` and `kind`, the
# error's kind as counted under `fetch/errors/<kind>` ("timeout", "connection", "http_503", ...).
request_failed = object()

# A component could not write its output (argument `error`, the exception): the disk guard stops
# the crawl when the disk is full.
write_failed = object()

# A sitemap was read: arguments `url` (as first requested), `kind` ("urlset", "sitemapindex" or
# "robots") and `newest`, the newest date it gives its entries (an aware datetime), or None.
sitemap_read = object()
