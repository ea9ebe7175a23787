"""The settings module is the index of every knob: each set once, each of the harvester's own
documented in README.md."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import harvester.settings

SOURCE = Path(harvester.settings.__file__).read_text("utf-8")
README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
PREFIXES = ("PROFILE_", "ARCHIVE_", "FETCH_", "CAPTURE_", "EXTRACTION_", "CORPUS_", "STATE_", "REPORT_", "DISTRIBUTED_", "MEMORY_")


def assigned() -> Counter[str]:
    tree = ast.parse(SOURCE)
    return Counter(target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name))


def test_every_setting_is_set_once() -> None:
    assert [name for name, count in assigned().items() if count > 1] == []


def test_every_harvester_setting_is_documented() -> None:
    own = [name for name in assigned() if name.startswith(PREFIXES)]
    assert own and [name for name in own if f"`{name}`" not in README] == []
