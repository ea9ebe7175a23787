"""Documents per second of `harvester rebuild --from-warc`, with one extraction process and with one
per core, on the same captures, in one run.

    python bench/rebuild.py [--pages 3000] [--rounds 3]

The captures: the replica is crawled once (every site), and the article pages of that crawl are
written again, as response and conversion records, under new article numbers until there are
`--pages` of them (the pages of every site's real markup, each site's share as in the crawl).
Then `harvester rebuild --from-warc` makes the corpus of them with `--jobs 0` (one process: the
pages read and extracted in the main process) and `--jobs N` (the extraction pool, N the cores),
alternately, `--rounds` times.
Each round also times a pure-CPU task in one process and in N: the most a pool can gain on the
machine at that moment (on a machine other work shares, less than N). Reported: documents/s per run
(documents / the rebuild's own time, process start-up excluded), how many cores were busy (the CPU
time of the rebuild and its workers in that time, from its report), the medians, and the ratio
beside the calibration's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harvester.capture.reader import page_at  # noqa: E402
from harvester.capture.records import RecordFactory  # noqa: E402
from harvester.capture.writer import WarcFileWriter, WarcInfo  # noqa: E402
from harvester.corpus.ids import document_id  # noqa: E402
from harvester.profiles import PROFILES  # noqa: E402

REPLICA_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "LOG_LEVEL=WARNING"]


def env(proxy: str | None = None) -> dict[str, str]:
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    if proxy:
        environment.update(http_proxy=proxy, https_proxy=proxy)
    return environment


def crawl_replica(out: Path) -> None:
    replica = subprocess.Popen([sys.executable, "-m", "harvester.replica", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env())
    try:
        assert replica.stdout is not None
        proxy = "http://" + replica.stdout.readline().split()[-1]
        args = [sys.executable, "-m", "harvester.cli", "crawl", "all", "--out", str(out)]
        for setting in REPLICA_SETTINGS:
            args += ["-s", setting]
        subprocess.run(args, env=env(proxy), check=True, capture_output=True)
    finally:
        replica.terminate()
        replica.wait(timeout=10)


def renumbered(url: str, number: int) -> str:
    """The URL with its article number (the last number in it) replaced."""
    return re.sub(r"\d+$", str(number), url)


def build_captures(crawled: Path, target: Path, pages: int) -> int:
    """Write `pages` article pages (response + conversion records) from the crawl's documents."""
    manifest = [json.loads(line) for line in (crawled / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    manifest = [row for row in manifest if re.search(r"\d+$", row["final_url"])]
    factory = RecordFactory()
    writer = WarcFileWriter(target, "bench", WarcInfo("bench", "", "obey", "bench"), factory)
    for seq, row in zip(range(pages), itertools.cycle(manifest)):
        page = page_at(crawled / "warc" / row["warc"]["file"], row["warc"]["offset"])
        url = renumbered(row["final_url"], 9_000_000 + seq)
        canonical = PROFILES[row["site"]].canonical_url(url)
        head = f"HTTP/1.1 {page.status} OK\r\n" + "".join(f"{name}: {value}\r\n" for name, value in page.headers if name.lower() not in ("content-encoding", "content-length", "transfer-encoding", "x-orig-transfer-encoding"))
        head += f"Content-Length: {len(page.body)}\r\n\r\n"
        date = f"2026-11-25T10:{seq // 3600 % 60:02d}:{seq // 60 % 60:02d}.{seq % 60:06d}Z"
        response = factory.response(url, date, "127.0.0.1", head.encode("latin-1"), page.body)
        (ref,) = writer.write(response)
        text = (crawled / "corpus" / row["file"]).read_bytes()
        fields = [("Harvester-Document-Id", document_id(canonical)), ("Harvester-Canonical-URI", canonical),
                  ("Harvester-Site", row["site"]), ("Harvester-Kind", row["kind"]), ("Harvester-Seq", str(seq))]
        writer.write(factory.conversion(url, date, text, ref.record_id, fields))
    writer.close()
    return pages


@dataclass(frozen=True)
class Run:
    documents: int
    seconds: float  # the rebuild's own time, start-up excluded
    cpu: float  # user + system seconds of the rebuild and its workers in that time


def rebuild(captures: Path, jobs: int, out: Path) -> Run:
    """One rebuild into `out`, a new folder, kept until the bench ends: on this machine's ext4, files
    made just after thousands were deleted cost 0.5-0.8 ms each of the kernel's CPU to make instead
    of 0.1 ms, so a rebuild that follows the clean-up of the one before would pay for it (as one
    started straight after another bench, whose files go as it ends, does)."""
    args = [sys.executable, "-m", "harvester.cli", "rebuild", "--from-warc", str(captures), "--out", str(out), "--jobs", str(jobs)]
    subprocess.run(args, env=env(), check=True, capture_output=True)
    report = json.loads((out / "rebuild-report.json").read_text("utf-8"))
    return Run(report["documents"], report["seconds"], report["cpu_seconds"])


def burn(rounds: int) -> int:
    total = 0
    for number in range(rounds):
        total += number * number
    return total


def calibration(cores: int) -> float:
    """How much faster a pure-CPU task runs in `cores` processes than in one, right now: the most a
    process pool can gain on this machine while other work shares it."""
    tasks = [2_000_000] * (4 * cores)
    started = time.monotonic()
    for task in tasks:
        burn(task)
    alone = time.monotonic() - started
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(burn, tasks))
    return alone / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as work:
        crawled, captures = Path(work, "crawl"), Path(work, "captures")
        crawl_replica(crawled)
        build_captures(crawled, captures, args.pages)
        size = sum(path.stat().st_size for path in captures.glob("*.warc.gz"))
        print(f"captures: {args.pages} article pages of {len(PROFILES) - 1} sites, {size / 1e6:.1f} MB of WARC; {cores} cores")
        runs: dict[int, list[Run]] = {0: [], cores: []}
        calibrations: list[float] = []
        for round_ in range(1, args.rounds + 1):
            calibrations.append(calibration(cores))
            print(f"round {round_}, calibration: a pure-CPU task runs {calibrations[-1]:.2f}x faster in {cores} processes")
            for jobs in runs:
                run = rebuild(captures, jobs, Path(work, f"corpus-{round_}-{jobs}"))
                runs[jobs].append(run)
                print(
                    f"round {round_}, --jobs {jobs}: {run.documents} documents in {run.seconds:.2f} s ="
                    f" {run.documents / run.seconds:6.1f} documents/s, {run.cpu / run.seconds:.2f} cores busy"
                )
    rates = {jobs: statistics.median(run.documents / run.seconds for run in values) for jobs, values in runs.items()}
    for jobs, values in runs.items():
        cpu = statistics.median(run.cpu * 1000 / run.documents for run in values)
        busy = statistics.median(run.cpu / run.seconds for run in values)
        print(f"median --jobs {jobs}: {rates[jobs]:6.1f} documents/s, {cpu:.1f} ms CPU per document, {busy:.2f} cores busy")
    ratio, possible = rates[cores] / rates[0], statistics.median(calibrations)
    print(f"ratio: {ratio:.2f}x with {cores} processes, where a pure-CPU task gains {possible:.2f}x (load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
