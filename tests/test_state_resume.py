"""Stopping and resuming: SIGTERM stops a crawl gracefully and `--resume` continues it; SIGKILL at
any point (while fetching, mid WARC record, mid corpus file, mid manifest line) loses at most the
pages in flight, and the resumed crawl ends with every document exactly once; two crawls of one
output folder at once are refused."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from harvester import settings as project_settings
from harvester.replica.sites.mofa import MofaSite
from harvester.state.lock import LOCK_FILE, FolderLock
from tests.conftest import crawl, crawl_args, harvester_env, run_harvester
from tests.corpora import check_corpus, lines, warcio_check
from tests.warcs import record_at, records

# Slow enough that the stop comes mid-crawl: pages in flight and pages being extracted are finished.
SLOW = ["DOWNLOAD_DELAY=0.2", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "LOG_LEVEL=INFO"]


def expected_urls(*boards: str) -> set[str]:
    site = MofaSite()
    return {
        f"https://www.mofa.go.kr/{site.boards[board].site}/brd/{board}/view.do?seq={article.seq}"
        for board in boards
        for article in site.boards[board].articles
    }


def start(out: Path, proxy: str, *sites: str, settings: list[str] = (), options: list[str] = ()) -> subprocess.Popen:
    args = crawl_args(out, *sites, settings=settings, options=options)
    return subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", *args], env=harvester_env(proxy), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_documents(process: subprocess.Popen, count: int) -> list[str]:
    """Reads the crawl's log until it has written `count` documents (an event, not a delay)."""
    assert process.stderr is not None
    seen, log = 0, []
    for line in process.stderr:
        log.append(line)
        seen += " Document " in line
        if seen == count:
            return log
    raise AssertionError("the crawl ended before writing enough documents:\n" + "".join(log[-30:]))


def test_sigterm_stops_gracefully_and_resume_continues(replica: str, tmp_path: Path) -> None:
    process = start(tmp_path, replica, "mofa_en", "mofa_ko", settings=SLOW)
    wait_for_documents(process, 5)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr[-3000:]
    assert "stopped (shutdown) during mofa_en; `--resume` continues it" in stderr
    # In-flight pages finished, files closed: a valid corpus, no WARC left open, the job kept.
    partial = check_corpus(tmp_path / "corpus")
    assert 5 <= len(partial) < len(expected_urls("m_5676"))
    assert not list((tmp_path / "warc").glob("*.open"))
    warcio_check(tmp_path / "warc")
    job = tmp_path / "state/jobs/mofa_en"
    assert (job / "requests.seen").exists() and not (job / ".running").exists()
    assert not (tmp_path / "state/jobs/mofa_ko").exists()
    before = {path.name for path in (tmp_path / "warc").glob("*.warc.gz")}

    resumed_run = crawl(tmp_path, "mofa_en", "mofa_ko", proxy=replica, options=["--resume"])
    assert " ERROR: " not in stderr + resumed_run.stderr
    rows = check_corpus(tmp_path / "corpus")
    assert {row["canonical_url"] for row in rows} == expected_urls("m_5676", "m_4080")
    assert rows[: len(partial)] == partial
    # It went on from its queue: the first list page, read before the stop, was not read again.
    resumed = {r.url for r in records(tmp_path / "warc") if r.file not in before and r.type == "request"}
    assert "https://www.mofa.go.kr/eng/brd/m_5676/list.do" not in resumed
    assert "https://www.mofa.go.kr/www/brd/m_4080/list.do" in resumed
    assert not (tmp_path / "state/jobs").exists() or not list((tmp_path / "state/jobs").iterdir())
    warcio_check(tmp_path / "warc")


