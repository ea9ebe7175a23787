"""Progress a person can follow: on a terminal one live line per site and the log above it; in a
pipe the log alone, with one periodic progress line (the harvester's, not Scrapy's LogStats)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import crawl, crawl_args, harvester_env

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def run_on_a_terminal(args: list[str], proxy: str, timeout: float = 300) -> tuple[int, str, str]:
    """Run `harvester ARGS` with its standard error on a pseudo-terminal: (exit code, stdout, what
    the terminal showed, escape codes removed)."""
    main, child = pty.openpty()
    env = {**harvester_env(proxy), "COLUMNS": "200", "LINES": "50", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "harvester.cli", *args], stdout=subprocess.PIPE, stderr=child, env=env)
    os.close(child)
    shown = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1.0)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            shown += data
        elif process.poll() is not None:
            break
    os.close(main)
    stdout, _ = process.communicate(timeout=60)
    return process.returncode, stdout.decode("utf-8"), ANSI.sub("", shown.decode("utf-8", "replace"))


def test_a_terminal_shows_a_live_line_per_site_and_the_log_above(replica: str, tmp_path: Path) -> None:
    code, stdout, shown = run_on_a_terminal(crawl_args(tmp_path, "mofa_en", "mofa_ko", settings=["LOG_LEVEL=INFO"]), replica)
    assert code == 0, shown[-3000:]
    lines = shown.splitlines()
    assert [line for line in lines if line.split()[:4] == ["site", "pages", "rate", "documents"]], shown[-3000:]
    rows = {line.split()[0]: line.split() for line in lines if line.split()[:1] in (["mofa_en"], ["mofa_ko"])}
    assert rows["mofa_en"][-1] == "finished" and rows["mofa_ko"][-1] == "finished"
    # The log scrolls above it (at the level asked for), without the progress records (they are
    # the live lines) or Scrapy's LogStats.
    assert any(" INFO scrapy.core.engine: Spider opened" in line for line in lines)
    assert not any("Progress mofa_en:" in line or "Crawled " in line for line in lines)
    assert "Traceback" not in shown
    assert stdout.splitlines()[-1].startswith(f"harvester crawl: output in {tmp_path}")


def test_elsewhere_the_log_has_the_harvesters_progress_lines_only(replica: str, tmp_path: Path) -> None:
    result = crawl(tmp_path, "mofa_en", proxy=replica, settings=["REPORT_PROGRESS_INTERVAL=0.2"])
    progress = [line for line in result.stderr.splitlines() if "Progress mofa_en:" in line]
    assert progress and progress[-1].endswith("(finished)")
    assert not [line for line in result.stderr.splitlines() if "Crawled " in line and "pages/min" in line]
