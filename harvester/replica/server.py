"""The replica's HTTP proxy: answers proxied `http://` requests and `CONNECT` tunnels (TLS with the
replica's own certificate), and hands each request to the copy of the site it names.

A crawler reaches it the way it reaches any forward proxy, through `http_proxy`/`https_proxy`, so
every URL it sees is the real one. Hosts the replica has no copy of get a 502, as from a proxy
that cannot reach them. `POST /__replica__/page` changes, removes or breaks a page (admin.py).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import struct
from collections.abc import Callable, Sequence
from http import HTTPStatus
from urllib.parse import urlsplit

from harvester.replica.admin import PATH as ADMIN_PATH
from harvester.replica.admin import PageOverrides
from harvester.replica.http import ReplicaRequest, ReplicaResponse, http_date
from harvester.replica.tls import server_context

logger = logging.getLogger(__name__)

Handler = Callable[[ReplicaRequest], ReplicaResponse]
MAX_HEAD = 64 * 1024


class BadRequest(Exception):
    pass


class ReplicaProxy:
    """Serves site copies, chosen by host name, through one proxy port."""

    def __init__(self, sites: dict[str, Handler]) -> None:
        self.sites = sites
        self.overrides = PageOverrides()
        self.tls: ssl.SSLContext = server_context(sorted(sites))
        self.server: asyncio.Server | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self.server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD)
        return self.server.sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        assert self.server is not None
        async with self.server:
            await self.server.serve_forever()

    # -- connections
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer, scheme="http", tunnel_host=None)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, BadRequest, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, scheme: str, tunnel_host: str | None
    ) -> None:
        while True:
            head = await _read_head(reader)
            if head is None:
                return
            method, target, headers = head
            if method == "CONNECT" and tunnel_host is None:
                host = target.rsplit(":", 1)[0]
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await writer.start_tls(self.tls)
                await self._serve(reader, writer, scheme="https", tunnel_host=host)
                return
            body = await _read_body(reader, headers)
            request = _request(method, target, headers, body, scheme, tunnel_host)
            response = self._respond(request)
            if response.delay:
                await asyncio.sleep(response.delay)
            if response.reset:
                _reset(writer)
                return
            data = _serialize(response, head_only=method == "HEAD")
            if response.cut_after is not None:
                writer.write(data[: len(data) - len(response.body) + response.cut_after])
                await writer.drain()
                return
            writer.write(data)
            await writer.drain()
            if _header(headers, "connection") == "close":
                return

    def _respond(self, request: ReplicaRequest) -> ReplicaResponse:
        if request.path == ADMIN_PATH and request.method == "POST":
            return self.overrides.handle(request, self._site_answer)
        response = self._site_answer(self.overrides.without_validators(request))
        return self.overrides.apply(request, response)

    def _site_answer(self, request: ReplicaRequest) -> ReplicaResponse:
        site = self.sites.get(request.host)
        if site is None:
            return ReplicaResponse(502, b"The replica holds no copy of this host.\n", (("Content-Type", "text/plain"),))
        try:
            return site(request)
        except Exception:
            logger.exception("replica site failed on %s", request.url)
            return ReplicaResponse(500, b"Internal Server Error\n", (("Content-Type", "text/plain"),))


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, str, list[tuple[str, str]]] | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise BadRequest("truncated request head") from error
        return None
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise BadRequest(lines[0])
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return parts[0].upper(), parts[1], headers


async def _read_body(reader: asyncio.StreamReader, headers: Sequence[tuple[str, str]]) -> bytes:
    length = _header(headers, "content-length")
    return await reader.readexactly(int(length)) if length else b""


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _request(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes, scheme: str, tunnel_host: str | None
) -> ReplicaRequest:
    if target.startswith(("http://", "https://")):
        # Absolute form: a proxied plain-HTTP request.
        parts = urlsplit(target)
        scheme, host = parts.scheme, parts.hostname or ""
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    else:
        host = (_header(headers, "host") or tunnel_host or "").rsplit(":", 1)[0]
    return ReplicaRequest(method, scheme, host.lower(), target, tuple(headers), body)


def _serialize(response: ReplicaResponse, head_only: bool = False) -> bytes:
    reason = HTTPStatus(response.status).phrase if response.status in HTTPStatus._value2member_map_ else ""
    lines = [f"HTTP/1.1 {response.status} {reason}", f"Date: {http_date()}", "Server: Apache"]
    names = {name.lower() for name, _ in response.headers}
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    body = response.body
    if response.chunked:
        lines.append("Transfer-Encoding: chunked")
        body = _chunk(body)
    elif "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Drop the connection with a TCP RST, as a server or middlebox resetting it does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _chunk(body: bytes, size: int = 4096) -> bytes:
    chunks = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(chunks) + b"0\r\n\r\n"
