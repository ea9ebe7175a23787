"""Shared fixtures: the site replica as a subprocess, and crawls through it into a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def replica() -> Iterator[str]:
    """The replica proxy's address, e.g. http://127.0.0.1:40123."""
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


def run_harvester(*args: str, proxy: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the `harvester` command in a subprocess (a Twisted reactor runs once per process)."""
    env = dict(os.environ)
    if proxy:
        env.update(http_proxy=proxy, https_proxy=proxy)
        env.pop("no_proxy", None)
        env.pop("NO_PROXY", None)
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def crawl(out: Path, *sites: str, proxy: str, settings: list[str] = ()) -> subprocess.CompletedProcess:
    args = ["crawl", *sites, "--out", str(out)]
    for setting in [*FAST, *settings]:
        args += ["-s", setting]
    result = run_harvester(*args, proxy=proxy)
    assert result.returncode == 0, result.stderr[-5000:]
    return result
