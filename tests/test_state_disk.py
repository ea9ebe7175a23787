"""A disk that fills up: the crawl stops cleanly (`disk_full`), what was written stays valid, and once
there is room `--resume` completes it. The output folder is a small tmpfs mounted for the test
(CI runs as root)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harvester.replica.sites.mofa import MofaSite
from tests.conftest import crawl
from tests.corpora import check_corpus, warcio_check
from tests.warcs import record_at

BOTH = ("mofa_en", "mofa_ko")


@contextmanager
def small_disk(path: Path, size: int) -> Iterator[Path]:
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def grow(path: Path, size: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


def free(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def all_releases() -> set[str]:
    site = MofaSite()
    return {
        f"https://www.mofa.go.kr/{board.site}/brd/{board.board}/view.do?seq={article.seq}"
        for board in site.boards.values()
        for article in board.articles
    }


def assert_whole(out: Path) -> list[dict]:
    """The corpus is consistent and each document's capture can be read at its reference (in a
    closed file, or in the file the full disk left open, which the capture layer repairs)."""
    rows = check_corpus(out / "corpus")
    for row in rows:
        name = row["warc"]["file"]
        file = name if (out / "warc" / name).exists() else name + ".open"
        record = record_at(out / "warc", file, row["warc"]["offset"])
        assert record.headers["WARC-Record-ID"] == row["warc"]["record_id"]
    return rows


def test_the_crawl_stops_before_the_disk_is_full_and_resumes(replica: str, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 8 * 1024 * 1024) as out:
        # Stop once 300 KB are written: the rest of the disk is the reserve for closing cleanly.
        minimum = free(out) - 300 * 1024
        result = crawl(out, *BOTH, proxy=replica, settings=[f"STATE_MIN_FREE_SPACE={minimum}"], expect=3)
        assert "stopped (disk_full) during mofa_" in result.stderr
        assert "Disk full:" in result.stderr and "STATE_MIN_FREE_SPACE" in result.stderr
        # The run stops at the site it was crawling: the sites before it finished.
        *before, stopped = json.loads((out / "crawl-report.json").read_text())["sites"].values()
        assert stopped["finish_reason"] == "disk_full"
        assert all(section["finish_reason"] == "finished" for section in before)
        partial = assert_whole(out)
        assert 0 < len(partial) < len(all_releases())
        assert not list((out / "warc").glob("*.open"))
        warcio_check(out / "warc")

        grow(out, 64 * 1024 * 1024)
        crawl(out, *BOTH, proxy=replica, settings=[f"STATE_MIN_FREE_SPACE={minimum}"], options=["--resume"])
        rows = assert_whole(out)
        assert {row["canonical_url"] for row in rows} == all_releases()
        assert rows[: len(partial)] == partial
        assert not list((out / "warc").glob("*.open"))
        warcio_check(out / "warc")


def test_a_write_that_fails_for_want_of_space_stops_the_crawl(replica: str, tmp_path: Path) -> None:
    # Room for the crawl state and a document or two: the disk fills in the middle of the crawl.
    with small_disk(tmp_path / "disk", 288 * 1024) as out:
        result = crawl(out, *BOTH, proxy=replica, settings=["STATE_MIN_FREE_SPACE=0"], expect=3)
        assert "stopped (disk_full)" in result.stderr
        assert "Disk full: a write failed" in result.stderr
        partial = assert_whole(out)
        assert len(partial) < len(all_releases())

        grow(out, 64 * 1024 * 1024)
        crawl(out, *BOTH, proxy=replica, settings=["STATE_MIN_FREE_SPACE=1048576"], options=["--resume"])
        rows = assert_whole(out)
        assert {row["canonical_url"] for row in rows} == all_releases()
        assert rows[: len(partial)] == partial
        # The next start repaired and closed what the failed write left open.
        assert not list((out / "warc").glob("*.open"))
        warcio_check(out / "warc")
