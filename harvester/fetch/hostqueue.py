"""The scheduler's priority queue: Scrapy's DownloaderAwarePriorityQueue, which keeps a host's
requests in the scheduler while its slot cannot send them (a Retry-After hold, a raised or long
delay), so that they do not wait in the downloader, where they would count against
CONCURRENT_REQUESTS and hold up the end of the crawl.

Settings: none of its own; SCHEDULER_PRIORITY_QUEUE names it. A slot with a delay is handed one
request at a time, once its next send is within LOOKAHEAD seconds: the engine asks the scheduler
again at least that often (its heartbeat), so the request is in the slot before the slot's own timer
would send it. A slot without a delay takes requests as Scrapy's queue gives them.
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


def ready(slot: Slot, now: float) -> bool:
    """Whether a request handed to the slot now would be sent soon."""
    if not slot.delay:
        return True
    # One waiting at a time: requests queued in the slot would each wait a delay that a slow-down
    # may yet raise, out of the scheduler's reach.
    return not slot.queue and slot.lastseen + lowest_wait(slot) - now <= LOOKAHEAD


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
        kept = {key: queue for key, queue in self.pqueues.items() if key in slots and not ready(slots[key], now)}
        for key in kept:
            del self.pqueues[key]
        try:
            yield
        finally:
            self.pqueues.update(kept)
