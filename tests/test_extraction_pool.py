"""The extraction process pool: the documents the crawl process makes, errors, dead workers, pages
past the time limit, closing with a stuck worker, Ctrl-C."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from harvester.extraction.errors import ExtractionError, ExtractionTimeout, PoolClosed, WorkerDied
from harvester.extraction.page import Extracted, extract_page
from harvester.extraction.pool import ExtractionPool, _Task
from harvester.extraction.worker import Worker, send_message
from tests.conftest import harvester_env

MISSION_URL = "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq={}"
HTML = "text/html;charset=UTF-8"
DEATH = b"<!-- end this worker -->"
STUCK = b"<!-- never return -->"
SLOW = b"<!-- take a second -->"


def dies_on_marker(body: bytes, content_type: str | None, truncated: str | None, url: str, site: str | None) -> Extracted:
    """Extraction that kills its worker process on a marked page, as a crashing parser would, never
    returns on another (a parser in a loop), and takes a second on a third."""
    if DEATH in body:
        os._exit(3)
    if STUCK in body:
        threading.Event().wait()
    if SLOW in body:
        time.sleep(1)
    return extract_page(body, content_type, truncated, url, site)


def stuck_after_saying_so(fifo: str) -> None:
    """A page that never returns; it says when it has begun through the named pipe."""
    with open(fifo, "wb") as pipe:
        pipe.write(b"x")
    threading.Event().wait()


def gives_what_does_not_pickle(*args: object) -> object:
    """A function whose value cannot travel back to the pool."""
    return threading.Lock()


def marked(body: bytes, marker: bytes) -> bytes:
    return body.replace(b"</body>", marker + b"</body>")


def ended(pids: list[int], seconds: float) -> bool:
    """Whether every one of the processes ends within `seconds` (each end is an event: its pidfd
    becomes readable)."""
    handles = []
    try:
        for pid in pids:
            try:
                handles.append(os.pidfd_open(pid))
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + seconds
        for handle in handles:
            if not select.select([handle], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return False
        return True
    finally:
        for handle in handles:
            os.close(handle)


async def run(pool: ExtractionPool, *args: object) -> object:
    """The page's extraction in the pool, awaited in an asyncio loop."""
    return await asyncio.wrap_future(pool.submit(*args))


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
        return await asyncio.gather(*(run(pool, body, HTML, None, url, None) for body, url in pages), return_exceptions=True)

    results = [item if isinstance(item, Extracted) else str(item) for item in asyncio.run(in_pool())]
    assert results == [here(body, url) for body, url in pages]
    # Not vacuous: five are documents, the first line of each its title; one is an attachment-only post.
    assert sum(isinstance(item, Extracted) for item in results) == 5
    assert "empty article body" in results
    assert results[0].text.decode().startswith("[중요] 방문 예약 안내\n")
    assert results[0].encoding == "utf-8"


def test_a_result_carries_the_text_once(pool: ExtractionPool, shared: Path) -> None:
    """The body comes back as the document's text, not also as its paragraphs (which cost ten times
    their bytes to unpickle in the crawl process)."""
    body = (shared / "realpages" / "mofa-cms" / "passport_1344548.html").read_bytes()
    extracted = asyncio.run(run(pool, body, HTML, None, MISSION_URL.format(1344548), None))
    assert isinstance(extracted, Extracted) and len(extracted.text) > 2000
    assert extracted.document.body == () and extracted.document.title == extracted.text.decode().split("\n", 1)[0]
    # Its fields beside the text: well under what a second copy of the text would add.
    assert len(ForkingPickler.dumps(extracted)) - len(extracted.text) < 1024


def test_an_extraction_error_comes_back_as_itself(pool: ExtractionPool) -> None:
    with pytest.raises(ExtractionError, match="empty page"):
        asyncio.run(run(pool, b"  \n", HTML, None, MISSION_URL.format(1), None))
    with pytest.raises(ExtractionError, match="not html: the page is application/pdf"):
        asyncio.run(run(pool, b"%PDF-1.4", "application/pdf", None, MISSION_URL.format(1), None))


