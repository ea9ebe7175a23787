"""The capture's writes in a process of their own (CAPTURE_WRITES' default, capture/process.py):
records are written by another process than the crawl's, in the order of the exchanges; results
and errors work through it (the dedup index and conversions: test_capture_middleware_thread.py); it ignores the crawl's signals, holds none of its
sockets, and dies with it; a dead writer fails every call waiting and every later one.

The middleware runs in an asyncio loop here, as under Scrapy's default reactor; the WARC files are
read back with warcio.
"""

from __future__ import annotations

import asyncio
import errno
import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from harvester.capture.middleware import CaptureMiddleware
from harvester.capture.process import WriterProcess, WritesFailed
from harvester.capture.records import RecordFactory, WarcRecord, WarcRef
from harvester.capture.writer import WarcFileWriter
from tests.test_capture_middleware_thread import INFO, crawler_settings, exchange, page, records, small_disk  # noqa: F401 (a fixture)


class PidWriter(WarcFileWriter):
    """The real writer, noting in a file the pid of the process that writes each group of records."""

    def __init__(self, folder: Path, pids: Path) -> None:
        super().__init__(folder, "test", INFO, RecordFactory())
        self.pids = pids

    def _append(self, records: list[WarcRecord]) -> list[WarcRef]:
        with open(self.pids, "a") as noted:
            noted.write(f"{os.getpid()}\n")
        return super()._append(records)


def middleware(folder: Path, pids: Path, **settings: Any) -> CaptureMiddleware:
    crawler = get_crawler(settings_dict=crawler_settings(folder, **settings))
    capture = CaptureMiddleware.from_crawler(crawler)
    capture.writer = PidWriter(folder, pids)
    capture.factory = capture.writer.factory
    return capture


def child_of(capture: CaptureMiddleware) -> int:
    writes = capture._writes
    assert isinstance(writes, WriterProcess)
    return writes._pid


def test_by_default_records_are_written_by_another_process_in_the_order_of_the_exchanges(tmp_path: Path) -> None:
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids, CAPTURE_SYNC_EVERY=1)
    pairs = [exchange(f"http://example.org/{n}", page(os.urandom(20_000 + n))) for n in range(12)]

    async def main() -> int:
        await asyncio.gather(*(capture.process_response(*pair) for pair in pairs))
        return child_of(capture)

    child = asyncio.run(main())
    capture.spider_closed()
    assert child not in (0, os.getpid())
    assert set(pids.read_text().split()) == {str(child)}  # every group, and only there
    found = records(folder)
    assert not list(folder.glob("*.open"))
    assert [uri for type, uri, _, _ in found if type == "response"] == [request.url for request, _ in pairs]
    # What each response carries says where its record is.
    offsets = {uri: offset for type, uri, offset, _ in found if type == "response"}
    for request, response in pairs:
        assert request.meta["capture"].offset == offsets[request.url]
        assert found[[uri for _, uri, _, _ in found].index(request.url)][3].endswith(response.body)
    assert capture.stats.get_value("capture/records_written") == 24
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(child, os.WNOHANG)


def test_a_full_disk_in_the_writer_raises_to_the_caller_and_the_writer_goes_on(small_disk: Path, tmp_path: Path) -> None:
    capture = middleware(small_disk, tmp_path / "pids")
    huge = exchange("http://example.org/huge", page(os.urandom(512 * 1024)))
    small = exchange("http://example.org/small", page(b"<p>small</p>"))

    async def main() -> None:
        with pytest.raises(OSError) as raised:
            await capture.process_response(*huge)
        assert raised.value.errno == errno.ENOSPC
        await capture.process_response(*small)

    asyncio.run(main())
    capture.spider_closed()
    assert "capture" not in huge[0].meta and "capture" in small[0].meta
    assert [uri for type, uri, _, _ in records(small_disk) if type == "response"] == ["http://example.org/small"]


def test_a_dead_writer_fails_the_calls_waiting_and_later_ones_and_stops_nothing_else(tmp_path: Path) -> None:
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids)

    async def main() -> tuple[list[Any], Any]:
        await capture.process_response(*exchange("http://example.org/first", page(b"<p>first</p>")))
        os.kill(child_of(capture), signal.SIGKILL)
        waiting = [capture.process_response(*exchange(f"http://example.org/{n}", page(b"<p>n</p>"))) for n in range(3)]
        outcomes = await asyncio.gather(*waiting, return_exceptions=True)
        later = await asyncio.gather(capture.process_response(*exchange("http://example.org/later", page(b"<p>.</p>"))),
                                     return_exceptions=True)
        return outcomes, later[0]

    outcomes, later = asyncio.run(main())
    assert all(isinstance(outcome, WritesFailed) for outcome in outcomes), outcomes
    assert "the capture writer process died (killed by signal 9)" in str(outcomes[0])
    assert isinstance(later, WritesFailed) and capture._writes._socket is None  # no new writer started
    assert capture.stats.get_value("capture/writes_failed") == 4
    capture.spider_closed()  # returns: the files are left for the next crawl to repair
    assert capture.stats.get_value("capture/writes_failed") == 5
    assert [uri for type, uri, _, _ in records(folder) if type == "response"] == ["http://example.org/first"]


