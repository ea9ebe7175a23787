"""The duplicate filter (state/seen.py): the requests seen, in far less memory than Scrapy's, and
the job's `requests.seen` shared with Scrapy's filter both ways."""

from __future__ import annotations

import random
import tracemalloc

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from harvester.state.seen import MERGE_AT, Fingerprints, SeenRequests, read_fingerprints
from tests.conftest import harvester_settings


def numbers(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(64) for _ in range(count)]


def test_every_number_added_is_found_across_merges_and_no_other():
    added = numbers(10 * MERGE_AT + 123, seed=1)
    others = set(numbers(5_000, seed=2)) - set(added)
    seen = Fingerprints()
    for count, number in enumerate(added, 1):
        assert number not in seen
        seen.add(number)
        assert number in seen
        if count in (MERGE_AT - 1, MERGE_AT, 3 * MERGE_AT + 7):  # before, at and after merges
            assert all(earlier in seen for earlier in added[:count])
    assert len(seen) == len(added)
    assert all(number in seen for number in added)
    assert not any(number in seen for number in others)
    # The extremes of the range, which a signed array would mangle.
    for number in (0, 2**64 - 1):
        assert number not in seen
        seen.add(number)
        assert number in seen


def test_a_request_seen_costs_far_less_memory_than_in_scrapys_set():
    count = 100_000
    rng = random.Random(3)
    tracemalloc.start()
    try:
        seen = Fingerprints()
        for _ in range(count):
            seen.add(rng.getrandbits(64))
        ours, _ = tracemalloc.get_traced_memory()
        del seen
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        scrapys = {rng.randbytes(20) for _ in range(count)}
        theirs = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(scrapys) == count
    assert ours / count < 24, f"{ours / count:.1f} bytes a request"
    assert theirs / count > 80  # what the set of bytes costs: the measure is sound


def crawler_filter() -> RFPDupeFilter:
    crawler = get_crawler(settings_dict=harvester_settings())
    filter_class = crawler.settings.get("DUPEFILTER_CLASS")
    assert filter_class == "harvester.state.seen.SeenRequests"  # the crawl's filter is this one
    return SeenRequests.from_crawler(crawler)


def test_a_request_is_seen_once_by_its_canonical_url():
    seen = crawler_filter()
    assert not seen.request_seen(Request("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1&page=1"))
    assert seen.request_seen(Request("https://www.mofa.go.kr/eng/brd/m_5676/view.do?page=1&seq=1"))
    assert not seen.request_seen(Request("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=2&page=1"))
    assert not seen.request_seen(Request("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1&page=1", method="POST"))


def urls(count: int) -> list[str]:
    return [f"https://www.korea.net/NewsFocus/view?articleId={number}" for number in range(count)]


def test_a_job_resumes_under_either_filter(tmp_path):
    first, second = urls(300), urls(600)[300:]
    fingerprinter = get_crawler().request_fingerprinter
    theirs = RFPDupeFilter(str(tmp_path), fingerprinter=fingerprinter)
    for url in first:
        assert not theirs.request_seen(Request(url))
    theirs.close("shutdown")

    ours = SeenRequests(str(tmp_path), fingerprinter=fingerprinter)
    assert all(ours.request_seen(Request(url)) for url in first)
    for url in second:
        assert not ours.request_seen(Request(url))
    ours.close("shutdown")

    again = RFPDupeFilter(str(tmp_path), fingerprinter=fingerprinter)
    assert all(again.request_seen(Request(url)) for url in first + second)
    assert not again.request_seen(Request("https://www.korea.net/NewsFocus/view?articleId=999"))
    again.close("shutdown")


def test_a_fingerprint_cut_short_by_a_kill_is_left_out(tmp_path):
    fingerprints = [bytes([number]) * 20 for number in range(3)]
    data = b"".join(len(fp).to_bytes(2, "big") + fp for fp in fingerprints)
    for cut in (44, 45, 46, 61):  # two whole, then half a length, a length alone, half a fingerprint
        assert list(read_fingerprints(data[:cut])) == fingerprints[:2]
    assert list(read_fingerprints(data)) == fingerprints
    assert list(read_fingerprints(b"")) == []

    (tmp_path / "requests.seen").write_bytes(data[:-5])
    resumed = SeenRequests(str(tmp_path), fingerprinter=get_crawler().request_fingerprinter)
    assert len(resumed.seen) == 2
    resumed.close("shutdown")
