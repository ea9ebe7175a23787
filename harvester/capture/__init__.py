"""Capture: every exchange of the crawl written into WARC files as it crossed the wire."""
