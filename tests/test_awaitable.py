"""Awaiting work done on a thread: the result or the exception comes back to the coroutine, on the
reactor's thread, with asyncio and with a plain Twisted reactor (in a subprocess: one reactor a process)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from harvester.awaitable import result
from tests.plain_reactor import run_main


def work(gate: threading.Event, value: int) -> tuple[int, int]:
    # Finishes only once the awaiting side let it: the result cannot be there at submit time.
    assert gate.wait(10)
    return value * 2, threading.get_ident()


def fail(gate: threading.Event) -> None:
    assert gate.wait(10)
    raise OSError(28, "No space left on device")


def test_the_result_comes_back_to_the_loop_thread() -> None:
    async def main() -> tuple[int, int, int]:
        gate = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(work, gate, 21)
            # Released by a callback of the loop: the loop runs while the coroutine awaits.
            asyncio.get_running_loop().call_soon(gate.set)
            value, worker = await result(future)
        return value, worker, threading.get_ident()

    value, worker, resumed_on = asyncio.run(main())
    assert value == 42
    assert worker != threading.get_ident()
    assert resumed_on == threading.get_ident()


def test_an_exception_in_the_thread_is_raised_to_the_awaiting_coroutine() -> None:
    async def main() -> None:
        gate = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(fail, gate)
            asyncio.get_running_loop().call_soon(gate.set)
            await result(future)

    with pytest.raises(OSError) as raised:
        asyncio.run(main())
    assert raised.value.errno == 28


TWISTED = """
from concurrent.futures import ThreadPoolExecutor
from harvester.awaitable import result

def work(gate, value):
    assert gate.wait(10)
    return value * 2, threading.get_ident()

def fail(gate):
    assert gate.wait(10)
    raise OSError(28, "No space left on device")

async def main():
    found = {"asyncio": is_asyncio_available(), "reactor_thread": threading.get_ident()}
    with ThreadPoolExecutor(1) as pool:
        gate = threading.Event()
        future = pool.submit(work, gate, 21)
        reactor.callLater(0, gate.set)
        found["value"], found["worker"] = await result(future)
        found["resumed_on"] = threading.get_ident()
        found["done_already"] = (await result(future))[0]
        gate = threading.Event()
        future = pool.submit(fail, gate)
        reactor.callLater(0, gate.set)
        try:
            await result(future)
        except OSError as error:
            found["errno"] = error.errno
    return found
"""


def test_under_a_twisted_reactor_without_asyncio() -> None:
    found = run_main(TWISTED)
    assert found == {
        "asyncio": False,
        "reactor_thread": found["reactor_thread"],
        "value": 42,
        "worker": found["worker"],
        "resumed_on": found["reactor_thread"],
        "done_already": 42,
        "errno": 28,
    }
    assert found["worker"] != found["reactor_thread"]
