"""The extraction pipeline: worker processes give the documents the crawl process gives; failures,
pages past the time limit and dead workers are counted, and cost their page only."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from datetime import date
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from harvester.extraction.page import Extracted, extract_page
from harvester.extraction.pipeline import ExtractionPipeline, process_count, time_limit
from harvester.items import ArticlePage
from harvester.report.summary import site_section

URL = "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq={}"
STUCK = b"<!-- never return -->"
DEATH = b"<!-- end this worker -->"


def stuck_or_dying(
    body: bytes, content_type: str | None, truncated: str | None, url: str, site: str | None, captured: date | None = None
) -> Extracted:
    """Extraction that never returns on a marked page (a parser in a loop) and kills its worker on
    another (a crashing parser)."""
    if STUCK in body:
        threading.Event().wait()
    if DEATH in body:
        os._exit(3)
    return extract_page(body, content_type, truncated, url, site, captured)


class TroubledPipeline(ExtractionPipeline):
    extract = staticmethod(stuck_or_dying)


def page(body: bytes, seq: str, content_type: str = "text/html;charset=UTF-8") -> ArticlePage:
    url = URL.format(seq)
    return ArticlePage(
        url=url, final_url=url, canonical_url=url, site="mofa_missions", kind="ministry", body=body,
        encoding="utf-8", fetched_at="2026-05-14T00:00:00Z", content_type=content_type,
    )


def pipeline(processes: int) -> ExtractionPipeline:
    crawler = get_crawler(settings_dict={"EXTRACTION_ENABLED": True, "EXTRACTION_PROCESSES": processes})
    return ExtractionPipeline.from_crawler(crawler)


def run(pipe: ExtractionPipeline, items: list[object]) -> list[object]:
    """The items through the pipeline, opened and closed on the loop, as in a crawl (the loop
    supervises the workers)."""

    async def through() -> list[object]:
        pipe.open_spider()
        try:
            return await asyncio.gather(*(pipe.process_item(item) for item in items), return_exceptions=True)
        finally:
            pipe.close_spider()

    return asyncio.run(through())


def test_workers_and_crawl_process_give_the_same_documents(shared: Path) -> None:
    paths = sorted((shared / "realpages" / "mofa-cms").glob("*.html"))
    in_workers = run(pipeline(2), [page(path.read_bytes(), path.stem.rsplit("_", 1)[1]) for path in paths])
    here = run(pipeline(0), [page(path.read_bytes(), path.stem.rsplit("_", 1)[1]) for path in paths])
    assert len(in_workers) == len(here) == 6
    for worker_item, here_item in zip(in_workers, here):
        if isinstance(here_item, DropItem):  # the attachment-only post: no document either way
            assert isinstance(worker_item, DropItem) and str(worker_item) == str(here_item)
            continue
        assert isinstance(worker_item, ArticlePage) and isinstance(here_item, ArticlePage)
        assert worker_item.document == here_item.document
        assert worker_item.text == here_item.text
        assert worker_item.encoding == here_item.encoding == "utf-8"
    documents = [item for item in in_workers if isinstance(item, ArticlePage)]
    assert len(documents) == 5
    assert documents[0].text.startswith("[중요] 방문 예약 안내\n".encode())
    assert "[병역] 가족거주사실확인서" in [item.document.title for item in documents]


@pytest.mark.parametrize("processes", [0, 1])
def test_a_page_without_article_is_dropped_and_counted(processes: int, shared: Path) -> None:
    pipe = pipeline(processes)
    good = (shared / "realpages" / "mofa-cms" / "passport_1344542.html").read_bytes()
    empty, pdf, kept = run(pipe, [page(b"   ", "1"), page(b"%PDF-1.4", "2", "application/pdf"), page(good, "1344542")])
    assert isinstance(empty, DropItem) and "empty page" in str(empty)
    assert isinstance(pdf, DropItem) and "not html" in str(pdf)
    assert isinstance(kept, ArticlePage) and kept.document is not None and kept.text is not None
    stats = pipe.crawler.stats.get_stats()
    assert stats["extraction/failed/empty_page"] == 1
    assert stats["extraction/failed/not_html"] == 1
    assert stats["extraction/documents"] == 1


def test_other_items_pass_untouched() -> None:
    item = {"not": "an article"}
    assert run(pipeline(0), [item]) == [item]


def test_off_means_not_configured() -> None:
    with pytest.raises(NotConfigured):
        ExtractionPipeline.from_crawler(get_crawler(settings_dict={"EXTRACTION_ENABLED": False}))


@pytest.mark.parametrize(("value", "expected"), [(None, os.cpu_count()), ("", os.cpu_count()), ("0", 0), (3, 3), ("2", 2)])
def test_process_count(value: object, expected: int) -> None:
    assert process_count(value) == expected


def test_a_negative_process_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        process_count(-1)


@pytest.mark.parametrize("processes", [0, 1])
def test_an_unexpected_error_loses_the_page_not_the_crawl(processes: int, shared: Path) -> None:
    pipe = pipeline(processes)
    body = (shared / "realpages" / "mofa-cms" / "passport_1344542.html").read_bytes()
    orphan = page(body, "1344542")
    orphan.site = "no_such_profile"  # a profile name the registry does not know: a bug upstream
    good = page(body, "1344542")
    dropped, kept = run(pipe, [orphan, good])
    assert isinstance(dropped, DropItem)
    assert isinstance(kept, ArticlePage) and kept.document is not None
    assert pipe.crawler.stats.get_value("extraction/failed/error") == 1


def test_a_page_is_read_with_the_rules_of_its_capture_date() -> None:
    """ecounion's page of 2018 on its older template: the capture's date picks the profile's rules."""
    body = (Path(__file__).parent / "fixtures" / "ecounion" / "ecounion_8847_2018_07_02_old_template.html").read_bytes()
    url = "https://www.ecounion.co.kr/news/view.php?idx=8847"

    def captured(fetched_at: str) -> ArticlePage:
        return ArticlePage(url=url, final_url=url, canonical_url=url, site="ecounion", kind="news", body=body,
                           encoding="utf-8", fetched_at=fetched_at, content_type="text/html; charset=utf-8")

    then, today = run(pipeline(0), [captured("2018-07-02T03:00:00Z"), captured("2026-12-06T03:00:00Z")])
    assert isinstance(then, ArticlePage) and isinstance(today, ArticlePage)
    assert (then.document.fallback, today.document.fallback) == ((), ("title", "published", "authors"))


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), (0, None), ("60", 60.0), ("0.5", 0.5)])
def test_time_limit(value: object, expected: float | None) -> None:
    assert time_limit(value) == expected


