"""`harvester merge-corpus DIR [--from OTHER...]`: join a distributed crawl's corpus parts into one.

Each worker writes its documents into DIR/corpus/parts/<worker>/, numbered by the crawl's shared
counter; the merge adds them to DIR/corpus (manifest.jsonl one line per document, in seq order;
changed texts as new versions) and removes the parts (harvester/distributed/parts.py). WARC files a
killed worker left `.open` are repaired, and WARC files without a CDXJ index indexed. `--from
OTHER` brings in another output folder (a worker machine's): its closed WARC files are copied
into DIR/warc, its corpus (parts, documents and their versions) merged into DIR/corpus.

Refused (exit status 2) while a crawl runs into DIR. `harvester crawl --redis` merges by itself
when its crawl has ended and it is the last worker in DIR.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path

from harvester.capture.writer import repair_folder
from harvester.commands import UsageError
from harvester.files import fsync_dir
from harvester.corpus.merge import Merged
from harvester.distributed.parts import merge_parts, parts_of
from harvester.output import output_settings
from harvester.state.lock import LOCK_FILE, FolderLock, OutputLocked

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="DIR", help="the output folder of the crawl")
    parser.add_argument(
        "--from", dest="sources", type=Path, nargs="+", default=[], metavar="OTHER", help="other output folders to bring in"
    )


def copy_warcs(source: Path, target: Path) -> int:
    """Copies the closed WARC files of `source` that `target` lacks (names are unique per worker)."""
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for path in sorted(source.glob("*.warc.gz")):
        if (target / path.name).exists():
            continue
        temp = target / f".{path.name}.tmp"
        shutil.copyfile(path, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target / path.name)
        copied += 1
    fsync_dir(target)
    return copied


def merge_output(out: Path, others: list[Path] = ()) -> Merged:
    """Merges an output folder's parts (and other output folders); the caller holds its lock."""
    folders = {name: Path(value) for name, value in output_settings(out).items()}
    warc, corpus = folders["CAPTURE_DIR"], folders["CORPUS_DIR"]
    sources = parts_of(corpus)
    for other in others:
        other_folders = {name: Path(value) for name, value in output_settings(other).items()}
        copy_warcs(other_folders["CAPTURE_DIR"], warc)
        sources += [*parts_of(other_folders["CORPUS_DIR"]), other_folders["CORPUS_DIR"]]
    if warc.is_dir():
        # Imported here: cdxj-indexer takes long to import, and most runs of `harvester` need it not.
        from harvester.capture.index import index_folder

        repair_folder(warc)
        index_folder(warc)
    return merge_parts(corpus, sources)


def merge_if_last(out: Path) -> Merged | None:
    """At a worker's end: merges DIR's parts, unless another worker still crawls into DIR (it
    merges when it ends)."""
    lock = FolderLock(Path(output_settings(out)["STATE_DIR"]) / LOCK_FILE)
    try:
        lock.acquire()
    except OutputLocked:
        logger.info("%s: another worker is still in the folder; it merges the corpus parts when it ends", out)
        return None
    try:
        merged = merge_output(out)
    finally:
        lock.release()
    print(f"merged {merged.added} new and {merged.revised} changed documents from {merged.parts} parts into {out / 'corpus'}")
    return merged


def run(args: argparse.Namespace) -> int:
    for folder in (args.out, *args.sources):
        folders = output_settings(folder)
        if not any(Path(folders[name]).is_dir() for name in ("CORPUS_DIR", "CAPTURE_DIR", "STATE_DIR")):
            raise UsageError(f"{folder} holds no corpus, WARC or state folder: give the output folder of a crawl")
    lock = FolderLock(Path(output_settings(args.out)["STATE_DIR"]) / LOCK_FILE)
    try:
        lock.acquire()
    except OutputLocked as error:
        print(f"harvester merge-corpus: {error}", file=sys.stderr)
        return 2
    try:
        merged = merge_output(args.out, args.sources)
    finally:
        lock.release()
    print(
        f"merged {merged.added} new and {merged.revised} changed documents from {merged.parts} sources into"
        f" {args.out / 'corpus'} ({merged.known} already there, {merged.unreadable} unreadable)"
    )
    return 1 if merged.unreadable else 0
