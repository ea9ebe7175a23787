"""One extraction worker process: it takes a page, calls the function, sends back what it gave.

`serve()` runs in the worker process, one page at a time over a pipe of its own; `Worker` is the
extraction pool's (pool.py) handle on it. A worker ignores SIGINT from its first instant (a Ctrl-C
in a terminal reaches the whole process group; the crawl process decides what a stop means and
ends its workers itself), and ends when the crawl process is gone, however that ended (even
killed). No settings.
"""

from __future__ import annotations

import fcntl
import gc
import math
import os
import signal
import struct
import termios
import threading
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any

from harvester.scheduling import run_as_batch_work

# What a worker says once it can take pages, and what the pool sends to end an idle worker.
READY = "ready"
STOP = None
# Seconds a killed worker gets to be reaped.
KILL_WAIT = 1.0
# multiprocessing's framing of a message: its length, then its bytes (what `Connection.recv` reads).
_LENGTH = struct.Struct("!i")


@dataclass
class Worker:
    """The pool's handle on a worker process."""

    process: BaseProcess
    connection: Connection  # the pool's end of the worker's pipe
    ready: bool = False
    # Pages sent, in order: the first is being extracted, a second may wait in the pipe.
    tasks: deque[Any] = field(default_factory=deque)
    deadline: float = math.inf  # the first page's

    @classmethod
    def start(cls, context: BaseContext, function: Callable[..., Any], lifeline: Connection, held: Sequence[Connection] = ()) -> Worker:
        """A worker spawned, or forked (`held`: this process's pipes the child is to close)."""
        ours, theirs = context.Pipe()
        forked = context.get_start_method() == "fork"
        inherited = (*held, ours) if forked else ()
        process = context.Process(target=serve, args=(function, theirs, lifeline, inherited), name="harvester-extraction", daemon=True)
        # A new process starts with this thread's signal mask: with SIGINT blocked, a Ctrl-C
        # cannot interrupt the worker before it ignores SIGINT itself. Spawning launches the
        # resource tracker, which unblocks SIGINT in the thread that launches it, so it is launched
        # first. The mask is given back after: this thread may be the crawl's main thread, whose
        # Ctrl-C must not be lost (one that came meanwhile is delivered then).
        if not forked:
            resource_tracker.ensure_running()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            theirs.close()
        return cls(process, ours)

    def pipe_empty(self) -> bool:
        """The worker has read all it was sent; False where the kernel cannot tell (TIOCOUTQ on a
        socket is Linux's)."""
        try:
            unread = struct.unpack("i", fcntl.ioctl(self.connection.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
        except OSError:
            return False
        return unread == 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def end(self) -> None:
        """Kill the process if it lives, reap it, close the pipe."""
        self.kill()
        self.process.join(KILL_WAIT)
        self.connection.close()


def serve(function: Callable[..., Any], tasks: Connection, lifeline: Connection, inherited: Sequence[Connection] = ()) -> None:
    """The worker's main function: `function(*args)` for each `args` that comes over `tasks`; sends
    back `(True, value)` or `(False, exception, traceback text)`. A forked worker first closes the
    pipes it `inherited` and keeps the collector off the objects it shares with its parent
    (which it would otherwise copy, page by page, as it marks them)."""
    # SIGINT was blocked from the start (the pool starts workers from a thread that blocks it);
    # ignoring it also drops one that came while the interpreter started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for connection in inherited:
        connection.close()
    run_as_batch_work()
    gc.freeze()
    _end_with_parent(lifeline)
    tasks.send(READY)
    while True:
        try:
            args = tasks.recv()
        except EOFError:  # the pool is gone
            return
        if args is STOP:
            # At once: the interpreter's clean-up of every module costs the pool's close 0.1 s a
            # worker, and a worker holds nothing to flush.
            os._exit(0)
        try:
            outcome: tuple[Any, ...] = (True, function(*args))
        except Exception as error:
            outcome = (False, error, traceback.format_exc())
        _send(tasks, outcome)


def send_message(connection: Connection, payload: bytes | memoryview) -> None:
    """`connection.send_bytes(payload)` in one system call. multiprocessing writes a payload over
    16 KB apart from its length: the reader, woken by the length, takes the core from the writer
    and waits for the rest, a page's hand-over costing both sides two wake-ups instead of one."""
    fd, header = connection.fileno(), _LENGTH.pack(len(payload))
    sent = os.writev(fd, [header, payload])
    if sent < len(header) + len(payload):  # cut short (by a signal): the rest as it goes
        rest = memoryview(header + payload)[sent:]
        while rest:
            rest = rest[os.write(fd, rest) :]


def _send(tasks: Connection, outcome: tuple[Any, ...]) -> None:
    try:
        payload = ForkingPickler.dumps(outcome)
    except Exception as error:  # a value or an exception that does not pickle
        what = f"the worker could not send back the result: {type(error).__name__}: {error}"
        payload = ForkingPickler.dumps((False, RuntimeError(what), traceback.format_exc()))
    send_message(tasks, payload)


def _end_with_parent(lifeline: Connection) -> None:
    """The read end of a pipe only the crawl process writes to reaches end-of-file when that
    process is gone (even killed), and the worker goes too, whatever it was doing."""

    def watch() -> None:
        try:
            lifeline.recv()
        except EOFError:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()
