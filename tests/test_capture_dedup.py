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


def test_a_payload_never_seen_is_not_looked_up_in_sqlite(tmp_path: Path) -> None:
    first = SqliteDedupIndex(tmp_path / "dedup.sqlite3", lambda name: True)
    first.add("sha1:AAA", "response", FIRST)
    first.commit()
    first.close()
    # A later crawl: the filter read at open knows the index's payloads.
    dedup = SqliteDedupIndex(tmp_path / "dedup.sqlite3", lambda name: True)
    asked: list[str] = []
    dedup._db.set_trace_callback(asked.append)
    assert dedup.lookup("sha1:NEW", "response", "http://example.com/new") is None
    assert dedup.lookup("sha1:AAA", "conversion", FIRST.uri, any_uri=False) is None  # types apart
    assert asked == []
    assert dedup.lookup("sha1:AAA", "response", "http://example.com/other") == FIRST
    assert len(asked) == 1
    # Added in this crawl: found pending, then committed.
    later = Capture("http://example.com/b", "2026-11-01T00:00:01.000000Z", "<urn:uuid:b>", "two.warc.gz")
    dedup.add("sha1:BBB", "response", later)
    assert dedup.lookup("sha1:BBB", "response", "http://example.com/c") == later
    dedup.commit()
    assert dedup.lookup("sha1:BBB", "response", "http://example.com/c") == later


def test_the_filter_grows_past_its_capacity_and_never_misses_a_payload(tmp_path: Path) -> None:
    dedup = SqliteDedupIndex(tmp_path / "dedup.sqlite3", lambda name: True)
    capacity = dedup._filter.capacity
    for n in range(capacity + 10):
        dedup.add(f"sha1:{n}", "response", Capture(f"http://example.com/{n}", "d", f"<urn:uuid:{n}>", "one.warc.gz"))
        if n % 5000 == 0:
            dedup.commit()
    assert dedup._filter.capacity > capacity
    assert all(dedup._filter.may_hold("response", f"sha1:{n}") for n in range(capacity + 10))
    dedup.commit()
    assert dedup.lookup(f"sha1:{capacity + 9}", "response", "http://example.com/x") is not None
    # Few absent payloads get past it (about 2% by design).
    passed = sum(dedup._filter.may_hold("response", f"sha1:absent-{n}") for n in range(20_000))
    assert passed < 0.05 * 20_000