@pytest.mark.parametrize("processes", [1, 2])
def test_a_dead_worker_costs_its_page_only(processes: int, shared: Path) -> None:
    pool = ExtractionPool(processes, dies_on_marker)
    body, url = real_pages(shared)[0]

    async def crawl() -> list[object]:
        # With two workers the slow page is in the other worker when the marked one kills its own;
        # with one, the pages after it wait their turn.
        pages = [marked(body, SLOW), marked(body, DEATH), body, body]
        return await asyncio.gather(*(run(pool, page, HTML, None, url, None) for page in pages), return_exceptions=True)

    try:
        slow, dead, after, last = asyncio.run(crawl())
        assert isinstance(dead, WorkerDied)
        assert "exit code 3" in str(dead)
        expected = extract_page(body, HTML, None, url, None)
        assert slow == extract_page(marked(body, SLOW), HTML, None, url, None)
        assert after == expected
        assert last == expected
        # One worker took the dead one's place (by the time the next page is handed out), and the
        # pool goes on working.
        assert asyncio.run(run(pool, body, HTML, None, url, None)) == expected
        assert pool.replaced == 1
        assert len(pool.worker_pids) == processes
    finally:
        pool.close()


def test_pages_handed_back_once_the_pool_has_broken_fail_instead_of_waiting() -> None:
    # A broken pool (its workers ended as they started) starts no worker: a page a dead worker had
    # not begun would wait for ever.
    pool = ExtractionPool(1, dies_on_marker)
    try:
        pool._break("extraction workers end as they start")
        waiting: Future[object] = Future()
        pool._put_back([_Task((b"",), waiting)])
        with pytest.raises(WorkerDied, match="end as they start"):
            waiting.result(timeout=0)
    finally:
        pool.close()


