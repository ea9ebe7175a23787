"""Downloader middleware that makes a crawl incremental: a known article is not fetched again unless
asked, and then conditionally; what each fetch found is kept in the crawl state.

Settings: STATE_ENABLED, STATE_STORE_CLASS (where the state is kept: state/store.py),
STATE_REFRESH_AFTER (days; a known article is fetched again once its last fetch is that old;
negative: never). An article whose document the crawl's corpus does not hold (asked of the corpus
pipeline) is fetched anew. A known article is also fetched again when a feed or sitemap dates its
entry after the last fetch (`meta["listed_at"]`). Such a request carries
`If-None-Match`/`If-Modified-Since` from the last fetch, and `meta["revisit_of"]` (the response
record the last 200 was captured in) for the capture of a 304. A 304 ends there: the state is
updated and the document stands (`state/not_modified`).

It sits below the retry and redirect middlewares, so it sees each article's final response. The
state of a 200 is written only once the page's item has left the pipelines (the `item_scraped` and
`item_dropped` signals): a crawl killed in between leaves the page unknown, and the next crawl
fetches it again. Requests it handles are those with `meta["article"]`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Container
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.python.failure import Failure

from harvester import signals as harvester_signals
from harvester.capture.records import warc_date
from harvester.corpus.pipeline import CorpusPipeline
from harvester.fetch.errors import error_kind
from harvester.items import ArticlePage
from harvester.state.store import PageState, StateStore

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """A time the crawl state wrote (UTC ISO 8601, `Z` or an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def listed_anew(page: PageState | None, listed_at: str | None) -> bool:
    """Whether a feed or sitemap entry names an article the crawl has not fetched to the end, or
    dates it after its last fetch (so that the crawl fetches it, unless told otherwise)."""
    if page is None or not page.settled:
        return True
    assert page.fetched_at is not None
    return listed_at is not None and parse_iso(listed_at) > parse_iso(page.fetched_at)


def state_key(request: Request) -> str:
    """The article's canonical URL: the URL first requested, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


class CrawlCorpus(Container[str]):
    """The documents of the crawl's corpus, as its corpus pipeline holds them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    def __contains__(self, doc_id: object) -> bool:
        pipeline = self.crawler.get_item_pipeline(CorpusPipeline)
        return pipeline is None or pipeline.holds(str(doc_id))


class IncrementalMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        state: StateStore,
        refresh_after: timedelta | None,
        documents: Container[str] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = state
        self.refresh_after = refresh_after
        # The ids the corpus holds (None: no corpus to check against).
        self.documents = documents
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("STATE_ENABLED"):
            raise NotConfigured
        days = settings.getfloat("STATE_REFRESH_AFTER")
        state = build_from_crawler(load_object(settings.get("STATE_STORE_CLASS")), crawler)
        documents = CrawlCorpus(crawler) if settings.getbool("CORPUS_ENABLED") else None
        middleware = cls(crawler, state, timedelta(days=days) if days >= 0 else None, documents)
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.state.close()

    def _put(self, page: PageState) -> None:
        """Writes a page state; a failed write (a full disk) is logged and told, never fatal: the page
        is then unknown, and fetched again by the next crawl."""
        try:
            self.state.put(page)
        except sqlite3.Error as error:
            logger.error("crawl state not written for %s: %s", page.url, error, extra={"crawler": self.crawler})
            self.crawler.signals.send_catch_log(signal=harvester_signals.write_failed, error=error)

    # -- before the fetch
    def process_request(self, request: Request) -> None:
        if not request.meta.get("article") or "state_decision" in request.meta:
            return  # decided once per article, not again for its retries and redirects
        page = self.state.get(request.url)
        request.meta["state_decision"] = "new" if page is None else "known"
        if page is None or not page.settled:
            return
        if page.outcome == "document" and self.documents is not None and page.doc_id not in self.documents:
            # The state outlived its corpus (a corpus folder removed or replaced): fetch it anew.
            self.stats.inc_value("state/refetched/not_in_corpus")
            return
        reason = self._due(page, request.meta.get("listed_at"))
        if reason is None:
            self.stats.inc_value("state/skipped/known")
            detail = f"known since {page.fetched_at}, not due"
            harvester_signals.send_skipped(self.crawler, request.url, "known", detail, count=False)
            raise IgnoreRequest(detail)
        self.stats.inc_value(f"state/refetched/{reason}")
        if page.etag:
            request.headers["If-None-Match"] = page.etag
        if page.last_modified:
            request.headers["If-Modified-Since"] = page.last_modified
        if page.warc_record_id:
            request.meta["revisit_of"] = {"record_id": page.warc_record_id, "date": page.warc_date, "uri": page.url}

    def _due(self, page: PageState, listed_at: str | None) -> str | None:
        """Why a known page is to be fetched again, or None."""
        assert page.fetched_at is not None
        fetched = parse_iso(page.fetched_at)
        if self.refresh_after is not None and self.clock() - fetched >= self.refresh_after:
            return "refresh_after"
        if listed_anew(page, listed_at):
            return "listed_changed"
        return None

    # -- after the fetch
    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("article"):
            return response
        key = state_key(request)
        if response.status == 304:
            page = self.state.get(key)
            if page is not None:
                self._put(
                    replace(
                        page,
                        fetched_at=iso(self.clock()),
                        status=304,
                        etag=response.headers.get("ETag", b"").decode("latin-1") or page.etag,
                        last_modified=response.headers.get("Last-Modified", b"").decode("latin-1") or page.last_modified,
                        error=None,
                        error_at=None,
                    )
                )
            self.stats.inc_value("state/not_modified")
            raise IgnoreRequest(f"not modified since {page.fetched_at if page else 'the last fetch'}")
        if 200 <= response.status < 300:
            # Kept with the response until its item is through the pipelines.
            capture = request.meta.get("capture")
            request.meta["state_fetch"] = {
                "status": response.status,
                "etag": response.headers.get("ETag", b"").decode("latin-1") or None,
                "last_modified": response.headers.get("Last-Modified", b"").decode("latin-1") or None,
                # The capture's (hashed once, on its writer thread); none without a capture.
                "payload_digest": request.meta.get("capture_digest"),
                "fetched_at": iso(request.meta.get("capture_date") or self.clock()),
                "warc_record_id": capture.record_id if capture else None,
                # As the record's WARC-Date says it, for a revisit's WARC-Refers-To-Date.
                "warc_date": warc_date(request.meta["capture_date"]) if capture and "capture_date" in request.meta else None,
            }
        else:
            self._failed(request, f"http_{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("article") and not isinstance(exception, IgnoreRequest):
            self._failed(request, error_kind(Failure(exception)) or type(exception).__name__)

    def _failed(self, request: Request, error: str) -> None:
        key = state_key(request)
        page = self.state.get(key) or PageState(url=key, site=self.crawler.spider.name)
        self._put(replace(page, error=error, error_at=iso(self.clock())))

    # -- once the page's item is through
    def item_scraped(self, item: Any, response: Response) -> None:
        if isinstance(item, ArticlePage) and item.entry is not None:
            self._settle(item, response, "document", item.entry.sha256, item.entry.id)

    def item_dropped(self, item: Any, response: Response, exception: BaseException) -> None:
        if isinstance(item, ArticlePage) and item.skipped:
            self._settle(item, response, f"no_document/{item.skipped}", None, None)

    def _settle(self, item: ArticlePage, response: Response, outcome: str, text_sha256: str | None, doc_id: str | None) -> None:
        fetch = response.meta.get("state_fetch")
        if fetch is None:
            return
        self._put(
            PageState(url=item.url, site=item.site, **fetch, text_sha256=text_sha256, doc_id=doc_id, outcome=outcome)
        )
