"""The reactor thread first: the work beside it is batch work to the system's scheduler.

A crawl's pace is its reactor thread's: the extraction workers, the capture's writer and the
corpus thread only take what it hands them, and in a full crawl on two cores they all want a core
at once. Under Linux's default policy each of them, woken by a page or a call, competes with the
reactor as an interactive task would. `SCHED_BATCH` tells the scheduler that the thread is
CPU-bound work nobody waits on: its wake-ups are mildly disfavoured (sched(7)), and it keeps its
fair share of the cores. Alternated full crawls of the bench site: 0.86-0.97x the wall time in six
pairs of six (bench/README.md, "Fourteenth pass"). Any user may choose it for their own threads; a
system without it changes nothing. No settings.
"""

from __future__ import annotations

import os


def run_as_batch_work() -> None:
    """The calling thread (and the threads it starts later) scheduled as batch work."""
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except OSError:  # a container or system that refuses it: the default policy, as before
        pass
