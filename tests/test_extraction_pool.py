"""The extraction process pool: the documents the crawl process makes, errors, dead workers."""

from __future__ import annotations

import asyncio
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.extraction.errors import ExtractionError
from harvester.extraction.page import Extracted, extract_page
from harvester.extraction.pool import ExtractionPool, WorkerDied
from tests.conftest import harvester_env

MISSION_URL = "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq={}"
HTML = "text/html;charset=UTF-8"
DEATH = b"<!-- end this worker -->"


def dies_on_marker(body: bytes, content_type: str | None, truncated: str | None, url: str, site: str | None) -> Extracted:
    """Extraction that kills its worker process on a marked page, as a crashing parser would."""
    if DEATH in body:
        os._exit(3)
    return extract_page(body, content_type, truncated, url, site)


def real_pages(shared: Path) -> list[tuple[bytes, str]]:
    folder = shared / "realpages" / "mofa-cms"
    return [(path.read_bytes(), MISSION_URL.format(path.stem.rsplit("_", 1)[1])) for path in sorted(folder.glob("*.html"))]


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractionPool]:
    pool = ExtractionPool(2, extract_page)
    yield pool
    pool.close()


def here(body: bytes, url: str) -> Extracted | str:
    """What the crawl process makes of a page: its extraction, or the error's words."""
    try:
        return extract_page(body, HTML, None, url, None)
    except ExtractionError as error:
        return str(error)


def test_documents_are_those_of_the_crawl_process(pool: ExtractionPool, shared: Path) -> None:
    pages = real_pages(shared)
    assert len(pages) == 6

    async def in_pool() -> list[Extracted | BaseException]:
        return await asyncio.gather(*(pool.run(body, HTML, None, url, None) for body, url in pages), return_exceptions=True)

    results = [item if isinstance(item, Extracted) else str(item) for item in asyncio.run(in_pool())]
    assert results == [here(body, url) for body, url in pages]
    # Not vacuous: five are documents, the first line of each its title; one is an attachment-only post.
    assert sum(isinstance(item, Extracted) for item in results) == 5
    assert "empty article body" in results
    assert results[0].text.decode().startswith("[중요] 방문 예약 안내\n")
    assert results[0].encoding == "utf-8"


def test_an_extraction_error_comes_back_as_itself(pool: ExtractionPool) -> None:
    with pytest.raises(ExtractionError, match="empty page"):
        asyncio.run(pool.run(b"  \n", HTML, None, MISSION_URL.format(1), None))
    with pytest.raises(ExtractionError, match="not html: the page is application/pdf"):
        asyncio.run(pool.run(b"%PDF-1.4", "application/pdf", None, MISSION_URL.format(1), None))


def test_a_dead_worker_costs_its_page_only(shared: Path) -> None:
    pool = ExtractionPool(1, dies_on_marker)
    body, url = real_pages(shared)[0]

    async def crawl() -> list[object]:
        pages = [body, body.replace(b"</body>", DEATH + b"</body>"), body]
        return await asyncio.gather(*(pool.run(page, HTML, None, url, None) for page in pages), return_exceptions=True)

    try:
        good, dead, after = asyncio.run(crawl())
        assert isinstance(dead, WorkerDied)
        expected = extract_page(body, HTML, None, url, None)
        assert good == expected
        assert after == expected
        # The pool started again and goes on working.
        assert pool.restarts == 1
        assert asyncio.run(pool.run(body, HTML, None, url, None)) == expected
    finally:
        pool.close()


def test_a_pool_needs_a_process() -> None:
    with pytest.raises(ValueError, match="at least one process"):
        ExtractionPool(0, extract_page)


WORKERS_OF_A_KILLED_CRAWL = """
import asyncio, os, sys
from harvester.extraction.page import extract_page
from harvester.extraction.pool import ExtractionPool

if __name__ == "__main__":
    pool = ExtractionPool(2, extract_page)
    async def both() -> None:
        await asyncio.gather(*(pool.run(b"<html><body><p>x</p></body></html>", "text/html", None, "https://example.com/", None)
                               for _ in range(8)), return_exceptions=True)
    asyncio.run(both())
    print(*(child for child in os.listdir("/proc") if child.isdigit()
            and open(f"/proc/{child}/stat").read().split(") ")[1].split()[1] == str(os.getpid())), flush=True)
    sys.stdin.read()  # killed while waiting here
"""


def test_workers_end_when_the_crawl_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(WORKERS_OF_A_KILLED_CRAWL)
    crawl = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=harvester_env()
    )
    children = [int(pid) for pid in crawl.stdout.readline().split()]
    workers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(workers) == 2
    handles = [os.pidfd_open(pid) for pid in workers]
    crawl.kill()
    crawl.wait()
    # Each worker's end is an event: its pidfd becomes readable.
    try:
        for handle in handles:
            assert select.select([handle], [], [], 30)[0] == [handle]
    finally:
        for handle in handles:
            os.close(handle)
    crawl.stdout.close()
    crawl.stdin.close()
