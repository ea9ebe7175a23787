"""The bytes of each HTTP exchange as they cross the connection, teed by the client protocol.

Scrapy's HTTP/1.1 download handler speaks through twisted's `HTTP11ClientProtocol`. The protocol
here copies what it writes to its transport and what it reads from it into a `WireLog` per
request. TLS (direct, or inside a proxy's CONNECT tunnel) sits below the protocol, so the log
holds the plaintext HTTP messages; a CONNECT exchange happens before any request and is not logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from scrapy.core.downloader.handlers.http11 import _LenientHTTP11ClientFactory, _LenientHTTP11ClientProtocol
from twisted.internet.defer import Deferred
from twisted.web.iweb import IResponse


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

    def __init__(self, transport: Any, protocol: CapturingHTTP11ClientProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        if self._protocol.wire is not None:
            self._protocol.wire.sent += data
        self._transport.write(data)

    def writeSequence(self, data: Iterable[bytes]) -> None:
        data = list(data)
        if self._protocol.wire is not None:
            for piece in data:
                self._protocol.wire.sent += piece
        self._transport.writeSequence(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CapturingHTTP11ClientProtocol(_LenientHTTP11ClientProtocol):
    """Scrapy's client protocol, logging each exchange; the log rides on the twisted response."""

    wire: WireLog | None = None
    clock: Callable[[], datetime] = staticmethod(utc_now)

    def makeConnection(self, transport: Any) -> None:
        super().makeConnection(transport)
        # Wrapped after connectionMade, which checks the real transport's interfaces.
        self.transport = TeeTransport(transport, self)

    def request(self, request: Any) -> Deferred[IResponse]:
        if self._state != "QUIESCENT":
            return super().request(request)
        wire = self.wire = WireLog(started=self.clock(), peer=_peer(self.transport))

        def attach(response: IResponse) -> IResponse:
            response._harvester_wire = wire  # type: ignore[attr-defined]
            return response

        return super().request(request).addCallback(attach)

    def dataReceived(self, data: bytes) -> None:
        if self.wire is not None:
            self.wire.received += data
        super().dataReceived(data)

    def _finishResponse(self, rest: bytes) -> None:
        # The parser has the whole response; bytes after it are not part of it.
        wire, self.wire = self.wire, None
        if wire is not None:
            if rest:
                del wire.received[len(wire.received) - len(rest) :]
            wire.complete = True
        super()._finishResponse(rest)


def _peer(transport: Any) -> str | None:
    try:
        return str(transport.getPeer().host)
    except AttributeError:
        return None


class CapturingHTTP11ClientFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> CapturingHTTP11ClientProtocol:
        return CapturingHTTP11ClientProtocol(self._quiescentCallback)
