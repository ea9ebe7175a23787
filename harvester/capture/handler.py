"""HTTP(S) download handler that hands the wire bytes of each exchange to the capture middleware.

It is Scrapy's aiohttp download handler (HTTP/1.1 parsed in C: plain Scrapy spends a quarter less
CPU a page on it than on Scrapy's Twisted handler, bench/README.md) with the teeing protocol of
capture/wire.py on its connections; the `WireLog` of a download is left in
`request.meta["_capture_wire"]`. Names are resolved by the reactor's resolver (Scrapy's caching
one, DNS_RESOLVER), which the private-address check asked first: a name is looked up once.
URLs go out as Scrapy made them (aiohttp would re-quote them), and the response's headers are the
bytes received (aiohttp's decoded text does not encode back when a site sends EUC-KR). Settings:
CAPTURE_ENABLED (when off, the handler downloads as Scrapy's own does). On the signal
`abandon_downloads` (a stopping crawl that waited long enough) it cancels the downloads in flight.
"""

from __future__ import annotations

import asyncio
import functools
import socket
from typing import Any, ClassVar

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from scrapy import Request
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler
from scrapy.core.downloader.handlers._base_streaming import BaseStreamingDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadFailedError
from scrapy.http import Headers, Response
from scrapy.utils.ssl import _make_ssl_context
from twisted.internet.error import DNSLookupError

from harvester import signals as harvester_signals
from harvester.capture.wire import TeeProtocol, WiredRequest, WiredResponse
from harvester.fetch.addresses import resolve
from harvester.fetch.errors import ProxyRefused

WIRE_META = "_capture_wire"


class ReactorResolver(AbstractResolver):
    """aiohttp's name lookups through the crawl's reactor resolver."""

    def __init__(self, resolver: Any) -> None:
        self.resolver = resolver

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        try:
            addresses = await resolve(self.resolver, host)
        except DNSLookupError as error:
            raise OSError(socket.EAI_NONAME, f"{host}: {error}") from error  # aiohttp's: a DNS error
        results: list[ResolveResult] = []
        for address in addresses:
            kind = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family in (socket.AF_UNSPEC, kind):
                results.append(ResolveResult(hostname=host, host=address, port=port, family=kind,
                                             proto=0, flags=socket.AI_NUMERICHOST))
        if not results:
            raise OSError(socket.EAI_NONAME, f"{host} has no address of family {family!r}")
        return results

    async def close(self) -> None:
        pass


class CaptureDownloadHandler(AiohttpDownloadHandler):
    experimental: ClassVar[bool] = False  # Scrapy's warning each start: this is the crawl's handler

    def __init__(self, crawler: Crawler) -> None:
        # As Scrapy's handler, whose session is made here instead: on a connector with the
        # reactor's resolver, the request and response classes of wire.py and, capturing, its teeing protocol.
        BaseStreamingDownloadHandler.__init__(self, crawler)
        self._ssl_context = _make_ssl_context(crawler.settings)
        self.capturing = crawler.settings.getbool("CAPTURE_ENABLED")
        from twisted.internet import reactor  # the crawl's, installed by now

        connector = aiohttp.TCPConnector(
            local_addr=self._bind_address,
            limit=self._pool_size_total,
            limit_per_host=self._pool_size_per_host,
            resolver=ReactorResolver(reactor.nameResolver),
        )
        if self.capturing:
            connector._factory = functools.partial(TeeProtocol, loop=connector._loop)
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type", "User-Agent"),
            request_class=WiredRequest,
            response_class=WiredResponse,
        )
        # Downloads in flight, to be cancelled when the crawl gives up waiting for them.
        self._downloads: set[asyncio.Future[Response]] = set()
        crawler.signals.connect(self.abandon, signal=harvester_signals.abandon_downloads)

    def abandon(self) -> None:
        for download in list(self._downloads):
            download.cancel()

    async def download_request(self, request: Request) -> Response:
        request.meta.setdefault("verbatim_url", True)
        download = asyncio.ensure_future(super().download_request(request))
        self._downloads.add(download)
        try:
            return await download
        except DownloadFailedError as error:
            if isinstance(error.__cause__, aiohttp.ClientHttpProxyError):
                raise ProxyRefused(str(error)) from error.__cause__
            raise
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if download.cancelled() and not (task is not None and task.cancelling()):
                raise DownloadFailedError(f"abandoned: the crawl stopped ({request.url})") from None
            raise
        finally:
            self._downloads.discard(download)

    async def _read_response(self, response: Any, request: Request) -> Response:
        wire = getattr(response, "wire", None)
        if wire is not None:
            request.meta[WIRE_META] = wire
        return await super()._read_response(response, request)

    @staticmethod
    def _extract_headers(response: Any) -> Headers:
        return Headers(list(response.raw_headers))
