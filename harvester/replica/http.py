"""Plain data for one replica exchange, and helpers the site copies share."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import formatdate
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class ReplicaRequest:
    method: str
    scheme: str
    host: str
    target: str  # path and query as requested
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.target).query, keep_blank_values=True).items()}

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.target}"

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        for key, value in self.headers:
            if key.lower() == "cookie":
                jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}


@dataclass(frozen=True)
class ReplicaResponse:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # Send the body with chunked transfer coding instead of Content-Length.
    chunked: bool = False
    # Faults a real server shows: wait this many seconds before answering (a slow or stalled server);
    # then reset the connection (TCP RST) instead of answering; or close it after sending only this
    # many bytes of the body (the head announcing all of it).
    delay: float = 0.0
    reset: bool = False
    cut_after: int | None = None


def http_date(timestamp: float | None = None) -> str:
    return formatdate(timestamp, usegmt=True)


def html(body: str, status: int = 200, charset: str = "UTF-8", extra: tuple[tuple[str, str], ...] = ()) -> ReplicaResponse:
    return ReplicaResponse(
        status,
        body.encode(charset if charset.lower() != "utf-8" else "utf-8"),
        (("Content-Type", f"text/html;charset={charset}"), *extra),
    )


def text(body: str, content_type: str = "text/plain", status: int = 200) -> ReplicaResponse:
    return ReplicaResponse(status, body.encode("utf-8"), (("Content-Type", content_type),))


def not_found() -> ReplicaResponse:
    return html("<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", 404)
