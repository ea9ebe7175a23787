"""A corpus made again from captures alone (`harvester rebuild --from-warc`): no network.

The article pages of the WARC files (captures.py) are read again in a process pool (extract.py)
and go into a new corpus as a crawl's corpus pipeline took them in: a document not in the corpus
yet is added, a changed text becomes the document's next version, the same text changes nothing.
Numbers: a page whose conversion record names the document's number (`Harvester-Seq`) gets that
number (the first capture to claim a number keeps it); any other new document takes the next
number after all the numbers the records name, in capture order. So a corpus rebuilt from a
crawl's WARCs is that crawl's corpus again, byte for byte: the same numbers, ids, texts, versions,
and manifest lines, whose `warc` references name the records the documents came from.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvester.corpus.ids import document_id
from harvester.corpus.store import Corpus
from harvester.profiles import PROFILES
from harvester.rebuild.captures import PageCapture, article_pages, scan
from harvester.rebuild.extract import Job, PageReader, Result
from harvester.rebuild.report import TextDiff

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
            "seconds": round(self.seconds, 3),
        }


def rebuild_from_warcs(
    files: list[Path], corpus_dir: Path, use_stored: bool = False, workers: int = 0, timeout: float | None = None
) -> OfflineRebuild:
    """Make the corpus in `corpus_dir` (new, or empty) from the WARC files, in file-name order, the
    pages read by `workers` processes (0: here), each with `timeout` seconds at most."""
    started = time.monotonic()
    # The workers start (a second or so) while the captures are scanned.
    with PageReader(workers, timeout) as reader:
        outcome = _rebuild(files, corpus_dir, use_stored, reader)
    outcome.seconds = time.monotonic() - started
    return outcome


def _rebuild(files: list[Path], corpus_dir: Path, use_stored: bool, reader: PageReader) -> OfflineRebuild:
    found = scan(files)
    pages = article_pages(found)
    outcome = OfflineRebuild(pages=len(pages), problems=found.problems)
    numbers = _claimed_numbers(pages)
    free = max(numbers.values(), default=-1) + 1
    jobs = (_job(page, use_stored) for page in pages)
    # A new corpus made in one go: flushed to disk once, at the end (a killed rebuild is run again).
    corpus = Corpus(corpus_dir, durable=False)
    try:
        for page, result in zip(pages, reader.read(jobs)):
            if result.text is None:
                _no_document(outcome, page, result)
                continue
            doc_id = document_id(page.canonical_url)
            known = corpus.get(doc_id)
            fields = _fields(page, result)
            if known is None:
                seq = numbers.get(doc_id)
                if seq is None or corpus.holder(seq) is not None:
                    while corpus.holder(free) is not None:
                        free += 1
                    seq = free
                entry = corpus.add(doc_id, result.text, fields, seq=seq)
                outcome.documents += 1
            elif known.sha256 == hashlib.sha256(result.text).hexdigest():
                outcome.unchanged += 1
                continue
            else:
                entry = corpus.revise(doc_id, result.text, fields)
                outcome.versions += 1
            if result.stored_diff is not None:
                outcome.text_changed.append((entry.seq, entry.id, page.final_url, result.stored_diff))
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
    return Job(page.record.path, page.record.offset, page.original, profile, page.detect, conversion, use_stored)


def _fields(page: PageCapture, result: Result) -> dict[str, Any]:
    """The manifest fields the corpus pipeline would write for this page."""
    return {
        "url": page.url,
        "final_url": page.final_url,
        "canonical_url": page.canonical_url,
        "site": page.site,
        "kind": page.kind,
        "title": result.fields["title"],
        "published": result.fields["published"],
        "modified": result.fields["modified"],
        "authors": result.fields["authors"],
        "language": result.fields["language"],
        "fetched_at": page.fetched_at,
        "warc": page.record.ref,
        "extra": result.fields["extra"],
    }


def _no_document(outcome: OfflineRebuild, page: PageCapture, result: Result) -> None:
    if result.skipped == "not_article":
        outcome.pages -= 1
        return
    reason = result.skipped or "unreadable"
    outcome.no_document[reason] += 1
    if reason in FAILURES:
        outcome.failed.append({"url": page.final_url, "record": page.record.record_id, "error": result.error or ""})
        # Listed in the report and by the command, once: only logged here.
        logger.info("%s: %s", page.final_url, result.error)
    else:
        logger.info("No document from %s: %s", page.final_url, result.error)
