"""The sources' schedule in the crawl state: a source is read again once its interval is over, a
sitemap that has not changed for STATE_SITEMAP_RETIRE_DAYS and led to nothing new is retired and
reported; over the replica, a second crawl fetches only the articles a sitemap dates anew."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from harvester.spiders.loader import ProfileSpiderLoader
from harvester.state.incremental import iso
from harvester.state.sources import Read, SitemapNews, SourceSchedule, changed_at
from harvester.state.store import STATE_FILE, CrawlState, PageState, SourceState
from tests.conftest import crawl, harvester_settings, running_replica
from tests.warcs import records

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
FEED = "https://www.koreaherald.com/rss/kh_National"
LIST = "https://www.koreaherald.com/National"
DAILY = "https://www.koreaherald.com/sitemap/news-2018-04-29.xml"
EVERY = {"lists": timedelta(0), "feeds": timedelta(hours=6), "sitemaps": timedelta(hours=1)}


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def schedule(tmp_path: Path, clock: Clock) -> Iterator[SourceSchedule]:
    spider_class = ProfileSpiderLoader().load("korea_herald")
    crawler = get_crawler(spider_class)
    crawler.spider = spider_class()
    middleware = SourceSchedule(crawler, CrawlState(tmp_path / STATE_FILE), EVERY, timedelta(days=180), clock)
    yield middleware
    middleware.state.close()


def source(url: str, kind: str, **meta: object) -> Request:
    return Request(url, meta={"source": kind, **meta})


def read(middleware: SourceSchedule, url: str, body: bytes = b"<urlset/>", **meta: object) -> None:
    """One read of a sitemap, as the crawl goes through it: the request, the response, the spider's word."""
    request = source(url, "sitemaps", **meta)
    middleware.process_request(request)
    middleware.process_response(request, XmlResponse(url, body=body, request=request))


# -- when a source is read
@pytest.mark.parametrize(
    ("url", "kind", "hours_ago", "due"),
    [
        (FEED, "feeds", 2, False),
        # Within the last 5% of the interval: a scheduled run that starts a little early reads it.
        (FEED, "feeds", 5.8, True),
        (FEED, "feeds", 7, True),
        # Lists of this site are read by every crawl.
        (LIST, "lists", 0.1, True),
    ],
)
def test_a_source_is_read_once_its_interval_is_over(schedule: SourceSchedule, url: str, kind: str, hours_ago: float, due: bool) -> None:
    schedule.state.put_source(SourceState(url, "korea_herald", kind, read_at=iso(NOW - timedelta(hours=hours_ago))))
    if due:
        assert schedule.process_request(source(url, kind)) is None
        assert schedule.stats.get_value("state/sources/not_due") is None
    else:
        with pytest.raises(IgnoreRequest):
            schedule.process_request(source(url, kind))
        assert schedule.stats.get_value("state/sources/not_due") == [url]
        assert schedule.stats.get_value("state/skipped/source_not_due") == 1


def test_a_source_never_read_is_read(schedule: SourceSchedule) -> None:
    assert schedule.process_request(source(FEED, "feeds")) is None


def retired(schedule: SourceSchedule, days_ago: float) -> None:
    schedule.state.put_source(SourceState(DAILY, "korea_herald", "sitemaps", iso(NOW - timedelta(days=days_ago)),
                                          changed_at="2018-04-29T09:10:00Z", retired_at=iso(NOW - timedelta(days=days_ago))))


def test_a_retired_sitemap_is_not_read_unless_its_index_dates_it_anew(schedule: SourceSchedule) -> None:
    retired(schedule, days_ago=2)
    with pytest.raises(IgnoreRequest):
        schedule.process_request(source(DAILY, "sitemaps", lastmod="2018-04-29T09:10:00+00:00"))
    assert schedule.stats.get_value("state/skipped/retired_sitemap") == 1
    assert schedule.process_request(source(DAILY, "sitemaps", lastmod="2026-05-31T00:00:00+00:00")) is None


