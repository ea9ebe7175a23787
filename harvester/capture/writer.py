"""WARC files on disk: IIPC-style names, one gzip member per record, `.open` while written,
rollover at a size, and a `warcinfo` record first in every file.

Settings read by the middleware and passed in: CAPTURE_DIR, CAPTURE_PREFIX, CAPTURE_MAX_FILE_SIZE.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from harvester.corpus.manifest import WarcRef


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
        fields = {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": self.hostname,
            "operator": self.operator,
            "robots": self.robots,
            "isPartOf": self.crawl_id,
        }
        if self.user_agent:
            fields["http-header-user-agent"] = self.user_agent
        return fields


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class WarcFileWriter:
    """Writes records to a series of WARC files in one folder."""

    def __init__(
        self,
        folder: Path,
        prefix: str,
        info: WarcInfo,
        max_size: int = 1_000_000_000,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.info = info
        self.max_size = max_size
        self.clock = clock
        self.serial = 0
        self._handle: io.BufferedWriter | None = None
        self._path: Path | None = None
        self._warcio: WARCWriter | None = None
        self.warcinfo_id: str | None = None
        folder.mkdir(parents=True, exist_ok=True)

    # -- files
    def _file_name(self) -> str:
        stamp = self.clock().strftime("%Y%m%d%H%M%S%f")[:17]
        host = self.info.hostname.split(".")[0] or "localhost"
        return f"{self.prefix}-{stamp}-{self.serial:05d}-{host}.warc.gz"

    def _open(self) -> None:
        self.serial += 1
        name = self._file_name()
        self._path = self.folder / (name + ".open")
        self._handle = open(self._path, "xb")
        self._warcio = WARCWriter(self._handle, gzip=True, warc_version="WARC/1.1")
        record = self._warcio.create_warcinfo_record(name, self.info.fields())
        self.warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._warcio.write_record(record)

    def close(self) -> None:
        """Close the current file and drop its `.open` suffix."""
        if self._handle is None or self._path is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        final = self._path.with_suffix("")
        os.replace(self._path, final)
        self._handle = self._path = self._warcio = None

    @property
    def builder(self) -> WARCWriter:
        """The warcio writer of the current file (opened on first use), to create records with."""
        if self._warcio is None:
            self._open()
        assert self._warcio is not None
        return self._warcio

    # -- records
    def write(self, *records: ArcWarcRecord) -> list[WarcRef]:
        """Append records that belong together (a request and its response) to one file.

        Returns where each is (file name without `.open`, offset, length). Rollover happens
        only between such groups, never inside one.
        """
        builder = self.builder
        assert self._handle is not None and self._path is not None
        refs = []
        for record in records:
            if self.warcinfo_id and not record.rec_headers.get_header("WARC-Warcinfo-ID"):
                record.rec_headers.add_header("WARC-Warcinfo-ID", self.warcinfo_id)
            offset = self._handle.tell()
            builder.write_record(record)
            refs.append(
                WarcRef(
                    file=self._path.name.removesuffix(".open"),
                    offset=offset,
                    length=self._handle.tell() - offset,
                    record_id=record.rec_headers.get_header("WARC-Record-ID"),
                )
            )
        self._handle.flush()
        if self._handle.tell() >= self.max_size:
            self.close()
        return refs
