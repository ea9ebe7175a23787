"""The exit statuses of the `harvester` commands, one table for all of them (README, "Exit status").

OK: everything asked for was done. FAILED: a site (or a document, a capture) ended otherwise.
REFUSED: nothing was done: bad usage, or the output folder is locked by another crawl.
STOPPED: stopped before the end (a signal, a full disk); `--resume` continues it.
"""

from __future__ import annotations

OK = 0
FAILED = 1
REFUSED = 2
STOPPED = 3
