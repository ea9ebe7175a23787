"""Test-only fault injection: a crawl that kills itself with SIGKILL at a chosen point, to show what
an outright kill leaves behind. Loaded as an extension; the setting KILL_AT says where:

- "fetch:N": as the N-th article request reaches the downloader (others are in flight);
- "warc:N": in the middle of the N-th write to a WARC file (a record half written), the crawl
  killed (its capture writer process with it);
- "writer:N": the same, but only the process that writes the WARC files dies (the crawl goes on);
- "corpus:N": in the middle of writing the N-th document's temp file;
- "manifest:N": in the middle of the N-th manifest line (a torn line);
- "listed:N": right after the N-th manifest line is written whole (the document listed, its
  conversion record not written yet).

Writes are caught by wrapping the files that `open` returns for those paths, and `os.write` on
descriptors `os.open` gave for them: fault injection from outside the code under test, which is
left as it is.
"""

from __future__ import annotations

import builtins
import io
import os
import signal
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler


def die(crawl: int | None = None) -> None:
    """SIGKILL this process, and the crawl's first if `crawl` is another (this is its capture
    writer process)."""
    if crawl is not None and crawl != os.getpid():
        os.kill(crawl, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


class TornFile:
    """A file whose writes count; the fatal one is half written, then the process dies."""

    def __init__(self, handle: Any, switch: KillSwitch) -> None:
        self._handle = handle
        self._switch = switch

    def write(self, data: Any) -> int:
        if self._switch.count() and len(data) > 1:
            self._handle.write(data[: len(data) // 2])
            self._handle.flush()
            self._switch.die()
        return self._handle.write(data)

    def __enter__(self) -> TornFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


class KillSwitch:
    def __init__(self, where: str, at: int) -> None:
        self.where, self.at, self.seen = where, at, 0
        self.crawl = os.getpid()

    def die(self) -> None:
        die(None if self.where == "writer" else self.crawl)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KillSwitch:
        where, at = crawler.settings.get("KILL_AT").split(":")
        switch = cls(where, int(at))
        if where == "fetch":
            crawler.signals.connect(switch.request_reached_downloader, signal=signals.request_reached_downloader)
        else:
            switch.hook_open()
        return switch

    def count(self) -> bool:
        """True from the N-th call on (the process dies at the first that can be torn)."""
        self.seen += 1
        return self.seen >= self.at

    def request_reached_downloader(self, request: Request) -> None:
        if request.meta.get("article") and self.count():
            self.die()

    def watched(self, path: str, mode: str) -> bool:
        name = Path(path).name
        if self.where in ("warc", "writer"):
            return name.endswith(".warc.gz.open")
        if self.where == "corpus":
            return name.startswith(".") and name.endswith(".txt.tmp")
        return self.where in ("manifest", "listed") and name == "manifest.jsonl" and "a" in mode

    def hook_open(self) -> None:
        real_open = builtins.open
        switch = self

        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real_open(file, mode, *args, **kwargs)
            if isinstance(file, (str, os.PathLike)) and switch.watched(os.fspath(file), mode):
                return TornFile(handle, switch)
            return handle

        builtins.open = io.open = open_
        self.hook_fd_writes()

    def hook_fd_writes(self) -> None:
        """The same for files written through bare descriptors (`os.open`, `os.write`)."""
        real_os_open, real_os_write = os.open, os.write
        switch, watched_fds = self, set()

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            fd = real_os_open(path, flags, *args, **kwargs)
            mode = "a" if flags & os.O_APPEND else "w" if flags & (os.O_WRONLY | os.O_RDWR) else "r"
            if isinstance(path, (str, os.PathLike)) and switch.watched(os.fspath(path), mode):
                watched_fds.add(fd)
            return fd

        def os_write(fd: int, data: Any) -> int:
            if fd not in watched_fds:
                return real_os_write(fd, data)
            if switch.where == "listed":
                written = real_os_write(fd, data)
                if switch.count():
                    switch.die()
                return written
            if len(data) > 1 and switch.count():
                real_os_write(fd, bytes(data[: len(data) // 2]))
                switch.die()
            return real_os_write(fd, data)

        os.open, os.write = os_open, os_write
