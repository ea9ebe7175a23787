"""Group commit: documents are done only once their group is durable; a group ends at a count or
after an interval; an unchanged document waits for nothing; a failed flush fails its group."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest

from harvester.capture.records import WarcRef
from harvester.corpus.manifest import Entry
from harvester.corpus.store import DocumentStore, Stored
from harvester.corpus.writer import GroupWriter

WAIT = 10  # seconds any future is given


def entry(doc_id: str) -> Entry:
    url = f"https://x/{doc_id}"
    return Entry(0, doc_id, f"000_{doc_id}.txt", url, url, url, "s", "news", "t", None, None, [], "ko", "2026-01-01T00:00:00Z",
                 "0" * 64, WarcRef("w.warc.gz", 0, 1, "<urn:uuid:1>"))


class Store(DocumentStore):
    """Records what it is asked; `unchanged` ids change nothing; `sync` may be made to fail or wait."""

    def __init__(self, unchanged: set[str] = frozenset()) -> None:
        self.calls: list[str] = []
        self.unchanged = unchanged
        self.fail: Exception | None = None
        self.release = threading.Event()
        self.release.set()

    def store(self, doc_id: str, text: bytes, fields: dict[str, Any], seq: int | None = None, refresh: bool = False) -> Stored:
        self.calls.append(doc_id)
        return Stored(entry(doc_id), "unchanged" if doc_id in self.unchanged else "new")

    def sync(self) -> None:
        self.release.wait(WAIT)
        self.calls.append("sync")
        if self.fail is not None:
            raise self.fail


def test_a_group_is_done_together_once_synced_at_its_count() -> None:
    store = Store()
    store.release.clear()  # the flush waits: the documents are stored but not yet durable
    writer = GroupWriter(store, every=3, interval=60)
    futures = [writer.store_document(name, b"text", {}) for name in ("a", "b", "c")]
    later = writer.store_document("d", b"text", {})
    assert not any(future.done() for future in futures)
    store.release.set()
    assert [future.result(WAIT).entry.id for future in futures] == ["a", "b", "c"]
    writer.close()  # the last group is flushed on close
    assert later.result(0).outcome == "new"
    assert store.calls == ["a", "b", "c", "sync", "d", "sync"]
    assert writer.groups == 2


def test_a_group_ends_after_its_interval() -> None:
    store = Store()
    writer = GroupWriter(store, every=1000, interval=0.05)
    assert writer.store_document("a", b"text", {}).result(WAIT).entry.id == "a"
    assert store.calls == ["a", "sync"]
    writer.close()
    assert store.calls == ["a", "sync"]  # nothing left to flush


def test_an_unchanged_document_waits_for_no_flush() -> None:
    store = Store(unchanged={"u"})
    store.release.clear()
    writer = GroupWriter(store, every=1000, interval=60)
    assert writer.store_document("u", b"text", {}).result(WAIT).outcome == "unchanged"
    assert "sync" not in store.calls
    store.release.set()
    writer.close()


def test_a_failed_flush_fails_every_document_of_its_group() -> None:
    store = Store()
    store.fail = OSError(28, "No space left on device")
    writer = GroupWriter(store, every=2, interval=60)
    futures: list[Future[Stored]] = [writer.store_document(name, b"text", {}) for name in ("a", "b")]
    for future in futures:
        with pytest.raises(OSError, match="No space"):
            future.result(WAIT)
    writer.close()


def test_a_failed_store_fails_its_document_only() -> None:
    class Failing(Store):
        def store(self, doc_id: str, *args: Any, **kwargs: Any) -> Stored:
            if doc_id == "bad":
                raise ValueError("damaged")
            return super().store(doc_id, *args, **kwargs)

    store = Failing()
    writer = GroupWriter(store, every=2, interval=60)
    bad, good = writer.store_document("bad", b"", {}), writer.store_document("a", b"text", {})
    with pytest.raises(ValueError, match="damaged"):
        bad.result(WAIT)
    writer.close()
    assert good.result(0).entry.id == "a"


def test_a_document_handed_to_an_idle_writer_is_never_left_waiting() -> None:
    # Each document finds the thread going idle after the last group's flush (or just idle): the
    # hand-over must wake it whichever way the two meet, or the document would wait forever.
    store = Store()
    writer = GroupWriter(store, every=1000, interval=0.0)
    for number in range(300):
        assert writer.store_document(f"d{number}", b"text", {}).result(WAIT).outcome == "new"
    writer.close()
    assert store.calls.count("sync") == 300