def test_a_sitemap_retired_a_retirement_long_ago_is_read_again_once(schedule: SourceSchedule) -> None:
    """A sitemap no index names (the profile's, robots.txt's) is seen again should it revive."""
    retired(schedule, days_ago=181)
    assert schedule.process_request(source(DAILY, "sitemaps")) is None


def test_with_retirement_off_retired_sitemaps_are_read(schedule: SourceSchedule) -> None:
    retired(schedule, days_ago=2)
    schedule.retire_after = None
    assert schedule.process_request(source(DAILY, "sitemaps")) is None


# -- retiring dead sitemaps
def settle(schedule: SourceSchedule, reason: str = "finished") -> SourceState | None:
    schedule.spider_closed(schedule.crawler.spider, reason)
    state = CrawlState(schedule.state.path)
    try:
        return state.get_source(DAILY)
    finally:
        state.close()


OLD = datetime(2018, 4, 29, 9, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("kind", "newest", "led_to_new", "reason", "retired"),
    [
        ("urlset", OLD, False, "finished", True),
        # It led to an article that was new or due: it is alive.
        ("urlset", OLD, True, "finished", False),
        # Changed less than STATE_SITEMAP_RETIRE_DAYS ago.
        ("urlset", NOW - timedelta(days=30), False, "finished", False),
        # Indexes are where new sitemaps appear: never retired.
        ("sitemapindex", OLD, False, "finished", False),
    ],
)
def test_a_dead_sitemap_is_retired_and_reported(
    schedule: SourceSchedule, kind: str, newest: datetime, led_to_new: bool, reason: str, retired: bool
) -> None:
    read(schedule, DAILY)
    schedule.sitemap_read(url=DAILY, kind=kind, newest=newest)
    if led_to_new:
        news = SitemapNews(schedule.crawler, schedule.state, schedule.clock)
        news.look(Request("https://www.koreaherald.com/view.php?ud=20180429000160", meta={"listed_by": DAILY}))
    state = settle(schedule, reason)
    assert state is not None
    assert (state.read_at, state.changed_at, state.kind) == (iso(NOW), iso(newest), "sitemaps")
    assert (state.retired_at == iso(NOW)) is retired
    assert schedule.stats.get_value("state/sources/retired") == ([DAILY] if retired else None)


def test_a_crawl_stopped_before_its_end_leaves_the_schedule_as_it_was(schedule: SourceSchedule) -> None:
    read(schedule, DAILY)
    schedule.sitemap_read(url=DAILY, kind="urlset", newest=OLD)
    assert settle(schedule, "shutdown") is None


def test_a_crawl_with_since_retires_nothing(tmp_path: Path) -> None:
    """It skipped the older entries: it cannot tell a dead sitemap."""
    settings = {name: value for name, value in harvester_settings().items() if name.startswith("STATE_")}
    spider_class = ProfileSpiderLoader().load("korea_herald")
    crawler = get_crawler(spider_class, {**settings, "STATE_DIR": str(tmp_path), "PROFILE_SINCE": "2025-01-01"})
    crawler.spider = spider_class()
    middleware = SourceSchedule.from_crawler(crawler)
    read(middleware, DAILY)
    middleware.sitemap_read(url=DAILY, kind="urlset", newest=OLD)
    assert settle(middleware).retired_at is None


ARTICLE = "https://www.koreaherald.com/article/1"


