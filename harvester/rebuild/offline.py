"""A corpus made again from captures alone (`harvester rebuild --from-warc`): no network.

The article pages of the WARC files (captures.py) are read again in a process pool (extract.py)
and go into a new corpus by the corpus's one rule (harvester/corpus/store.py), as a crawl's corpus
pipeline took them in. Numbers: a page whose conversion record names the document's number
(`Harvester-Seq`) brings that number (the first capture to claim a number keeps it); any other new
document takes the next number after all the numbers the records name, in capture order. So a corpus rebuilt from a
crawl's WARCs is that crawl's corpus again, byte for byte: the same numbers, ids, texts, versions,
and manifest lines, whose `warc` references name the records the documents came from. Each page
is read with the rules its profile had on its capture's date (extract.py), and the signs that
those rules no longer fit the pages are counted per site as a crawl counts them (the report's
`drift`, harvester/report/drift.py).
"""

from __future__ import annotations

import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvester.corpus.ids import document_id
from harvester.corpus.manifest import entry_fields
from harvester.corpus.store import Corpus
from harvester.extraction.sanity import capture_time
from harvester.profiles import PROFILES
from harvester.rebuild.captures import PageCapture, article_pages, scan
from harvester.rebuild.extract import Job, PageReader, Result
from harvester.rebuild.report import TextDiff
from harvester.report.drift import Drift

logger = logging.getLogger(__name__)

# Reasons for no document that are failures (listed in the report), not what the page is.
FAILURES = ("unreadable", "extraction_error", "timeout", "worker_died")


@dataclass
class OfflineRebuild:
    """What a rebuild from captures did."""

    pages: int = 0
    documents: int = 0  # new documents
    versions: int = 0  # new versions of a document
    unchanged: int = 0  # pages whose document was already in the corpus with that text
    no_document: Counter[str] = field(default_factory=Counter)
    failed: list[dict[str, str]] = field(default_factory=list)  # pages that could not be read
    text_changed: list[tuple[int, str, str, TextDiff]] = field(default_factory=list)  # seq, id, url, diff
    problems: list[str] = field(default_factory=list)  # WARC files that could not be read whole
    seconds: float = 0.0  # how long the rebuild took
    cpu_seconds: float = 0.0  # the CPU it used meanwhile, its workers' included (start-up not)
    drift: dict[str, Drift] = field(default_factory=dict)  # by site (profile name)
    drift_threshold: float = 0.2

    def drift_sections(self) -> dict[str, dict[str, Any]]:
        return {site: drift.section(self.drift_threshold) for site, drift in sorted(self.drift.items())}

    def out_of_date(self) -> list[str]:
        return [site for site, drift in sorted(self.drift.items()) if drift.out_of_date(self.drift_threshold)]

    def report(self, **about: Any) -> dict[str, Any]:
        return {
            **about,
            "pages": self.pages,
            "documents": self.documents,
            "versions": self.versions,
            "unchanged": self.unchanged,
            "no_document": dict(sorted(self.no_document.items())),
            "failed": self.failed,
            "text_changed": [
                {"seq": seq, "id": doc_id, "url": url, "summary": diff.summary, "diff": diff.diff}
                for seq, doc_id, url, diff in self.text_changed
            ],
            "problems": self.problems,
            "drift": self.drift_sections(),
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
        }


def rebuild_from_warcs(
    files: list[Path],
    corpus_dir: Path,
    use_stored: bool = False,
    workers: int = 0,
    timeout: float | None = None,
    drift_threshold: float = 0.2,
) -> OfflineRebuild:
    """Make the corpus in `corpus_dir` (new, or empty) from the WARC files, in file-name order, the
    pages read by `workers` processes (0: here), each with `timeout` seconds at most; a site whose
    share of articles showing drift passes `drift_threshold` looks out of date."""
    started, cpu = time.monotonic(), _cpu_seconds()
    # The workers start (a second or so) while the captures are scanned.
    with PageReader(workers, timeout) as reader:
        outcome = _rebuild(files, corpus_dir, use_stored, reader, drift_threshold)
    # Closed, the workers are reaped: their CPU counts among this process's children.
    outcome.seconds, outcome.cpu_seconds = time.monotonic() - started, _cpu_seconds() - cpu
    return outcome


def _cpu_seconds() -> float:
    """User and system CPU of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _rebuild(
    files: list[Path], corpus_dir: Path, use_stored: bool, reader: PageReader, drift_threshold: float
) -> OfflineRebuild:
    found = scan(files)
    pages = article_pages(found)
    outcome = OfflineRebuild(pages=len(pages), problems=found.problems, drift_threshold=drift_threshold)
    numbers = _claimed_numbers(pages)
    jobs = (_job(page, use_stored) for page in pages)
    # A new corpus made in one go: flushed to disk once, at the end (a killed rebuild is run again).
    corpus = Corpus(corpus_dir, durable=False)
    corpus.reserve(below=max(numbers.values(), default=-1) + 1)
    try:
        for page, result in zip(pages, reader.read(jobs)):
            if result.text is None or result.document is None:
                _no_document(outcome, page, result)
                continue
            # A site's articles only, as a crawl counts them (report/drift.py).
            if page.site is not None:
                outcome.drift.setdefault(page.site, Drift()).add_document(page.final_url, result.document, page.fetched_at)
            doc_id = document_id(page.canonical_url)
            stored = corpus.store(doc_id, result.text, _fields(page, result), seq=numbers.get(doc_id))
            if stored.outcome == "unchanged":
                outcome.unchanged += 1
                continue
            if stored.outcome == "new":
                outcome.documents += 1
            else:
                outcome.versions += 1
            if result.stored_diff is not None:
                outcome.text_changed.append((stored.entry.seq, stored.entry.id, page.final_url, result.stored_diff))
    finally:
        corpus.close()
    return outcome


def _claimed_numbers(pages: list[PageCapture]) -> dict[str, int]:
    """The number each document's first conversion record names; a number claimed by an earlier
    document is not taken again."""
    numbers: dict[str, int] = {}
    taken: set[int] = set()
    for page in pages:
        seq = page.conversion.seq if page.conversion else None
        doc_id = document_id(page.canonical_url)
        if seq is not None and doc_id not in numbers and seq not in taken:
            numbers[doc_id] = seq
            taken.add(seq)
    return numbers


def _job(page: PageCapture, use_stored: bool) -> Job:
    conversion = (page.conversion.path, page.conversion.offset) if page.conversion else None
    # A site whose profile is gone since the crawl is read as a page of no profile.
    profile = page.site if page.site in PROFILES else None
    captured = capture_time(page.fetched_at)
    day = captured.date() if captured else None
    return Job(page.record.path, page.record.offset, page.original, profile, page.detect, conversion, use_stored, day)


def _fields(page: PageCapture, result: Result) -> dict[str, Any]:
    """The manifest fields the corpus pipeline would write for this page."""
    assert result.document is not None
    return entry_fields(result.document, page, page.record.ref, result.encoding)


def _no_document(outcome: OfflineRebuild, page: PageCapture, result: Result) -> None:
    if result.skipped == "not_article":
        outcome.pages -= 1
        return
    reason = result.skipped or "unreadable"
    outcome.no_document[reason] += 1
    if page.site is not None:
        outcome.drift.setdefault(page.site, Drift()).add_no_document(page.final_url, reason)
    if reason in FAILURES:
        outcome.failed.append({"url": page.final_url, "record": page.record.record_id, "error": result.error or ""})
        # Listed in the report and by the command, once: only logged here.
        logger.info("%s: %s", page.final_url, result.error)
    else:
        logger.info("No document from %s: %s", page.final_url, result.error)
