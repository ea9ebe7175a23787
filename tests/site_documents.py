"""What the site crawl tests share: hand-written expected documents, a crawl's manifest and captures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

FIXTURES = Path(__file__).parent / "fixtures"


def expected(site: str) -> dict[str, dict]:
    """fixtures/<site>/expected.json: document file name -> the manifest fields it must have."""
    return json.loads((FIXTURES / site / "expected.json").read_text("utf-8"))


def expected_text(site: str, name: str) -> str:
    return (FIXTURES / site / name).read_text("utf-8")


def read_manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]


@dataclass(frozen=True)
class Exchange:
    url: str
    status: int
    headers: dict[str, str]


def responses(out: Path) -> list[Exchange]:
    """Every response record the crawl captured, in order."""
    found = []
    for path in sorted((out / "warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    headers = {name.lower(): value for name, value in record.http_headers.headers}
                    found.append(Exchange(record.rec_headers.get_header("WARC-Target-URI"),
                                          int(record.http_headers.get_statuscode()), headers))
    return found


def paragraphs(text: str) -> list[str]:
    """A document's blocks, its head (title and byline/date lines) line by line."""
    head, _, body = text.partition("\n\n")
    return head.split("\n") + body.split("\n\n")
