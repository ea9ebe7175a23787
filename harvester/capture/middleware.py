"""Downloader middleware that captures every request and response of the crawl into WARC files.

It sits next to the downloader (after cookies, compression and redirects have made the request
what is sent, before the response is decompressed or followed), so robots.txt, redirects and
error pages are captured like any page. Settings: CAPTURE_ENABLED, CAPTURE_DIR, CAPTURE_PREFIX,
CAPTURE_MAX_FILE_SIZE, CAPTURE_OPERATOR. Per request, `meta["dont_capture"]` skips it; the
response record's place is left in `meta["capture"]` for the spider.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

import harvester
from harvester.capture.records import HttpExchange, exchange_records
from harvester.capture.writer import WarcFileWriter, WarcInfo, utc_now

logger = logging.getLogger(__name__)


def request_message(request: Request) -> bytes:
    """The request as sent: request line with path and query, Host, every header, the body."""
    parts = urlparse_cached(request)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{request.method} {target} HTTP/1.1".encode(), b"Host: " + parts.netloc.encode()]
    for name, values in request.headers.items():
        lines.extend(name + b": " + value for value in values)
    return b"\r\n".join(lines) + b"\r\n\r\n" + request.body


def response_message(response: Response) -> bytes:
    """The response with its body as received (still content-encoded), transfer coding removed."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    lines = [f"{response.protocol or 'HTTP/1.1'} {response.status} {reason}".rstrip().encode()]
    chunked = False
    for name, values in response.headers.items():
        if name.lower() == b"transfer-encoding":
            chunked = True
            name = b"X-Orig-Transfer-Encoding"
        if chunked and name.lower() == b"content-length":
            continue
        lines.extend(name + b": " + value for value in values)
    if chunked:
        lines.append(b"Content-Length: " + str(len(response.body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + response.body


class CaptureMiddleware:
    def __init__(self, crawler: Crawler, writer: WarcFileWriter) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("CAPTURE_ENABLED"):
            raise NotConfigured
        info = WarcInfo(
            software=f"harvester/{harvester.__version__} (Scrapy)",
            operator=settings.get("CAPTURE_OPERATOR", ""),
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            crawl_id=settings.get("CAPTURE_CRAWL_ID") or str(uuid.uuid4()),
            user_agent=settings.get("USER_AGENT", ""),
        )
        writer = WarcFileWriter(
            Path(settings.get("CAPTURE_DIR")),
            settings.get("CAPTURE_PREFIX"),
            info,
            max_size=settings.getint("CAPTURE_MAX_FILE_SIZE"),
        )
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.writer.close()

    def process_request(self, request: Request) -> None:
        request.meta["capture_date"] = utc_now()

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_capture"):
            return response
        exchange = HttpExchange(
            url=request.url,
            date=request.meta.get("capture_date") or utc_now(),
            request=request_message(request),
            response=response_message(response),
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        records = exchange_records(self.writer.builder, exchange)
        response_ref, _ = self.writer.write(*records)
        request.meta["capture"] = response_ref
        self.stats.inc_value("capture/records_written", len(records))
        return response
