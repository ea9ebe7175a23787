"""Documents made again from captured pages, in a pool of worker processes (one per core).

A worker reads the page from its WARC record, puts it through the crawl's extraction gate and
extractor (harvester/extraction: `extract()` is a pure function of the page), with the rules its
profile had on the record's WARC-Date (a page of an old capture is read as its site made it then),
and returns the
document and its text; or the text its conversion record holds (`use_stored`), with the document
its header fields describe. Where
the page has a conversion record, the two texts are compared. Results come back in the order the
pages were given, so that the corpus takes the documents in the crawl's order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harvester.capture.reader import CaptureError, page_at, record_at
from harvester.corpus.conversion import read_headers
from harvester.extraction.extractor import ExtractionError, extract, parse_html
from harvester.extraction.page import gate
from harvester.extraction.render import Document, encode
from harvester.profiles import PROFILES, cms
from harvester.rebuild.report import TextDiff, text_diff

# Pages handed to a worker at once, and chunks in flight per worker: enough to keep both busy.
CHUNK = 8
AHEAD = 4


@dataclass(frozen=True)
class Job:
    """A page to read: its record (and a revisit's original), its profile, its conversion record."""

    path: Path
    offset: int
    original: tuple[Path, int] | None
    site: str | None
    detect: bool
    conversion: tuple[Path, int] | None
    use_stored: bool
    captured: date | None = None  # the capture's date: its profile's rules of that day read it


@dataclass(frozen=True)
class Result:
    text: bytes | None = None
    document: Document | None = None
    encoding: str | None = None  # the charset the page was read in
    skipped: str | None = None  # why no document: an extraction reason key, "unreadable", "not_article"
    error: str | None = None  # what was wrong, in words
    stored_diff: TextDiff | None = None  # how today's text differs from the conversion record's


def read_page(job: Job) -> Result:
    """The document of one captured page (runs in a worker)."""
    try:
        page = page_at(job.path, job.offset, job.original)
        stored = record_at(*job.conversion) if job.conversion else None
    except CaptureError as error:
        return Result(skipped="unreadable", error=str(error))
    try:
        encoding, _ = gate(page.body, page.header("Content-Type"), page.truncated)
        if job.detect and cms.detect(page.uri, parse_html(page.body, encoding)) is None:
            return Result(skipped="not_article")
        if job.use_stored and stored is not None:
            return Result(stored.block, _stored_document(stored.fields, stored.block or b"", page.uri, job.site), encoding)
        document = extract(page.body, encoding, page.uri, job.site, job.captured)
    except ExtractionError as error:
        return Result(skipped=error.reason, error=str(error))
    except Exception as error:  # a page the extractor cannot cope with must not end the rebuild
        return Result(skipped="extraction_error", error=f"{type(error).__name__}: {error}")
    text = encode(document)
    differs = stored is not None and stored.block != text
    return Result(text, document, encoding, stored_diff=text_diff(stored.block or b"", text) if differs else None)


def _stored_document(headers: dict[str, str], text: bytes, url: str, site: str | None) -> Document:
    """The document a conversion record's text and header fields describe: the title is the text's
    first line."""
    profile = PROFILES.get(site or "")
    said = read_headers(headers)
    return Document(
        title=text.decode("utf-8").split("\n", 1)[0],
        body=(),
        published=said.published,
        modified=said.modified,
        authors=tuple(said.authors),
        language=said.language,
        # As the extractor puts them in the document's extra fields.
        extra={
            **(profile.manifest_fields(url) if profile and profile.manifest_fields else {}),
            **({"fallback": said.fallback} if said.fallback else {}),
        },
    )


def _read_pages(jobs: list[Job]) -> list[Result]:
    return [read_page(job) for job in jobs]


def read_pages(jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """Each job's result, in order; with more than one worker, read in a process pool, a few
    chunks ahead of the caller."""
    if workers <= 1:
        yield from map(read_page, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[Result]]] = deque()
        for chunk in _chunks(jobs, CHUNK):
            pending.append(pool.submit(_read_pages, chunk))
            if len(pending) >= workers * AHEAD:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
