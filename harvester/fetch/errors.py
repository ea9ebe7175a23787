"""The kind of error a failed request ended in, as counted under `fetch/errors/<kind>`.

Skips are not errors: a request refused by robots.txt, by the offsite filter or by the crawl state
(known and unchanged) has kind None.
"""

from __future__ import annotations

import re

from scrapy.core.downloader.handlers.http11 import TunnelError
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

from harvester.fetch.botwall import bot_wall
from harvester.files import disk_full

_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TimeoutError), "timeout"),
    (DownloadConnectionRefusedError, "connection_refused"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    (ResponseDataLossError, "data_loss"),
    (DownloadCancelledError, "too_large"),
    ((DownloadFailedError, ConnectionLost, ConnectionDone), "connection"),
    (TunnelError, "proxy"),
)


def error_kind(failure: Failure) -> str | None:
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        if isinstance(response, TextResponse) and bot_wall(response.text[:65536], ""):
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
