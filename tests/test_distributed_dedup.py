"""The payload digest index in Redis: the SQLite index's rules, shared by every worker of a crawl."""

from __future__ import annotations

import redis

from harvester.capture.dedup import Capture
from harvester.distributed.dedup import RedisDedupIndex

FIRST = Capture("http://example.com/a", "2026-11-01T00:00:00.000000Z", "<urn:uuid:a>", "harvester-w1-1.warc.gz")
SAME = Capture("http://example.com/b", "2026-11-01T00:00:01.000000Z", "<urn:uuid:b>", "harvester-w2-1.warc.gz")


def index(redis_url: str) -> RedisDedupIndex:
    return RedisDedupIndex(redis.Redis.from_url(redis_url), "test")


def test_pending_entries_reach_the_other_workers_only_once_committed(redis_url: str) -> None:
    one, two = index(redis_url), index(redis_url)
    one.add("sha1:AAA", "response", FIRST)
    assert one.lookup("sha1:AAA", "response", "http://example.com/other") == FIRST
    assert two.lookup("sha1:AAA", "response", FIRST.uri) is None, "not committed: its WARC may not be synced"
    one.commit()
    assert two.lookup("sha1:AAA", "response", "http://example.com/other") == FIRST
    one.close()
    two.close()


def test_the_same_uri_is_preferred_and_the_first_capture_stands_for_the_others(redis_url: str) -> None:
    one, two = index(redis_url), index(redis_url)
    one.add("sha1:AAA", "response", FIRST)
    one.commit()
    two.add("sha1:AAA", "response", SAME)
    two.commit()
    assert one.lookup("sha1:AAA", "response", SAME.uri) == SAME
    assert one.lookup("sha1:AAA", "response", "http://example.com/c") == FIRST
    assert one.lookup("sha1:AAA", "response", "http://example.com/c", any_uri=False) is None
    assert one.lookup("sha1:AAA", "conversion", SAME.uri) is None
    one.close()
    two.close()
