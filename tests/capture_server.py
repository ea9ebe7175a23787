"""A raw HTTP server for capture tests that logs the exact bytes of every exchange.

It answers as an origin server and as a forward proxy (absolute-form requests, and CONNECT
tunnels with TLS for any host name), with one path per wire behaviour: plain, gzip, chunked,
gzip+chunked, a redirect, a 404, two Set-Cookie headers, a query string, a binary file, an
article page, and /hold, which answers only once `release()` is called. Every response is built
here as bytes, header lines written out literally, so the tests know what crossed the wire.
It runs its own asyncio loop in a thread so that tests can start it in-process.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
import threading
from dataclasses import dataclass, field

from harvester.replica.tls import server_context

TLS_HOST = "capture-test.example"

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour bridge reopens after two years of repairs</title>
<meta property="og:title" content="Harbour bridge reopens after two years of repairs">
<meta name="date" content="2026-10-30">
<link rel="stylesheet" href="/style.css"></head>
<body><nav><a href="/">Home</a></nav>
<article><h1>Harbour bridge reopens after two years of repairs</h1>
<p class="byline">By Kim Mi-jin, 30 October 2026</p>
<p>The old harbour bridge opened to traffic again on Friday morning, two years after engineers closed it
when cracks were found in three of its steel cables. The city replaced all twelve cables and the deck.</p>
<p>Commuters who had taken a ferry or a long detour through the tunnel since 2024 crossed in under five
minutes. The transport office expects about forty thousand vehicles a day once the toll booths reopen.</p>
<p>Repairs cost 214 billion won, a fifth more than planned, because the deck steel had rusted further
than the first survey found. The office said a sensor on every cable will now report strain each hour.</p>
<p>Pedestrians can use the widened footpath on the east side from next week, when the last railings are in.</p>
</article><footer>City News</footer></body></html>
"""

INDEX = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Capture test</title></head><body><ul>
<li><a href="/plain">plain</a></li><li><a href="/gzip">gzip</a></li><li><a href="/chunked">chunked</a></li>
<li><a href="/gzip-chunked">gzip and chunked</a></li><li><a href="/redirect">redirect</a></li>
<li><a href="/missing">missing</a></li><li><a href="/cookies">cookies</a></li>
<li><a href="/search?q=bridge%20repairs&amp;from=%2Fnews%7E&amp;page=2">search</a></li><li><a href="/file.bin">binary</a></li>
<li><a href="/article">article</a></li><li><a href="/hold">held article</a></li>
</ul><img src="/logo.png" alt=""></body></html>
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3b4e90000000049454e44ae426082"
)


@dataclass(frozen=True)
class Exchange:
    """One request as the server read it and the response as it wrote it."""

    host: str  # from the request line (proxy), the tunnel, or the Host header
    tls: bool
    received: bytes
    sent: bytes
    path: str


@dataclass
class Answer:
    """A response as its parts: the test's expectations are made from these, not from the bytes."""

    status_line: bytes
    headers: list[bytes]  # header lines without line ends, written as they are
    body: bytes  # the entity body (content-encoded where the headers say so)
    chunks: list[bytes] = field(default_factory=list)  # when set, the body goes chunked in these pieces

    def to_bytes(self) -> bytes:
        head = b"\r\n".join([self.status_line, *self.headers]) + b"\r\n\r\n"
        if not self.chunks:
            return head + self.body
        framed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in self.chunks)
        return head + framed + b"0\r\n\r\n"


