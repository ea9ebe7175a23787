"""The rebuild report: a text change as a unified-diff summary, outcomes as a table and as JSON."""

from __future__ import annotations

import doctest

from harvester.corpus.manifest import Entry
from harvester.rebuild import report
from harvester.rebuild.report import Ledger, outcome_table, text_diff


def test_doctests() -> None:
    assert doctest.testmod(report).failed == 0


def line(seq: int, doc_id: str, url: str) -> Entry:
    return Entry(seq, doc_id, f"{seq:03d}_{doc_id}.txt", url, url, url, "faults", "news", "T", None, None, [], "ko", "", "", None)


def test_a_diff_counts_lines_added_and_removed_and_keeps_the_start() -> None:
    old = "제목\n\n첫 문단.\n\n둘째 문단.\n\n셋째 문단.".encode()
    new = "제목\n\n첫 문단을 고쳤다.\n\n셋째 문단.\n\n넷째 문단.".encode()
    diff = text_diff(old, new)
    assert (diff.added, diff.removed, diff.summary) == (3, 3, "+3 -3 lines")
    assert diff.diff[:3] == ["--- old", "+++ new", "@@ -2,6 +2,6 @@"]
    assert "-첫 문단." in diff.diff and "+첫 문단을 고쳤다." in diff.diff and "+넷째 문단." in diff.diff


def test_outcomes_make_a_table_and_a_report_in_number_order() -> None:
    ledger = Ledger()
    ledger.record(line(12, "b" * 16, "https://b.test/2"), "gone", "http 404")
    ledger.record(line(3, "a" * 16, "https://a.test/1"), "changed", diff=text_diff(b"T\n\nold", b"T\n\nnew"))
    ledger.record(line(40, "c" * 16, "https://c.test/3"), "failed", "timeout")
    assert outcome_table(ledger).split("\n") == [
        "seq  id                status   detail       url",
        "003  aaaaaaaaaaaaaaaa  changed  +1 -1 lines  https://a.test/1",
        "012  bbbbbbbbbbbbbbbb  gone     http 404     https://b.test/2",
        "040  cccccccccccccccc  failed   timeout      https://c.test/3",
    ]
    data = ledger.report(mode="sources")
    assert data["counts"] == {"unchanged": 0, "changed": 1, "gone": 1, "failed": 1}
    assert [row["seq"] for row in data["documents"]] == [3, 12, 40]
    assert data["documents"][0]["diff"]["summary"] == "+1 -1 lines"
    assert data["documents"][1]["diff"] is None
