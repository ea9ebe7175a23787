"""Writing files safely: atomic writes (a temp file in the same folder, fsync, rename, fsync of the
folder) and telling a full disk from other write errors. Used by every layer that writes."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


# SQLite's: the database is full, or (WAL) its shared-memory file could not grow, as on a full disk.
SQLITE_DISK_FULL = ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE")


def disk_full(error: BaseException) -> bool:
    """A write failed for want of space (in a file, or in SQLite)."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorname", None) in SQLITE_DISK_FULL or "full" in str(error)
    return isinstance(error, OSError) and error.errno in DISK_FULL


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so that a reader (or a crash) sees the old file or the new, never half;
    `durable=False` leaves the flush to disk to the caller (a batch that syncs once at its end)."""
    with atomic_writer(path, durable) as handle:
        handle.write(data)


@contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """`write_atomic` for a file written piece by piece: the file replaces `path` when the block ends."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        with open(temp, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        # A full disk (or any failure) leaves no half-written temp file behind.
        temp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
