"""pywb for replay tests: its own venv (scripts/pywb-venv.sh, default /opt/pywb, or $PYWB_VENV),
a collection made with `wb-manager`, and `wayback` serving it on 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("PYWB_VENV", "/opt/pywb"))


def pywb_bin(name: str) -> str:
    """A pywb command; the venv is made on first use (pywb pins old redis, so not in ours)."""
    if not (VENV / "bin" / "wayback").exists():
        subprocess.run(["bash", str(ROOT / "scripts/pywb-venv.sh"), str(VENV)], check=True, capture_output=True)
    return str(VENV / "bin" / name)


@dataclass(frozen=True)
class Replayed:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Wayback:
    host: str
    port: int
    collection: str

    def get(self, timestamp: str, url: str) -> Replayed:
        """The capture closest to `timestamp`, replayed as captured (`id_`), content coding kept."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", f"/{self.collection}/{timestamp}id_/{url}", headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            return Replayed(response.status, response.getheaders(), response.read())
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _await_listening(process: subprocess.Popen, port: int, timeout: float = 20) -> None:
    """wayback logs "Starting Gevent Server" just before it binds: wait until it accepts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except ConnectionRefusedError:
            time.sleep(0.05)
    raise RuntimeError(f"wayback is not listening on {port}")


@contextmanager
def wayback(folder: Path, warcs: list[Path], collection: str = "crawl") -> Iterator[Wayback]:
    """A pywb collection of the WARC files in `folder`, served until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([pywb_bin("wb-manager"), "init", collection], cwd=folder, check=True, capture_output=True)
    subprocess.run(
        [pywb_bin("wb-manager"), "add", collection, *map(str, warcs)], cwd=folder, check=True, capture_output=True
    )
    port = _free_port()
    process = subprocess.Popen(
        [pywb_bin("wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=folder,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Starting Gevent Server" in line:
                break
        else:
            raise RuntimeError(f"wayback did not start (exit {process.wait()})")
        # Its access log goes on to stderr: keep reading it so the pipe never fills.
        drain = threading.Thread(target=process.stderr.read, daemon=True)
        drain.start()
        _await_listening(process, port)
        yield Wayback("127.0.0.1", port, collection)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
