"""The download handler's name lookups go through the crawl's reactor resolver (the one the
private-address check asks, so a name is looked up once), in the families aiohttp asks for; a
name that does not resolve is the OSError aiohttp reports as a DNS error; a tunnel a proxy refuses
is counted as a proxy error. (What the handler
sends and receives is checked byte for byte by tests/test_capture_middleware.py.)"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.capture.handler import ReactorResolver
from tests.conftest import FAST, run_harvester
from tests.test_fetch_addresses import Resolver

TABLE = {"www.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}


def test_names_resolve_through_the_reactor_resolver_in_the_family_asked() -> None:
    reactor_resolver = Resolver(TABLE)
    resolver = ReactorResolver(reactor_resolver)
    four = asyncio.run(resolver.resolve("www.example.org", 443, socket.AF_INET))
    either = asyncio.run(resolver.resolve("www.example.org", 80, socket.AF_UNSPEC))
    assert [(r["host"], r["port"], r["family"]) for r in four] == [("93.184.215.14", 443, socket.AF_INET)]
    assert [(r["host"], r["family"]) for r in either] == [
        ("93.184.215.14", socket.AF_INET), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", socket.AF_INET6)]
    assert all(r["hostname"] == "www.example.org" and r["flags"] == socket.AI_NUMERICHOST for r in either)
    assert reactor_resolver.asked == ["www.example.org", "www.example.org"]


def test_a_name_without_an_address_is_a_dns_error_for_aiohttp() -> None:
    resolver = ReactorResolver(Resolver({"v4only.example.org": ["93.184.215.14"]}))
    with pytest.raises(OSError, match="nonexistent.invalid"):
        asyncio.run(resolver.resolve("nonexistent.invalid", 80, socket.AF_INET))
    with pytest.raises(OSError, match="no address of family"):
        asyncio.run(resolver.resolve("v4only.example.org", 80, socket.AF_INET6))


@pytest.fixture
def refusing_proxy() -> Iterator[str]:
    """A proxy that answers every request, CONNECT included, with 403."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_a_tunnel_the_proxy_refuses_is_counted_as_a_proxy_error(refusing_proxy: str, tmp_path: Path) -> None:
    args = ["archive", "https://refused.example/", "--out", str(tmp_path / "out")]
    for setting in [*FAST, "RETRY_ENABLED=False"]:
        args += ["-s", setting]
    result = run_harvester(*args, proxy=refusing_proxy)
    assert "Failed https://refused.example/: proxy (" in result.stderr, result.stderr[-3000:]
