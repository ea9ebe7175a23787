"""The capture's writes in a process of their own (`WriterProcess`, CAPTURE_WRITES' default).

A crawl's reactor thread is its serial step: every page's Scrapy, Twisted and harvester code runs
there, under one interpreter lock. Building, hashing, gzipping, writing and indexing the records
is a fifth of that thread's work; in a child process it runs on another core, and the reactor
only pickles each call into memory shared with the child (the exchange's bytes, once: a socket's
copy of a page cost twenty times more), sends where it is, and unpickles the small result. A
thread would not do: it shares the lock (capture/thread.py).

The child is forked at the first call, from the reactor thread, so it holds the middleware as it
is then (its WARC writer, dedup index and record factory, none of which the crawl process uses
again) and runs the owner's methods by name, one after another in the order they were sent: the
records go to the files in the order of the exchanges, as inline. Results come back in the same
order over one socket, which the crawl's asyncio loop reads; sends never block the loop (a full
socket buffer waits for the loop to say it is writable). The fork comes before any other thread of
the crawl has work (the corpus writer's first document comes later), and Python's logging makes
its locks anew in the child.

The child lives as long as the crawl: it ignores SIGINT and SIGTERM (a Ctrl-C or a stop reaches
the crawl process, which closes it in order), dies with the crawl process (PR_SET_PDEATHSIG on
Linux; elsewhere at the end of its socket), and closes the sockets and pipes it inherited (the
crawl's connections must close when the crawl closes them). If it dies, or gives no answer for
ANSWER_WAIT seconds while calls wait for it (a hung disk; it is killed then), every call waiting
and every later one raises `WritesFailed`: the crawl stops, and `--resume` fetches again what was
not captured.

Without an asyncio loop (another Twisted reactor), or on one core, the calls run inline. No
settings.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import mmap
import os
import pickle
import signal
import socket
import stat
import struct
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from scrapy.utils.asyncio import is_asyncio_available

from harvester.scheduling import run_as_batch_work

_SIZE = struct.Struct("!I")  # each result: its pickle's length, then the pickle
_CALL = struct.Struct("!II")  # each call: where its pickle is in the ring, and its length
_INLINE = 0xFFFFFFFF  # ... or that the pickle follows on the socket (it did not fit in the ring)
_RING = 8 << 20  # bytes of memory shared with the child: room for every exchange in flight
_BUFFER = 1 << 20  # socket buffers
_PR_SET_PDEATHSIG = 1
# Seconds the crawl waits for the child's next answer (its close included) while calls are
# waiting: a writer stuck that long (a hung disk) is killed, and the crawl stops.
ANSWER_WAIT = 300.0


class WritesFailed(RuntimeError):
    """The process that writes the captures is gone: nothing more can be captured."""


class WriterProcess:
    def __init__(self, owner: object) -> None:
        self.owner = owner
        self._socket: socket.socket | None = None
        self._pid = 0
        # Each call's future; finish's is a thread's kind, waited for without a loop.
        self._waiters: deque[asyncio.Future[Any] | Future[Any]] = deque()
        self._received = bytearray()
        self._unsent = bytearray()
        self._failed: WritesFailed | None = None
        self._inline = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ring = _Ring(_RING)
        self._answered = 0.0  # the loop's time of the last answer, or of the first call after none was waiting
        self._watch: asyncio.TimerHandle | None = None

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in the child (`function`: a method of the owner); its result here, or
        its exception raised here."""
        if self._failed is not None:
            raise self._failed
        if self._socket is None and not self._inline:
            # Without an asyncio loop nothing would read the socket; with one core, a process
            # would only add the hand-over to the same core's work.
            if not is_asyncio_available() or (os.cpu_count() or 1) < 2:
                self._inline = True
            else:
                self._start()
        if self._inline:
            return function(*args)
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        if not self._waiters:
            self._answered = loop.time()
        self._waiters.append(waiter)
        if self._watch is None:
            self._watch = loop.call_later(ANSWER_WAIT, self._check)
        self._send((_name(function, self.owner), args, False))
        return await waiter

    def finish(self, function: Callable[..., Any]) -> Any:
        """Run `function()` last, after every call sent, and end the child; its result (raised
        here if it raised). Blocks until then, at most ANSWER_WAIT seconds."""
        if self._socket is None:
            if self._failed is not None:
                raise self._failed
            return function()
        connection, self._socket = self._socket, None
        self._unwatch(connection)
        last: Future[Any] = Future()
        self._waiters.append(last)
        self._unsent += self._call((_name(function, self.owner), (), True))
        connection.settimeout(ANSWER_WAIT)
        reason = "it ended"
        try:
            connection.sendall(self._unsent)
            self._unsent.clear()
            while self._waiters and (data := connection.recv(1 << 20)):
                self._received += data
                self._settle()
        except TimeoutError:
            reason = f"it did not close its files within {ANSWER_WAIT:.0f} s"
        except OSError as error:
            reason = f"its socket failed: {error}"
        finally:
            connection.close()
            status = self._end(kill=not last.done())
        if not last.done():
            last.set_exception(WritesFailed(f"the capture writer process failed ({reason}; {status})"))
        self._fail(WritesFailed("the capture writer process has ended"))
        return last.result()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _BUFFER)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _BUFFER)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: serve until told to finish, never return into the crawl's code
            code = 1
            try:
                ours.close()
                _serve(self.owner, theirs, self._ring, parent)
                code = 0
            except BaseException:
                sys.excepthook(*sys.exc_info())
            finally:
                os._exit(code)
        theirs.close()
        ours.setblocking(False)
        self._pid, self._socket = pid, ours
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(ours.fileno(), self._readable)

    def _send(self, message: Any) -> None:
        assert self._socket is not None
        idle = not self._unsent
        self._unsent += self._call(message)
        if idle:
            self._flush()

    def _call(self, message: Any) -> bytes:
        """What goes on the socket for one call: where its pickle is in the shared memory (a
        copy there costs a twentieth of a socket's for a page), or the pickle itself."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._ring.put(data)
        if offset is None:
            return _CALL.pack(_INLINE, len(data)) + data
        return _CALL.pack(offset, len(data))

    def _flush(self) -> None:
        assert self._socket is not None
        try:
            sent = self._socket.send(self._unsent)
        except BlockingIOError:
            sent = 0
        except OSError as error:
            self._died(f"its socket failed: {error}")
            return
        del self._unsent[:sent]
        assert self._loop is not None
        if self._unsent:
            self._loop.add_writer(self._socket.fileno(), self._flush)
        else:
            self._loop.remove_writer(self._socket.fileno())

    def _readable(self) -> None:
        assert self._socket is not None
        try:
            data = self._socket.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError as error:
            data, reason = b"", f"its socket failed: {error}"
        else:
            reason = "it ended"
        if not data:
            self._died(reason)
            return
        self._received += data
        self._settle()

    def _settle(self) -> None:
        received = self._received
        while len(received) >= _SIZE.size:
            (size,) = _SIZE.unpack_from(received)
            if len(received) < _SIZE.size + size:
                return
            ok, value = pickle.loads(memoryview(received)[_SIZE.size : _SIZE.size + size])
            del received[: _SIZE.size + size]
            self._ring.release()  # the child has read the call: its place is free
            if self._loop is not None and not self._loop.is_closed():
                self._answered = self._loop.time()
            waiter = self._waiters.popleft()
            if waiter.done():  # its caller was cancelled meanwhile
                continue
            if ok:
                waiter.set_result(value)
            else:
                waiter.set_exception(value)

    def _check(self) -> None:
        """The loop's timer: kill a child that has not answered for ANSWER_WAIT seconds while
        calls wait for it."""
        self._watch = None
        if self._socket is None or not self._waiters or self._loop is None:
            return
        silent = self._loop.time() - self._answered
        if silent >= ANSWER_WAIT:
            self._died(f"it did not answer for {ANSWER_WAIT:.0f} s and was killed", stuck=True)
        else:
            self._watch = self._loop.call_later(ANSWER_WAIT - silent, self._check)

    def _died(self, reason: str, stuck: bool = False) -> None:
        connection, self._socket = self._socket, None
        if connection is not None:
            self._unwatch(connection)
            connection.close()
        status = self._end(kill=True)
        what = "failed" if stuck else "died"
        self._fail(WritesFailed(f"the capture writer process {what} ({reason if stuck else status or reason})"))

    def _unwatch(self, connection: socket.socket) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(connection.fileno())
            self._loop.remove_writer(connection.fileno())

    def _end(self, kill: bool) -> str:
        """Reap the child (killed first with `kill`); how it ended."""
        if not self._pid:
            return ""
        pid, self._pid = self._pid, 0
        if kill:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return "reaped by another"  # a watcher that waits for any child got it first
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit {os.WEXITSTATUS(status)}"

    def _fail(self, error: WritesFailed) -> None:
        self._failed = self._failed or error
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                try:
                    waiter.set_exception(self._failed)
                except RuntimeError:
                    pass  # its loop is closed: nobody awaits it


def _name(function: Callable[..., Any], owner: object) -> str:
    if getattr(function, "__self__", None) is not owner:
        raise TypeError(f"{function!r} is not a method of {owner!r}: only the owner's methods run in the child")
    return function.__name__


class _Ring:
    """Memory shared with the child (mapped before the fork) where the calls' pickles go, first
    in, first out: each is released when its result comes back, the child having read it."""

    def __init__(self, size: int) -> None:
        self.memory = mmap.mmap(-1, size)
        self.size = size
        self._spans: deque[tuple[int, int] | None] = deque()  # each call's place, None: inline
        self._head = self._tail = 0  # the end of the newest place, the start of the oldest
        self._live = 0

    def put(self, data: bytes) -> int | None:
        """Copy `data` in; where, or None when there is no room."""
        size, start = len(data), None
        if self._live == 0:
            start = 0 if size <= self.size else None
        elif self._head > self._tail:  # the places in use lie in one stretch
            start = self._head if self._head + size <= self.size else 0 if size <= self._tail else None
        elif self._head + size <= self._tail:  # they wrapped round
            start = self._head
        self._spans.append(None if start is None else (start, start + size))
        if start is None:
            return None
        self.memory[start : start + size] = data
        self._head = start + size
        self._live += 1
        if self._live == 1:
            self._tail = start
        return start

    def release(self) -> None:
        if self._spans.popleft() is None:
            return
        self._live -= 1
        oldest = next((span for span in self._spans if span is not None), None)
        if oldest is None:
            self._head = self._tail = 0
        else:
            self._tail = oldest[0]


def _message(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _SIZE.pack(len(data)) + data


def _serve(owner: object, connection: socket.socket, ring: _Ring, parent: int) -> None:
    """The child: run each method named, send back its result or its exception; end after the
    last (WriterProcess.finish)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    signal.set_wakeup_fd(-1)  # the crawl's loop's: a signal here must not wake it
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        return  # the crawl died before the line above
    _close_inherited(connection.fileno())
    run_as_batch_work()
    gc.freeze()  # what the crawl made stays shared with it, not copied page by page by the collector
    stream = connection.makefile("rb", buffering=1 << 20)
    while True:
        head = stream.read(_CALL.size)
        if len(head) < _CALL.size:
            return  # the crawl is gone
        offset, size = _CALL.unpack(head)
        data = stream.read(size) if offset == _INLINE else ring.memory[offset : offset + size]
        name, args, last = pickle.loads(data)
        try:
            outcome = (True, getattr(owner, name)(*args))
        except Exception as error:
            outcome = (False, error)
        try:
            data = _message(outcome)
        except Exception:  # an exception that does not pickle goes back as its text
            data = _message((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
        connection.sendall(data)
        if last:
            return


def _close_inherited(keep: int) -> None:
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
            os.close(fd)
