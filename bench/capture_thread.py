"""How long capture holds the reactor's thread: records written inline, on a writer thread, or in
the writer process (CAPTURE_WRITES).

    python bench/capture_thread.py [--pages N] [--rounds R] [--concurrency C]

Feeds N exchanges of the bench site's MOFA view pages (largesite.py, ~55 KB of HTML each, sent
uncompressed so that the records' gzip does the work) through CaptureMiddleware.process_response
in an asyncio loop, C at a time, into a fresh folder with the SQLite dedup index, and measures the
loop thread's CPU (time.thread_time), the process's CPU (the writer process's included: it is
waited for) and the wall time per exchange. "inline" is the baseline: the capture work on the loop
thread. Modes alternate, R rounds each; figures are medians. Nothing else runs in the loop, so the
wall time shows the overhead of the hand-over, not the overlap a crawl gets from it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import largesite  # noqa: E402
from scrapy import Request  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from harvester.capture.dedup import SqliteDedupIndex, warc_file_exists  # noqa: E402
from harvester.capture.handler import WIRE_META  # noqa: E402
from harvester.capture.middleware import CaptureMiddleware  # noqa: E402
from harvester.capture.process import WriterProcess  # noqa: E402
from harvester.capture.records import RecordFactory  # noqa: E402
from harvester.capture.thread import Inline, WriterThread  # noqa: E402
from harvester.capture.wire import WireLog  # noqa: E402
from harvester.capture.writer import WarcFileWriter, WarcInfo  # noqa: E402

INFO = WarcInfo(software="harvester/bench", operator="bench", robots="obey", crawl_id="bench")


def exchanges(bodies: list[bytes]) -> list[tuple[Request, HtmlResponse]]:
    pairs = []
    for n, body in enumerate(bodies):
        url = f"http://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={n}"
        received = b"HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=UTF-8\r\nContent-Length: %d\r\n\r\n" % len(body)
        wire = WireLog(
            started=datetime.now(timezone.utc),
            peer="127.0.0.1",
            sent=bytearray(b"GET /eng/brd/m_5676/view.do?seq=%d HTTP/1.1\r\nHost: www.mofa.go.kr\r\n\r\n" % n),
            received=bytearray(received + body),
            complete=True,
        )
        request = Request(url, meta={WIRE_META: wire})
        pairs.append((request, HtmlResponse(url, status=200, body=body, request=request)))
    return pairs


MODES = {"inline": Inline, "thread": WriterThread, "process": WriterProcess}


def cpu_time() -> float:
    """CPU seconds of this process and of the children it has waited for (the writer process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(mode: str, bodies: list[bytes], concurrency: int) -> tuple[float, float, float]:
    """(loop-thread CPU, process CPU, wall) in ms per exchange."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        writer = WarcFileWriter(folder, "bench", INFO, RecordFactory(), index=True)
        dedup = SqliteDedupIndex(folder / "dedup.sqlite3", warc_file_exists(folder))
        middleware = CaptureMiddleware(get_crawler(), writer, dedup, index=False, writes=MODES[mode])
        pairs = exchanges(bodies)

        async def main() -> float:
            queue = iter(pairs)

            async def worker() -> None:
                for request, response in queue:
                    await middleware.process_response(request, response)

            started = time.thread_time()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return time.thread_time() - started

        cpu, wall = cpu_time(), time.perf_counter()
        loop_cpu = asyncio.run(main())
        middleware.spider_closed()
        cpu, wall = cpu_time() - cpu, time.perf_counter() - wall
    n = len(bodies) / 1000
    return loop_cpu / n, cpu / n, wall / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        site = largesite.generate(Path(temp), args.pages)
        bodies = [path.read_bytes() for path in site.view_files()]
    results: dict[str, list[tuple[float, float, float]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in results:
            results[mode].append(run(mode, bodies, args.concurrency))
    print(f"{len(bodies)} exchanges of {sum(map(len, bodies)) / len(bodies) / 1000:.1f} KB, {args.concurrency} at a time;"
          f" medians of {args.rounds} rounds, ms per exchange")
    print(f"{'mode':8} {'loop-thread CPU':>16} {'process CPU':>12} {'wall':>8}")
    for mode, rows in results.items():
        loop_cpu, cpu, wall = (statistics.median(column) for column in zip(*rows, strict=True))
        print(f"{mode:8} {loop_cpu:16.3f} {cpu:12.3f} {wall:8.3f}")


if __name__ == "__main__":
    main()
