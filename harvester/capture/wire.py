"""The bytes of each HTTP exchange as they cross the connection, teed by the client protocol.

The download handler (capture/handler.py) speaks HTTP through aiohttp. Its connections' protocol
here copies what is written to the transport and what is read from it into the `WireLog` of the
request in progress: the request sets the log on the connection as it starts to write, and its
response ends the log when aiohttp's parser reaches the end of the message. TLS (direct, or inside
a proxy's CONNECT tunnel) sits below the protocol, so the log holds the plaintext HTTP messages; a
CONNECT exchange is sent by aiohttp's own request class, which sets no log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ClientRequest
from scrapy.core.downloader.handlers._aiohttp import _ClientResponse


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class WireLog:
    """One request as sent and its response as received, byte for byte."""

    started: datetime  # when the request began to be written: the capture's WARC-Date
    peer: str | None = None  # IP address of the host the connection goes to
    sent: bytearray = field(default_factory=bytearray)
    received: bytearray = field(default_factory=bytearray)
    complete: bool = False  # the response parser reached the end of the message


class TeeTransport:
    """Passes everything to the real transport; copies writes into the protocol's current log."""

    def __init__(self, transport: asyncio.Transport, protocol: TeeProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        if self._protocol.wire is not None:
            self._protocol.wire.sent += data
        self._transport.write(data)

    def writelines(self, data: Iterable[bytes]) -> None:
        data = list(data)
        if self._protocol.wire is not None:
            for piece in data:
                self._protocol.wire.sent += piece
        self._transport.writelines(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class TeeProtocol(ResponseHandler):
    """aiohttp's client protocol, logging the exchange of the request in progress."""

    wire: WireLog | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.transport = TeeTransport(transport, self)  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.wire is not None:
            self.wire.received += data
        super().data_received(data)


class WiredRequest(ClientRequest):
    """Starts a log on its connection before it writes a byte; its response carries the log. An
    empty body is no body: a GET goes out without `Content-Length: 0` (Scrapy hands every request's
    body over, empty or not; aiohttp still gives a POST its `Content-Length: 0`)."""

    def __init__(self, method: str, url: Any, *, data: Any = None, **kwargs: Any) -> None:
        super().__init__(method, url, data=None if data == b"" else data, **kwargs)

    async def send(self, conn: Any) -> WiredResponse:
        protocol = conn.protocol
        wire = None
        if isinstance(protocol, TeeProtocol):
            wire = protocol.wire = WireLog(started=utc_now(), peer=_peer(protocol.transport))
        response = await super().send(conn)
        response.wire = wire
        return response


class WiredResponse(_ClientResponse):
    wire: WireLog | None = None

    def _response_eof(self) -> None:
        # The parser has the whole response: the log is complete, and what the connection reads
        # next belongs to no exchange until the next request starts a log.
        wire = self.wire
        if wire is not None and not self._closed:
            wire.complete = True
            protocol = self._connection and self._connection.protocol
            if protocol is not None and protocol.wire is wire:  # a TeeProtocol: it has a log
                protocol.wire = None
        super()._response_eof()


def _peer(transport: Any) -> str | None:
    peer = transport.get_extra_info("peername") if transport is not None else None
    return str(peer[0]) if peer else None
