"""The capture's writer thread: calls run in order on one thread, results and exceptions come back
to the awaiting coroutine on the reactor's thread, results ready together in one wake-up; with
asyncio and with a plain Twisted reactor (in a subprocess: one reactor a process)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from harvester.capture.thread import WriterThread
from tests.plain_reactor import run_main


def test_calls_run_in_order_on_one_thread_and_come_back_to_the_loop_thread() -> None:
    ran: list[tuple[int, int]] = []

    def work(value: int) -> int:
        ran.append((value, threading.get_ident()))
        return value * 2

    async def main() -> tuple[list[int], int]:
        writer = WriterThread(None)
        results = await asyncio.gather(*(writer.run(work, n) for n in range(50)))
        writer.finish(lambda: None)
        return results, threading.get_ident()

    results, loop_thread = asyncio.run(main())
    assert results == [n * 2 for n in range(50)]
    assert [value for value, _ in ran] == list(range(50))
    assert len({thread for _, thread in ran}) == 1 and ran[0][1] != loop_thread


class CountingThread(WriterThread):
    """Counts the wake-ups of the loop that hand results out."""

    hand_outs = 0

    def _hand_out(self) -> None:
        self.hand_outs += 1
        super()._hand_out()


def test_results_ready_together_reach_the_loop_in_one_wake_up() -> None:
    gate, finished = threading.Event(), threading.Event()

    async def main() -> tuple[int, list[int]]:
        writer = CountingThread("capture-writer")
        first = asyncio.ensure_future(writer.run(gate.wait, 10))
        rest = [asyncio.ensure_future(writer.run(int, n)) for n in range(20)]
        last = asyncio.ensure_future(writer.run(finished.set))
        await asyncio.sleep(0)  # every call queued, the first one held
        gate.set()
        assert finished.wait(10)  # the loop's thread is held until the thread has done them all
        results = await asyncio.gather(first, *rest, last)
        hand_outs = writer.hand_outs
        writer.finish(lambda: None)
        return hand_outs, results[1:-1]

    hand_outs, results = asyncio.run(main())
    assert hand_outs == 1 and results == list(range(20))


def test_an_exception_in_the_thread_is_raised_to_the_awaiting_coroutine_and_the_thread_goes_on() -> None:
    def fail() -> None:
        raise OSError(28, "No space left on device")

    async def main() -> int:
        writer = WriterThread(None)
        with pytest.raises(OSError) as raised:
            await writer.run(fail)
        assert raised.value.errno == 28
        value = await writer.run(int, "7")
        writer.finish(lambda: None)
        return value

    assert asyncio.run(main()) == 7


def test_shutdown_finishes_every_call_queued() -> None:
    done: list[int] = []

    async def main() -> list[int]:
        writer = WriterThread(None)
        tasks = [asyncio.ensure_future(writer.run(done.append, n)) for n in range(30)]
        await asyncio.sleep(0)
        writer.finish(lambda: None)  # on the loop thread, as spider_closed: blocks until the queue is done
        assert done == list(range(30))
        await asyncio.gather(*tasks)
        return done

    assert asyncio.run(main()) == list(range(30))


TWISTED = """
from harvester.capture.thread import WriterThread

def work(value):
    return value * 2, threading.get_ident()

def fail():
    raise OSError(28, "No space left on device")

async def main():
    found = {"asyncio": is_asyncio_available(), "reactor_thread": threading.get_ident()}
    writer = WriterThread(None)
    found["value"], found["worker"] = await writer.run(work, 21)
    found["resumed_on"] = threading.get_ident()
    try:
        await writer.run(fail)
    except OSError as error:
        found["errno"] = error.errno
    writer.finish(lambda: None)
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
        "errno": 28,
    }
    assert found["worker"] != found["reactor_thread"]
