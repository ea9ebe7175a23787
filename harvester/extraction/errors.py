"""The errors of a page's extraction: the page makes no document (with its stats key), or the
extraction pool could not get its document (time limit, dead worker, pool closed)."""

from __future__ import annotations

import re


class ExtractionError(ValueError):
    """The page holds no article text (empty, not HTML, or a bot wall)."""

    @property
    def reason(self) -> str:
        """The stats key part of the error: 'bot wall: the page says ...' -> 'bot_wall'."""
        return re.sub(r"\W+", "_", str(self).split(":")[0]).strip("_")


class WorkerDied(RuntimeError):
    """The worker process ended while it extracted the page (or the workers cannot start)."""


class ExtractionTimeout(TimeoutError):
    """The page's extraction ran past the time limit; its worker was killed."""


class PoolClosed(RuntimeError):
    """The pool was closed before the page was extracted."""
