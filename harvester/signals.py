"""Signals the harvester sends beside Scrapy's own (connect with `crawler.signals.connect`)."""

# A request failed for good, after its retries: arguments `request`, `failure` and `kind`, the
# error's kind as counted under `fetch/errors/<kind>` ("timeout", "connection", "http_503", ...).
request_failed = object()

# A component could not write its output (argument `error`, the exception): the disk guard stops
# the crawl when the disk is full.
write_failed = object()

# A stopping crawl gives up waiting for the downloads still in flight (no arguments): the download
# handler cancels them, and the stop sends their requests back to the queue (state/stopping.py).
abandon_downloads = object()
