"""The scheduler's queue keeps a held host's requests back, and hands them out once its slot can
send them within the engine's heartbeat."""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.squeues import FifoMemoryQueue
from scrapy.utils.test import get_crawler

from harvester.fetch.hostqueue import LOOKAHEAD, SlotReadyPriorityQueue


def queue_for(slots: dict[str, Slot]) -> SlotReadyPriorityQueue:
    crawler = get_crawler()
    # What the queue asks of Scrapy's downloader: its slots, and the slot of a request.
    downloader = SimpleNamespace(slots=slots, get_slot_key=lambda request: urlsplit(request.url).hostname)
    crawler.engine = SimpleNamespace(downloader=downloader)
    return SlotReadyPriorityQueue.from_crawler(crawler, FifoMemoryQueue, "")


def test_the_requests_of_a_held_host_wait_in_the_scheduler() -> None:
    now = time.monotonic()
    held, free = Slot(2, 1.0, 0.0), Slot(2, 0.0, 0.0)
    held.lastseen = now + 60.0
    queue = queue_for({"held.test": held, "free.test": free})
    for url in ("https://held.test/1", "https://free.test/1", "https://held.test/2"):
        queue.push(Request(url))
    assert queue.pop().url == "https://free.test/1"
    assert queue.pop() is None and queue.peek() is None and len(queue) == 2
    # Once the slot could send within the engine's heartbeat, its requests go to it, one at a time.
    held.lastseen = now - held.delay + LOOKAHEAD / 2
    assert queue.pop().url == "https://held.test/1"
    held.queue.append((Request("https://held.test/1"), None))
    assert queue.pop() is None
    held.queue.clear()
    assert queue.pop().url == "https://held.test/2" and len(queue) == 0


def test_a_slot_with_a_delay_gets_one_waiting_request_at_a_time() -> None:
    slot, fast = Slot(2, 1.0, 0.0), Slot(2, 0.0, 0.0)
    slot.lastseen = time.monotonic()
    queue = queue_for({"paced.test": slot, "fast.test": fast})
    for url in ("https://paced.test/1", "https://paced.test/2", "https://fast.test/1", "https://fast.test/2"):
        queue.push(Request(url))
    slot.queue.append((Request("https://paced.test/0"), None))
    fast.queue.append((Request("https://fast.test/0"), None))
    # The paced slot has one waiting already; a slot without a delay takes more.
    assert [queue.pop().url, queue.pop().url, queue.pop()] == ["https://fast.test/1", "https://fast.test/2", None]
    slot.queue.clear()  # sent
    assert queue.pop().url == "https://paced.test/1"
