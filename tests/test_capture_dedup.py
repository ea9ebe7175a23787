"""The payload digest index: lookups before and after commit, across instances, and its limits."""

from __future__ import annotations

from pathlib import Path

from harvester.capture.dedup import Capture, DedupIndex, SqliteDedupIndex

FIRST = Capture("http://example.com/a", "2026-11-01T00:00:00.000000Z", "<urn:uuid:a>", "one.warc.gz")


def index(path: Path, files: set[str] = frozenset({"one.warc.gz", "two.warc.gz"})) -> DedupIndex:
    return SqliteDedupIndex(path, lambda name: name in files)


def test_pending_entries_are_found_and_survive_only_once_committed(tmp_path: Path) -> None:
    first = index(tmp_path / "dedup.sqlite3")
    first.add("sha1:AAA", "response", FIRST)
    assert first.lookup("sha1:AAA", "response", "http://example.com/other") == FIRST
    first.close()  # not committed: a crash before the WARC was synced
    assert index(tmp_path / "dedup.sqlite3").lookup("sha1:AAA", "response", FIRST.uri) is None
    second = index(tmp_path / "dedup.sqlite3")
    second.add("sha1:AAA", "response", FIRST)
    second.commit()
    second.close()
    assert index(tmp_path / "dedup.sqlite3").lookup("sha1:AAA", "response", "http://example.com/b") == FIRST


def test_the_same_uri_is_preferred_and_types_are_apart(tmp_path: Path) -> None:
    dedup = index(tmp_path / "dedup.sqlite3")
    same = Capture("http://example.com/b", "2026-11-01T00:00:01.000000Z", "<urn:uuid:b>", "two.warc.gz")
    dedup.add("sha1:AAA", "response", FIRST)
    dedup.add("sha1:AAA", "response", same)
    dedup.commit()
    assert dedup.lookup("sha1:AAA", "response", "http://example.com/b") == same
    assert dedup.lookup("sha1:AAA", "conversion", "http://example.com/b") is None
    assert dedup.lookup("sha1:AAA", "response", "http://example.com/c", any_uri=False) is None


def test_entries_whose_warc_file_is_gone_are_ignored(tmp_path: Path) -> None:
    dedup = index(tmp_path / "dedup.sqlite3", files={"two.warc.gz"})
    dedup.add("sha1:AAA", "response", FIRST)
    dedup.commit()
    assert dedup.lookup("sha1:AAA", "response", FIRST.uri) is None
