"""A corpus folder: numbered document files and their manifest, written as documents arrive.

A document keeps its number for the life of the corpus: a new one takes the next number, one
already present (same id) is not written again unless its text changed. A changed text becomes the
document's next version: same number, id and file name `NNN_<id>.txt`, `version` counted up and
`previous_sha256` naming the text it replaced. The replaced text is kept as `NNN_<id>.v<K>.txt`
and its manifest line moves to `versions.jsonl`, so that `manifest.jsonl` keeps one line per
document, in sequence order, as the document format has it.

Every step is a whole-file atomic write or a durable append, in an order that a crash at any
point leaves recoverable: opening the folder undoes a half-done version change and folds the
manifest back to one line per document.

What becomes of a document is decided in one place, `store()`, for a crawl, both rebuilds and
the merge of corpora: a document not in the corpus yet is `new`; one whose text is the same is
`unchanged`; one whose text differs is `changed` (its next version). A new document keeps the
number it brings (`seq`: a rebuild's, a merged corpus's) when that number is free; without one,
or when another document holds it, it takes the next number after the highest in the corpus. A
rebuild places kept lines as they are (`put` of a whole manifest line, `put_version` of a kept
version), in any order: the manifest is put back in sequence order when the corpus closes. A
number or id is never given twice. A corpus made in one go into a new folder
(a rebuild from captures) may be opened with `durable=False`: nothing is flushed to disk document
by document, everything once when it closes; killed, it is made again.

Group commit: a crawl's corpus is opened with `durable=False` too, and made durable a group of
documents at a time (`sync()`: one flush of the file system, then the length of the manifest that
is durable is recorded in `.synced`, which goes when the corpus closes). Only then does the crawl settle the pages (pipeline.py). A
kill loses nothing the OS was given; after a power cut, the lines past the recorded length are
checked when the corpus opens, and the first whose file is not whole cuts the manifest back there
(its page was never settled, so the next crawl fetches it again). A kept version's text is always
made durable before the current file is replaced, so no text is lost in between.

Memory stays flat however large the corpus: where each document's current manifest line is, and
its number and version, are kept in a temporary SQLite database (lines.py); the corpus reads the
line itself when it needs it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harvester.files import atomic_writer, fsync_dir, sync_filesystem, write_atomic
from harvester.corpus.ids import file_name
from harvester.corpus.lines import LineIndex
from harvester.corpus.manifest import MANIFEST, VERSIONS, Entry, ManifestWriter, entry_at, read_manifest, read_manifest_at

logger = logging.getLogger(__name__)

SYNCED = ".synced"  # the length of the manifest known to be durable (group commit)
_DOCUMENT_FILE = re.compile(r"^\d{3,}_[0-9a-f]{16}(\.v\d+)?\.txt$")
_VERSION_FILE = re.compile(r"^(\d{3,}_[0-9a-f]{16})\.v(\d+)\.txt$")


Outcome = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class Stored:
    """What `store()` did with a document: its manifest line now, and the outcome."""

    entry: Entry
    outcome: Outcome


def version_file(entry: Entry) -> str:
    """Where a superseded version's text is kept: `NNN_<id>.v<version>.txt`."""
    return entry.file.removesuffix(".txt") + f".v{entry.version}.txt"


class DocumentStore:
    """The rule every store of documents follows (a corpus folder, a distributed crawl's part):
    `store()` on top of the store's own `get`, `add` and `revise`."""

    def __contains__(self, doc_id: str) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def get(self, doc_id: str) -> Entry | None:
        raise NotImplementedError

    def add(self, doc_id: str, text: bytes, fields: dict[str, Any], seq: int | None = None) -> Entry:
        raise NotImplementedError

    def revise(self, doc_id: str, text: bytes, fields: dict[str, Any]) -> Entry:
        raise NotImplementedError

    def relist(self, entry: Entry) -> Entry:
        raise NotImplementedError

    def sync(self) -> None:
        """Make what was stored durable (a store whose every write is durable has nothing to do)."""

    def store(self, doc_id: str, text: bytes, fields: dict[str, Any], seq: int | None = None, refresh: bool = False) -> Stored:
        """Take a document: `new` under its number (see the module's rule), `changed` as its next
        version, or `unchanged`; with `refresh`, an unchanged document's line is made anew from
        `fields` (a rebuild: the new capture's date and place)."""
        known = self.get(doc_id)
        if known is None:
            return Stored(self.add(doc_id, text, fields, seq), "new")
        if known.sha256 != hashlib.sha256(text).hexdigest():
            return Stored(self.revise(doc_id, text, fields), "changed")
        if refresh:
            own = {name: getattr(known, name) for name in ("seq", "id", "file", "sha256", "version", "previous_sha256")}
            return Stored(self.relist(Entry(**fields, **own)), "unchanged")
        return Stored(known, "unchanged")


