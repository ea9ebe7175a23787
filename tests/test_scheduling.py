"""The work beside the reactor is batch work to the scheduler (harvester/scheduling.py): the
extraction workers, the capture's writer process and writer thread, the corpus thread; the thread
that starts them keeps its own policy."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

import pytest

from harvester.capture.process import WriterProcess
from harvester.capture.thread import WriterThread
from harvester.corpus.store import Stored
from harvester.corpus.writer import GroupWriter
from harvester.extraction.pool import ExtractionPool
from tests.test_corpus_writer import Store

WAIT = 30  # seconds


def policy() -> int:
    """The calling thread's scheduling policy."""
    return os.sched_getscheduler(threading.get_native_id())


@pytest.fixture(autouse=True)
def normal_policy() -> None:
    # The test's own thread runs under the default policy, as a crawl's reactor does.
    assert policy() == os.SCHED_OTHER


def test_an_extraction_worker_is_batch_work() -> None:
    pool = ExtractionPool(1, policy, timeout=WAIT)
    try:
        assert pool.submit().result(WAIT) == os.SCHED_BATCH
    finally:
        pool.close()
    assert policy() == os.SCHED_OTHER


class Owner:
    def policy(self) -> int:
        return policy()

    def nothing(self) -> None:
        return None


def test_the_capture_writer_process_is_batch_work() -> None:
    owner = Owner()
    writes = WriterProcess(owner)

    async def main() -> int:
        return await writes.run(owner.policy)

    try:
        assert asyncio.run(main()) == os.SCHED_BATCH
    finally:
        writes.finish(owner.nothing)
    assert policy() == os.SCHED_OTHER


def test_the_capture_writer_thread_is_batch_work() -> None:
    async def main() -> int:
        writes = WriterThread(None)
        try:
            return await writes.run(policy)
        finally:
            writes.finish(lambda: None)

    assert asyncio.run(main()) == os.SCHED_BATCH
    assert policy() == os.SCHED_OTHER


class PolicyStore(Store):
    """Notes the policy of the thread that stores and flushes."""

    def __init__(self) -> None:
        super().__init__()
        self.policies: list[int] = []

    def store(self, doc_id: str, text: bytes, fields: dict[str, Any], seq: int | None = None, refresh: bool = False) -> Stored:
        self.policies.append(policy())
        return super().store(doc_id, text, fields, seq, refresh)

    def sync(self) -> None:
        self.policies.append(policy())
        super().sync()


def test_the_corpus_thread_is_batch_work() -> None:
    store = PolicyStore()
    writer = GroupWriter(store, every=1, interval=0.0)
    writer.store_document("a", b"text", {}).result(WAIT)
    writer.close()
    assert store.policies == [os.SCHED_BATCH, os.SCHED_BATCH]
    assert policy() == os.SCHED_OTHER