def test_a_worker_that_could_not_be_started_is_started_again(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page is submitted once, before the failure: nothing else wakes the pool up to try again.
    start, failures = Worker.start, []

    def fails_once(*args: object) -> Worker:
        if not failures:
            failures.append(True)
            raise OSError(11, "Resource temporarily unavailable")
        return start(*args)

    monkeypatch.setattr(Worker, "start", fails_once)
    pool = ExtractionPool(1, extract_page)
    body, url = real_pages(shared)[0]
    try:
        assert pool.submit(body, HTML, None, url, None).result(timeout=30) == extract_page(body, HTML, None, url, None)
        assert failures == [True]
    finally:
        pool.close()


def test_a_page_past_the_time_limit_fails_alone_and_its_worker_is_replaced(shared: Path) -> None:
    pool = ExtractionPool(2, dies_on_marker, timeout=2.5)
    body, url = real_pages(shared)[0]
    expected = extract_page(body, HTML, None, url, None)

    async def crawl() -> list[object]:
        # Both workers ready first: the limit counts from the page's start, not the worker's.
        await asyncio.gather(run(pool, body, HTML, None, url, None), run(pool, body, HTML, None, url, None))
        # The other worker is busy with the slow pages (4 s) when the stuck one's is killed (2.5 s).
        pages = [marked(body, STUCK), body, *[marked(body, SLOW)] * 4, body]
        return await asyncio.gather(*(run(pool, page, HTML, None, url, None) for page in pages), return_exceptions=True)

    try:
        started = time.monotonic()
        stuck, first, *slow, last = asyncio.run(crawl())
        assert isinstance(stuck, ExtractionTimeout)
        assert str(stuck) == "extraction took more than 2.5 s"
        assert time.monotonic() - started < 30
        # The other pages, those in the other worker and those that waited, are whole.
        assert first == last == expected
        assert slow == [extract_page(marked(body, SLOW), HTML, None, url, None)] * 4
        assert pool.replaced == 1
        assert asyncio.run(run(pool, body, HTML, None, url, None)) == expected
    finally:
        pool.close()


def test_a_big_page_waits_for_a_free_worker_and_the_time_limit_holds(shared: Path) -> None:
    """A small page is sent to a worker while it is busy; a big one only to a free worker: in the
    pipe of a stuck worker it would hold the pool, time limits included."""
    pool = ExtractionPool(1, dies_on_marker, timeout=2)
    body, url = real_pages(shared)[0]
    big = b"%PDF-1.4" + b"\0" * 8_000_000
    try:
        asyncio.run(run(pool, body, HTML, None, url, None))  # the worker is ready
        stuck = pool.submit(marked(body, STUCK), HTML, None, url, None)
        after = pool.submit(big, "application/pdf", None, url, None)
        with pytest.raises(ExtractionTimeout):
            stuck.result(timeout=60)
        with pytest.raises(ExtractionError, match="not html: the page is application/pdf"):
            after.result(timeout=60)
    finally:
        pool.close()


class Idle:
    """A worker process that is there and does nothing: the test plays the worker at its pipe."""

    pid = None
    exitcode = None

    def __init__(self, sentinel: int) -> None:
        self.sentinel = sentinel

    def is_alive(self) -> bool:
        return False

    def kill(self) -> None:
        pass

    def join(self, timeout: float | None = None) -> None:
        pass


def test_a_page_goes_to_a_free_worker_before_it_waits_behind_a_busy_ones_page(tmp_path: Path) -> None:
    """Two workers ready, one on a page it has begun: the next page goes to the free one, not into
    the busy one's pipe (where it would wait); a page ahead only once both are busy."""
    loop = asyncio.new_event_loop()
    sentinel, other = os.pipe()
    pool = ExtractionPool(2, extract_page, loop=loop)
    pipes = [multiprocessing.Pipe() for _ in range(2)]
    pool._workers = [Worker(Idle(sentinel), ours, ready=True) for ours, _ in pipes]
    (_, first), (_, second) = pipes
    try:
        pages = [(f"page {n}".encode(), HTML, None, MISSION_URL.format(n), None) for n in range(3)]
        pool.submit(*pages[0])
        assert ForkingPickler.loads(first.recv_bytes()) == pages[0]  # the first worker begins it
        pool.submit(*pages[1])
        assert second.poll(0) and not first.poll(0)
        assert ForkingPickler.loads(second.recv_bytes()) == pages[1]
        pool.submit(*pages[2])
        assert first.poll(0) and not second.poll(0)
        assert ForkingPickler.loads(first.recv_bytes()) == pages[2]
    finally:
        pool.close()
        loop.close()
        for end in (sentinel, other):
            os.close(end)
        for _, theirs in pipes:
            theirs.close()


def test_closing_with_a_stuck_worker_returns_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "begun"
    os.mkfifo(fifo)
    pool = ExtractionPool(1, stuck_after_saying_so)
    future = pool.submit(str(fifo))
    begun = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert select.select([begun], [], [], 60)[0] == [begun]
        assert os.read(begun, 1) == b"x"
    finally:
        os.close(begun)
    workers = pool.worker_pids
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 3
    with pytest.raises(PoolClosed):
        future.result(timeout=0)
    assert ended(workers, 5)
    with pytest.raises(PoolClosed):
        pool.submit(str(fifo))


def test_a_pool_needs_a_process() -> None:
    with pytest.raises(ValueError, match="at least one process"):
        ExtractionPool(0, extract_page)


def test_a_time_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="more than 0 seconds"):
        ExtractionPool(1, extract_page, timeout=0)


