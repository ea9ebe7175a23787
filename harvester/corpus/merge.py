"""Merging corpora into one corpus folder (`harvester merge-corpus`): a distributed crawl's parts,
or other corpus folders.

`merge()` takes the lines of the sources (manifests and kept versions) in `seq` order and stores
each text through the corpus's one rule (store.py): a document the corpus lacks is added under
its number (the next free one if another document holds it), a changed text becomes the
document's next version, and a text the corpus already has, as any version, is skipped. The
manifest then lists the documents in sequence order. Each step is the corpus's own atomic
writes, so a merge cut short is simply run again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from harvester.corpus.manifest import MANIFEST, VERSIONS, read_manifest
from harvester.corpus.store import Corpus

logger = logging.getLogger(__name__)

# Manifest fields the corpus gives itself when it writes a document.
_OWN_FIELDS = {"seq", "id", "file", "sha256", "version", "previous_sha256"}


@dataclass
class Merged:
    parts: int = 0
    added: int = 0
    revised: int = 0
    known: int = 0
    unreadable: int = 0


def merge(corpus_folder: Path, sources: list[Path]) -> Merged:
    """Joins the sources into the corpus folder; see the module's docstring. A source is a folder
    with a manifest (a part, or another corpus folder, its `versions.jsonl` too)."""
    result = Merged(parts=len(sources))
    lines = sorted(
        ((entry, source) for source in sources for name in (VERSIONS, MANIFEST) for entry in read_manifest(source / name)),
        key=lambda pair: (pair[0].seq, pair[0].version, pair[0].fetched_at),
    )
    corpus = Corpus(corpus_folder)
    texts = {(entry.id, entry.sha256) for entry in [*read_manifest(corpus.manifest), *corpus.versions.values()]}
    try:
        for entry, source in lines:
            if (entry.id, entry.sha256) in texts:
                result.known += 1
                continue
            text = _text(source / entry.file, entry.sha256)
            if text is None:
                result.unreadable += 1
                continue
            given = {name: value for name, value in vars(entry).items() if name not in _OWN_FIELDS}
            try:
                stored = corpus.store(entry.id, text, given, seq=entry.seq)
            except ValueError as error:  # the corpus's own current file is damaged
                logger.warning("%s: not merged: %s", source / entry.file, error)
                result.unreadable += 1
                continue
            if stored.outcome == "new":
                result.added += 1
            else:
                result.revised += 1
            texts.add((entry.id, entry.sha256))
    finally:
        corpus.close()  # which puts the manifest back in sequence order
    return result


def _text(path: Path, sha256: str) -> bytes | None:
    try:
        text = path.read_bytes()
    except OSError as error:
        logger.warning("%s: not merged, its text cannot be read (%s)", path, error)
        return None
    if hashlib.sha256(text).hexdigest() != sha256:
        logger.warning("%s: not merged, its text does not match its manifest line", path)
        return None
    return text

