"""Reading WARC files in tests: every record, or the one at a manifest's reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord


@dataclass(frozen=True)
class Record:
    file: str
    offset: int
    type: str
    url: str | None
    headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes


def _record(file: str, offset: int, record: ArcWarcRecord) -> Record:
    has_status = record.http_headers is not None and record.rec_type in ("response", "revisit")
    return Record(
        file=file,
        offset=offset,
        type=record.rec_type,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        headers=dict(record.rec_headers.headers),
        http_status=int(record.http_headers.get_statuscode()) if has_status else None,
        http_headers=list(record.http_headers.headers) if record.http_headers else [],
        payload=record.content_stream().read(),
    )


def records(folder: Path) -> list[Record]:
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                found.append(_record(path.name, iterator.get_record_offset(), record))
    return found


def record_at(folder: Path, file: str, offset: int) -> Record:
    with open(folder / file, "rb") as stream:
        stream.seek(offset)
        return _record(file, offset, next(iter(ArchiveIterator(stream))))
