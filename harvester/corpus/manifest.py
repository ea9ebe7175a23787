"""The manifest (`manifest.jsonl`): one JSON object per document, in sequence order, and the one
definition of a document's fields (`entry_fields`), wherever the document comes from.

Reading it tells a corpus which numbers and ids it already holds; appending a line is durable
(write + fsync) before the document counts as written, and all or nothing (a failed append is cut
back off). A new version of a document is appended
too; the corpus folds such lines back to one per document when it closes (see store.py), and the
superseded lines go to `versions.jsonl`, which has the same line format.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from harvester.capture.records import WarcRef
from harvester.extraction.charset import label
from harvester.extraction.render import Document
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"
VERSIONS = "versions.jsonl"


@dataclass(frozen=True)
class Entry:
    """One manifest line. Field order is the order of the format's table."""

    seq: int
    id: str
    file: str
    url: str
    final_url: str
    canonical_url: str
    site: str | None
    kind: str | None
    title: str
    published: str | None
    modified: str | None
    authors: list[str]
    language: str | None
    fetched_at: str
    sha256: str
    warc: WarcRef | None
    # 1 for a document's first text; each changed text found by a later crawl counts up.
    version: int = 1
    # The sha256 of the version this one replaced (null for version 1).
    previous_sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        # The fields as they are, not `asdict`'s deep copy of each (a fifth of a document's storing).
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "extra"}
        data["warc"] = asdict(self.warc) if self.warc is not None else None
        data.update(self.extra)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Entry:
        data = json.loads(line)
        known = {name: data.pop(name) for name in list(cls.__dataclass_fields__) if name in data}
        warc = known.get("warc")
        known["warc"] = WarcRef(**warc) if warc else None
        return cls(**known, extra=data)


class FetchedPage(Protocol):
    """What the manifest says of the page a document was read from: a crawled page
    (items.ArticlePage) or one read back from the captures (rebuild.captures.PageCapture)."""

    url: str
    canonical_url: str
    site: str | None
    kind: str | None

    @property
    def final_url(self) -> str: ...

    @property
    def fetched_at(self) -> str: ...


def entry_fields(document: Document, page: FetchedPage, warc: WarcRef | None, encoding: str | None) -> dict[str, Any]:
    """The manifest fields of a page's document, but those the corpus gives it (seq, id, file,
    sha256, version, previous_sha256). Beyond the format's own: the document's extra fields (an
    archive copy's `original_url`, ...) and the page's `charset` ('utf-8', 'euc-kr')."""
    return {
        "url": page.url,
        "final_url": page.final_url,
        "canonical_url": page.canonical_url,
        "site": page.site,
        "kind": page.kind,
        "title": document.title,
        "published": document.published,
        "modified": document.modified,
        "authors": list(document.authors),
        "language": document.language,
        "fetched_at": page.fetched_at,
        "warc": warc,
        "extra": {**document.extra, **({"charset": label(encoding)} if encoding else {})},
    }


def item_fields(item: ArticlePage) -> dict[str, Any]:
    """`entry_fields` of a crawled page's document."""
    assert item.document is not None
    return entry_fields(item.document, item, item.warc, item.encoding)


def count_lines(path: Path) -> int:
    """How many lines a manifest has (0 when there is none): read a block at a time, not parsed."""
    if not path.exists():
        return 0
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


def read_manifest(path: Path) -> Iterator[Entry]:
    """The entries of a manifest; a torn last line (a crash mid-append) is skipped with a warning."""
    for _, entry in read_manifest_at(path):
        yield entry


def read_manifest_at(path: Path) -> Iterator[tuple[int, Entry]]:
    """The entries of a manifest, each with the byte offset of its line."""
    if not path.exists():
        return
    offset = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            try:
                yield start, Entry.from_json(line.decode("utf-8"))
            except (ValueError, TypeError) as error:
                logger.warning("%s:%d: unreadable manifest line skipped (%s)", path, number, error)


def entry_at(path: Path, offset: int) -> Entry:
    """The entry whose line starts at `offset`."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return Entry.from_json(handle.readline().decode("utf-8"))


class ManifestWriter:
    """Appends entries to a manifest file, durably, one whole line each: an append that fails (a
    full disk) is cut back off, so that it leaves no torn line."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._repair_torn_tail()
        # A bare descriptor: no buffer that would try a failed write again later, at close.
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _repair_torn_tail(self) -> None:
        """A crash mid-append can leave a last line without its newline: cut it off."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return
            keep = _after_last_newline(handle, size)
            logger.warning("%s: torn last line removed (%d bytes)", self.path, size - keep)
            handle.truncate(keep)
            os.fsync(handle.fileno())

    def append(self, entry: Entry) -> int:
        """Append the entry's line; returns the line's byte offset."""
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        line = memoryview((entry.to_json() + "\n").encode("utf-8"))
        try:
            while line:
                line = line[os.write(self._fd, line) :]
            if self.durable:
                os.fsync(self._fd)
        except BaseException:
            os.ftruncate(self._fd, offset)
            raise
        return offset

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _after_last_newline(handle: BinaryIO, end: int) -> int:
    """The offset just after the last newline before `end` (0 if none), read backwards a block at a
    time: a manifest can be large."""
    while end > 0:
        start = max(0, end - 65536)
        handle.seek(start)
        newline = handle.read(end - start).rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        end = start
    return 0
