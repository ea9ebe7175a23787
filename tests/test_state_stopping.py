"""Stopping (state/stopping.py): once a crawl is told to stop, no request is sent; what was waiting
goes back to the queue and `--resume` sends it, once; a download still in flight after
STATE_STOP_TIMEOUT is abandoned and goes back to the queue too; a second signal stops at once, and
the next start repairs what that cut short (crawls of a server of the test's own, by the spider of
tests/stop_spider.py through `harvester crawl`'s runner). Ctrl-C in a terminal, whenever it comes
(between two sites too), ends a crawl of the replica within 10 s, with its report and no traceback
from any of its processes, and `--resume` continues it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harvester import settings as project_settings
from tests.conftest import crawl_args, harvester_env, run_harvester
from tests.corpora import check_corpus, mofa_urls

STALL = "/page/0"


class PageServer:
    """Answers every page at once, but STALL while `stalling` is set; counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.changed = threading.Condition()
        self.stalling = threading.Event()
        self.released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server.changed:
                    server.asked.append(self.path)
                    server.changed.notify_all()
                if self.path == STALL and server.stalling.is_set():
                    server.released.wait(30)
                body = b"<html><body>a page</body></html>" if self.path.startswith("/page/") else b"no"
                self.send_response(200 if self.path.startswith("/page/") else 404)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the crawl gave up on it

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"

    def pages(self) -> list[str]:
        with self.changed:
            return [path for path in self.asked if path.startswith("/page/")]

    def wait_for(self, test: object, timeout: float = 60) -> None:
        with self.changed:
            assert self.changed.wait_for(test, timeout), f"the server was asked for {self.asked}"  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[PageServer]:
    pages = PageServer()
    thread = threading.Thread(target=pages.http.serve_forever, daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        pages.released.set()
        pages.http.shutdown()
        pages.http.server_close()


# One request at a time, with a delay: the downloader holds a queue of requests waiting their turn.
PACED = ["DOWNLOAD_DELAY=0.3", "DOWNLOAD_DELAY_JITTER=0", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "AUTOTHROTTLE_ENABLED=False",
         "EXTRACTION_PROCESSES=0", "LOG_LEVEL=INFO"]


def start(server: PageServer, out: Path, *options: str, settings: list[str] = ()) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.stop_spider", server.base, str(out), *options]
    for setting in [*PACED, *settings]:
        args += ["-s", setting]
    return subprocess.Popen(args, env=harvester_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def resume(server: PageServer, out: Path) -> tuple[int, str]:
    """`--resume`, at full speed."""
    return finish(start(server, out, "--resume", settings=["DOWNLOAD_DELAY=0"]))


def finish(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    assert "Traceback" not in stderr, stderr[-3000:]
    return process.returncode, stderr


def test_nothing_is_sent_once_stopped_and_resume_sends_the_rest_once(server: PageServer, tmp_path: Path) -> None:
    crawl = start(server, tmp_path)
    server.wait_for(lambda: len(server.pages()) >= 3)
    asked = len(server.pages())
    crawl.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    code, stderr = finish(crawl)
    assert code == 3, stderr[-3000:]
    assert time.monotonic() - signalled < 5
    # At most the one request already handed to the network went out after the signal; the
    # downloader's queue (the next dozen, waiting for the delay) went back to the job's queue.
    first = server.pages()
    assert len(first) <= asked + 1
    assert "requests not sent go back to the queue" in stderr
    assert (tmp_path / "state/jobs/pages/requests.queue").is_dir()

    code, stderr = resume(server, tmp_path)
    assert code == 0, stderr[-3000:]
    # Every page once: none lost with the stop, none sent twice.
    assert Counter(server.pages()) == Counter(f"/page/{number}" for number in range(20))


def test_a_download_in_flight_is_abandoned_after_the_stop_timeout(server: PageServer, tmp_path: Path) -> None:
    server.stalling.set()
    crawl = start(server, tmp_path, settings=["STATE_STOP_TIMEOUT=1", "DOWNLOAD_TIMEOUT=60"])
    server.wait_for(lambda: STALL in server.pages())
    crawl.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    code, stderr = finish(crawl)
    # Stopped after STATE_STOP_TIMEOUT, not after the download's own timeout.
    assert code == 3, stderr[-3000:]
    assert time.monotonic() - signalled < 6
    assert "1 downloads still in flight 1 s after the stop (STATE_STOP_TIMEOUT): abandoned" in stderr

    server.stalling.clear()
    code, stderr = resume(server, tmp_path)
    assert code == 0, stderr[-3000:]
    # The abandoned page was asked for again; every other page once.
    assert Counter(server.pages()) == {**Counter(f"/page/{number}" for number in range(20)), STALL: 2}


def test_a_second_signal_stops_at_once_and_the_next_start_repairs(server: PageServer, tmp_path: Path) -> None:
    server.stalling.set()
    crawl = start(server, tmp_path, settings=["STATE_STOP_TIMEOUT=30", "DOWNLOAD_TIMEOUT=60"])
    server.wait_for(lambda: STALL in server.pages())
    crawl.send_signal(signal.SIGINT)
    assert crawl.stderr is not None
    for line in crawl.stderr:
        if "Received SIGINT: stopping gracefully" in line:
            break
    crawl.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    code, stderr = finish(crawl, timeout=10)
    assert code == 3 and time.monotonic() - signalled < 2
    assert "SIGINT again: stopped at once" in stderr
    # The job was not saved: the next start finds its marker and starts the site over.
    assert (tmp_path / "state/jobs/pages/.running").exists()

    server.stalling.clear()
    code, stderr = resume(server, tmp_path)
    assert code == 0, stderr[-3000:]
    assert "the crawl of this job was killed" in stderr
    assert not list((tmp_path / "warc").glob("*.open"))


# -- Ctrl-C in a terminal: SIGINT to the whole process group, the extraction worker included.
SITES = ("mofa_en", "mofa_ko")
# One extraction worker; paced a little, so that a signal from outside lands mid-crawl.
GROUP = ["EXTRACTION_PROCESSES=1", "DOWNLOAD_DELAY=0.2", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "LOG_LEVEL=INFO"]
# Moments a signal from outside hits only by chance, hit by the crawl itself (tests/stopswitch.py):
# a site about to close as finished, closing, closed (between two sites), and a site just opened.
MOMENTS = ["idle:mofa_en", "closed:mofa_en", "stopped:mofa_en", "opened:mofa_ko", "opened:mofa_en"]
# Tries from outside: after this many new documents.
AFTER_DOCUMENTS = [1, 4, 2, 6, 3]


def ctrl_c(out: Path, proxy: str, resume: bool, moment: str | None = None, documents: int = 0) -> tuple[int, str, float]:
    """A crawl stopped by SIGINT to its process group, sent by the crawl itself at `moment`, or
    from here after `documents` new documents: its exit status, log, and seconds from the signal
    to its end."""
    settings = list(GROUP)
    if moment is not None:
        extensions = {**project_settings.EXTENSIONS, "tests.stopswitch.StopSwitch": 0}
        settings += [f"STOP_AT={moment}", "STOP_GROUP=True", f"EXTENSIONS={json.dumps(extensions)}"]
    args = crawl_args(out, *SITES, settings=settings, options=["--resume"] if resume else [])
    log: list[str] = []
    signalled = None
    with subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", *args], env=harvester_env(proxy), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    ) as crawl:
        assert crawl.stderr is not None
        for line in crawl.stderr:
            log.append(line)
            if moment is None and " Document " in line and (documents := documents - 1) == 0:
                with contextlib.suppress(ProcessLookupError):  # it may have ended just now
                    os.killpg(crawl.pid, signal.SIGINT)
            if "Received SIGINT" in line and signalled is None:
                signalled = time.monotonic()
        crawl.wait(timeout=60)
    assert signalled is not None, "".join(log[-40:])
    return crawl.returncode, "".join(log), time.monotonic() - signalled


def test_ctrl_c_stops_within_10_s_with_its_report_every_time(replica: str, tmp_path: Path) -> None:
    tries = [(None, documents) for documents in AFTER_DOCUMENTS] + [(moment, 0) for moment in MOMENTS]
    for number, (moment, documents) in enumerate(tries):
        report = tmp_path / "crawl-report.json"
        report.unlink(missing_ok=True)
        code, log, took = ctrl_c(tmp_path, replica, resume=number > 0, moment=moment, documents=documents)
        where = f"try {number} ({moment or f'after {documents} documents'}):\n{log[-3000:]}"
        assert code == 3 and took < 10, where
        assert "Traceback" not in log, where
        assert "harvester crawl: stopped (shutdown) " in log and "`--resume` continues it" in log, where
        sites = json.loads(report.read_text("utf-8"))["sites"]
        assert sites and {section["finish_reason"] for section in sites.values()} <= {"finished", "shutdown"}, where
        assert not list((tmp_path / "state/jobs").rglob(".running")), where
        assert not list((tmp_path / "warc").glob("*.open")), where
        if moment in ("closed:mofa_en", "stopped:mofa_en"):
            # Between the sites: the first one finished, the second not started, and said so.
            assert list(sites) == ["mofa_en"] and sites["mofa_en"]["finish_reason"] == "finished", where
            assert "stopped (shutdown) before mofa_ko" in log, where

    run = run_harvester(*crawl_args(tmp_path, *SITES, options=["--resume"]), proxy=replica)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = check_corpus(tmp_path / "corpus")
    assert {row["canonical_url"] for row in rows} == mofa_urls("m_5676", "m_4080")
    verified = run_harvester("verify", str(tmp_path / "corpus"), "--warc", str(tmp_path / "warc"))
    assert verified.returncode == 0, verified.stdout
