"""CDXJ indexes of WARC files, `indexes/<name>.cdxj` per file: written by the writer as it writes
the file, or made with cdxj-indexer for a file that has none (one repaired after a crash).

The writer's lines (capture/cdxj.py, the same as cdxj-indexer's) go to a side file,
`indexes/<name>.cdxj.open`, as each record is written, and are sorted into the index when the
WARC file is closed: no WARC is read again for its index. A killed crawl's side file is dropped
with the repair of its `.open` WARC file, whose index is then made from scratch by
`index_folder`. Sorting holds at most SORT_BUFFER bytes of lines in memory; beyond, sorted runs go
to temp files and are merged. Every index is written atomically under a temp name of its own
process. Crawls sharing the folder (workers) index a closed file one at a time, under its lock; the
temp files a killed process leaves of an index go with the repair of its `.open` file, or with the
next indexing of the closed file. No settings.
"""

from __future__ import annotations

import fcntl
import glob
import heapq
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from harvester.capture.cdxj import INDEXED
from harvester.files import fsync_dir

INDEX_DIR = "indexes"
OPEN = ".open"
# Index lines held in memory while sorting; beyond it, sorted runs go to temp files and are
# merged. cdxj-indexer's own default (32 MB of text, about 45 MB of Python strings) would be the
# crawl process's peak memory when a large file is indexed.
SORT_BUFFER = 4 * 1024 * 1024


def index_path(warc: Path) -> Path:
    return warc.parent / INDEX_DIR / (warc.name.removesuffix(OPEN).removesuffix(".warc.gz") + ".cdxj")


def side_path(warc: Path) -> Path:
    """Where the lines of a WARC file being written wait: `indexes/<name>.cdxj.open`."""
    target = index_path(warc)
    return target.with_name(target.name + OPEN)


class OpenIndex:
    """The index lines of the WARC file being written, in a side file until the file closes."""

    def __init__(self, warc: Path, sort_buffer: int = SORT_BUFFER) -> None:
        self.warc = warc
        self.sort_buffer = sort_buffer
        self.path = side_path(warc)
        self.path.parent.mkdir(exist_ok=True)
        # Not synced: after a kill the WARC file is repaired and indexed anew, this file dropped.
        self._file: BinaryIO = open(self.path, "wb")

    def add(self, lines: Iterable[str]) -> None:
        self._file.writelines(line.encode("utf-8") for line in lines)

    def finish(self, lines: Iterable[str] = ()) -> Path:
        """The sorted index, written atomically under the WARC file's final name; the side file goes."""
        self.add(lines)
        self._file.close()
        target = index_path(self.warc)
        temp = _temp(target)
        try:
            with open(temp, "wb") as out:
                sort_lines(self.path, out, self.sort_buffer)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        self.path.unlink()
        fsync_dir(target.parent)
        return target

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def sort_lines(source: Path, out: BinaryIO, sort_buffer: int = SORT_BUFFER) -> None:
    """The lines of `source` sorted into `out`, repeated lines once (as cdxj-indexer writes them:
    UTF-8 bytes sort as the code points do)."""
    runs: list[Path] = []
    try:
        with open(source, "rb") as lines:
            while chunk := lines.readlines(sort_buffer):
                chunk.sort()
                if not runs and not lines.peek(1):
                    _write_unique(chunk, out)  # all of it in one chunk: no temp file
                    return
                runs.append(_run(source, len(runs), chunk))
        with ExitStack() as stack:
            _write_unique(heapq.merge(*(stack.enter_context(open(run, "rb")) for run in runs)), out)
    finally:
        for run in runs:
            run.unlink(missing_ok=True)


def _run(source: Path, number: int, lines: list[bytes]) -> Path:
    run = source.with_name(f".{source.name}.{os.getpid()}.run{number}")
    with open(run, "wb") as handle:
        handle.writelines(lines)
    return run


def _write_unique(lines: Iterable[bytes] | Iterator[bytes], out: BinaryIO) -> None:
    last = None
    for line in lines:
        if line != last:
            out.write(line)
        last = line


def forget(warc: Path) -> None:
    """Drop whatever index a WARC file left open by a killed crawl has, with the temp files of its
    writing (the caller holds the file's lock: no live process writes them): it is indexed anew."""
    side, target = side_path(warc), index_path(warc)
    for leftover in (*_leftovers(side, "run*"), *_leftovers(target, "tmp")):
        leftover.unlink(missing_ok=True)
    side.unlink(missing_ok=True)
    target.unlink(missing_ok=True)


def _leftovers(path: Path, suffix: str) -> list[Path]:
    """The temp files processes wrote for `path`: `.<name>.<pid>.<suffix>`."""
    return [Path(name) for name in glob.glob(f"{glob.escape(str(path.parent))}/.{glob.escape(path.name)}.*.{suffix}")]


def index_warc(warc: Path, sort_buffer: int = SORT_BUFFER) -> Path | None:
    """Write the sorted CDXJ index of a closed WARC file that has none (response, revisit,
    resource and metadata records) with cdxj-indexer, reading the file; None when it has one
    (another crawl sharing the folder wrote it meanwhile)."""
    target = index_path(warc)
    with open(warc, "rb") as locked:
        # One indexer of a file at a time (the writer closing it holds the lock until just after
        # the rename): any temp file of its index now is a killed indexer's.
        fcntl.flock(locked.fileno(), fcntl.LOCK_EX)
        if target.exists():
            return None
        # Imported here: it takes a third of a second to import (pyamf), and a crawl needs it
        # only for files repaired after a crash.
        from cdxj_indexer.main import CDXJIndexer

        target.parent.mkdir(exist_ok=True)
        for leftover in _leftovers(target, "tmp"):
            leftover.unlink(missing_ok=True)
        temp = _temp(target)
        try:
            # post_append: a POST request's body joins its response's key, as pywb expects. The
            # record types are named, not left to the library's default list: py-wacz appends
            # `warcinfo` to that list for the whole process once imported (`harvester package`).
            CDXJIndexer(
                str(temp), [str(warc)], sort=True, post_append=True, max_sort_buff_size=sort_buffer, records=",".join(INDEXED)
            ).process_all()
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    return target


def _temp(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def index_folder(folder: Path) -> tuple[list[Path], list[tuple[Path, Exception]]]:
    """Index every closed WARC file in the folder that has no index yet (the writer indexes the
    files it writes; a repaired file has none): (indexes written, failures)."""
    written, failed = [], []
    for warc in sorted(folder.glob("*.warc.gz")):
        try:
            index = index_warc(warc)
        except Exception as error:  # a file no tool can read must not stop the others' indexes
            failed.append((warc, error))
        else:
            if index is not None:
                written.append(index)
    return written, failed
