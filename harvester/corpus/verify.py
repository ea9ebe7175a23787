"""Checks of a corpus folder at rest (`harvester verify`): every manifest line (current documents in
manifest.jsonl, kept versions in versions.jsonl) has its file and every document file its line;
every file has its line's sha256; ids are made from canonical URLs and file names from number and
id; no number or id is listed twice; and, given the WARC folders, every `warc` reference names a
response or revisit record of the line's URL, at that place, of that length.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harvester.capture.reader import WARC_SUFFIXES, CaptureError, record_at
from harvester.corpus.ids import document_id, file_name
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry

_DOCUMENT_FILE = re.compile(r"^\d{3,}_[0-9a-f]{16}(\.v\d+)?\.txt$")


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing file", "extra file", "edited file", "duplicate seq", "dangling WARC reference", ...
    subject: str  # the file or line it is about
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Verification:
    documents: int = 0
    versions: int = 0
    warc_refs: int = 0  # references checked against the captures
    kept: int = 0  # lines a rebuild kept from an earlier corpus (marked `rebuild`)
    problems: list[Problem] = field(default_factory=list)

    def add(self, kind: str, subject: str, detail: str = "") -> None:
        self.problems.append(Problem(kind, subject, detail))


def _lines(path: Path, result: Verification) -> list[tuple[int, Entry]]:
    """The lines of a manifest file, each with its line number; unreadable lines are problems."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text("utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            found.append((number, Entry.from_json(line)))
        except (ValueError, TypeError) as error:
            result.add("unreadable line", f"{path.name}:{number}", str(error))
    return found


def verify(folder: Path, warc_dirs: Iterable[Path] = ()) -> Verification:
    result = Verification()
    if not (folder / MANIFEST).is_file():
        result.add("no manifest", str(folder / MANIFEST))
        return result
    current = _lines(folder / MANIFEST, result)
    kept = _lines(folder / VERSIONS, result)
    result.documents, result.versions = len(current), len(kept)
    result.kept = sum(1 for _, entry in current if "rebuild" in entry.extra)
    _check_numbering(current, kept, result)
    for name, lines in ((MANIFEST, current), (VERSIONS, kept)):
        for number, entry in lines:
            _check_line(folder, f"{name}:{number}", entry, name == VERSIONS, result)
    listed = {entry.file for _, entry in current + kept}
    for path in sorted(folder.iterdir()):
        if _DOCUMENT_FILE.match(path.name) and path.name not in listed:
            result.add("extra file", path.name, "in no manifest line")
        elif path.name.startswith(".") and path.name.endswith(".tmp"):
            result.add("extra file", path.name, "a temp file an interrupted write left")
    warcs = _warc_index(warc_dirs)
    if warcs is not None:
        for name, lines in ((MANIFEST, current), (VERSIONS, kept)):
            for number, entry in lines:
                _check_warc(f"{name}:{number} {entry.file}", entry, warcs, result)
    return result


def _check_line(folder: Path, where: str, entry: Entry, is_version: bool, result: Verification) -> None:
    if document_id(entry.canonical_url) != entry.id:
        result.add("id not of its canonical URL", where, f"id {entry.id}, canonical URL {entry.canonical_url}")
    expected = file_name(entry.seq, entry.id)
    if is_version:
        expected = expected.removesuffix(".txt") + f".v{entry.version}.txt"
    if entry.file != expected:
        result.add("file name not of its number and id", where, f"{entry.file}, expected {expected}")
    path = folder / entry.file
    if not path.is_file():
        result.add("missing file", entry.file, f"listed at {where}")
        return
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if sha != entry.sha256:
        result.add("edited file", entry.file, f"its sha256 is {sha[:16]}…, {where} says {entry.sha256[:16]}…")


def _check_numbering(current: list[tuple[int, Entry]], kept: list[tuple[int, Entry]], result: Verification) -> None:
    by_seq: dict[int, list[Entry]] = defaultdict(list)
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for _, entry in current:
        by_seq[entry.seq].append(entry)
        by_id[entry.id].append(entry)
    for seq, entries in sorted(by_seq.items()):
        if len(entries) > 1:
            result.add("duplicate seq", str(seq), ", ".join(entry.file for entry in entries))
    for doc_id, entries in sorted(by_id.items()):
        if len(entries) > 1:
            result.add("duplicate id", doc_id, ", ".join(entry.file for entry in entries))
    seqs = [entry.seq for _, entry in current]
    if seqs != sorted(seqs):
        result.add("manifest not in sequence order", MANIFEST)
    versions: set[tuple[str, int]] = set()
    for number, entry in kept:
        where = f"{VERSIONS}:{number}"
        owner = by_id.get(entry.id)
        if (entry.id, entry.version) in versions:
            result.add("duplicate version", where, f"document {entry.id} version {entry.version}")
        versions.add((entry.id, entry.version))
        if not owner:
            result.add("version of no document", where, f"document {entry.id} is not in {MANIFEST}")
        elif owner[0].seq != entry.seq or owner[0].version <= entry.version:
            result.add(
                "version does not fit its document",
                where,
                f"seq {entry.seq} version {entry.version}; the document is seq {owner[0].seq} version {owner[0].version}",
            )


def _warc_index(warc_dirs: Iterable[Path]) -> dict[str, Path] | None:
    """WARC files by name, from the folders given; None when none were given."""
    folders = list(warc_dirs)
    if not folders:
        return None
    index: dict[str, Path] = {}
    for folder in folders:
        if folder.is_file():
            index[folder.name] = folder
            continue
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.name.endswith(WARC_SUFFIXES):
                index.setdefault(path.name, path)
    return index


def _check_warc(where: str, entry: Entry, warcs: dict[str, Path], result: Verification) -> None:
    ref = entry.warc
    if ref is None:
        return
    result.warc_refs += 1
    place = f"{ref.file}@{ref.offset}"
    path = warcs.get(ref.file)
    if path is None:
        result.add("dangling WARC reference", where, f"{place}: no such WARC file among the captures given")
        return
    try:
        record = record_at(path, ref.offset)
    except CaptureError as error:
        result.add("dangling WARC reference", where, str(error))
        return
    if record.record_id != ref.record_id:
        result.add("dangling WARC reference", where, f"{place} holds record {record.record_id}, not {ref.record_id}")
    elif record.type not in ("response", "revisit"):
        result.add("dangling WARC reference", where, f"{place} is a {record.type} record, not a response")
    elif record.uri != entry.final_url:
        result.add("dangling WARC reference", where, f"{place} is a record of {record.uri}, not of {entry.final_url}")
    elif record.length != ref.length:
        result.add("dangling WARC reference", where, f"{place} is {record.length} bytes long, not {ref.length}")


def report(result: Verification) -> dict:
    return {
        "documents": result.documents,
        "versions": result.versions,
        "warc_refs": result.warc_refs,
        "kept": result.kept,
        "problems": [{"kind": p.kind, "subject": p.subject, "detail": p.detail} for p in result.problems],
    }