# warc:N counts writes to WARC files: one per exchange (its request and response records together).
KILL_POINTS = ["fetch:12", "warc:30", "corpus:9", "manifest:9"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_anywhere_then_resume_gives_every_document_once(replica: str, tmp_path: Path, point: str) -> None:
    extensions = {**project_settings.EXTENSIONS, "tests.killswitch.KillSwitch": 0}
    killed = run_harvester(
        *crawl_args(tmp_path, "mofa_en", settings=[f"KILL_AT={point}", f"EXTENSIONS={json.dumps(extensions)}"]), proxy=replica
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    corpus = tmp_path / "corpus"
    where = point.split(":")[0]
    # The kill came where it was meant to.
    if where == "corpus":
        assert [path for path in corpus.iterdir() if path.name.endswith(".tmp")]
    if where == "manifest":
        assert not (corpus / "manifest.jsonl").read_bytes().endswith(b"\n")
    if where == "warc":
        assert list((tmp_path / "warc").glob("*.warc.gz.open"))

    crawl(tmp_path, "mofa_en", proxy=replica, options=["--resume"])
    assert_every_document_once(tmp_path)


def assert_every_document_once(out: Path) -> None:
    """After --resume: each of the board's documents once, in order; the WARC file a kill left open
    repaired and closed, read by every tool; every document's capture there."""
    rows = check_corpus(out / "corpus")
    assert {row["canonical_url"] for row in rows} == expected_urls("m_5676")
    assert [row["seq"] for row in rows] == list(range(len(rows)))
    assert not list((out / "warc").glob("*.open"))
    warcio_check(out / "warc")
    for row in rows:
        record = record_at(out / "warc", row["warc"]["file"], row["warc"]["offset"])
        assert (record.type, record.headers["WARC-Record-ID"]) == ("response", row["warc"]["record_id"])


def test_a_dead_capture_writer_stops_the_crawl_and_resume_gives_every_document_once(replica: str, tmp_path: Path) -> None:
    """The process that writes the WARC files dies mid-write (the OOM killer, say), the crawl does
    not: it stops on its own, says why, and --resume fetches again what was not captured."""
    extensions = {**project_settings.EXTENSIONS, "tests.killswitch.KillSwitch": 0}
    stopped = run_harvester(
        *crawl_args(tmp_path, "mofa_en", settings=["KILL_AT=writer:30", f"EXTENSIONS={json.dumps(extensions)}"]), proxy=replica
    )
    assert stopped.returncode == 3, stopped.stderr[-3000:]
    assert "the capture writer process died (killed by signal 9)" in stopped.stderr
    assert "stopped (capture_failed) during mofa_en; `--resume` continues it" in stopped.stderr
    assert list((tmp_path / "warc").glob("*.warc.gz.open"))  # its half-written record, left for the next crawl
    assert not (tmp_path / "state/jobs/mofa_en").exists()  # its queue may lack the pages not captured

    crawl(tmp_path, "mofa_en", proxy=replica, options=["--resume"])
    assert_every_document_once(tmp_path)


def test_a_second_crawl_of_the_same_folder_is_refused(replica: str, tmp_path: Path) -> None:
    # Paced so that it is still crawling when the second has started up, on a loaded machine too.
    first = start(tmp_path, replica, "mofa_en", settings=[*SLOW, "DOWNLOAD_DELAY=1.0"])
    wait_for_documents(first, 1)
    second = run_harvester(*crawl_args(tmp_path, "mofa_en"), proxy=replica)
    assert second.returncode == 2
    assert f"{tmp_path} is being crawled by pid {first.pid}" in second.stderr
    assert "refused" in second.stderr
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=120)
    # The refused crawl wrote nothing: the corpus is the first crawl's alone.
    rows = check_corpus(tmp_path / "corpus")
    assert rows and {row["site"] for row in rows} == {"mofa_en"}


def test_the_lock_is_refused_to_scrapy_crawl_too(tmp_path: Path) -> None:
    lock = FolderLock(tmp_path / "state" / LOCK_FILE)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from harvester.state.lock import FolderLock;"
         " lock = FolderLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); sys.stdin.read()", str(lock.path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=harvester_env(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(Exception, match="is being crawled by pid"):
            lock.acquire()
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "mofa_en", "-a", f"out={tmp_path}"],
            cwd=Path(__file__).resolve().parents[1], env=harvester_env(), capture_output=True, text=True, timeout=120,
        )
        assert result.returncode != 0 and "is being crawled by pid" in result.stderr
        assert not (tmp_path / "corpus").exists()
    finally:
        holder.communicate("", timeout=10)
    # Released when its holder ends, however it ends.
    lock.acquire()
    lock.release()
    assert lines(tmp_path / "corpus" / "manifest.jsonl") == []