def _split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def answer(path: str) -> Answer:
    """The response to a path; the same bytes every time (no Date header), so crawls repeat."""
    html = [b"Server: capture-test/1.0", b"content-type: text/html; charset=utf-8"]
    if path == "/":
        body = INDEX.encode()
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Content-Length: %d" % len(body)], body)
    if path == "/robots.txt":
        body = b"User-agent: *\nDisallow: /private/\n"
        return Answer(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Content-Length: %d" % len(body)], body)
    if path == "/plain":
        body = b"<!DOCTYPE html><html><head><title>Plain</title></head><body><p>Plain body.</p></body></html>"
        # Odd but legal: a reason phrase of its own, spacing and case a rebuilt message would lose.
        return Answer(b"HTTP/1.1 200 Fine Thanks", [*html, b"X-Odd-Header:   spaced  value ", b"Content-Length: %d" % len(body)], body)
    if path == "/gzip":
        body = gzip.compress(b"<html><body><p>" + b"Compressed text. " * 200 + b"</p></body></html>", mtime=0)
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Content-Encoding: gzip", b"Vary: Accept-Encoding", b"Content-Length: %d" % len(body)], body)
    if path == "/chunked":
        body = b"<html><body>" + b"".join(b"<p>Chunk %d of the page.</p>" % i for i in range(300)) + b"</body></html>"
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Transfer-Encoding: chunked"], body, _split(body, 1000))
    if path == "/gzip-chunked":
        body = gzip.compress(b"<html><body><p>" + b"Compressed and chunked. " * 300 + b"</p></body></html>", mtime=0)
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Content-Encoding: gzip", b"Transfer-Encoding: chunked"], body, _split(body, 37))
    if path == "/redirect":
        body = b"<html><body>Moved to <a href=\"/plain\">/plain</a>.</body></html>"
        return Answer(b"HTTP/1.1 301 Moved Permanently", [*html, b"Location: /plain", b"Content-Length: %d" % len(body)], body)
    if path == "/cookies":
        body = b"<html><body><p>Two cookies.</p></body></html>"
        # A header in EUC-KR, as Korean sites send file names: bytes that are not UTF-8.
        cookies = [b"Set-Cookie: first=1; Path=/", b"Set-Cookie: second=2; Path=/; HttpOnly",
                   b"X-Title: " + "\uc678\uad50\ubd80".encode("euc-kr")]
        return Answer(b"HTTP/1.1 200 OK", [*html, *cookies, b"Content-Length: %d" % len(body)], body)
    if path.startswith("/search?"):
        body = b"<html><body><p>Results for " + path.encode() + b"</p></body></html>"
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Content-Length: %d" % len(body)], body)
    if path == "/file.bin":
        body = bytes(range(256)) * 64
        return Answer(b"HTTP/1.1 200 OK", [b"Content-Type: application/octet-stream", b"Content-Length: %d" % len(body)], body)
    if path == "/logo.png":
        return Answer(b"HTTP/1.1 200 OK", [b"Content-Type: image/png", b"Content-Length: %d" % len(PNG)], PNG)
    if path == "/style.css":
        body = b"article { max-width: 40em; }\n"
        return Answer(b"HTTP/1.1 200 OK", [b"Content-Type: text/css", b"Content-Length: %d" % len(body)], body)
    if path in ("/article", "/hold"):
        body = ARTICLE.encode()
        return Answer(b"HTTP/1.1 200 OK", [*html, b"Content-Length: %d" % len(body)], body)
    body = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
    return Answer(b"HTTP/1.1 404 Not Found", [*html, b"Content-Length: %d" % len(body)], body)


class CaptureTestServer:
    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.held = threading.Event()  # set when a request for /hold has arrived
        self._release: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None
        self._loop = asyncio.new_event_loop()
        self._tls: ssl.SSLContext = server_context([TLS_HOST])
        self._lock = threading.Lock()
        self.port = 0

    # -- life
    def start(self) -> CaptureTestServer:
        ready = threading.Event()

        async def serve() -> None:
            self._release, self._stop = asyncio.Event(), asyncio.Event()
            server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await self._stop.wait()
            connections = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in connections:
                task.cancel()
            await asyncio.gather(*connections, return_exceptions=True)

        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(serve(),), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the capture test server did not start")
        return self

    def stop(self) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self._loop.close()

    def release(self) -> None:
        """Let /hold requests be answered from now on."""
        assert self._release is not None
        self._loop.call_soon_threadsafe(self._release.set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)

    # -- connections
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer, tunnel=None)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tunnel: str | None) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            length = next(
                (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
            )
            received = head + (await reader.readexactly(length) if length else b"")
            if method == "CONNECT" and tunnel is None:
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await writer.start_tls(self._tls)
                await self._serve(reader, writer, tunnel=target.rsplit(":", 1)[0])
                return
            host, path = _host_and_path(target, head, tunnel)
            if path == "/hold":
                self.held.set()
                assert self._release is not None
                await self._release.wait()
            sent = answer(path).to_bytes()
            if method == "HEAD":
                sent = sent.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            with self._lock:
                self.exchanges.append(Exchange(host, tunnel is not None, received, sent, path))
            writer.write(sent)
            await writer.drain()


def _host_and_path(target: str, head: bytes, tunnel: str | None) -> tuple[str, str]:
    if target.startswith("http://"):
        rest = target.removeprefix("http://")
        host, _, path = rest.partition("/")
        return host, "/" + path
    host = tunnel or next(
        (line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n") if line.lower().startswith(b"host:")), ""
    )
    return host, target