WORKERS_OF_A_KILLED_CRAWL = """
import asyncio, os, sys
from harvester.extraction.page import extract_page
from harvester.extraction.pool import ExtractionPool, _Task
from harvester.extraction.worker import Worker, send_message

if __name__ == "__main__":
    pool = ExtractionPool(2, extract_page)
    async def both() -> None:
        await asyncio.gather(*(asyncio.wrap_future(pool.submit(b"<html><body><p>x</p></body></html>", "text/html", None, "https://example.com/", None))
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
    crawl.kill()
    crawl.wait()
    assert ended(workers, 30)
    crawl.stdout.close()
    crawl.stdin.close()


FORKED_WORKERS_OF_A_KILLED_REBUILD = """
import asyncio, os, sys, threading
from pathlib import Path
from harvester.extraction.page import extract_page
from harvester.extraction.pool import ExtractionPool


def work(kind, *args):
    if kind == "page":
        return extract_page(*args)
    with open(args[0], "wb") as fifo:  # stuck on a page, after saying so
        fifo.write(b"x")
    threading.Event().wait()


if __name__ == "__main__":
    page = (Path(sys.argv[1]).read_bytes(), "text/html;charset=UTF-8", None, sys.argv[2], None)
    fifo = sys.argv[3]

    async def rebuild() -> None:
        pool = ExtractionPool(2, work, loop=asyncio.get_running_loop(), fork=True)
        results = await asyncio.gather(*(asyncio.wrap_future(pool.submit("page", *page)) for _ in range(8)))
        kinds = {type(worker.process).__name__ for worker in pool._workers}
        for _ in range(2):
            pool.submit("stuck", fifo)  # one to each worker, at once: both are free
        started, said = os.open(fifo, os.O_RDWR), b""
        while len(said) < 2:  # each read waits for a worker to say it has begun
            said += os.read(started, 2 - len(said))
        print(all(result == extract_page(*page) for result in results), *kinds, *pool.worker_pids, flush=True)
        sys.stdin.read()  # killed while waiting here

    asyncio.run(rebuild())
"""


def test_forked_workers_make_the_same_documents_and_end_when_their_process_is_killed(tmp_path: Path, shared: Path) -> None:
    """A rebuild's workers are forked from its process (one thread): they close the lifeline's
    writing end they inherited, so even busy ones see the end of a process killed outright."""
    script = tmp_path / "rebuild.py"
    script.write_text(FORKED_WORKERS_OF_A_KILLED_REBUILD)
    fifo = tmp_path / "started"
    os.mkfifo(fifo)
    path = sorted((shared / "realpages" / "mofa-cms").glob("*.html"))[0]
    command = [sys.executable, str(script), str(path), MISSION_URL.format(1), str(fifo)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=harvester_env()) as rebuild:
        assert rebuild.stdout is not None and rebuild.stdin is not None
        same, kind, *pids = rebuild.stdout.readline().split()
        assert same == "True" and kind == "ForkProcess" and len(pids) == 2
        rebuild.kill()
        rebuild.wait()
    assert ended([int(pid) for pid in pids], 30)


WORKERS_UNDER_CTRL_C = """
import signal, sys
from pathlib import Path
from harvester.extraction.page import extract_page
from harvester.extraction.pool import ExtractionPool, _Task
from harvester.extraction.worker import Worker, send_message

if __name__ == "__main__":
    interrupts = []
    signal.signal(signal.SIGINT, lambda *_: interrupts.append(1))  # the crawl's own handler
    print("go", flush=True)
    page = (Path(sys.argv[1]).read_bytes(), "text/html;charset=UTF-8", None, sys.argv[2], None)
    expected = extract_page(*page)
    pool = ExtractionPool(2, extract_page)
    for phase in ("starting", "ready"):
        same = all(future.result(timeout=120) == expected for future in [pool.submit(*page) for _ in range(4)])
        print(phase, same, pool.replaced, *sorted(pool.worker_pids), flush=True)
        sys.stdin.readline()
    pool.close()
    print("interrupts", len(interrupts), flush=True)
