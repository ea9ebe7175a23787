"""A disk that fills up: the crawl stops cleanly (`disk_full`), what was written stays valid, and once
there is room `--resume` completes it; so does a crawl started on a disk full already. After such a
stop the folder verifies as it is (no start has repaired it first), its report is written and no
traceback is printed. The output folder is a small tmpfs mounted for the test (CI runs as root)."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harvester import exitcodes, settings as project_settings
from harvester.replica.sites.mofa import MofaSite
from harvester.state.lock import LOCK_FILE, FolderLock
from tests.conftest import crawl, crawl_args, harvester_env, run_harvester
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
        result = crawl(out, *BOTH, proxy=replica, settings=[f"STATE_MIN_FREE_SPACE={minimum}"], expect=exitcodes.DISK_FULL)
        # During a site, or as the next one was to start.
        assert re.search(r"stopped \(disk_full\) (during|before) mofa_", result.stderr)
        assert "Disk full:" in result.stderr and "STATE_MIN_FREE_SPACE" in result.stderr
        # The run stops at the site it was crawling (or was to crawl): the sites before it finished.
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


def assert_left_whole(out: Path, result: subprocess.CompletedProcess, finish_reasons: set[str] = frozenset({"disk_full"})) -> list[dict]:
    """What a crawl the full disk stopped leaves, as it is (no start has repaired it): the corpus
    verifies against its captures, no WARC file is left open, the report and the one line that
    says what happened are there, and no traceback."""
    assert result.returncode == exitcodes.DISK_FULL, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    assert "stopped (disk_full) " in result.stderr and "Disk full: " in result.stderr
    verified = run_harvester("verify", str(out / "corpus"), "--warc", str(out / "warc"))
    assert verified.returncode == 0 and verified.stdout.strip().endswith("ok"), verified.stdout
    assert not list((out / "warc").glob("*.open"))
    report = json.loads((out / "crawl-report.json").read_text("utf-8"))
    assert finish_reasons & {section["finish_reason"] for section in report["sites"].values()}
    return check_corpus(out / "corpus")


def assert_resumed(out: Path, replica: str, uninterrupted_mofa: dict[str, bytes], partial: list[dict]) -> None:
    """`--resume` once there is room gives the uninterrupted crawl's corpus, every WARC indexed."""
    crawl(out, *BOTH, proxy=replica, settings=["STATE_MIN_FREE_SPACE=0"], options=["--resume"])
    rows = assert_whole(out)
    assert {row["canonical_url"]: (out / "corpus" / row["file"]).read_bytes() for row in rows} == uninterrupted_mofa
    assert rows[: len(partial)] == partial
    assert not list((out / "warc").glob("*.open"))
    warcio_check(out / "warc")
    assert {path.name.removesuffix(".cdxj") for path in (out / "warc/indexes").glob("*.cdxj")} == {
        path.name.removesuffix(".warc.gz") for path in (out / "warc").glob("*.warc.gz")
    }


def test_a_write_that_fails_for_want_of_space_stops_the_crawl(
    replica: str, tmp_path: Path, uninterrupted_mofa: dict[str, bytes]
) -> None:
    # No minimum: the disk fills up under the crawl, writes fail (a manifest line, a document, a
    # WARC record, the crawl state, the queue), and each failed write leaves nothing behind.
    with small_disk(tmp_path / "disk", 288 * 1024) as out:
        result = crawl(out, *BOTH, proxy=replica, settings=["STATE_MIN_FREE_SPACE=0"], expect=exitcodes.DISK_FULL)
        assert "Disk full: a write failed" in result.stderr
        partial = assert_left_whole(out, result)
        assert len(partial) < len(all_releases())

        grow(out, 64 * 1024 * 1024)
        assert_resumed(out, replica, uninterrupted_mofa, partial)


def fill(disk: Path) -> Path:
    """Take every byte left on the file system: a file of zeros written until it is full."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, bytes(65536))
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert free(disk) == 0
    return filler


def test_a_crawl_started_on_a_full_disk_stops_cleanly(replica: str, tmp_path: Path, uninterrupted_mofa: dict[str, bytes]) -> None:
    with small_disk(tmp_path / "disk", 4 * 1024 * 1024) as out:
        crawl(out, "mofa_en", proxy=replica, settings=["STATE_MIN_FREE_SPACE=0"])
        partial = check_corpus(out / "corpus")
        filler = fill(out)
        # Below the minimum free space: not even started.
        result = run_harvester(*crawl_args(out, *BOTH), proxy=replica)
        assert_left_whole(out, result)
        assert "mofa_en is not started" in result.stderr and "stopped (disk_full) before mofa_en" in result.stderr
        # Without a minimum: every component that cannot open for want of space says so, no more.
        result = run_harvester(*crawl_args(out, *BOTH, settings=["STATE_MIN_FREE_SPACE=0"]), proxy=replica)
        assert check_corpus(out / "corpus") == assert_left_whole(out, result) == partial

        filler.unlink()
        assert_resumed(out, replica, uninterrupted_mofa, partial)


def test_the_lock_is_held_on_a_full_disk_without_its_holder_line(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 64 * 1024) as disk:
        fill(disk)
        path = disk / "state" / LOCK_FILE
        lock = FolderLock(path)
        lock.acquire()
        try:
            assert path.read_bytes() == b""  # no room for the line that names the holder
            # Still re-entrant in this process (the kernel's lock table names it), refused to others.
            FolderLock(path).acquire()
            other = subprocess.run(
                [sys.executable, "-c", "import sys; from pathlib import Path; from harvester.state.lock import FolderLock;"
                 " FolderLock(Path(sys.argv[1])).acquire()", str(path)],
                capture_output=True, text=True, env=harvester_env(),
            )
            assert other.returncode != 0 and "is being crawled by another process" in other.stderr
        finally:
            lock.release()


def test_a_disk_that_fills_up_as_the_crawl_ends(replica: str, tmp_path: Path, uninterrupted_mofa: dict[str, bytes]) -> None:
    with small_disk(tmp_path / "disk", 8 * 1024 * 1024) as out:
        filler = out / "filler"
        # Full as the last site has nothing left to do: its closing writes (the queue, the digest
        # index, the CDXJ index, the report) meet a full disk.
        extensions = {**project_settings.EXTENSIONS, "tests.diskfiller.DiskFiller": 0}
        fill_at_the_end = ["STATE_MIN_FREE_SPACE=0", "FILL_AT=idle:mofa_ko", f"FILL_FILE={filler}", f"EXTENSIONS={json.dumps(extensions)}"]
        result = run_harvester(*crawl_args(out, *BOTH, settings=fill_at_the_end), proxy=replica)
        assert "stopped (disk_full) as mofa_ko ended" in result.stderr
        rows = assert_left_whole(out, result, finish_reasons={"finished"})
        assert {row["canonical_url"] for row in rows} == all_releases()

        filler.unlink()
        assert_resumed(out, replica, uninterrupted_mofa, rows)
