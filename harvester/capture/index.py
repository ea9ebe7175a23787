"""CDXJ indexes of finished WARC files, made with cdxj-indexer: `indexes/<name>.cdxj` per file.

Every closed `*.warc.gz` in the folder without its index gets one (so files repaired after a crash
are indexed too); each index is sorted, and written atomically under a temp name of its own
process, so that crawls sharing the folder (workers) may index the same file at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from harvester.files import fsync_dir

INDEX_DIR = "indexes"
# Index lines held in memory while sorting; beyond it cdxj-indexer sorts runs in temp files and
# merges them. Its own default (32 MB of text, about 45 MB of Python strings) would be the crawl
# process's peak memory at the end of a 50,000-page crawl.
SORT_BUFFER = 4 * 1024 * 1024


def index_path(warc: Path) -> Path:
    return warc.parent / INDEX_DIR / (warc.name.removesuffix(".warc.gz") + ".cdxj")


def index_warc(warc: Path, sort_buffer: int = SORT_BUFFER) -> Path:
    """Write the sorted CDXJ index of one WARC file (response, revisit, resource and metadata records)."""
    target = index_path(warc)
    target.parent.mkdir(exist_ok=True)
    temp = _temp(target)
    # post_append: a POST request's body joins its response's key, as pywb expects.
    CDXJIndexer(str(temp), [str(warc)], sort=True, post_append=True, max_sort_buff_size=sort_buffer).process_all()
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)
    fsync_dir(target.parent)
    return target


def _temp(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def index_folder(folder: Path) -> tuple[list[Path], list[tuple[Path, Exception]]]:
    """Index every closed WARC file in the folder that has no index yet: (indexes written, failures)."""
    written, failed = [], []
    for warc in sorted(folder.glob("*.warc.gz")):
        if index_path(warc).exists():
            continue
        try:
            written.append(index_warc(warc))
        except Exception as error:  # a file no tool can read must not stop the others' indexes
            _temp(index_path(warc)).unlink(missing_ok=True)
            failed.append((warc, error))
    return written, failed
