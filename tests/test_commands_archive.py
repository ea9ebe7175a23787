"""`harvester archive`'s options: sizes and page counts, and bad ones answered in one line."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from harvester.commands import archive
from tests.conftest import run_harvester


def test_doctests() -> None:
    assert doctest.testmod(archive).failed == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-pages", "0", "a number of pages above 0, not '0'"),
        ("--max-pages", "ten", "a number of pages above 0, not 'ten'"),
        ("--max-bytes", "lots", "a size such as 500M or 2G, not 'lots'"),
        ("--max-bytes", "0", "a size such as 500M or 2G, not '0'"),
    ],
)
def test_a_bad_limit_is_one_clear_line(option: str, value: str, message: str, tmp_path: Path) -> None:
    result = run_harvester("archive", "http://traps.example/", "--out", str(tmp_path), option, value)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_a_seed_that_fails_for_good_is_an_error_of_the_run(replica: str, tmp_path: Path) -> None:
    """The replica answers a host it does not know with 502, as a proxy does one it cannot reach."""
    out = tmp_path / "out"
    result = run_harvester(
        "archive", "https://nonexistent.invalid/", "--out", str(out), "-s", "RETRY_TIMES=1", "-s", "FETCH_RETRY_BACKOFF=0.1",
        "-s", "DOWNLOAD_DELAY=0", proxy=replica,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    section = json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"]["archive"]
    assert section["errors"] == {"http_502": 1}
    lines = result.stdout.splitlines()
    assert lines[0].startswith("archive (finished): ") and lines[0].endswith("errors: http_502 1")
    assert lines[-1].startswith(f"harvester archive: output in {out}; corpus {out / 'corpus'}: 0 documents")
