"""Scrapy's offsite middleware, with each request it filters told to the skipped report (reason
`offsite`). Settings: those of Scrapy's middleware (the spider's `allowed_domains`)."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from harvester.signals import send_skipped


class ReportedOffsiteMiddleware(OffsiteMiddleware):
    def process_request(self, request: Request) -> None:  # type: ignore[override]
        try:
            super().process_request(request)
        except IgnoreRequest as skip:
            # Counted by Scrapy under offsite/filtered.
            send_skipped(self.crawler, request.url, "offsite", str(skip), count=False)
            raise
