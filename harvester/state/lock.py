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

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from harvester.files import disk_full

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
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").split()
            mine = not self.shared and (holder[:1] == [str(os.getpid())] or (not holder and _flocked_by_this_process(fd)))
            os.close(fd)
            if mine:
                return  # held by this very process: nothing to take, nothing to release
            if holder[:1] == [SHARED]:
                who = f"several workers together, since {holder[1]}" if len(holder) > 1 else "several workers together"
            else:
                who = f"pid {holder[0]}, since {holder[1]}" if len(holder) > 1 else "another process"
            raise OutputLocked(
                f"{self.path.parent.parent} is being crawled by {who}; two crawls of one output folder"
                " would interleave their files, so this one is refused (wait for it, or stop it)"
            ) from None
        # Shared holders name no process: the pid is what makes an exclusive lock re-entrant.
        holder = SHARED if self.shared else str(os.getpid())
        line = f"{holder} {datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}\n".encode()
        try:
            # Over the old line, then cut: a lock file that has a line needs no new space for it.
            os.pwrite(fd, line, 0)
            os.ftruncate(fd, len(line))
        except OSError as error:
            if not disk_full(error):
                os.close(fd)
                raise
            # The lock is the flock, not the line: on a full disk it is held all the same, nameless.
            os.ftruncate(fd, 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _flocked_by_this_process(fd: int) -> bool:
    """Whether this process holds a flock on the file open at `fd`, as /proc/locks says (Linux): a
    lock whose holder line a full disk kept out is still re-entrant."""
    stat = os.fstat(fd)
    inode = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        table = Path("/proc/locks").read_text()
    except OSError:
        return False
    # "1: FLOCK  ADVISORY  WRITE 4242 00:2a:1234 0 EOF" (waiters' lines have "->" after the number)
    return any(
        fields[1:2] == ["FLOCK"] and fields[4:6] == [str(os.getpid()), inode]
        for fields in (line.split() for line in table.splitlines())
    )


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