"""


def test_ctrl_c_in_a_terminal_leaves_the_workers_alone(tmp_path: Path, shared: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, again and again while the workers
    start and once they are ready: no worker dies, none prints a traceback."""
    script = tmp_path / "crawl.py"
    script.write_text(WORKERS_UNDER_CTRL_C)
    path = sorted((shared / "realpages" / "mofa-cms").glob("*.html"))[0]
    command = [sys.executable, str(script), str(path), MISSION_URL.format(1)]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(command, **pipes, text=True, env=harvester_env(), start_new_session=True) as crawl:
        assert crawl.stdout is not None and crawl.stdin is not None and crawl.stderr is not None
        try:
            assert crawl.stdout.readline() == "go\n"
            lines = []
            for _ in ("starting", "ready"):
                # A Ctrl-C every 50 ms until the phase's pages are back.
                while not select.select([crawl.stdout], [], [], 0.05)[0]:
                    os.killpg(crawl.pid, signal.SIGINT)
                lines.append(crawl.stdout.readline().split())
                crawl.stdin.write("\n")
                crawl.stdin.flush()
            interrupts = crawl.stdout.readline().split()
            code = crawl.wait(30)
        finally:
            crawl.kill()
        errors = crawl.stderr.read()
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
    assert code == 0, errors
    starting, ready = lines
    assert starting[:3] == ["starting", "True", "0"] and ready[:3] == ["ready", "True", "0"]
    assert starting[3:] == ready[3:] and len(ready[3:]) == 2  # the same two workers throughout
    assert interrupts[0] == "interrupts" and int(interrupts[1]) >= 2  # the signals did go out


@pytest.mark.parametrize("module", ["harvester.extraction.page", "harvester.rebuild.extract"])
def test_what_a_worker_runs_imports_no_scrapy(module: str) -> None:
    # Each worker imports its function's module as it starts (and again when it replaces a dead
    # one): Scrapy and Twisted would add about a second of CPU to each start.
    code = f"import sys, {module}; print(sorted(m for m in ('scrapy', 'twisted') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


# -- the pool supervised by the crawl's asyncio loop (no thread of its own)
def on_a_loop(processes: int, function: object, scenario: object, timeout: float | None = None) -> object:
    """`scenario(pool)` awaited with a pool whose supervisor is the running loop; the pool closed after."""

    async def main() -> object:
        pool = ExtractionPool(processes, function, timeout, asyncio.get_running_loop())
        try:
            return await scenario(pool)
        finally:
            pool.close()

    return asyncio.run(main())


def test_on_a_loop_the_documents_are_those_of_the_crawl_process_and_no_thread_is_started(shared: Path) -> None:
    pages = real_pages(shared)
    threads = set(threading.enumerate())

    async def crawl(pool: ExtractionPool) -> tuple[list[object], set[threading.Thread], list[int]]:
        results = await asyncio.gather(*(run(pool, body, HTML, None, url, None) for body, url in pages * 3), return_exceptions=True)
        return results, set(threading.enumerate()) - threads, pool.worker_pids

    results, started, workers = on_a_loop(2, extract_page, crawl)
    assert [item if isinstance(item, Extracted) else str(item) for item in results] == [here(body, url) for body, url in pages] * 3
    assert started == set()
    assert len(workers) == 2 and ended(workers, 5)


def test_on_a_loop_the_thread_that_starts_workers_keeps_its_ctrl_c(shared: Path) -> None:
    body, url = real_pages(shared)[0]
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.SIGINT not in blocked

    async def crawl(pool: ExtractionPool) -> set[int]:
        await run(pool, body, HTML, None, url, None)
        return signal.pthread_sigmask(signal.SIG_BLOCK, [])

    assert on_a_loop(2, extract_page, crawl) == blocked


