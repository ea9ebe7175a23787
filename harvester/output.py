"""The layout of an output folder DIR: where each layer writes, as the settings that point there.

    DIR/warc/               WARC files (CAPTURE_DIR)
    DIR/corpus/             manifest.jsonl, versions.jsonl, NNN_<id>.txt (CORPUS_DIR)
    DIR/state/              crawl.sqlite, crawl.lock, jobs/<site>/ (STATE_DIR)
    DIR/crawl-report.json   the last crawl's report (REPORT_FILE)
    DIR/reports/            skipped.jsonl, the URLs the last crawl skipped (REPORT_SKIPPED_FILE)
"""

from __future__ import annotations

import os
from pathlib import Path


class NotWritable(ValueError):
    """An output folder that cannot be made or written to; its message says which and why."""


def writable_folder(folder: Path) -> Path:
    """The folder, made if need be, once a file could be written into it; NotWritable otherwise
    (under /proc, a file in its place, no permission, a read-only or full file system)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".harvester-write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except FileExistsError:
        raise NotWritable(f"{folder} is a file, not a folder") from None
    except NotADirectoryError:
        raise NotWritable(f"{folder} lies under a file, not a folder") from None
    except OSError as error:
        raise NotWritable(f"{folder} cannot be written to ({error.strerror or error})") from None
    return folder


def output_settings(out: Path) -> dict[str, str]:
    return {
        "CAPTURE_DIR": str(out / "warc"),
        "CORPUS_DIR": str(out / "corpus"),
        "STATE_DIR": str(out / "state"),
        "REPORT_FILE": str(out / "crawl-report.json"),
        "REPORT_SKIPPED_FILE": str(out / "reports" / "skipped.jsonl"),
    }


def job_dir(state_dir: Path, site: str) -> Path:
    """The Scrapy JOBDIR of one site's crawl: its pending requests, kept for `--resume`."""
    return state_dir / "jobs" / site
