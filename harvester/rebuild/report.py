"""What a rebuild found, per document: text differences as a unified-diff summary, the outcome of
each manifest line fetched again (`Ledger`), and the report as `rebuild-report.json` and a table.

Outcomes of `harvester rebuild MANIFEST`: `unchanged`, `changed` (the text differs), `gone` (404
or 410, or redirected off the article) and `failed` (the error). A gone or failed document keeps
its old file and manifest line, marked with the manifest field `rebuild`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harvester.files import write_atomic
from harvester.corpus.manifest import Entry

REPORT_FILE = "rebuild-report.json"
STATUSES = ("unchanged", "changed", "gone", "failed")
# Lines of a unified diff kept in the report.
DIFF_LINES = 40


@dataclass(frozen=True)
class TextDiff:
    """How a text changed: lines added and removed, and the start of the unified diff."""

    added: int
    removed: int
    diff: list[str]

    @property
    def summary(self) -> str:
        return f"+{self.added} -{self.removed} lines"


def text_diff(old: bytes, new: bytes) -> TextDiff:
    """
    >>> text_diff(b"Title\\n\\nOne.\\n\\nTwo.", b"Title\\n\\nOne!\\n\\nTwo.").summary
    '+1 -1 lines'
    """
    lines = list(
        difflib.unified_diff(
            old.decode("utf-8", "replace").split("\n"), new.decode("utf-8", "replace").split("\n"), "old", "new", n=1, lineterm=""
        )
    )
    changes = [line for line in lines[2:] if not line.startswith("@@")]
    added = sum(line.startswith("+") for line in changes)
    removed = sum(line.startswith("-") for line in changes)
    return TextDiff(added, removed, lines[:DIFF_LINES])


@dataclass
class Outcome:
    seq: int
    id: str
    url: str
    status: str
    detail: str = ""
    diff: TextDiff | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["diff"] = {"summary": self.diff.summary, **asdict(self.diff)} if self.diff else None
        return data


@dataclass
class Ledger:
    """The outcome of each manifest line a rebuild fetches again, by document id."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def record(self, entry: Entry, status: str, detail: str = "", diff: TextDiff | None = None) -> None:
        assert status in STATUSES, status
        self.outcomes[entry.id] = Outcome(entry.seq, entry.id, entry.url, status, detail, diff)

    def get(self, doc_id: str) -> Outcome | None:
        return self.outcomes.get(doc_id)

    def counts(self) -> dict[str, int]:
        values = [outcome.status for outcome in self.outcomes.values()]
        return {status: values.count(status) for status in STATUSES}

    def report(self, **about: Any) -> dict[str, Any]:
        ordered = sorted(self.outcomes.values(), key=lambda outcome: outcome.seq)
        return {**about, "counts": self.counts(), "documents": [outcome.to_dict() for outcome in ordered]}


def write_report(path: Path, report: dict[str, Any]) -> None:
    write_atomic(path, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A plain text table, columns as wide as their widest cell (the last one left ragged)."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def outcome_table(ledger: Ledger) -> str:
    rows = []
    for outcome in sorted(ledger.outcomes.values(), key=lambda outcome: outcome.seq):
        detail = outcome.diff.summary if outcome.diff else outcome.detail
        if outcome.diff and outcome.detail:
            detail = f"{detail}; {outcome.detail}"
        rows.append((f"{outcome.seq:03d}", outcome.id, outcome.status, detail, outcome.url))
    return table(rows, ("seq", "id", "status", "detail", "url"))