def test_on_a_loop_a_dead_worker_costs_its_page_only(shared: Path) -> None:
    body, url = real_pages(shared)[0]
    expected = extract_page(body, HTML, None, url, None)

    async def crawl(pool: ExtractionPool) -> tuple[list[object], object, int, int]:
        pages = [marked(body, SLOW), marked(body, DEATH), body, body]
        results = await asyncio.gather(*(run(pool, page, HTML, None, url, None) for page in pages), return_exceptions=True)
        return results, await run(pool, body, HTML, None, url, None), pool.replaced, len(pool.worker_pids)

    (slow, dead, after, last), again, replaced, workers = on_a_loop(2, dies_on_marker, crawl)
    assert isinstance(dead, WorkerDied) and "exit code 3" in str(dead)
    assert slow == extract_page(marked(body, SLOW), HTML, None, url, None)
    assert after == last == again == expected
    assert replaced == 1 and workers == 2


def test_on_a_loop_a_page_past_the_time_limit_fails_alone_and_a_big_page_waits_for_a_free_worker(shared: Path) -> None:
    """The loop's timer kills the stuck worker; the big page, not sent into its pipe, goes to the
    worker that takes its place."""
    body, url = real_pages(shared)[0]
    big = b"%PDF-1.4" + b"\0" * 8_000_000

    async def crawl(pool: ExtractionPool) -> tuple[list[object], float, int]:
        await run(pool, body, HTML, None, url, None)  # the worker is ready
        started = time.monotonic()
        results = await asyncio.gather(
            run(pool, marked(body, STUCK), HTML, None, url, None), run(pool, big, "application/pdf", None, url, None), return_exceptions=True
        )
        return results, time.monotonic() - started, pool.replaced

    (stuck, after), seconds, replaced = on_a_loop(1, dies_on_marker, crawl, timeout=2)
    assert isinstance(stuck, ExtractionTimeout) and str(stuck) == "extraction took more than 2 s"
    assert isinstance(after, ExtractionError) and "not html: the page is application/pdf" in str(after)
    assert 2 <= seconds < 30
    assert replaced == 1


def test_on_a_loop_closing_with_a_stuck_worker_returns_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "begun"
    os.mkfifo(fifo)

    async def crawl(pool: ExtractionPool) -> tuple[object, float, list[int]]:
        future = pool.submit(str(fifo))
        begun = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            readable = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().add_reader(begun, readable.set_result, None)
            await asyncio.wait_for(readable, 60)
            asyncio.get_running_loop().remove_reader(begun)
        finally:
            os.close(begun)
        workers = pool.worker_pids
        started = time.monotonic()
        pool.close()
        return future, time.monotonic() - started, workers

    future, seconds, workers = on_a_loop(1, stuck_after_saying_so, crawl)
    assert seconds < 3
    with pytest.raises(PoolClosed):
        future.result(timeout=0)
    assert ended(workers, 5)


def _received_in_a_thread(payloads: list[bytes], monkeypatch: pytest.MonkeyPatch | None = None) -> list[bytes]:
    ours, theirs = multiprocessing.Pipe()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.extend(theirs.recv_bytes() for _ in payloads))
    reader.start()
    for payload in payloads:
        send_message(ours, payload)
    reader.join(10)
    ours.close()
    theirs.close()
    return received


def test_a_message_sent_in_one_call_reads_as_multiprocessing_frames_it() -> None:
    big = bytes(range(256)) * 2000  # 512 KB: more than the socket holds at once
    assert _received_in_a_thread([b"small", big, b""]) == [b"small", big, b""]


def test_a_message_cut_short_goes_on_where_it_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # A signal can end a write early: only the first two bytes go, the length not even whole.
    monkeypatch.setattr(os, "writev", lambda fd, buffers: os.write(fd, b"".join(buffers)[:2]))
    payload = b"a page" * 10_000
    assert _received_in_a_thread([payload, b"next"]) == [payload, b"next"]


def test_a_value_that_does_not_pickle_fails_its_page_and_the_worker_goes_on() -> None:
    pool = ExtractionPool(1, gives_what_does_not_pickle, timeout=30)
    try:
        for _ in range(2):  # the same worker answers the next page too
            with pytest.raises(RuntimeError, match="could not send back the result"):
                pool.submit(b"page").result(30)
        assert pool.replaced == 0
    finally:
        pool.close()
