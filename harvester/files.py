"""Writing files safely: atomic writes (a temp file in the same folder, fsync, rename, fsync of the
folder), one flush of a whole file system for many writes at once, and telling a full disk from
other write errors. Used by every layer that writes."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
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


@functools.cache
def _syncfs() -> ctypes._CFuncPtr | None:
    """Linux's syncfs(2), which Python's os module lacks; None elsewhere."""
    name = ctypes.util.find_library("c")
    function = getattr(ctypes.CDLL(name, use_errno=True), "syncfs", None) if name else None
    if function is not None:
        function.argtypes = [ctypes.c_int]
    return function



def sync_filesystem(folder: Path) -> None:
    """Make every write to the file system that holds `folder` durable, in one go: for a group of
    files, far cheaper than an fsync of each (one journal commit instead of one per file)."""
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so that a reader (or a crash) sees the old file or the new, never half;
    `durable=False` leaves the flush to disk to the caller (a batch that syncs once at its end)."""
    with _replacing(path, durable) as temp:
        # The system's calls, not a Python file: four for the file where `open` makes seven (each
        # gives up the interpreter lock, which a thread beside the crawl's must then take back).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """`write_atomic` for a file written piece by piece: the file replaces `path` when the block ends."""
    with _replacing(path, durable) as temp, open(temp, "wb") as handle:
        yield handle
        handle.flush()
        if durable:
            os.fsync(handle.fileno())


@contextmanager
def _replacing(path: Path, durable: bool) -> Iterator[Path]:
    """The temp file beside `path` that the block writes (and syncs, if `durable`), which then
    replaces `path`. A full disk (or any failure) leaves no half-written temp file behind."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
