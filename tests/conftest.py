"""Shared fixtures: the site replica as a subprocess, and crawls through it into a temp folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (a worktree may sit one folder deeper).
SHARED = next(
    (folder / "shared" for folder in Path(__file__).resolve().parents[1].parents if (folder / "shared" / "format").is_dir()),
    Path(__file__).resolve().parents[1].parent / "shared",
)
# Settings for crawls of the replica: it answers at once, so politeness only slows tests down.
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing: expected at {SHARED}")
    return SHARED


@contextmanager
def running_replica() -> Iterator[str]:
    """A replica proxy of its own (for tests that change what it serves); yields its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harvester.replica", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("replica listening on "), line
    try:
        yield "http://" + line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="session")
def replica() -> Iterator[str]:
    """The replica proxy's address, e.g. http://127.0.0.1:40123."""
    with running_replica() as address:
        yield address


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A Redis server of the tests' own on 127.0.0.1 (the Debian package's redis-server), no
    persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Ready to accept connections" in line:
            break
    else:
        raise AssertionError(f"redis-server did not start (exit status {process.wait()})")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The tests' Redis, emptied for this test."""
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    client.close()
    return redis_server


def harvester_settings(**overrides: Any) -> dict[str, Any]:
    """The harvester's settings (harvester/settings.py) with some changed, for `get_crawler`."""
    import harvester.settings

    values = {name: getattr(harvester.settings, name) for name in dir(harvester.settings) if name.isupper()}
    return {**values, **overrides}


def harvester_env(proxy: str | None = None) -> dict[str, str]:
    """The environment of a `harvester` subprocess: this checkout first on the path, the proxy set."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if proxy:
        env.update(http_proxy=proxy, https_proxy=proxy)
        env.pop("no_proxy", None)
        env.pop("NO_PROXY", None)
    return env


def run_harvester(*args: str, proxy: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the `harvester` command in a subprocess (a Twisted reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", *args],
        env=harvester_env(proxy),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl_args(out: Path, *sites: str, settings: list[str] = (), options: list[str] = ()) -> list[str]:
    args = ["crawl", *sites, "--out", str(out), *options]
    for setting in [*FAST, *settings]:
        args += ["-s", setting]
    return args


def crawl(
    out: Path, *sites: str, proxy: str, settings: list[str] = (), options: list[str] = (), expect: int = 0
) -> subprocess.CompletedProcess:
    result = run_harvester(*crawl_args(out, *sites, settings=settings, options=options), proxy=proxy)
    assert result.returncode == expect, result.stderr[-5000:]
    return result


@pytest.fixture(scope="session")
def uninterrupted_mofa(replica: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The text of every document of an uninterrupted crawl of the replica's two MOFA boards, by
    canonical URL: what a crawl cut short and resumed must end with."""
    out = tmp_path_factory.mktemp("uninterrupted_mofa")
    crawl(out, "mofa_en", "mofa_ko", proxy=replica)
    manifest = [json.loads(line) for line in (out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    return {row["canonical_url"]: (out / "corpus" / row["file"]).read_bytes() for row in manifest}
