"""A crawl's progress on a terminal: one live line per site (pages, rate, documents, errors,
elapsed), drawn with rich at the foot of the terminal while the log scrolls above it.

The commands use it when standard error is a terminal: the log then goes through the handler
here instead of Scrapy's own, and the progress records the progress extension logs (progress.py,
with their figures in the record's `progress`) update the site's line instead of being printed.
Elsewhere (cron, a pipe, a file) the log is Scrapy's, progress lines included.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from harvester.report.progress import Progress


def wanted(settings: Any) -> bool:
    """Whether a run with these settings shows live progress: its log goes to a terminal."""
    return sys.stderr.isatty() and not settings.get("LOG_FILE") and settings.getbool("LOG_ENABLED")


class LiveHandler(logging.Handler):
    """Prints log records above the live lines and takes progress records into them."""

    def __init__(self, live: Live, level: int | str) -> None:
        # The handler takes every record (progress records are INFO); the log shows `level` and up.
        super().__init__(logging.NOTSET)
        self.log_level = logging.getLevelName(level) if isinstance(level, str) else level
        self.live = live
        self.sites: dict[str, Progress] = {}
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))

    def handle(self, record: logging.LogRecord) -> bool:
        progress = getattr(record, "progress", None)
        if isinstance(progress, Progress):
            # Taken whatever the log level: the live line is not part of the log.
            self.sites[progress.site] = progress
            self.live.update(self.table())
            return True
        return record.levelno >= self.log_level and super().handle(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.live.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # a broken terminal must not end the crawl
            self.handleError(record)

    def table(self) -> Table:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for column in ("site", "pages", "rate", "documents", "unchanged", "skipped", "errors", "elapsed", ""):
            table.add_column(column, justify="left" if column in ("site", "") else "right")
        for progress in self.sites.values():
            table.add_row(
                progress.site,
                f"{progress.pages:,}",
                f"{progress.rate:.1f}/s",
                f"{progress.documents:,}",
                f"{progress.unchanged:,}",
                f"{progress.skipped:,}",
                f"{progress.errors:,}",
                _elapsed(progress.elapsed),
                progress.state,
            )
        return table


def _elapsed(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour}:{minute:02d}:{second:02d}" if hour else f"{minute}:{second:02d}"


@contextmanager
def live_progress(level: int | str = logging.INFO) -> Iterator[LiveHandler]:
    """Show live progress lines on standard error for as long as the block runs, with the log
    (records at `level` and above) printed above them."""
    console = Console(stderr=True)
    live = Live(console=console, refresh_per_second=4, transient=False, redirect_stdout=False, redirect_stderr=False)
    handler = LiveHandler(live, level)
    root = logging.getLogger()
    # As Scrapy does for its own handler: every logger's records reach it, the handler filters.
    root_level = root.level
    root.setLevel(logging.NOTSET)
    root.addHandler(handler)
    try:
        with live:
            yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
