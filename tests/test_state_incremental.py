"""Incremental crawls: a second crawl fetches no known article again; asked to, it fetches them
conditionally, a 304 leaves the document be, a changed text becomes version 2 with version 1 kept;
a failed article is fetched again by the next crawl (on one machine or with Redis: the crawl state
keeps it unsettled, and the duplicate filter does not outlive a finished crawl: its JOBDIR is removed,
and a distributed run's `seen` set goes with the run, test_distributed_frontier); `--since` and
`--max-pages` stop the paging."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.corpus.ids import document_id
from harvester.corpus.store import Corpus
from harvester.replica.sites.faults import load
from harvester.replica.sites.mofa import MofaSite
from harvester.distributed.state import RedisCrawlState
from harvester.spiders.loader import ProfileSpiderLoader
from harvester.state.incremental import IncrementalMiddleware, iso
from harvester.state.store import STATE_FILE, CrawlState, PageState, StateStore
from tests.conftest import crawl, harvester_settings, running_replica
from tests.corpora import check_corpus, lines, warcio_check
from tests.warcs import Record, records

FAULTS = ["DOWNLOAD_TIMEOUT=2", "FETCH_RETRY_BACKOFF=0.1"]
REVISED = "https://news.faults.test/news/view.php?idx=2019"


def new_records(out: Path, before: set[str]) -> list[Record]:
    """The records of the WARC files written after `before` (the file names of an earlier crawl)."""
    return [record for record in records(out / "warc") if record.file not in before]


def headers(record: Record) -> dict[str, str]:
    return {name.lower(): value for name, value in record.http_headers}


def report(out: Path) -> dict:
    return json.loads((out / "crawl-report.json").read_text("utf-8"))["sites"]


# -- a second crawl of an unchanged site
@pytest.fixture(scope="module")
def mofa_twice(replica: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, set[str]]:
    out = tmp_path_factory.mktemp("mofa_twice")
    runs = [crawl(out, "mofa_en", proxy=replica)]
    first = (out / "corpus/manifest.jsonl").read_bytes()
    files = {path.name for path in (out / "warc").glob("*.warc.gz")}
    runs.append(crawl(out, "mofa_en", proxy=replica))
    # Clean runs log no error, and leave no job behind.
    for run in runs:
        assert " ERROR: " not in run.stderr, run.stderr[-3000:]
    assert not (out / "state/jobs/mofa_en").exists()
    return out, first, files


def test_second_crawl_fetches_no_article_again(mofa_twice: tuple[Path, bytes, set[str]]) -> None:
    out, _, before = mofa_twice
    fetched = {record.url for record in new_records(out, before) if record.type == "request"}
    assert fetched, "the second crawl fetched nothing at all"
    assert not [url for url in fetched if "view.do" in url]
    # The list pages and the feed are read again.
    assert "https://www.mofa.go.kr/eng/brd/m_5676/list.do" in fetched
    assert "https://www.mofa.go.kr/www/brd/rss.do?brdId=302" in fetched


def test_second_crawl_leaves_the_corpus_as_it_was(mofa_twice: tuple[Path, bytes, set[str]]) -> None:
    out, first, _ = mofa_twice
    assert (out / "corpus/manifest.jsonl").read_bytes() == first
    check_corpus(out / "corpus")
    section = report(out)["mofa_en"]
    articles = len(MofaSite().boards["m_5676"].articles)
    assert section["skipped"] == {"known": articles}
    assert section["documents"] == {"new": 0, "changed": 0, "unchanged": 0}


# -- conditional refetch, 304 and versions
@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], set[str]]:
    """The fault site's first list page crawled, its article 2019 rewritten, crawled again with
    --refresh-after 0. A replica of its own: the rewrite must not reach other tests."""
    out = tmp_path_factory.mktemp("revised")
    with running_replica() as proxy:
        crawl(out, "faults", proxy=proxy, settings=FAULTS, options=["--max-pages", "1"])
        first = lines(out / "corpus/manifest.jsonl")
        files = {path.name for path in (out / "warc").glob("*.warc.gz")}
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
        with opener.open(urllib.request.Request("http://news.faults.test/__replica__/revise?idx=2019", method="POST")) as answer:
            assert answer.read() == b"1\n"
        crawl(out, "faults", proxy=proxy, settings=FAULTS, options=["--max-pages", "1", "--refresh-after", "0"])
    return out, first, files


def test_changed_text_becomes_version_2_and_version_1_is_kept(revised: tuple[Path, list[dict], set[str]]) -> None:
    out, first, _ = revised
    folder = out / "corpus"
    manifest = {row["canonical_url"]: row for row in check_corpus(folder)}
    old = next(row for row in first if row["canonical_url"] == REVISED)
    new = manifest[REVISED]
    article = load()[1][2019]
    assert (new["seq"], new["id"], new["file"]) == (old["seq"], old["id"], old["file"]) == (
        old["seq"], document_id(REVISED), f"{old['seq']:03d}_{document_id(REVISED)}.txt"
    )
    assert (old["version"], old["previous_sha256"]) == (1, None)
    assert (new["version"], new["previous_sha256"]) == (2, old["sha256"])
    assert (folder / new["file"]).read_text("utf-8") == article.title + "\n\n" + "\n\n".join(article.revisions[0])
    kept = folder / new["file"].replace(".txt", ".v1.txt")
    assert kept.read_text("utf-8") == article.title + "\n\n" + "\n\n".join(article.paragraphs)
    (version,) = lines(folder / "versions.jsonl")
    assert version == {**old, "file": kept.name}
    # One line per document in the manifest, in sequence order, the same documents as before.
    assert sorted(manifest) == sorted(row["canonical_url"] for row in first)


def test_known_articles_are_fetched_conditionally_and_304_is_kept(revised: tuple[Path, list[dict], set[str]]) -> None:
    out, first, before = revised
    earlier_records = {
        r.url: r for r in records(out / "warc") if r.file in before and r.type == "response" and r.http_status == 200
    }
    earlier = {url: headers(r) for url, r in earlier_records.items()}
    again = new_records(out, before)
    requests = {r.url: headers(r) for r in again if r.type == "request" and "view.php" in (r.url or "")}
    answers = {r.url: r for r in again if r.type in ("response", "revisit") and "view.php" in (r.url or "")}
    documented = {row["canonical_url"] for row in first}
    assert set(requests) == documented
    for url, sent in requests.items():
        assert sent["if-none-match"] == earlier[url]["etag"], url
        assert sent["if-modified-since"] == earlier[url]["last-modified"], url
        answer = answers[url]
        if url == REVISED:
            assert (answer.type, answer.http_status) == ("response", 200)
            continue
        # A 304 is a revisit record of profile server-not-modified, naming the capture it confirms.
        assert (answer.type, answer.http_status) == ("revisit", 304), url
        assert answer.headers["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        assert answer.headers["WARC-Refers-To"] == earlier_records[url].headers["WARC-Record-ID"]
        assert answer.headers["WARC-Refers-To-Date"] == earlier_records[url].headers["WARC-Date"]
        assert answer.headers["WARC-Refers-To-Target-URI"] == url
        assert "WARC-Payload-Digest" not in answer.headers
    section = report(out)["faults"]
    assert section["documents"] == {"new": 0, "changed": 1, "unchanged": len(documented) - 1}
    warcio_check(out / "warc")


def test_state_records_each_fetch(revised: tuple[Path, list[dict], set[str]]) -> None:
    out, _, _ = revised
    state = CrawlState(out / "state" / STATE_FILE)
    try:
        unchanged = state.get("https://news.faults.test/news/view.php?idx=1001")
        changed = state.get(REVISED)
    finally:
        state.close()
    assert unchanged is not None and changed is not None
    assert (unchanged.status, unchanged.outcome, changed.status, changed.outcome) == (304, "document", 200, "document")
    text = (out / "corpus" / next(r["file"] for r in lines(out / "corpus/manifest.jsonl") if r["canonical_url"] == REVISED)).read_bytes()
    assert changed.text_sha256 == hashlib.sha256(text).hexdigest()
    assert changed.etag and changed.last_modified
    # The response record of the last 200, named as a revisit record refers to it.
    (record,) = [r for r in records(out / "warc") if r.url == REVISED and r.type == "response" and r.http_status == 200][-1:]
    assert changed.payload_digest == record.headers["WARC-Payload-Digest"]
    assert (changed.warc_record_id, changed.warc_date) == (record.headers["WARC-Record-ID"], record.headers["WARC-Date"])


# -- the decision, one request at a time
@pytest.fixture
def middleware(tmp_path: Path) -> Iterator[IncrementalMiddleware]:
    settings = {"STATE_ENABLED": True, "STATE_DIR": str(tmp_path), "STATE_REFRESH_AFTER": 7, "CORPUS_ENABLED": False}
    crawler = get_crawler(settings_dict={**settings, "STATE_STORE_CLASS": harvester_settings()["STATE_STORE_CLASS"]})
    middleware = IncrementalMiddleware.from_crawler(crawler)
    yield middleware
    middleware.state.close()


def known(middleware: IncrementalMiddleware, url: str, days_ago: float, outcome: str = "document") -> None:
    fetched = iso(datetime.now(timezone.utc) - timedelta(days=days_ago))
    middleware.state.put(PageState(url, "faults", fetched, 200, '"e1"', "Mon, 02 Dec 2024 00:00:00 GMT", outcome=outcome, warc_record_id="<urn:uuid:1>", warc_date=fetched))


def article(url: str, listed_at: str | None = None) -> Request:
    return Request(url, meta={"article": True, "listed_at": listed_at})


def test_a_known_fresh_article_is_skipped(middleware: IncrementalMiddleware) -> None:
    known(middleware, "https://a.test/1", days_ago=1)
    skipped: list[tuple[str, str]] = []
    middleware.crawler.signals.connect(
        lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False
    )
    with pytest.raises(IgnoreRequest):
        middleware.process_request(article("https://a.test/1", listed_at="2020-01-01T00:00:00+00:00"))
    assert middleware.stats.get_value("state/skipped/known") == 1
    assert skipped == [("https://a.test/1", "known")]


@pytest.mark.parametrize(
    ("days_ago", "listed_days_ago", "reason"),
    [(8, None, "refresh_after"), (1, 0.5, "listed_changed")],
)
def test_a_due_article_is_fetched_conditionally(middleware: IncrementalMiddleware, days_ago: float, listed_days_ago: float | None, reason: str) -> None:
    known(middleware, "https://a.test/2", days_ago=days_ago)
    listed = (datetime.now(timezone.utc) - timedelta(days=listed_days_ago)).isoformat() if listed_days_ago else None
    request = article("https://a.test/2", listed)
    assert middleware.process_request(request) is None
    assert request.headers["If-None-Match"] == b'"e1"'
    assert request.headers["If-Modified-Since"] == b"Mon, 02 Dec 2024 00:00:00 GMT"
    assert request.meta["revisit_of"]["record_id"] == "<urn:uuid:1>"
    assert middleware.stats.get_value(f"state/refetched/{reason}") == 1


def test_an_article_missing_from_the_corpus_is_fetched_anew(tmp_path: Path) -> None:
    crawler = get_crawler()
    corpus = Corpus(tmp_path / "corpus")
    middleware = IncrementalMiddleware(crawler, CrawlState(tmp_path / STATE_FILE), None, documents=corpus)
    try:
        fetched = iso(datetime.now(timezone.utc))
        middleware.state.put(PageState("https://a.test/5", "faults", fetched, 200, '"e1"', outcome="document", doc_id="f" * 16))
        request = article("https://a.test/5")
        assert middleware.process_request(request) is None
        assert b"If-None-Match" not in request.headers
        assert middleware.stats.get_value("state/refetched/not_in_corpus") == 1
    finally:
        middleware.state.close()
        corpus.close()


def test_a_bot_wall_is_tried_again_unconditionally(middleware: IncrementalMiddleware) -> None:
    known(middleware, "https://a.test/3", days_ago=1, outcome="no_document/bot_wall")
    request = article("https://a.test/3")
    assert middleware.process_request(request) is None
    assert b"If-None-Match" not in request.headers


# -- a failed article is tried again by the next crawl
@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """The crawl state of one machine, or of a distributed crawl."""
    if request.param == "sqlite":
        state: StateStore = CrawlState(tmp_path / STATE_FILE)
    else:
        state = RedisCrawlState(redis.Redis.from_url(request.getfixturevalue("redis_url")), "test")
    yield state
    state.close()


def crawl_of(state: StateStore, refresh_days: float | None = None) -> IncrementalMiddleware:
    """The incremental middleware of one crawl over this state."""
    crawler = get_crawler(ProfileSpiderLoader().load("faults"))
    crawler.spider = crawler.spidercls()
    return IncrementalMiddleware(crawler, state, timedelta(days=refresh_days) if refresh_days is not None else None)


def fail(middleware: IncrementalMiddleware, url: str, how: str) -> None:
    request = article(url)
    middleware.process_request(request)
    if how == "http_500":
        middleware.process_response(request, HtmlResponse(url, status=500, request=request))
    else:
        middleware.process_exception(request, TimeoutError("stalled"))


@pytest.mark.parametrize("how", ["http_500", "timeout"])
def test_a_failed_new_article_is_fetched_again_by_the_next_crawl(store: StateStore, how: str) -> None:
    url = "https://news.faults.test/news/view.php?idx=2005"
    fail(crawl_of(store), url, how)
    page = store.get(url)
    assert page is not None and page.error and page.fetched_at is None and not page.settled
    # The next crawl (another middleware, the same state) fetches it, unconditionally.
    request = article(url)
    assert crawl_of(store).process_request(request) is None
    assert request.meta["state_decision"] == "known" and b"If-None-Match" not in request.headers


def test_a_known_article_whose_refetch_failed_is_fetched_again_by_the_next_crawl(store: StateStore) -> None:
    url = "https://news.faults.test/news/view.php?idx=1001"
    fetched = iso(datetime.now(timezone.utc) - timedelta(days=8))
    store.put(PageState(url, "faults", fetched, 200, '"e1"', outcome="document", doc_id="f" * 16))
    fail(crawl_of(store, refresh_days=7), url, "http_500")
    page = store.get(url)
    # The document stands, from its last good fetch; the failure is noted beside it.
    assert page is not None and (page.fetched_at, page.outcome, page.error) == (fetched, "document", "http_500")
    request = article(url)
    assert crawl_of(store, refresh_days=7).process_request(request) is None
    assert request.headers["If-None-Match"] == b'"e1"'


def test_a_304_ends_the_request_and_updates_the_state(middleware: IncrementalMiddleware) -> None:
    known(middleware, "https://a.test/4", days_ago=8)
    request = article("https://a.test/4")
    middleware.process_request(request)
    response = HtmlResponse("https://a.test/4", status=304, headers={"ETag": '"e1"'}, request=request)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, response)
    page = middleware.state.get("https://a.test/4")
    assert page is not None and page.status == 304 and page.outcome == "document"
    assert datetime.now(timezone.utc) - datetime.fromisoformat(page.fetched_at.replace("Z", "+00:00")) < timedelta(minutes=1)


# -- stop conditions
def test_since_stops_paging_at_older_list_pages(replica: str, tmp_path: Path) -> None:
    crawl(tmp_path, "mofa_en", proxy=replica, options=["--since", "2025-01-01"])
    board = MofaSite().boards["m_5676"]
    newest_page = {f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={a.seq}" for a in board.articles[:10]}
    assert sum(a.date >= "2025-01-01" for a in board.articles) == 8
    # Every release since the date, and the rest of the first list page (paging stops after it).
    assert {row["canonical_url"] for row in check_corpus(tmp_path / "corpus")} == newest_page
    fetched = {r.url for r in records(tmp_path / "warc") if r.type == "request"}
    assert not [url for url in fetched if "list.do?page=" in url]
    assert report(tmp_path)["mofa_en"]["skipped"]["before_since"] == 30 - 8


def test_max_pages_caps_the_list_pages_read(replica: str, tmp_path: Path) -> None:
    crawl(tmp_path, "mofa_en", proxy=replica, options=["--max-pages", "2"])
    fetched = {r.url for r in records(tmp_path / "warc") if r.type == "request" and "list.do" in (r.url or "")}
    # The first page, then the pages numbered up to 2 that its pager links (page=1 is the first again).
    assert {url.split("&")[0] for url in fetched} == {
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do",
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=1",
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=2",
    }