@pytest.mark.parametrize(
    ("page", "listed_at", "news"),
    [
        (None, None, True),
        # Fetched, but not to the end (a bot wall): it will be fetched again.
        (PageState(ARTICLE, "korea_herald", iso(NOW), 200, outcome="no_document/bot_wall"), None, True),
        (PageState(ARTICLE, "korea_herald", iso(NOW), 200, outcome="document"), None, False),
        (PageState(ARTICLE, "korea_herald", iso(NOW), 200, outcome="document"), "2026-05-01T00:00:00+00:00", False),
        (PageState(ARTICLE, "korea_herald", iso(NOW), 200, outcome="document"), "2026-06-02T00:00:00+00:00", True),
    ],
    ids=["unknown", "unsettled", "known", "dated_before", "dated_after"],
)
def test_a_sitemap_lists_something_new(schedule: SourceSchedule, clock: Clock, page: PageState | None, listed_at: str | None, news: bool) -> None:
    if page is not None:
        schedule.state.put(page)
    middleware = SitemapNews(schedule.crawler, schedule.state, clock)
    requests = [Request(ARTICLE, meta={"listed_by": DAILY, "listed_at": listed_at}), Request(f"{ARTICLE}0")]
    passed = list(middleware.process_spider_output(None, requests))
    assert [(r.url, r.meta) for r in passed] == [(r.url, r.meta) for r in requests]  # passed on, whatever they are
    # Only a known article dated after its last fetch passes the duplicate filter.
    assert [r.dont_filter for r in passed] == [page is not None and news and page.settled, False]
    state = schedule.state.get_source(DAILY)
    assert (state.yielded_at if state else None) == (iso(NOW) if news else None)


def test_a_known_article_dated_anew_is_fetched_whichever_source_comes_first(schedule: SourceSchedule, clock: Clock) -> None:
    """The news sitemap lists it with its old date, its daily sitemap with a new one; then a feed."""
    schedule.state.put(PageState(ARTICLE, "korea_herald", iso(NOW), 200, outcome="document"))
    middleware = SitemapNews(schedule.crawler, schedule.state, clock)
    old = Request(ARTICLE, meta={"listed_by": f"{HERALD}/sitemap/news.xml", "listed_at": "2026-05-01T00:00:00+00:00"})
    new = Request(ARTICLE, meta={"listed_by": DAILY, "listed_at": "2026-06-02T00:00:00+00:00"})
    again = Request(ARTICLE, meta={"listed_at": "2026-06-03T00:00:00+00:00"})
    for first, second in ((old, new), (new, old)):
        middleware.dated_anew.clear()
        passed = [middleware.look(request) for request in (first, second, again)]
        # The dated request passes the filter wherever it comes; one request passes, not two.
        assert [r.dont_filter for r in passed] == [r is new for r in (first, second)] + [False]


def test_a_sitemap_is_marked_once_per_crawl(schedule: SourceSchedule, clock: Clock) -> None:
    middleware = SitemapNews(schedule.crawler, schedule.state, clock)
    for minutes in (0, 1):
        clock.now = NOW + timedelta(minutes=minutes)
        middleware.look(Request(f"{ARTICLE}{minutes}", meta={"listed_by": DAILY}))
    state = schedule.state.get_source(DAILY)
    assert state is not None and state.yielded_at == iso(NOW)


@pytest.mark.parametrize(
    ("known", "dated", "digest", "expected"),
    [
        # First read, no date given: it counts as changed now.
        (None, [], "sha256:a", NOW),
        # First read: the dates it gives.
        (None, [OLD, OLD - timedelta(days=1)], "sha256:a", OLD),
        # The same bytes as before: the change known, or a later date given.
        (SourceState(DAILY, "s", "sitemaps", digest="sha256:a", changed_at="2019-01-01T00:00:00Z"), [OLD], "sha256:a",
         datetime(2019, 1, 1, tzinfo=timezone.utc)),
        # Other bytes: changed now.
        (SourceState(DAILY, "s", "sitemaps", digest="sha256:a", changed_at="2019-01-01T00:00:00Z"), [OLD], "sha256:b", NOW),
    ],
)
def test_changed_at(known: SourceState | None, dated: list[datetime], digest: str, expected: datetime) -> None:
    assert changed_at(known, Read("sitemaps", NOW, digest, dated)) == expected


# -- over the replica
SITEMAPS = ["PROFILE_SOURCES=sitemaps,feeds", "STATE_SITEMAPS_EVERY=0"]
HERALD = "https://www.koreaherald.com"
CHANGED = f"{HERALD}/sitemap/news-2025-04-23.xml"


