"""The resumable job of one site's crawl: Scrapy's JOBDIR (pending requests, seen fingerprints) in
STATE_DIR/jobs/<site>/, kept when a crawl stops early so that `harvester crawl --resume` continues it.

Scrapy leaves a JOBDIR consistent only when the crawl stops gracefully (SIGINT, SIGTERM, a full
disk): the queue is saved as the spider closes. A crawl killed outright leaves it half-written.
So a marker says a crawl of the job is running; a job whose marker is still there at the next
start was killed, and is discarded: the crawl starts over, and the crawl state keeps it from
fetching again the articles it had finished.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

RUNNING = ".running"


def open_job(job: Path, resume: bool) -> str:
    """Prepares the job folder for a crawl and says what became of an earlier job: "none", "resumed",
    "discarded" (not resuming) or "killed" (discarded: its crawl was killed)."""
    if not job.exists():
        found = "none"
    elif not resume:
        found = "discarded"
        logger.info("%s: an interrupted crawl's job is discarded (--resume continues one)", job)
    elif (job / RUNNING).exists():
        found = "killed"
        logger.warning("%s: the crawl of this job was killed, its queue is not to be trusted: starting over", job)
    elif not intact(job):
        found = "unreadable"
        logger.warning("%s: the job was not saved whole (a full disk?): starting over", job)
    else:
        return "resumed"
    shutil.rmtree(job, ignore_errors=True)
    return found


def mark_running(job: Path) -> None:
    job.mkdir(parents=True, exist_ok=True)
    (job / RUNNING).touch()


def intact(job: Path) -> bool:
    """Whether the state Scrapy saved of the job reads back: its JSON files (the queue's bookkeeping,
    written as the spider closes) parse. A close on a full disk leaves them empty."""
    for path in job.rglob("*.json"):
        try:
            json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return False
    return True


def close_job(job: Path, finish_reason: str | None) -> bool:
    """As the spider closes (Scrapy has saved the queue): a stopped job is kept for --resume, unless
    it was not saved whole. True if kept. A finished job is left to `remove_job` after the crawl,
    as Scrapy still writes into it while the spider closes."""
    if finish_reason == "finished":
        return False
    if not intact(job):
        shutil.rmtree(job, ignore_errors=True)
        return False
    (job / RUNNING).unlink(missing_ok=True)
    return True


def remove_job(job: Path) -> None:
    shutil.rmtree(job, ignore_errors=True)
