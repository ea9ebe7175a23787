"""The shared frontier in a real Redis: leases taken and released, a gone worker's leases back in the
queue (a live one's left alone), seeding once, and the end of the run only when no work is left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from scrapy import Request

from harvester.distributed.frontier import Frontier
from harvester.profiles import get_profile
from harvester.spiders.profile import ProfileSpider

LIST = "https://www.mofa.go.kr/eng/brd/m_5676/list.do"


@pytest.fixture
def server(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def spider() -> ProfileSpider:
    return ProfileSpider.for_profile(get_profile("mofa_en"))()


def frontier(server: redis.Redis, spider: ProfileSpider, worker: str, timeout: float = 30) -> Frontier:
    found = Frontier(server, "test", spider, worker, timeout)
    found.join()
    return found


def article(spider: ProfileSpider, seq: int, priority: int = 0) -> Request:
    return spider.request(f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={seq}", spider.parse_article, priority=priority)


def test_a_request_goes_through_redis_whole(server: redis.Redis, spider: ProfileSpider) -> None:
    one = frontier(server, spider, "one")
    one.seed([spider.request(LIST, spider.parse_list, cb_kwargs={"page": 1}, meta={"article": False})])
    field, request = one.lease()
    assert (request.url, request.callback, request.errback) == (LIST, spider.parse_list, spider.failed)
    assert request.cb_kwargs == {"page": 1} and request.meta["article"] is False
    assert field.startswith("0:")


def test_leases_are_taken_by_priority_and_held_until_released(server: redis.Redis, spider: ProfileSpider) -> None:
    one, two = frontier(server, spider, "one"), frontier(server, spider, "two")
    one.seed([article(spider, 1), article(spider, 2, priority=5)])
    field, first = one.lease()
    assert first.url.endswith("seq=2")
    _, second = two.lease()
    assert second.url.endswith("seq=1")
    assert one.lease() is None and two.lease() is None
    assert (one.held(), two.held()) == (1, 1)
    one.release([field])
    assert one.held() == 0


def test_a_gone_workers_leases_go_back_into_the_queue(server: redis.Redis, spider: ProfileSpider) -> None:
    survivor = frontier(server, spider, "survivor")
    gone = frontier(server, spider, "gone")
    survivor.seed([article(spider, 1, priority=3), article(spider, 2)])
    gone.lease()
    gone.lease()
    assert survivor.reap() == {}, "a worker whose heartbeat is there keeps its leases"
    server.delete("test:worker:gone")  # its heartbeat expired
    assert survivor.reap() == {"gone": 2}
    assert server.smembers(survivor.workers_key) == {b"survivor"}
    # Back with their priorities.
    assert [survivor.lease()[1].url[-1] for _ in range(2)] == ["1", "2"]


def test_a_heartbeat_expires(server: redis.Redis, spider: ProfileSpider) -> None:
    frontier(server, spider, "brief", timeout=0.2)
    assert server.pttl("test:worker:brief") in range(1, 201)


def test_the_run_ends_only_when_queue_and_leases_are_empty(server: redis.Redis, spider: ProfileSpider) -> None:
    one, two = frontier(server, spider, "one"), frontier(server, spider, "two")
    assert one.finish_if_done() is None, "no run yet"
    assert one.claim() and not two.claim()
    assert two.finish_if_done() == "seeding"
    one.seed([article(spider, 1)])
    assert one.finish_if_done() == "busy"
    field, _ = two.lease()
    assert one.finish_if_done() == "busy", "worker two holds a request"
    two.release([field])
    assert one.finish_if_done() == "finished"
    assert two.finish_if_done() == "finished"
    assert not server.exists(one.queue_key, one.seen_key)
    assert not one.claim(), "a finished run is kept a while: a late worker starts no new run"


def test_a_seeding_claim_expires_with_its_worker(server: redis.Redis, spider: ProfileSpider) -> None:
    one = frontier(server, spider, "one", timeout=0.2)
    assert one.claim()
    assert 0 < server.pttl(one.status_key) <= 200


def test_seeding_fills_the_duplicate_filter(server: redis.Redis, spider: ProfileSpider) -> None:
    one = frontier(server, spider, "one")
    one.start_requests = [article(spider, 1), article(spider, 2)]
    assert one.seed_if_unclaimed()
    assert not one.seed_if_unclaimed()
    assert server.scard(one.seen_key) == 2 and server.zcard(one.queue_key) == 2
    assert one.status() == "running"


def test_leaving_gives_back_what_is_held(server: redis.Redis, spider: ProfileSpider) -> None:
    one = frontier(server, spider, "one")
    one.seed([article(spider, 1)])
    one.lease()
    assert one.leave() == 1
    assert server.zcard(one.queue_key) == 1 and not server.exists("test:worker:one")
