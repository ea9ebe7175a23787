"""Scheduled crawls: the crontab line `harvester schedule` prints runs a crawl as cron would, and the
project deploys to scrapyd, whose HTTP API schedules a crawl of the replica."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.replica.sites.mofa import MofaSite
from tests.conftest import FAST, ROOT, harvester_env, run_harvester
from tests.corpora import check_corpus, warcio_check

CRON_FIELDS = r"(\d{1,2}) (\*|\*/\d{1,2}|\d{1,2}) \* \* \*"


def english_releases() -> set[str]:
    board = MofaSite().boards["m_5676"]
    return {f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={article.seq}" for article in board.articles}


def test_schedule_prints_a_crontab_line_that_crawls(replica: str, tmp_path: Path) -> None:
    out = tmp_path / "crawl"
    result = run_harvester("schedule", "mofa_en", "--out", str(out), "--every", "6h", *sum((["-s", s] for s in FAST), []))
    assert result.returncode == 0, result.stderr
    comment, line = result.stdout.splitlines()
    assert comment.startswith("# harvester: crawl mofa_en into ")
    match = re.match(CRON_FIELDS + r" (.*)$", line)
    assert match, line
    minute, hours, command = match.groups()
    assert 0 <= int(minute) < 60 and hours == "*/6"
    assert f"crawl mofa_en --out {out} --resume" in command
    # The same line twice: the minute is drawn from the folder, not from the clock.
    again = run_harvester("schedule", "mofa_en", "--out", str(out), "--every", "6h", *sum((["-s", s] for s in FAST), []))
    assert again.stdout == result.stdout
    # Run as cron runs it: by sh, from the home folder.
    ran = subprocess.run(["sh", "-c", command], cwd=tmp_path, env=harvester_env(replica), timeout=300)
    assert ran.returncode == 0, (out / "state/cron.log").read_text()
    assert {row["canonical_url"] for row in check_corpus(out / "corpus")} == english_releases()
    assert "mofa_en (finished)" in (out / "state/cron.log").read_text()


def test_schedule_once_a_day_names_an_hour(tmp_path: Path) -> None:
    result = run_harvester("schedule", "mofa_en", "--out", str(tmp_path), "--every", "1d")
    minute, hour = result.stdout.splitlines()[1].split()[:2]
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24


# -- scrapyd
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scrapyd(replica: str, tmp_path: Path) -> Iterator[str]:
    """A scrapyd service on 127.0.0.1, its crawls going through the replica; yields its URL."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nmax_proc = 1\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"], cwd=home, env=harvester_env(replica), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    log = []
    for line in process.stdout:
        log.append(line)
        if f"Site starting on {port}" in line:
            break
    else:
        pytest.fail("scrapyd did not start:\n" + "".join(log))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.communicate(timeout=30)


def api(url: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url + endpoint, data=body), timeout=30) as answer:
        reply = json.loads(answer.read())
    assert reply["status"] == "ok", reply
    return reply


def deploy(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`scrapyd-deploy` of a copy of the project (it builds its egg where scrapy.cfg is)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "harvester", project / "harvester", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, project / name)
    config = (ROOT / "scrapy.cfg").read_text()
    (project / "scrapy.cfg").write_text(config + f"\n[deploy:test]\nurl = {url}\nproject = harvester\n")
    return subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "test", "--version", "1"],
        cwd=project, env=harvester_env(), capture_output=True, text=True, timeout=300,
    )


def test_scrapyd_runs_a_crawl_scheduled_through_its_api(scrapyd: str, tmp_path: Path) -> None:
    deployed = deploy(scrapyd, tmp_path)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert json.loads(deployed.stdout)["spiders"] >= 2
    spiders = api(scrapyd, "listspiders.json?project=harvester")["spiders"]
    assert {"mofa_en", "mofa_ko", "faults"} <= set(spiders)

    out = tmp_path / "out"
    job = api(
        scrapyd,
        "schedule.json",
        [("project", "harvester"), ("spider", "mofa_en"), ("out", str(out)), *(("setting", s) for s in FAST)],
    )["jobid"]
    # scrapyd tells no one when a job ends: its job list is asked until the job is in it as finished.
    deadline = time.monotonic() + 180
    while not any(entry["id"] == job for entry in api(scrapyd, "listjobs.json?project=harvester")["finished"]):
        assert time.monotonic() < deadline, "the scheduled crawl did not finish"
        time.sleep(0.2)

    assert {row["canonical_url"] for row in check_corpus(out / "corpus")} == english_releases()
    warcio_check(out / "warc")
    report = json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"]["mofa_en"]
    assert report["finish_reason"] == "finished" and report["documents"]["new"] == len(english_releases())
