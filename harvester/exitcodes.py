"""The exit codes of every `harvester` command: one table, one meaning per code.

A run that ends in several states exits with the first of them in `PRECEDENCE` (the one that asks
most of whoever reads it: free space before resuming, resuming before looking at the site).

>>> outcome([FAILED, DRIFT])
1
>>> outcome([DRIFT, STOPPED, FAILED])
3
>>> outcome([])
0
"""

from __future__ import annotations

from collections.abc import Iterable

OK = 0  # everything finished, nothing failed
FAILED = 1  # finished, but a site, a seed, a page or an input failed for good (see the report)
REFUSED = 2  # nothing done: bad usage or input, or the output folder is locked by another crawl
STOPPED = 3  # stopped before the end (a signal, or the capture writer died): `--resume` continues it
DISK_FULL = 4  # stopped for want of disk space: free some, then `--resume` continues it
BLOCKED = 5  # the site refused the crawl: rate-limited (429), blocked (403) or walled (bot wall)
DRIFT = 6  # finished, but a site profile's rules no longer fit the pages (see the report's `drift`)

MEANINGS = {
    OK: "ok",
    FAILED: "a site, seed, page or input failed",
    REFUSED: "refused (usage, input, folder locked)",
    STOPPED: "stopped; --resume continues",
    DISK_FULL: "disk full; --resume continues once there is room",
    BLOCKED: "rate-limited or blocked by the site",
    DRIFT: "a profile looks out of date",
}

PRECEDENCE = (REFUSED, DISK_FULL, STOPPED, BLOCKED, FAILED, DRIFT)


def outcome(codes: Iterable[int]) -> int:
    """The exit code of a run whose parts ended with `codes`."""
    found = set(codes)
    return next((code for code in PRECEDENCE if code in found), OK)
