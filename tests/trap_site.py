"""A small site full of crawler traps, served in-process as a forward proxy for `traps.example`
(a crawl reaches it through http_proxy), logging every request it gets.

Real pages: `/`, `/about`, `/news/1`, `/news/2` (an article), `/logo.png`, `/robots.txt`. Traps: a
calendar (`/calendar?month=YYYY-MM`) whose every month links to the one before and after, forever;
a path loop (`/a/b/` links `a/b/`, relative, so `/a/b/a/b/`, ...); links with session ids
(`;jsessionid=`, `PHPSESSID=`, `sid=<token>`) to the real pages; a search link whose relative
form piles up a repeated parameter; a URL of 2,100 characters.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "traps.example"
ROOT = f"http://{HOST}"
LONG = "/long/" + "x" * 2100
ARTICLE = """<article><h1>Harbour ferry timetable changes in spring</h1>
<p>The harbour ferry will run every twenty minutes from the first of March, the city transport office
said on Monday, after two winters in which boats ran only once an hour on weekdays.</p>
<p>More crews were hired in January, and two boats that had been laid up for repairs are back in
service. The last boat of the evening will leave the north pier at half past eleven.</p>
<p>Fares stay as they are. Season tickets bought before March remain valid until they expire.</p></article>"""
REAL = {"/", "/about", "/news/1", "/news/2", "/logo.png", "/robots.txt"}
_LOOP = re.compile(r"/(?:[ab]/)+")


def page(title: str, body: str) -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>{body}</body></html>""".encode()


def month_after(month: str, step: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    number += step
    year, number = year + (number - 1) // 12, (number - 1) % 12 + 1
    return f"{year:04d}-{number:02d}"


def answer(path: str, query: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for a path of the site."""
    if path == "/robots.txt":
        return 200, "text/plain", b"User-agent: *\nAllow: /\n"
    if path == "/logo.png":
        return 200, "image/png", b"\x89PNG\r\n\x1a\n"
    if path == "/":
        links = [
            "/news/1", "/news/2;jsessionid=0A1B2C3D4E5F", "/news/1?PHPSESSID=5f4dcc3b5aa765d61d8327deb882cf99",
            "/about?sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "/calendar?month=2026-01", "/a/b/", "search?q=ferry", LONG,
        ]
        body = "".join(f'<a href="{link}">{link[:40]}</a> ' for link in links) + '<img src="/logo.png">'
        return 200, "text/html", page("Traps", body)
    if path == "/about":
        return 200, "text/html", page("About", '<p>About this site.</p><a href="/news/2?PHPSESSID=abc">news</a>')
    if path in ("/news/1", "/news/2"):
        return 200, "text/html", page("Harbour ferry timetable changes in spring", ARTICLE)
    if path == "/calendar":
        month = parse_qs(query).get("month", ["2026-01"])[0]
        links = (f"/calendar?month={month_after(month, -1)}", f"/calendar?month={month_after(month, 1)}")
        return 200, "text/html", page(f"Events {month}", "".join(f'<a href="{link}">{link}</a> ' for link in links))
    if _LOOP.fullmatch(path):
        return 200, "text/html", page("Loop", '<a href="a/b/">deeper</a>')
    if path == "/search":
        # A relative link that adds to the query it came with: ?q=ferry&q=ferry...
        return 200, "text/html", page("Search", f'<a href="?{query}&amp;q=ferry">again</a>')
    return 404, "text/html", page("Not found", "<p>Not found.</p>")


@dataclass
class TrapSite:
    """The running site: its proxy address and the log of (host, path and query) it served."""

    address: str
    log: list[tuple[str, str]]


@contextmanager
def serving() -> Iterator[TrapSite]:
    log: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = urlsplit(self.path)  # absolute form: the client talks to a proxy
            host = target.hostname or self.headers.get("Host", "")
            log.append((host, target.path + ("?" + target.query if target.query else "")))
            status, content_type, body = answer(target.path, target.query) if host == HOST else (502, "text/plain", b"")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TrapSite(f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