def test_a_negative_time_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        time_limit("-1")


def test_a_page_past_the_time_limit_is_a_timeout_and_a_dead_worker_costs_its_page(
    shared: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {"EXTRACTION_ENABLED": True, "EXTRACTION_PROCESSES": 2, "EXTRACTION_TIMEOUT": 2}
    pipe = TroubledPipeline.from_crawler(get_crawler(settings_dict=settings))
    good = (shared / "realpages" / "mofa-cms" / "passport_1344542.html").read_bytes()
    stuck = page(good.replace(b"</body>", STUCK + b"</body>"), "1")
    dying = page(good.replace(b"</body>", DEATH + b"</body>"), "2")
    with caplog.at_level(logging.WARNING):
        results = run(pipe, [stuck, page(good, "1344542"), dying, page(good, "1344543"), page(good, "1344544")])
    timed_out, first, dead, *others = results
    assert isinstance(timed_out, DropItem) and str(timed_out) == "no document: extraction took more than 2 s"
    assert isinstance(dead, DropItem) and "exit code 3" in str(dead)
    assert stuck.skipped == "timeout" and dying.skipped == "worker_died"
    # The pages around them, in the other worker or after them in the same one, are documents.
    expected = extract_page(good, "text/html;charset=UTF-8", None, URL.format("1344542"), "mofa_missions")
    for item in (first, *others):
        assert isinstance(item, ArticlePage) and item.text == expected.text
    stats = pipe.crawler.stats.get_stats()
    assert stats["extraction/documents"] == 3
    assert stats["extraction/workers_replaced"] == 2
    assert site_section(stats)["no_document"] == {"timeout": 1, "worker_died": 1}
    assert f"No document from {URL.format(1)}: extraction took more than 2 s" in caplog.messages


def test_in_a_crawl_the_loop_supervises_the_workers_and_no_thread_is_started(shared: Path) -> None:
    """The pool's supervisor is the crawl's asyncio loop: no thread takes the interpreter lock for
    every page beside the reactor."""
    pipe = pipeline(2)
    body = (shared / "realpages" / "mofa-cms" / "passport_1344542.html").read_bytes()
    threads = set(threading.enumerate())

    async def through() -> tuple[bool, set[threading.Thread], object]:
        pipe.open_spider()
        try:
            item = await pipe.process_item(page(body, "1344542"))
            return pipe.pool.loop is asyncio.get_running_loop(), set(threading.enumerate()) - threads, item
        finally:
            pipe.close_spider()

    on_the_loop, started, item = asyncio.run(through())
    assert on_the_loop and started == set()
    assert isinstance(item, ArticlePage) and item.text is not None
