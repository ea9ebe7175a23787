"""The life of one extraction worker process: take a page, call the function, send back what it gave.

Runs in a spawned process of the extraction pool (pool.py), one page at a time, over a pipe of its
own. It ignores SIGINT (a Ctrl-C in a terminal reaches the whole process group; the crawl process
decides what a stop means and ends its workers itself), and ends when the crawl process is gone,
however that ended. No settings.
"""

from __future__ import annotations

import os
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

# What a worker says once it can take pages, and what the pool sends to end an idle worker.
READY = "ready"
STOP = None


def serve(function: Callable[..., Any], tasks: Connection, lifeline: Connection) -> None:
    """The worker's main function: `function(*args)` for each `args` that comes over `tasks`; sends
    back `(True, value)` or `(False, exception, traceback text)`."""
    # SIGINT was blocked from the start (the pool spawns from a thread that blocks it); ignoring it
    # also drops one that came while the interpreter started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(lifeline)
    tasks.send(READY)
    while True:
        try:
            args = tasks.recv()
        except EOFError:  # the pool is gone
            return
        if args is STOP:
            return
        try:
            outcome: tuple[Any, ...] = (True, function(*args))
        except Exception as error:
            outcome = (False, error, traceback.format_exc())
        _send(tasks, outcome)


def _send(tasks: Connection, outcome: tuple[Any, ...]) -> None:
    try:
        tasks.send(outcome)
    except (OSError, EOFError):
        raise
    except Exception as error:  # a value or an exception that does not pickle
        what = f"the worker could not send back the result: {type(error).__name__}: {error}"
        tasks.send((False, RuntimeError(what), traceback.format_exc()))


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
