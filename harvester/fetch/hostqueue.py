"""The scheduler's priority queue: Scrapy's DownloaderAwarePriorityQueue, which keeps back the
requests of a host whose slot cannot send for a while (a Retry-After hold, a long delay), so that
they wait in the scheduler, not in the downloader where they would count against
CONCURRENT_REQUESTS and hold up the end of the crawl.

Settings: none of its own; SCHEDULER_PRIORITY_QUEUE names it. A request is handed out once its slot
could send it within LOOKAHEAD seconds: the engine asks the scheduler again at least that often
(its heartbeat), so the request is in the slot before the slot's own timer would send it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic

from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.pqueues import DownloaderAwarePriorityQueue

from harvester.fetch.pacing import lowest_wait

LOOKAHEAD = 5.0


def wait_for_slot(slot: Slot, now: float) -> float:
    """Seconds a request handed to the slot now would wait for its delay at the least (behind the
    ones queued there already)."""
    return slot.lastseen + lowest_wait(slot) * (len(slot.queue) + 1) - now


class SlotReadyPriorityQueue(DownloaderAwarePriorityQueue):
    def pop(self) -> Request | None:
        with self._slots_ready():
            return super().pop()

    def peek(self) -> Request | None:
        with self._slots_ready():
            return super().peek()

    @contextmanager
    def _slots_ready(self) -> Iterator[None]:
        """Within it, `pqueues` holds the queues of the hosts whose slots can send soon only."""
        slots, now = self.crawler.engine.downloader.slots, monotonic()
        kept = {key: queue for key, queue in self.pqueues.items() if key in slots and wait_for_slot(slots[key], now) > LOOKAHEAD}
        for key in kept:
            del self.pqueues[key]
        try:
            yield
        finally:
            self.pqueues.update(kept)