def report(out: Path) -> dict:
    return json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"]["korea_herald"]


def requested(out: Path, before: set[str]) -> set[str]:
    return {r.url for r in records(out / "warc") if r.type == "request" and r.file not in before}


@pytest.fixture(scope="module")
def herald(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], list[set[str]]]:
    """Korea Herald from its sitemaps and feeds three times; before the second crawl, one article's
    lastmod in its daily sitemap moves past the first crawl. A replica of its own (a page changes)."""
    out = tmp_path_factory.mktemp("herald")
    reports, requests = [], []
    with running_replica() as proxy:
        for run in range(3):
            if run == 1:
                # Past every fetch of the first crawl, though written to the second: it may have
                # fetched that article within the second that is now.
                newer = (datetime.now(timezone(timedelta(hours=9))) + timedelta(seconds=1)).isoformat(timespec="seconds")
                order = {"url": CHANGED, "action": "change", "old": "<lastmod>2025-04-23T16:02:00+09:00</lastmod>",
                         "new": f"<lastmod>{newer}</lastmod>"}
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
                admin = urllib.request.Request("http://www.koreaherald.com/__replica__/page", json.dumps(order).encode(), method="POST")
                with opener.open(admin) as answer:
                    assert answer.status == 200
            before = {path.name for path in (out / "warc").glob("*.warc.gz")} if run else set()
            crawl(out, "korea_herald", proxy=proxy, settings=SITEMAPS)
            reports.append(report(out))
            requests.append(requested(out, before))
    return out, reports, requests


def test_a_second_crawl_fetches_only_the_article_its_sitemap_dates_anew(herald: tuple[Path, list[dict], list[set[str]]]) -> None:
    _, reports, requests = herald
    assert reports[0]["documents"]["new"] == 7
    articles = {url for url in requests[1] if "/article/" in url or "view.php" in url}
    assert articles == {f"{HERALD}/article/10472312"}
    assert reports[1]["documents"] == {"new": 0, "changed": 0, "unchanged": 1}
    # The six others are known and not due. The news sitemap lists the changed article too, with its
    # old date: when it is read before the daily sitemap, that request is decided (and skipped as
    # known) before the daily sitemap's dated one, which is fetched all the same.
    assert reports[1]["skipped"]["known"] in (6, 7)


def test_a_source_not_due_is_not_read_and_the_report_says_so(herald: tuple[Path, list[dict], list[set[str]]]) -> None:
    _, reports, requests = herald
    feeds = [f"{HERALD}/rss/kh_National", f"{HERALD}/common/rss_xml.php?ct=102"]
    # The profile reads feeds every hour; the sitemaps' interval is set to 0 for these crawls.
    assert sorted(reports[1]["sources"]["not_due"]) == sorted(feeds)
    assert not set(feeds) & requests[1]
    assert f"{HERALD}/sitemap_index.xml" in requests[1]


def test_dead_sitemaps_are_retired_reported_and_not_read_again(herald: tuple[Path, list[dict], list[set[str]]]) -> None:
    out, reports, requests = herald
    days = ("2025-05-02", "2024-03-15", "2024-01-26", "2023-07-21", "2020-08-26", "2018-04-29")
    dead = {f"{HERALD}/sitemap/news-{day}.xml" for day in days}
    assert reports[0]["sources"]["retired"] == []
    # The changed one led to an article, the rolling one changes all the time, the index is kept.
    assert set(reports[1]["sources"]["retired"]) == dead
    assert reports[2]["skipped"]["retired_sitemap"] == len(dead)
    assert not dead & requests[2]
    assert {CHANGED, f"{HERALD}/sitemap/news.xml", f"{HERALD}/sitemap_index.xml"} <= requests[2]
    state = CrawlState(out / "state" / STATE_FILE)
    try:
        assert all(state.get_source(url).retired_at for url in dead)
        assert state.get_source(CHANGED).retired_at is None
    finally:
        state.close()
