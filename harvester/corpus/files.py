"""Atomic file writes: a temp file in the same folder, fsync, rename, fsync of the folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


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
