"""The kind of error a failed request ended in, as counted under `fetch/errors/<kind>`, and the
counting itself (`failed`), which every spider's requests have as their errback.

Skips are not errors: a request refused by robots.txt, by the offsite filter or by the crawl state
(known and unchanged) has kind None.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionDone, ConnectionLost, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from harvester import signals
from harvester.fetch.botwall import bot_wall
from harvester.files import disk_full

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ProxyRefused(DownloadFailedError):
    """The proxy answered a tunnel's CONNECT with an error: the download handler's report of it."""


_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (ProxyRefused, "proxy"),  # before "connection": it is a DownloadFailedError
    ((DownloadTimeoutError, TimeoutError), "timeout"),
    (DownloadConnectionRefusedError, "connection_refused"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    (ResponseDataLossError, "data_loss"),
    (DownloadCancelledError, "too_large"),
    ((DownloadFailedError, ConnectionLost, ConnectionDone), "connection"),
)


def error_kind(failure: Failure) -> str | None:
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        if isinstance(response, TextResponse) and bot_wall(response.text, ""):
            return "bot_wall"
        return f"http_{response.status}"
    if isinstance(error, IgnoreRequest):
        return None
    if disk_full(error):
        return "disk_full"
    for types, kind in _KINDS:
        if isinstance(error, types):
            return kind
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def failed(crawler: Crawler, failure: Failure) -> str | None:
    """Count a request's final failure by kind and tell listeners (signal `request_failed`); a skip
    is no failure. Returns the kind."""
    kind = error_kind(failure)
    if kind is None:
        return None
    request = failure.request  # type: ignore[attr-defined]
    crawler.stats.inc_value(f"fetch/errors/{kind}")
    logger.warning("Failed %s: %s (%s)", request.url, kind, failure.getErrorMessage(), extra={"crawler": crawler})
    crawler.signals.send_catch_log(signal=signals.request_failed, request=request, failure=failure, kind=kind)
    signals.send_skipped(crawler, request.url, kind, failure.getErrorMessage(), count=False, stage=signals.FAILED)
    return kind
