"""Three worker processes crawl both MOFA boards through the replica, sharing one Redis: every article
is fetched and documented once across them, and the merged corpus is the single-process crawl's
corpus (same documents and texts; the numbers follow the order the workers wrote them in). One of
three workers killed with SIGKILL mid-crawl: its requests go back into the queue, the others
finish, and the corpus is whole."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.conftest import crawl, crawl_args, harvester_env, run_harvester
from tests.corpora import check_corpus, warcio_check
from tests.test_state_resume import expected_urls
from tests.warcs import record_at, records

SITES = ("mofa_en", "mofa_ko")
# Paced, so that the crawl lasts long enough for every worker to take part.
PACED = ["DOWNLOAD_DELAY=0.1", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "CONCURRENT_REQUESTS=4"]
# A worker is taken for gone after this long without a heartbeat: long enough that a loaded machine
# does not make a live worker miss it (its requests would be fetched twice); short for the kill.
TIMEOUT = {"kill": "DISTRIBUTED_WORKER_TIMEOUT=2", "no kill": "DISTRIBUTED_WORKER_TIMEOUT=20"}
# Manifest fields that depend on who fetched a page and when.
WHO_AND_WHEN = ("seq", "file", "warc", "fetched_at")


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path  # its stderr; stdout beside it, .out

    def finish(self) -> tuple[str, str]:
        """The worker's stdout and log, once it has ended well."""
        self.process.wait(timeout=180)
        stdout, stderr = self.log.with_suffix(".out").read_text(), self.log.read_text()
        assert self.process.returncode == 0, stderr[-5000:]
        assert " ERROR: " not in stderr, stderr[-5000:]
        return stdout, stderr


def start_worker(out: Path, proxy: str, redis_url: str, number: int, timeout: str, watched: bool = False) -> Worker:
    """A worker process. Its output goes to files, as a pipe left unread would stall it; a watched
    worker's log comes through a pipe, to be read as it comes."""
    args = crawl_args(out, *SITES, settings=[*PACED, timeout], options=["--redis", redis_url])
    log = out.parent / f"worker{number}.err"
    with open(log.with_suffix(".out"), "w") as stdout, open(log, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "harvester.cli", *args],
            env=harvester_env(proxy),
            stdout=stdout,
            stderr=subprocess.PIPE if watched else stderr,
            text=True,
        )
    return Worker(process, log)


def documents(folder: Path) -> dict[str, dict]:
    """id -> manifest line without who/when, plus the text."""
    found = {}
    for row in check_corpus(folder):
        found[row["id"]] = {name: value for name, value in row.items() if name not in WHO_AND_WHEN}
        found[row["id"]]["text"] = (folder / row["file"]).read_text("utf-8")
    return found


def article_responses(warc: Path) -> Counter:
    return Counter(
        record.url
        for record in records(warc)
        if record.type == "response" and record.http_status == 200 and "/view.do?" in (record.url or "")
    )


@pytest.fixture(scope="module")
def single(replica: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("single")
    crawl(out, *SITES, proxy=replica)
    return documents(out / "corpus")


def test_three_workers_crawl_each_article_once(replica: str, redis_url: str, tmp_path: Path, single: dict) -> None:
    seeded = run_harvester("seed", *SITES, "--redis", redis_url)
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.splitlines() == ["mofa_en: 2 start requests queued", "mofa_ko: 2 start requests queued"]
    out = tmp_path / "out"
    workers = [start_worker(out, replica, redis_url, number, TIMEOUT["no kill"]) for number in range(3)]
    logs = [worker.finish() for worker in workers]

    # Each worker wrote its own WARC files; the documents, once each, came from more than one.
    names = {re.match(r"harvester-(.+?)-\d{17}-", path.name).group(1) for path in (out / "warc").glob("*.warc.gz")}
    assert len(names) == 3
    written = [re.findall(r" Document \S+ v1 (\S+)", stderr) for _, stderr in logs]
    assert sorted(url for urls in written for url in urls) == sorted(expected_urls("m_5676", "m_4080"))
    assert sum(1 for urls in written if urls) >= 2
    reports = [json.loads(path.read_text()) for path in out.glob("crawl-report.*.json")]
    assert sum(report["sites"][site]["documents"]["new"] for report in reports for site in SITES) == 66

    # The last worker to end merged the parts: one corpus, numbered 0..65, equal to the single crawl's.
    assert sum("merged 66 new" in stdout for stdout, _ in logs) == 1
    assert not (out / "corpus/parts").exists()
    rows = check_corpus(out / "corpus")
    assert [row["seq"] for row in rows] == list(range(66))
    assert documents(out / "corpus") == single
    # Each document names its response record, in whichever worker's WARC file it is.
    for row in rows:
        record = record_at(out / "warc", row["warc"]["file"], row["warc"]["offset"])
        assert (record.type, record.url) == ("response", row["final_url"])
        assert record.headers["WARC-Record-ID"] == row["warc"]["record_id"]

    assert article_responses(out / "warc") == Counter(expected_urls("m_5676", "m_4080"))
    warcio_check(out / "warc")
    assert {path.name for path in (out / "warc/indexes").iterdir()} == {
        path.name.removesuffix(".warc.gz") + ".cdxj" for path in (out / "warc").glob("*.warc.gz")
    }

    # The next crawl with the same Redis is incremental, whichever worker runs it.
    assert run_harvester("seed", *SITES, "--redis", redis_url, "--fresh").returncode == 0
    stdout, _ = start_worker(out, replica, redis_url, 3, TIMEOUT["no kill"]).finish()
    assert "mofa_en (finished): 7 pages; documents 0 new, 0 changed, 0 unchanged; skipped: known 33;" in stdout
    assert documents(out / "corpus") == single


def test_a_killed_worker_loses_no_request(replica: str, redis_url: str, tmp_path: Path, single: dict) -> None:
    out = tmp_path / "out"
    victim = start_worker(out, replica, redis_url, 0, TIMEOUT["kill"], watched=True).process
    survivors = [start_worker(out, replica, redis_url, number, TIMEOUT["kill"]) for number in (1, 2)]
    assert victim.stderr is not None
    # Killed after its third document, at a moment it holds requests: stopped, its leases are
    # looked at in Redis, and it is let go on to its next document if it holds none.
    server = redis.Redis.from_url(redis_url)
    victim_id = f"{socket.gethostname().split('.')[0]}_{victim.pid}"  # the worker's name (distributed/config.py)
    seen = 0
    for line in victim.stderr:
        seen += " Document " in line
        if seen >= 3 and " Document " in line:
            victim.send_signal(signal.SIGSTOP)
            if sum(server.hlen(key) for key in server.scan_iter(match=f"*:leases:{victim_id}")):
                break
            victim.send_signal(signal.SIGCONT)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    victim.stderr.close()
    logs = [worker.finish() for worker in survivors]

    gone = [int(n) for _, stderr in logs for n in re.findall(r"Worker \S+ is gone: (\d+) of its requests", stderr)]
    assert gone and sum(gone) >= 1, "the killed worker's leases were put back into the queue"
    assert sum("merged" in stdout for stdout, _ in logs) == 1
    # Every article is in the corpus once, with the single crawl's text.
    assert documents(out / "corpus") == single
    # The killed worker's open WARC file was repaired at the merge; every file passes warcio check.
    assert not list((out / "warc").glob("*.open"))
    warcio_check(out / "warc")
    responses = article_responses(out / "warc")
    assert set(responses) == expected_urls("m_5676", "m_4080")
