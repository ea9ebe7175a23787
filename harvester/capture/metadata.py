"""Spider middleware that writes, for audit, a WARC `metadata` record beside each captured response
the spider reads, as Heritrix does: the page's outlinks, its path from the seed, the page it was
found on and the time its fetch took, `WARC-Concurrent-To` the response (or revisit) record.

The record's `application/warc-fields` lines: `seed:` for a seed, else `via: URL` and
`hopsFromSeed: LLE` (`meta["via"]`, `meta["hops"]`: `L` a link, `E` an embedded requisite, as the
archive spider sets them); `fetchTimeMs: N` (from the first byte of the request written to the last
byte of the response read); then `outlink: URL HOP` for each request the spider yields from the
page, before any filter (so trap and out-of-scope URLs it yields are there too). It sits closest
to the spider, to see them all.

Settings: CAPTURE_ENABLED, CAPTURE_METADATA (on for `harvester archive`: its spider sets it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from harvester.capture.handler import WIRE_META
from harvester.capture.middleware import CaptureMiddleware
from harvester.capture.records import WarcRef, warc_date
from harvester.capture.wire import utc_now

FETCH_TIME = "fetch_time_ms"


def metadata_lines(response: Response, outlinks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The record's lines for a response the spider read and the requests it yielded (URL, hop)."""
    meta = response.meta
    lines: list[tuple[str, str]] = []
    if meta.get("is_start_request"):
        lines.append(("seed", ""))
    else:
        if meta.get("via"):
            lines.append(("via", meta["via"]))
        if meta.get("hops"):
            lines.append(("hopsFromSeed", meta["hops"]))
    if FETCH_TIME in meta:
        lines.append(("fetchTimeMs", str(meta[FETCH_TIME])))
    lines += [("outlink", f"{url} {hop}") for url, hop in outlinks]
    return lines


class CaptureMetadata:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.capture: CaptureMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMetadata:
        settings = crawler.settings
        if not (settings.getbool("CAPTURE_ENABLED") and settings.getbool("CAPTURE_METADATA")):
            raise NotConfigured
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def spider_opened(self) -> None:
        # The downloader's middlewares exist once the engine does.
        self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Sent as the download ends, before the downloader middlewares see the response."""
        wire = request.meta.get(WIRE_META)
        if wire is not None:
            request.meta[FETCH_TIME] = round((utc_now() - wire.started).total_seconds() * 1000)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        outlinks: list[tuple[str, str]] = []
        async for output in result:
            if isinstance(output, Request):
                outlinks.append((output.url, (output.meta.get("hops") or "L")[-1]))
            yield output
        await self.write(response, outlinks)

    async def write(self, response: Response, outlinks: list[tuple[str, str]]) -> WarcRef | None:
        capture: WarcRef | None = response.meta.get("capture")
        if self.capture is None or capture is None or "capture_date" not in response.meta:
            return None
        record = self.capture.factory.metadata(
            response.url, warc_date(response.meta["capture_date"]), metadata_lines(response, outlinks), capture.record_id
        )
        return await self.capture.write_record(record)
