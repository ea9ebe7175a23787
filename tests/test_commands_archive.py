"""`harvester archive`'s options: sizes and page counts, and bad ones answered in one line."""

from __future__ import annotations

import doctest
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
