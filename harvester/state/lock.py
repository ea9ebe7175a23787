"""The output folder's lock: one crawl at a time per output folder (STATE_DIR/crawl.lock).

An exclusive `flock`, held for the crawl's life; the OS drops it when the process ends, however it
ends, so a killed crawl leaves no stale lock. The file names its holder for the refusal message.
Within one process the lock is re-entrant: `harvester crawl` holds it across its sites, and each
site's extension finds it held by its own process. Processes that crawl together may share it
(a shared lock: the workers of a distributed crawl, harvester/distributed/lock.py). Settings:
STATE_DIR, STATE_LOCK_CLASS.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

LOCK_FILE = "crawl.lock"
SHARED = "workers"  # the holder line of a shared lock


class OutputLocked(RuntimeError):
    """Another process is crawling into the same output folder."""


class FolderLock:
    """An exclusive, re-entrant (per process) lock on a lock file; or a shared one, which the
    workers of a distributed crawl hold together (they write files of their own), and which keeps
    out an exclusive holder (a crawl of one process, a merge of the parts) and is kept out by it."""

    def __init__(self, path: Path, shared: bool = False) -> None:
        self.path = path
        self.shared = shared
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().split()
            handle.close()
            if holder and holder[0] == str(os.getpid()) and not self.shared:
                return  # held by this very process: nothing to take, nothing to release
            if holder[:1] == [SHARED]:
                who = f"several workers together, since {holder[1]}" if len(holder) > 1 else "several workers together"
            else:
                who = f"pid {holder[0]}, since {holder[1]}" if len(holder) > 1 else "another process"
            raise OutputLocked(
                f"{self.path.parent.parent} is being crawled by {who}; two crawls of one output folder"
                " would interleave their files, so this one is refused (wait for it, or stop it)"
            ) from None
        handle.seek(0)
        handle.truncate()
        # Shared holders name no process: the pid is what makes an exclusive lock re-entrant.
        holder = SHARED if self.shared else str(os.getpid())
        handle.write(f"{holder} {datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class OutputLock:
    """Extension holding the lock from before any other component opens a file until the end."""

    def __init__(self, lock: FolderLock) -> None:
        self.lock = lock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputLock:
        lock = load_object(crawler.settings.get("STATE_LOCK_CLASS"))(Path(crawler.settings.get("STATE_DIR")) / LOCK_FILE)
        lock.acquire()
        extension = cls(lock)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        self.lock.release()