def test_the_writer_ignores_ctrl_c_and_holds_none_of_the_crawl_s_sockets(tmp_path: Path) -> None:
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids)
    ours, peer = socket.socketpair()  # as a connection of the crawl, open when the writer starts

    async def main() -> None:
        await capture.process_response(*exchange("http://example.org/1", page(b"<p>1</p>")))
        os.kill(child_of(capture), signal.SIGINT)  # a Ctrl-C reaches the whole process group
        os.kill(child_of(capture), signal.SIGTERM)
        await capture.process_response(*exchange("http://example.org/2", page(b"<p>2</p>")))

    asyncio.run(main())
    ours.close()
    peer.settimeout(10)
    assert peer.recv(1) == b""  # closed here, so closed: the writer did not keep a copy
    peer.close()
    capture.spider_closed()
    assert capture.stats.get_value("capture/writes_failed") is None
    assert [uri for type, uri, _, _ in records(folder) if type == "response"] == ["http://example.org/1", "http://example.org/2"]


def test_the_writer_dies_with_the_crawl(tmp_path: Path) -> None:
    """A crawl killed outright takes its writer with it: nothing writes into its folder after it."""
    script = textwrap.dedent(f"""
        import asyncio, os, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
        from tests.test_capture_process import middleware, child_of
        from tests.test_capture_middleware_thread import exchange, page

        async def main():
            capture = middleware(Path({str(tmp_path / "warc")!r}), Path({str(tmp_path / "pids")!r}))
            await capture.process_response(*exchange("http://example.org/1", page(b"<p>1</p>")))
            print(child_of(capture), flush=True)
            await asyncio.Event().wait()

        asyncio.run(main())
    """)
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as crawl:
        assert crawl.stdout is not None
        child = int(crawl.stdout.readline())
        handle = os.pidfd_open(child)
        crawl.kill()
    try:
        ready, _, _ = select.select([handle], [], [], 10)
        assert ready == [handle], "the writer outlived the crawl"
    finally:
        os.close(handle)


def test_the_shared_memory_holds_calls_first_in_first_out_and_never_overlaps() -> None:
    from harvester.capture.process import _Ring

    ring = _Ring(100)
    assert ring.put(b"a" * 40) == 0
    assert ring.put(b"b" * 40) == 40
    assert ring.put(b"c" * 30) is None  # no room at the end, nor before the oldest: it goes inline
    ring.release()  # a's result came back
    assert ring.put(b"d" * 30) == 0  # wraps round, before b
    assert ring.put(b"e" * 20) is None  # would overlap b
    ring.release()  # b's result
    ring.release()  # the inline c's: only d is left
    assert ring.put(b"f" * 50) == 30
    assert ring.memory[0:30] == b"d" * 30 and ring.memory[30:80] == b"f" * 50
    assert ring.put(b"g" * 101) is None  # larger than it all
    for _ in range(3):
        ring.release()
    assert ring.put(b"h" * 100) == 0  # empty again: from the start


def test_on_one_core_the_writes_run_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids)
    asyncio.run(capture.process_response(*exchange("http://example.org/1", page(b"<p>1</p>"))))
    assert child_of(capture) == 0
    assert set(pids.read_text().split()) == {str(os.getpid())}
    capture.spider_closed()
    assert [uri for type, uri, _, _ in records(folder) if type == "response"] == ["http://example.org/1"]


def test_a_writer_that_stops_answering_is_killed_and_the_calls_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hung disk must not hang the crawl: with calls waiting and no answer for ANSWER_WAIT
    seconds, the writer is killed and they fail (the crawl then stops, capture_failed)."""
    import harvester.capture.process

    monkeypatch.setattr(harvester.capture.process, "ANSWER_WAIT", 1.0)
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids)

    async def main() -> tuple[int, list[Any], float]:
        await capture.process_response(*exchange("http://example.org/1", page(b"<p>1</p>")))
        child = child_of(capture)
        os.kill(child, signal.SIGSTOP)  # as a process stuck in the kernel on a hung disk
        loop = asyncio.get_running_loop()
        started = loop.time()
        waiting = [capture.process_response(*exchange(f"http://example.org/{n}", page(b"<p>n</p>"))) for n in range(2)]
        return child, await asyncio.gather(*waiting, return_exceptions=True), loop.time() - started

    child, outcomes, waited = asyncio.run(main())
    assert all(isinstance(outcome, WritesFailed) for outcome in outcomes), outcomes
    assert "the capture writer process failed (it did not answer for 1 s and was killed)" in str(outcomes[0])
    assert 1.0 <= waited < 5
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(child, os.WNOHANG)
    capture.spider_closed()
    assert [uri for type, uri, _, _ in records(folder) if type == "response"] == ["http://example.org/1"]


def test_a_writer_that_answers_is_never_killed_for_its_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait is for the next answer, not for the whole crawl: calls spread over longer than
    ANSWER_WAIT, each answered at once, are all written."""
    import harvester.capture.process

    monkeypatch.setattr(harvester.capture.process, "ANSWER_WAIT", 0.2)
    folder, pids = tmp_path / "warc", tmp_path / "pids"
    capture = middleware(folder, pids)

    async def main() -> None:
        for n in range(6):
            await capture.process_response(*exchange(f"http://example.org/{n}", page(f"<p>{n}</p>".encode())))
            await asyncio.sleep(0.1)  # the crawl's pace, not a wait for an event

    asyncio.run(main())
    capture.spider_closed()
    assert capture.stats.get_value("capture/writes_failed") is None
    assert len([uri for type, uri, _, _ in records(folder) if type == "response"]) == 6
