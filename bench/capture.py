"""Pages per second with and without capture, on the same local site, in one run.

    python bench/capture.py [--pages 2000] [--rounds 3]

A generated site (gzip-encoded HTML pages of about 20 kB, each linking to ten more) is served on
127.0.0.1 by an asyncio server in this process; `harvester archive` crawls all of it in a
subprocess with CAPTURE_ENABLED on and off, alternately, extraction and corpus off in both so
that the difference is the capture's cost. Reported: pages/s per run (responses / the crawl's own
elapsed time, process start-up excluded), the crawler's CPU time per page (robust when other
work shares the machine), and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = "harbour bridge cable deck engineer commuter ferry tunnel toll sensor strain railing survey".split()


def page(number: int, total: int) -> bytes:
    """About 20 kB of HTML: varied words (so gzip does not squeeze it to nothing), ten links on."""
    rng = random.Random(number)
    links = "".join(
        f'<li><a href="/p/{child}.html">Page {child}</a></li>' for child in range(number * 10 + 1, number * 10 + 11) if child < total
    )
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) + str(rng.randrange(100)) for _ in range(70)) + ".</p>" for _ in range(30)
    )
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Page {number}</title></head>"
        f"<body><nav><ul>{links}</ul></nav><article><h1>Page {number}</h1>{paragraphs}</article></body></html>"
    )
    return html.encode()


class Site:
    """Serves /p/<n>.html (and / as page 0) gzip-encoded, with keep-alive."""

    def __init__(self, total: int) -> None:
        self.pages = {n: gzip.compress(page(n, total), 6) for n in range(total)}
        self.port = 0
        self._ready = threading.Event()

    def start(self) -> None:
        threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True).start()
        self._ready.wait(10)

    async def _serve(self) -> None:
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await server.serve_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                match = re.fullmatch(r"/p/(\d+)\.html", path)
                number = 0 if path == "/" else int(match.group(1)) if match else -1
                body = self.pages.get(number)
                if body is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@dataclass(frozen=True)
class Run:
    pages: int
    elapsed: float  # the crawl's own elapsed time (Scrapy's stat), start-up excluded
    cpu: float  # user + system seconds of the crawler process, start-up included
    warc_bytes: int


def crawl(url: str, capture: bool) -> Run:
    """One crawl of the whole site."""
    with tempfile.TemporaryDirectory() as out:
        settings = [
            f"CAPTURE_ENABLED={capture}",
            "EXTRACTION_ENABLED=False",
            "CORPUS_ENABLED=False",
            "DOWNLOAD_DELAY=0",
            "AUTOTHROTTLE_ENABLED=False",
            "CONCURRENT_REQUESTS=16",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "ROBOTSTXT_OBEY=False",
            "LOG_LEVEL=INFO",
        ]
        args = [sys.executable, "-m", "harvester.cli", "archive", url, "--out", out]
        for setting in settings:
            args += ["-s", setting]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            env.pop(name, None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pages = int(re.search(r"'downloader/response_count': (\d+)", result.stderr).group(1))
        elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        written = sum(path.stat().st_size for path in Path(out, "warc").glob("*.warc.gz"))
        return Run(pages, elapsed, cpu, written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    site = Site(args.pages)
    site.start()
    url = f"http://127.0.0.1:{site.port}/"
    runs: dict[bool, list[Run]] = {False: [], True: []}
    sizes = [len(gzip.decompress(body)) for body in site.pages.values()]
    print(f"site: {args.pages} pages, {statistics.mean(sizes) / 1000:.1f} kB each "
          f"({statistics.mean(map(len, site.pages.values())) / 1000:.1f} kB gzip-encoded)")
    for round_ in range(1, args.rounds + 1):
        for capture in (False, True):
            run = crawl(url, capture)
            runs[capture].append(run)
            label = "with capture   " if capture else "without capture"
            extra = f", {run.warc_bytes / 1e6:.1f} MB of WARC" if capture else ""
            print(
                f"round {round_} {label}: {run.pages} pages in {run.elapsed:.2f} s = {run.pages / run.elapsed:6.1f} pages/s,"
                f" {run.cpu:.2f} s CPU{extra}"
            )
    for capture in (False, True):
        rate = statistics.median(run.pages / run.elapsed for run in runs[capture])
        cpu = statistics.median(run.cpu * 1000 / run.pages for run in runs[capture])
        label = "with capture:   " if capture else "without capture:"
        print(f"median {label} {rate:6.1f} pages/s, {cpu:.2f} ms CPU per page (process start-up included)")


if __name__ == "__main__":
    main()
