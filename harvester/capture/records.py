"""WARC records of one exchange: the HTTP messages as bytes, wrapped by warcio.

`HttpExchange` holds the request and response messages exactly as they are to be stored; the
capture middleware fills it in from what it can see of the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class HttpExchange:
    """One request and its response, as HTTP/1.1 message bytes."""

    url: str
    date: datetime
    request: bytes
    response: bytes
    ip_address: str | None = None


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def exchange_records(builder: WARCWriter, exchange: HttpExchange) -> tuple[ArcWarcRecord, ArcWarcRecord]:
    """The `response` record and its `request` record, paired by WARC-Concurrent-To and one date."""
    date = warc_date(exchange.date)
    headers = {"WARC-Date": date}
    if exchange.ip_address:
        headers["WARC-IP-Address"] = exchange.ip_address
    response = builder.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.response),
        length=len(exchange.response),
        warc_headers_dict=dict(headers),
    )
    request = builder.create_warc_record(
        exchange.url,
        "request",
        payload=BytesIO(exchange.request),
        length=len(exchange.request),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    return response, request
