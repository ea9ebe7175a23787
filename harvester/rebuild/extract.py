"""Documents made again from captured pages, in the crawl's extraction pool (one worker per core).

A worker reads and inflates the page from its WARC record itself, puts it through the crawl's
extraction gate and extractor (harvester/extraction: `extract()` is a pure function of the page),
with the rules its profile had on the record's WARC-Date (a page of an old capture is read as its
site made it then), and returns the document and its text; or the text its conversion record holds
(`use_stored`), with the document its header fields describe. Where the page has a conversion
record, the two texts are compared. Pages go to the workers a few at a time (`BATCH`: pages take
1-2 ms, a batch far less than the pool's time limit); a batch that runs past the limit or kills its
worker is read again a page at a time, each page with the whole limit, so that only a page at fault
fails (`timeout`, `worker_died`). Results come back in the order the pages were given, so that the
corpus takes the documents in the crawl's order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from harvester.capture.reader import CaptureError, page_at, record_at
from harvester.corpus.conversion import read_headers
from harvester.extraction.errors import ExtractionTimeout, WorkerDied
from harvester.extraction.extractor import ExtractionError, extract, parse_html
from harvester.extraction.page import gate, sent_once
from harvester.extraction.pool import ExtractionPool
from harvester.extraction.render import Document, encode
from harvester.profiles import PROFILES, cms
from harvester.rebuild.report import TextDiff, text_diff

# Pages handed to a worker at a time: one hand-over (a message each way, the wake-ups, the
# supervisor's round) for several pages, each a page's work of 1-2 ms.
BATCH = 8
# Batches in flight per worker: enough that a worker never waits for the next.
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
    document: Document | None = None  # without its body, which `text` holds (page.sent_once)
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
    return Result(text, sent_once(document), encoding, stored_diff=text_diff(stored.block or b"", text) if differs else None)


def read_batch(jobs: list[Job]) -> list[Result]:
    """The documents of a few captured pages, in order (runs in a worker)."""
    return [read_page(job) for job in jobs]


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


class PageReader:
    """Reads pages, in the order given, in a pool of `workers` processes (started at once) a few
    pages ahead of the caller, each page with `timeout` seconds at most; with no workers, here
    (no time limit). The pool is supervised by a loop of the caller's thread, run while the caller
    hands in a page or waits for one: no second thread takes the interpreter lock for every page
    from the caller's own work (reading the captures, writing the corpus)."""

    def __init__(self, workers: int, timeout: float | None = None) -> None:
        self.workers = workers
        self.loop = asyncio.new_event_loop()
        # Forked: this process has imported all the workers run (pool.py).
        self.pool = ExtractionPool(workers, read_batch, timeout, self.loop, fork=True) if workers > 0 else None
        if self.pool is not None:
            self.pool.start()

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def read(self, jobs: Iterable[Job]) -> Iterator[Result]:
        """Each job's result, in order."""
        if self.pool is None:
            yield from map(read_page, jobs)
            return
        pending: deque[tuple[list[Job], Future[list[Result]]]] = deque()
        jobs = iter(jobs)
        while batch := list(islice(jobs, BATCH)):
            pending.append((batch, self.pool.submit(batch)))
            # Results in, the next pages out, without waiting: one round of the loop.
            self.loop.stop()
            self.loop.run_forever()
            if len(pending) >= self.workers * AHEAD:
                yield from self._results(*pending.popleft())
        while pending:
            yield from self._results(*pending.popleft())

    def _results(self, batch: list[Job], future: Future[list[Result]]) -> list[Result]:
        self._wait(future)
        if len(batch) == 1:
            return [_outcome(future)]
        if not isinstance(future.exception(), (ExtractionTimeout, WorkerDied)):
            return future.result()
        # Which page ran out of time or killed the worker is not known: each again on its own,
        # with the whole time limit, so that it fails alone.
        alone = [self.pool.submit([job]) for job in batch]
        for single in alone:
            self._wait(single)
        return [_outcome(single) for single in alone]

    def _wait(self, future: Future[list[Result]]) -> None:
        """Run the loop until the future is done, whatever it ended with: the loop's own callbacks
        set its result, and then stop the loop. (A coroutine awaiting it costs 39 µs a wait; this,
        7.)"""
        if not future.done():
            future.add_done_callback(self._stop_loop)
            while not future.done():
                self.loop.run_forever()

    def _stop_loop(self, _: Future[list[Result]]) -> None:
        self.loop.stop()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.loop.close()


def read_pages(jobs: Iterable[Job], workers: int, timeout: float | None = None) -> Iterator[Result]:
    """Each job's result, in order (PageReader)."""
    with PageReader(workers, timeout) as reader:
        yield from reader.read(jobs)


def _outcome(future: Future[list[Result]]) -> Result:
    """The result of a batch of one page, or its failure."""
    try:
        (result,) = future.result()
        return result
    except ExtractionTimeout as error:
        return Result(skipped="timeout", error=str(error))
    except WorkerDied as error:
        return Result(skipped="worker_died", error=str(error))
