"""The layout of an output folder DIR: where each layer writes, as the settings that point there.

    DIR/warc/               WARC files (CAPTURE_DIR)
    DIR/corpus/             manifest.jsonl, versions.jsonl, NNN_<id>.txt (CORPUS_DIR)
    DIR/state/              crawl.sqlite, crawl.lock, jobs/<site>/ (STATE_DIR)
    DIR/crawl-report.json   the last crawl's report (REPORT_FILE)
    DIR/reports/            skipped.jsonl, the URLs the last crawl skipped (REPORT_SKIPPED_FILE)
"""

from __future__ import annotations

from pathlib import Path


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
