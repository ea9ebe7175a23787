"""WARC files on disk: IIPC-style names, one gzip member per record, `.open` while written,
rollover at a size, a `warcinfo` record first in every file, its CDXJ index written as it is
written, and repair of files a crash left open.

Settings read by the middleware and passed in: CAPTURE_DIR, CAPTURE_PREFIX, CAPTURE_MAX_FILE_SIZE,
CAPTURE_GZIP_LEVEL, CAPTURE_INDEX. Each group of records (a response and its request) goes to the
file in one write() call, so a killed process leaves whole records; a write that fails (a full
disk) is cut back at once; a torn tail (power loss) is cut back to its last whole record by
`repair()`, which also drops the file's index.

Compression: CAPTURE_GZIP_LEVEL is a gzip level as zlib has them, 0 (stored) to 9 (smallest).
Levels 1-3 are made with ISA-L's igzip (its levels 1-3): 4 to 9 times faster than zlib's, at
about zlib's size for the same level; 0 and 4-9, which igzip has no match for, with zlib.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from isal import isal_zlib

from harvester.capture.cdxj import FileLines
from harvester.capture.index import OpenIndex, forget
from harvester.capture.records import RecordFactory, WarcRecord, WarcRef, warc_date
from harvester.capture.wire import utc_now
from harvester.files import fsync_dir

logger = logging.getLogger(__name__)

OPEN = ".open"
_SERIAL = re.compile(r"-(\d{5,})-[^-]*\.warc\.gz(\.open)?$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class WarcInfo:
    """What the `warcinfo` record of every file says about the crawl."""

    software: str
    operator: str
    robots: str
    crawl_id: str
    user_agent: str = ""
    hostname: str = socket.gethostname()

    def fields(self) -> dict[str, str]:
        return {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": self.hostname,
            "operator": self.operator,
            "robots": self.robots,
            "isPartOf": self.crawl_id,
            "http-header-user-agent": self.user_agent,
        }


# gzip levels igzip makes (igzip's own level 0 is larger than zlib's level 1; zlib's 0 stores).
IGZIP_LEVELS = (1, 2, 3)
_GZIP = 31  # wbits: a gzip header and trailer around the deflate stream


def gzip_member(data: bytes, level: int) -> bytes:
    """One gzip member of `data` at a zlib-style level (the module's docstring says which library)."""
    if level in IGZIP_LEVELS:
        return isal_zlib.compress(data, level, wbits=_GZIP)
    return zlib.compress(data, level, wbits=_GZIP)


class WarcFileWriter:
    """Writes records to a series of WARC files in one folder."""

    def __init__(
        self,
        folder: Path,
        prefix: str,
        info: WarcInfo,
        factory: RecordFactory,
        max_size: int = 1_000_000_000,
        gzip_level: int = 2,
        clock: Callable[[], datetime] = utc_now,
        index: bool = False,
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.info = info
        self.factory = factory
        self.max_size = max_size
        self.gzip_level = gzip_level
        self.clock = clock
        self.index = index  # write each file's CDXJ index (capture/index.py) as it is written
        folder.mkdir(parents=True, exist_ok=True)
        self.serial = max((int(m.group(1)) for p in folder.iterdir() if (m := _SERIAL.search(p.name))), default=0)
        self.closed: list[Path] = []  # files this writer finished
        self.indexes: list[Path] = []  # the indexes it wrote for them
        self._fd: int | None = None
        self._path: Path | None = None
        self._size = 0
        self._index: OpenIndex | None = None
        self._lines = FileLines()
        self.warcinfo_id: str | None = None

    # -- files
    def _file_name(self) -> str:
        stamp = self.clock().strftime("%Y%m%d%H%M%S%f")[:17]
        host = re.sub(r"[^A-Za-z0-9.]+", "_", self.info.hostname) or "localhost"
        return f"{self.prefix}-{stamp}-{self.serial:05d}-{host}.warc.gz"

    def _open(self) -> None:
        while True:
            self.serial += 1
            name = self._file_name()
            path = self.folder / (name + OPEN)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            break
        # Held while the file is written: repair() leaves a locked file alone.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd, self._path, self._size = fd, path, 0
        if self.index:
            self._index, self._lines = OpenIndex(path), FileLines()
        record = self.factory.warcinfo(name, warc_date(self.clock()), self.info.fields())
        self.warcinfo_id = record.record_id
        try:
            self._append([record])
        except OSError:
            # A file without its warcinfo record (a full disk) is no WARC file: it goes.
            os.close(fd)
            path.unlink(missing_ok=True)
            if self._index is not None:
                self._index.discard()
                self._index = None
            self._fd = self._path = self.warcinfo_id = None
            raise

    @property
    def current(self) -> str | None:
        """Name (without `.open`) of the file being written, if any."""
        return self._path.name.removesuffix(OPEN) if self._path else None

    def sync(self) -> None:
        """Make what was written durable."""
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> Path | None:
        """Close the current file and drop its `.open` suffix; returns its final path.

        Its index is written first: a closed WARC file always has one (a kill in between leaves
        an `.open` file, whose repair drops the index).
        """
        if self._fd is None or self._path is None:
            return None
        os.fsync(self._fd)
        if self._index is not None:
            self._finish_index(self._index)
        final = self._path.with_name(self._path.name.removesuffix(OPEN))
        # Renamed before the lock goes with the descriptor: an `.open` name is locked as long as
        # its writer lives, so another crawl's repair never takes a file being closed.
        os.replace(self._path, final)
        os.close(self._fd)
        fsync_dir(self.folder)
        self._fd = self._path = self.warcinfo_id = self._index = None
        self.closed.append(final)
        return final

    def _finish_index(self, index: OpenIndex) -> None:
        try:
            self.indexes.append(index.finish(self._lines.finish()))
        except OSError as error:
            self._drop_index(index, error)

    def _drop_index(self, index: OpenIndex, error: OSError) -> None:
        # A full disk, say: the WARC file is still whole; index_folder makes its index from it later.
        index.discard()
        self._index = None
        logger.error("%s: no CDXJ index written (%s); it is made from the file later", index.warc, error)

    # -- records
    def _append(self, records: list[WarcRecord]) -> list[WarcRef]:
        assert self._fd is not None and self._path is not None
        refs, members = [], []
        for record in records:
            member = gzip_member(record.to_bytes(self.warcinfo_id), self.gzip_level)
            refs.append(WarcRef(self.current or "", self._size + sum(map(len, members)), len(member), record.record_id))
            members.append(member)
        data = b"".join(members)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            # All or nothing (a full disk): the file ends with its last whole record again, and
            # the next write goes on from there.
            os.ftruncate(self._fd, self._size)
            os.lseek(self._fd, self._size, os.SEEK_SET)
            raise
        self._size += len(data)
        if self._index is not None:
            try:
                self._index.add(self._lines.add(records, refs))
            except OSError as error:
                self._drop_index(self._index, error)
        return refs

    def write(self, *records: WarcRecord) -> list[WarcRef]:
        """Append records that belong together to one file; returns where each is.

        Rollover happens only between such groups, never inside one.
        """
        if self._fd is None:
            self._open()
        refs = self._append(list(records))
        if self._size >= self.max_size:
            self.close()
        return refs


# -- repair
class _RecordCheck:
    """Follows one decompressed gzip member and tells whether it held exactly one whole record."""

    def __init__(self) -> None:
        self.head = b""
        self.expected: int | None = None
        self.total = 0
        self.tail = b""

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        self.tail = (self.tail + data)[-4:]
        if self.expected is None and len(self.head) < 65536:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end >= 0:
                length = re.search(rb"\r\nContent-Length:[ \t]*(\d+)", self.head[:end], re.IGNORECASE)
                self.expected = end + 4 + int(length.group(1)) + 4 if length else -1

    def whole(self) -> bool:
        return self.head.startswith(b"WARC/") and self.total == self.expected and self.tail == b"\r\n\r\n"


def whole_records(path: Path) -> tuple[int, int]:
    """(bytes, count) of the file's leading gzip members that each hold one whole WARC record."""
    good = count = 0
    offset = 0  # file offset of the first byte of `data`
    decompressor, check = zlib.decompressobj(31), _RecordCheck()
    with open(path, "rb") as handle:
        data = handle.read(_CHUNK)
        while data:
            try:
                check.feed(decompressor.decompress(data))
            except zlib.error:
                break
            if not decompressor.eof:
                offset += len(data)
                data = handle.read(_CHUNK)
                continue
            end = offset + len(data) - len(decompressor.unused_data)
            if not check.whole():
                break
            good, count = end, count + 1
            data, offset = decompressor.unused_data, end
            decompressor, check = zlib.decompressobj(31), _RecordCheck()
            if not data:
                data = handle.read(_CHUNK)
    return good, count


def repair(path: Path) -> Path | None:
    """Cut a `.open` file back to its last whole record and close it; None when nothing was whole
    (the file is removed) or when a live writer holds it."""
    try:
        handle = open(path, "r+b")
    except FileNotFoundError:  # closed by the crawl writing it since the folder was listed
        return None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("%s: another crawl is writing it, left alone", path)
            return None
        if not _names(path, handle.fileno()):  # closed and renamed between the open and the lock
            return None
        forget(path)  # whatever index the killed writer left: the file is indexed anew
        size = os.fstat(handle.fileno()).st_size
        good, count = whole_records(path)
        if good < size:
            handle.truncate(good)
        os.fsync(handle.fileno())
        # Renamed or removed before the lock goes, as the writer does: a crawl starting beside this
        # one must not take the file for a killed crawl's while it is still `.open`.
        if count == 0:
            path.unlink()
            logger.warning("%s: no whole record, removed", path)
            return None
        final = path.with_name(path.name.removesuffix(OPEN))
        os.replace(path, final)
    fsync_dir(path.parent)
    logger.warning("%s: repaired, %d whole records kept, %d bytes cut", final, count, size - good)
    return final


def _names(path: Path, fd: int) -> bool:
    """Whether `path` still names the file open as `fd`."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def repair_folder(folder: Path) -> list[Path]:
    """Repair every `.open` WARC a killed crawl left in the folder."""
    if not folder.is_dir():
        return []
    repaired = (repair(path) for path in sorted(folder.glob(f"*.warc.gz{OPEN}")))
    return [path for path in repaired if path is not None]
