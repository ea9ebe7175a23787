"""One system run as a child process: its wall time, CPU time and peak memory.

CPU time comes from `os.wait4` (the child and every descendant it waited for, e.g. pool workers).
Peak memory is sampled from /proc every 50 ms: the largest VmHWM of any process in the tree, and
the largest summed VmRSS of the tree (a process pool's workers count in what the machine must
hold). Not wait4's ru_maxrss: Linux carries the parent's high-water mark across fork and exec
into it, so it never reads below the bench's own size.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Usage:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # the largest single process (VmHWM)
    tree_rss_mb: float  # the largest sum of VmRSS over the process tree
    exit_code: int
    tree_parts_mb: tuple[float, ...] = ()  # each process's VmRSS at that moment, largest first


def _tree(pid: int) -> list[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                pending.extend(int(child) for child in Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return pids


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process; zeros once it is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line[:5]] = int(line.split()[1])
    except OSError:
        pass
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.tree_parts_kb: list[int] = []  # each process's VmRSS when their sum was largest
        self.hwm_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            memory = [memory_kb(pid) for pid in _tree(self.pid)]
            if sum(rss for rss, _ in memory) > sum(self.tree_parts_kb):
                self.tree_parts_kb = sorted((rss for rss, _ in memory), reverse=True)
            self.hwm_kb = max(self.hwm_kb, *(hwm for _, hwm in memory))


def run(argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Usage:
    """Run `argv` to its end, its output into `log`."""
    with open(log, "wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Usage(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=sampler.hwm_kb / 1024,
        tree_rss_mb=sum(sampler.tree_parts_kb) / 1024,
        exit_code=process.returncode,
        tree_parts_mb=tuple(kb / 1024 for kb in sampler.tree_parts_kb),
    )
