"""The crawl state in Redis: page and source states written by one worker are read whole by another."""

from __future__ import annotations

import redis

from harvester.distributed.state import RedisCrawlState
from harvester.state.store import PageState, SourceState

PAGE = PageState(
    url="https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319529",
    site="mofa_en",
    fetched_at="2026-11-01T00:00:00Z",
    status=200,
    etag='"abc"',
    payload_digest="sha256:00ff",
    text_sha256="11ee",
    doc_id="bd391c4b04ae32a7",
    outcome="document",
    warc_record_id="<urn:uuid:x>",
    warc_date="2026-11-01T00:00:00.123456Z",
)


def test_a_state_written_by_one_worker_is_read_by_another(redis_url: str) -> None:
    one = RedisCrawlState(redis.Redis.from_url(redis_url), "test")
    two = RedisCrawlState(redis.Redis.from_url(redis_url), "test")
    assert two.get(PAGE.url) is None and len(two) == 0
    one.put(PAGE)
    assert two.get(PAGE.url) == PAGE and two.get(PAGE.url).settled
    failed = PageState(url="https://www.mofa.go.kr/x", site="mofa_en", error="timeout", error_at="2026-11-01T00:00:01Z")
    two.put(failed)
    assert one.get(failed.url) == failed and not failed.settled
    assert len(one) == 2
    one.close()
    two.close()


def test_a_source_state_written_by_one_worker_is_read_by_another(redis_url: str) -> None:
    one = RedisCrawlState(redis.Redis.from_url(redis_url), "test")
    two = RedisCrawlState(redis.Redis.from_url(redis_url), "test")
    url = "https://www.koreaherald.com/sitemap/news-2018-04-29.xml"
    source = SourceState(url, "korea_herald", "sitemaps", "2026-11-01T00:00:00Z", "sha256:00", "2018-04-29T09:10:00Z",
                         "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z")
    assert two.get_source(url) is None
    one.put_source(source)
    assert two.get_source(url) == source
    # Sources and pages are kept apart: a source is no page.
    assert two.get(url) is None and len(two) == 0
    one.close()
    two.close()
