"""The resumable job of one site's crawl: Scrapy's JOBDIR (pending requests, seen fingerprints) in
STATE_DIR/jobs/<site>/, kept when a crawl stops early so that `harvester crawl --resume` continues it.

Scrapy leaves a JOBDIR consistent only when the crawl stops gracefully (SIGINT, SIGTERM, a full
disk): the queue is saved as the spider closes. A crawl killed outright leaves it half-written.
So a marker says a crawl of the job is running; a job whose marker is still there at the next
start was killed, and is discarded: the crawl starts over, and the crawl state keeps it from
fetching again the articles it had finished. So is a job whose crawl failed to write something for
want of space: its queue may lack the pages whose writes failed.

`JobScheduler` and `JobSpiderState` are Scrapy's scheduler and spider-state extension (SCHEDULER,
EXTENSIONS), but a full disk ends their writes with one line in the log, and the job not kept,
instead of an exception: the signal `write_failed` tells the disk guard.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
from pathlib import Path

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.extensions.spiderstate import SpiderState
from twisted.internet.defer import Deferred

from harvester import signals as harvester_signals
from harvester.files import disk_full, write_atomic

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


def close_job(job: Path, finish_reason: str | None, writes_failed: bool = False) -> bool:
    """Once the crawl of the job has ended (Scrapy has saved the queue): a stopped job is kept for
    --resume, unless it was not saved whole or a write of its crawl failed (no space, no capture). True
    if kept. A finished job is not kept: nothing is left to resume."""
    if finish_reason == "finished":
        remove_job(job)
        return False
    if writes_failed:
        logger.warning("%s: a write failed, pages may be missing from the queue: --resume starts over", job)
        remove_job(job)
        return False
    if not intact(job):
        logger.warning("%s: the queue was not saved whole: --resume starts over", job)
        remove_job(job)
        return False
    (job / RUNNING).unlink(missing_ok=True)
    return True


def remove_job(job: Path) -> None:
    shutil.rmtree(job, ignore_errors=True)


def _write_failed(crawler: Crawler | None, error: BaseException) -> None:
    if crawler is None:
        return
    crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)


class JobScheduler(Scheduler):
    """Scrapy's scheduler, whose writes into the job (the queue on disk, the seen fingerprints) may
    fail for want of space without an exception: the request is dropped, the job not kept."""

    def enqueue_request(self, request: Request) -> bool:
        try:
            return super().enqueue_request(request)
        except OSError as error:
            if not disk_full(error):
                raise
            logger.error("%s not queued: %s", request.url, error, extra={"crawler": self.crawler})
            _write_failed(self.crawler, error)
            return False

    def close(self, reason: str) -> Deferred[None] | None:
        try:
            return super().close(reason)
        except OSError as error:
            if not disk_full(error):
                raise
            logger.error("%s: the queue was not saved: %s", self.dqdir, error, extra={"crawler": self.crawler})
            _write_failed(self.crawler, error)
            try:
                self.df.close(reason)
            except OSError:
                pass  # closed all the same; its last fingerprints are lost with the job
            return None


class JobSpiderState(SpiderState):
    """Scrapy's spider-state extension (the spider's `state` kept in the job), written atomically,
    and a full disk said in one line."""

    def spider_closed(self, spider: Spider) -> None:
        if not self.jobdir or not Path(self.jobdir).is_dir():
            return
        try:
            write_atomic(Path(self.statefn), pickle.dumps(getattr(spider, "state", {}), protocol=4))
        except OSError as error:
            if not disk_full(error):
                raise
            logger.error("%s not written: %s", self.statefn, error, extra={"spider": spider})
            _write_failed(spider.crawler, error)
