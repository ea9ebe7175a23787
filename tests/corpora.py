"""Checking a corpus folder in tests: every line has its file with its sha256, every file its line,
no id twice, nothing half-written left behind."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

def mofa_urls(*boards: str) -> set[str]:
    """The canonical URLs of the articles of the replica's MOFA boards ("m_5676", "m_4080")."""
    from harvester.replica.sites.mofa import MofaSite

    site = MofaSite()
    return {
        f"https://www.mofa.go.kr/{site.boards[board].site}/brd/{board}/view.do?seq={article.seq}"
        for board in boards
        for article in site.boards[board].articles
    }


DOCUMENT = re.compile(r"^\d{3,}_[0-9a-f]{16}(\.v\d+)?\.txt$")


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def check_corpus(folder: Path) -> list[dict]:
    """The manifest's rows, after asserting that the folder is whole and consistent."""
    manifest, versions = lines(folder / "manifest.jsonl"), lines(folder / "versions.jsonl")
    ids = [row["id"] for row in manifest]
    assert len(ids) == len(set(ids)), "a document is listed twice"
    assert [row["seq"] for row in manifest] == sorted(row["seq"] for row in manifest)
    for row in manifest + versions:
        data = (folder / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
    listed = {row["file"] for row in manifest + versions}
    on_disk = {path.name for path in folder.iterdir() if DOCUMENT.match(path.name)}
    assert on_disk == listed, f"unlisted {on_disk - listed}, missing {listed - on_disk}"
    assert not [path for path in folder.iterdir() if path.name.endswith(".tmp")], "a temp file is left"
    return manifest


def warcio_check(folder: Path) -> None:
    """`warcio check` on every closed WARC file of the folder."""
    files = sorted(str(path) for path in folder.glob("*.warc.gz"))
    assert files, f"no closed WARC file in {folder}"
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
