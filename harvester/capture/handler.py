"""HTTP(S) download handler that hands the wire bytes of each exchange to the capture middleware.

It is Scrapy's HTTP/1.1 handler with the capturing client protocol in its connection pool; the
`WireLog` of a download is left in `request.meta["_capture_wire"]`. Settings: CAPTURE_ENABLED (when
off, the handler downloads as Scrapy's own does). On the signal `abandon_downloads` (a stopping
crawl that waited long enough) it cancels the downloads in flight.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from harvester import signals as harvester_signals
from harvester.capture.wire import CapturingHTTP11ClientFactory

WIRE_META = "_capture_wire"
logger = logging.getLogger(__name__)


class CapturingAgent(_ScrapyAgent):
    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        wire = getattr(txresponse, "_harvester_wire", None)
        if wire is not None:
            request.meta[WIRE_META] = wire
        return super()._cb_bodyready(txresponse, request)


class CaptureDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.capturing = crawler.settings.getbool("CAPTURE_ENABLED")
        if self.capturing:
            self._pool._factory = CapturingHTTP11ClientFactory
        # Downloads in flight, to be cancelled when the crawl gives up waiting for them.
        self._downloads: set[Deferred[Response]] = set()
        crawler.signals.connect(self.abandon, signal=harvester_signals.abandon_downloads)

    def abandon(self) -> None:
        for download in list(self._downloads):
            download.cancel()

    async def download_request(self, request: Request) -> Response:
        # As HTTP11DownloadHandler.download_request, with the agent that passes the log on, and
        # the download kept at hand (cancelled by `abandon`).
        agent = (CapturingAgent if self.capturing else _ScrapyAgent)(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        download = agent.download_request(request)
        self._downloads.add(download)
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(download)
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        finally:
            self._downloads.discard(download)
