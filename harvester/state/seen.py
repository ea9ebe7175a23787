"""The requests a crawl has seen (DUPEFILTER_CLASS): Scrapy's duplicate filter, in about 16 bytes
a request where Scrapy's takes about 95.

Scrapy keeps each request's fingerprint (20 bytes of SHA-1) as a bytes object in a set: the one
part of a crawl's memory that grows with every page (bench/README.md, the memory check). Here a
fingerprint is kept as its first 64 bits, as Heritrix's already-seen filters keep theirs (two of
ten million requests share them with odds of 3 in a million): the newest in a set, the others in a
sorted array, into which the set is merged once it holds an eighth as many. The job's
`requests.seen` (JOBDIR) is Scrapy's file, read and written as Scrapy does, so that a job resumes
under either filter.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinterProtocol

# The set is merged into the array at this size at least: small merges would cost more than the set.
MERGE_AT = 4096
_LENGTH_BYTES = 2  # requests.seen: each fingerprint after its length, 2 bytes big-endian


class Fingerprints:
    """A set of 64-bit numbers in about 8 bytes each (16 while the newest wait in the set)."""

    def __init__(self) -> None:
        self._sorted = array("Q")
        self._recent: set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, key: int) -> bool:
        if key in self._recent:
            return True
        at = bisect_left(self._sorted, key)
        return at < len(self._sorted) and self._sorted[at] == key

    def add(self, key: int) -> None:
        self._recent.add(key)
        if len(self._recent) >= max(MERGE_AT, len(self._sorted) // 8):
            # Merged as a stream: no list of every number, however many there are.
            self._sorted = array("Q", heapq.merge(self._sorted, sorted(self._recent)))
            self._recent = set()


def key(fingerprint: bytes) -> int:
    return int.from_bytes(fingerprint[:8], "big")


def read_fingerprints(data: bytes) -> Iterator[bytes]:
    """The fingerprints of a `requests.seen`; a last one cut short (a crawl killed as it wrote it) is
    left out."""
    at = 0
    while at + _LENGTH_BYTES <= len(data):
        end = at + _LENGTH_BYTES + int.from_bytes(data[at : at + _LENGTH_BYTES], "big")
        if end > len(data):
            return
        yield data[at + _LENGTH_BYTES : end]
        at = end


class SeenRequests(RFPDupeFilter):
    def __init__(
        self, path: str | None = None, debug: bool = False, *, fingerprinter: RequestFingerprinterProtocol | None = None
    ) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)  # the job's file is read below
        self.seen = Fingerprints()
        if path:
            self.file = Path(path, "requests.seen").open("a+b")
            self.file.seek(0)
            for fingerprint in read_fingerprints(self.file.read()):
                self.seen.add(key(fingerprint))

    def request_seen(self, request: Request) -> bool:
        fingerprint = self._fingerprint(request)
        number = key(fingerprint)
        if number in self.seen:
            return True
        self.seen.add(number)
        if self.file:
            self.file.write(len(fingerprint).to_bytes(_LENGTH_BYTES, "big") + fingerprint)
        return False