class Corpus(DocumentStore):
    """Adds documents and new versions to a corpus folder, keeping numbers and ids unique."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Corpus:
        # Durable in groups (the pipeline syncs), unless each document is to be synced on its own.
        return cls(Path(crawler.settings.get("CORPUS_DIR")), durable=crawler.settings.getint("CORPUS_SYNC_EVERY") <= 1)

    def __init__(self, folder: Path, durable: bool = True) -> None:
        self.folder = folder
        self.durable = durable
        folder.mkdir(parents=True, exist_ok=True)
        self.manifest = folder / MANIFEST
        self._check_unsynced_tail()
        self.lines = LineIndex()
        lines, in_order, last_seq = 0, True, -1
        with self.lines.batch():
            for offset, entry in read_manifest_at(self.manifest):
                lines, in_order, last_seq = lines + 1, in_order and entry.seq > last_seq, entry.seq
                self.lines.put_newer(entry.id, entry.seq, entry.version, offset)
        self.versions: dict[tuple[str, int], Entry] = {
            (entry.id, entry.version): entry for entry in read_manifest(folder / VERSIONS)
        }
        self.next_seq = self.lines.next_seq()
        self._undo_half_done_versions()
        if lines != len(self.lines) or not in_order:
            self._fold()
        self._remove_unlisted_files()
        if not durable:
            self._mark_synced()  # what is there now is durable; what comes is checked after a crash
        self._manifest = ManifestWriter(folder / MANIFEST, durable)
        self._versions: ManifestWriter | None = None
        # The manifest needs folding at close: a version was appended, or a line out of sequence order.
        self._revised = False

    # -- recovery
    def _check_unsynced_tail(self) -> None:
        """After a power cut, manifest lines written since the last sync may name files the disk
        never got whole: cut the manifest back at the first such line."""
        try:
            synced = int((self.folder / SYNCED).read_text("ascii"))
        except (OSError, ValueError):
            return  # every line was durable when written
        if not self.manifest.exists() or self.manifest.stat().st_size <= synced:
            return
        for offset, entry in read_manifest_at(self.manifest):
            if offset < synced:
                continue
            try:
                whole = hashlib.sha256((self.folder / entry.file).read_bytes()).hexdigest() == entry.sha256
            except OSError:
                whole = False
            if not whole:
                logger.warning("%s: %s is not whole after a crash; the manifest is cut back to before it", self.manifest, entry.file)
                with open(self.manifest, "r+b") as handle:
                    handle.truncate(offset)
                    os.fsync(handle.fileno())
                break
        self._mark_synced()

    def _mark_synced(self) -> None:
        size = self.manifest.stat().st_size if self.manifest.exists() else 0
        write_atomic(self.folder / SYNCED, str(size).encode("ascii"))

    def _undo_half_done_versions(self) -> None:
        """A `.v<K>.txt` of the current version K means a crash between keeping the old text and
        listing the new one: the current file may hold the unlisted text, so the kept one goes back."""
        for path in sorted(self.folder.glob("*.v*.txt")):
            match = _VERSION_FILE.match(path.name)
            if match is None:
                continue
            current = self.get(match.group(1).split("_")[1])
            if current is None or int(match.group(2)) < current.version:
                continue
            if int(match.group(2)) == current.version:
                logger.warning("%s: a version change was cut short; version %d restored", path, current.version)
                path.replace(self.folder / current.file)
            else:
                path.unlink()

    def _fold(self) -> None:
        """Move superseded manifest lines to versions.jsonl and rewrite the manifest, one line per
        document in sequence order, a line at a time. Each file is replaced atomically; redoing it
        is harmless."""
        for entry in read_manifest(self.manifest):
            current = self.lines.find(entry.id)
            if current is not None and entry.version < current.version:
                kept = Entry(**{**entry.__dict__, "file": version_file(entry)})
                self.versions.setdefault((entry.id, entry.version), kept)
        self._write_versions()
        with open(self.manifest, "rb") as old, atomic_writer(self.manifest) as new:
            for doc_id, offset in self.lines.in_seq_order():
                old.seek(offset)
                line = old.readline()
                self.lines.move(doc_id, new.tell())
                new.write(line if line.endswith(b"\n") else line + b"\n")
        if (self.folder / SYNCED).exists():
            self._mark_synced()  # the folded manifest is durable whole

    def _write_versions(self) -> None:
        if not self.versions and not (self.folder / VERSIONS).exists():
            return  # a corpus without versions has no versions.jsonl, folded or not
        ordered = sorted(self.versions.values(), key=lambda entry: (entry.seq, entry.version))
        write_atomic(self.folder / VERSIONS, "".join(entry.to_json() + "\n" for entry in ordered).encode("utf-8"))

    def _remove_unlisted_files(self) -> None:
        """Files a crash left between writing a document and listing it, and stale temp files."""
        kept_versions = {entry.file for entry in self.versions.values()}
        for path in self.folder.iterdir():
            stale_temp = path.name.startswith(".") and path.name.endswith(".tmp")
            if stale_temp or (_DOCUMENT_FILE.match(path.name) and not self._lists(path.name, kept_versions)):
                logger.warning("%s: not in the manifest (left by an interrupted write), removed", path)
                path.unlink()

    def _lists(self, name: str, kept_versions: set[str]) -> bool:
        """Whether a document file's name is the current file of a document, or a kept version."""
        if name in kept_versions:
            return True
        number, _, rest = name.partition("_")
        doc_id = rest.removesuffix(".txt")
        line = self.lines.find(doc_id)
        return line is not None and line.seq == int(number) and name == file_name(line.seq, doc_id)

    # -- documents
    def __contains__(self, doc_id: str) -> bool:
        return self.lines.find(doc_id) is not None

    def get(self, doc_id: str) -> Entry | None:
        """The document's current version (its manifest line)."""
        line = self.lines.find(doc_id)
        return entry_at(self.manifest, line.offset) if line is not None else None

    def holder(self, seq: int) -> str | None:
        """The id of the document numbered `seq`."""
        return self.lines.holder(seq)

    def reserve(self, below: int) -> None:
        """Keep the numbers below `below` for the documents that bring them: documents without a
        number are numbered from `below` on (a rebuild from captures, whose records name numbers)."""
        self.next_seq = max(self.next_seq, below)

    def add(self, doc_id: str, text: bytes, fields: dict, seq: int | None = None) -> Entry:
        """Write a new document under `seq` if it brings a number no document holds, else under the
        next number; `fields` are the manifest fields but seq/id/file/sha256."""
        if seq is None or (seq < self.next_seq and self.holder(seq) is not None):
            seq = self.next_seq
        entry = Entry(seq=seq, id=doc_id, file=file_name(seq, doc_id), sha256=hashlib.sha256(text).hexdigest(), **fields)
        return self._place(entry, text)

    def put(self, entry: Entry, text: bytes) -> Entry:
        """Place a document's manifest line as it is (number, id, version and every field) with its
        text: a rebuild keeping a line, a merge of corpora."""
        _check_text(entry, text)
        return self._place(entry, text)

    def _place(self, entry: Entry, text: bytes) -> Entry:
        """`put` of a line whose sha256 is the text's (`add` has just hashed it: once is enough)."""
        if entry.id in self:
            raise ValueError(f"document {entry.id} is already in the corpus")
        # Numbers from next_seq on are free: only a number below it needs looking up.
        if entry.seq < self.next_seq and (holder := self.holder(entry.seq)) is not None:
            raise ValueError(f"number {entry.seq} is taken by document {holder}")
        if entry.file != file_name(entry.seq, entry.id):
            raise ValueError(f"document {entry.id} number {entry.seq}: its file must be {file_name(entry.seq, entry.id)}")
        write_atomic(self.folder / entry.file, text, self.durable)
        try:
            offset = self._manifest.append(entry)
        except BaseException:
            # Not listed (a full disk): not left behind either, the folder stays as it was.
            self._unwrite(self.folder / entry.file)
            raise
        self._revised |= entry.seq < self.next_seq  # listed out of sequence order
        self.lines.put(entry.id, entry.seq, entry.version, offset)
        self.next_seq = max(self.next_seq, entry.seq + 1)
        return entry

    def _unwrite(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        if self.durable:
            fsync_dir(self.folder)

    def put_version(self, entry: Entry, text: bytes) -> Entry:
        """Keep a superseded version as it is: its text as `NNN_<id>.v<K>.txt`, its line in versions.jsonl."""
        if (entry.id, entry.version) in self.versions:
            raise ValueError(f"document {entry.id} version {entry.version} is already kept")
        expected = file_name(entry.seq, entry.id).removesuffix(".txt") + f".v{entry.version}.txt"
        if entry.file != expected:
            raise ValueError(f"document {entry.id} version {entry.version}: its file must be {expected}")
        _check_text(entry, text)
        write_atomic(self.folder / entry.file, text, self.durable)
        try:
            if self._versions is None:
                self._versions = ManifestWriter(self.folder / VERSIONS, self.durable)
            self._versions.append(entry)
        except BaseException:
            self._unwrite(self.folder / entry.file)
            raise
        self.versions[(entry.id, entry.version)] = entry
        return entry

    def relist(self, entry: Entry) -> Entry:
        """A new manifest line for the document's current text (same version and file)."""
        current = self.get(entry.id)
        if current is None or (entry.seq, entry.file, entry.sha256, entry.version) != (
            current.seq,
            current.file,
            current.sha256,
            current.version,
        ):
            raise ValueError(f"document {entry.id}: a new line must keep its number, file, text and version")
        offset = self._manifest.append(entry)
        self.lines.put(entry.id, entry.seq, entry.version, offset)
        self._revised = True  # the line it replaces goes when the manifest is folded
        return entry

    def revise(self, doc_id: str, text: bytes, fields: dict) -> Entry:
        """Make `text` the document's next version; the current text is kept as `NNN_<id>.v<K>.txt`."""
        old = self.get(doc_id)
        if old is None:
            raise KeyError(doc_id)
        sha = hashlib.sha256(text).hexdigest()
        if sha == old.sha256:
            raise ValueError(f"document {doc_id}: the text is unchanged")
        current = self.folder / old.file
        old_text = current.read_bytes()
        if hashlib.sha256(old_text).hexdigest() != old.sha256:
            raise ValueError(f"{current}: does not match its manifest line; not revised")
        entry = Entry(
            **{**fields, "seq": old.seq, "id": doc_id, "file": old.file, "sha256": sha},
            version=old.version + 1,
            previous_sha256=old.sha256,
        )
        kept = self.folder / version_file(old)
        # The old text is durable before the current file changes, whatever the corpus's mode.
        write_atomic(kept, old_text)
        try:
            write_atomic(current, text, self.durable)
            offset = self._manifest.append(entry)
        except BaseException:
            # The new version is not listed (a full disk): the listed text goes back in its place.
            kept.replace(current)
            fsync_dir(self.folder)
            raise
        self.versions[(doc_id, old.version)] = Entry(**{**old.__dict__, "file": version_file(old)})
        self.lines.put(doc_id, entry.seq, entry.version, offset)
        self._revised = True
        return entry

    def sync(self) -> None:
        """Make everything written so far durable, in one flush of the file system, and record how
        much of the manifest that is."""
        if self.durable:
            return
        sync_filesystem(self.folder)
        self._mark_synced()

    def close(self) -> None:
        """Folds what needs folding; a fold cut short (a full disk) is done by the next opening."""
        self._manifest.close()
        try:
            # The documents durable before anything is rewritten around them.
            self.sync()
            if self._versions is not None:
                # Kept versions were appended as they came: put them in order too.
                self._versions.close()
                self._versions = None
                self._write_versions()
            if self._revised:
                self._fold()
                self._revised = False
            # At rest every line is durable: nothing to check at the next start.
            (self.folder / SYNCED).unlink(missing_ok=True)
        finally:
            self.lines.close()


def _check_text(entry: Entry, text: bytes) -> None:
    if hashlib.sha256(text).hexdigest() != entry.sha256:
        raise ValueError(f"{entry.file}: the text does not have the line's sha256")
