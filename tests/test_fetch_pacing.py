"""Each host's delay: raised when it pushes back, held for a Retry-After, brought back slowly, kept
at robots.txt's Crawl-delay over AutoThrottle; counted per host; and a host that asks for a pause
holds only itself: a crawl in-process (asyncio, no reactor) of two local hosts, one answering 503
with `Retry-After: 6`."""

from __future__ import annotations

import asyncio
import doctest
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

import harvester.settings
from harvester.fetch import pacing
from harvester.fetch.pacing import Backoff, HostPace, HostPacingMiddleware
from harvester.replica.sites.faults import CHALLENGE_PAGE, WAF_PAGE
from harvester import exitcodes
from harvester.report.summary import exit_code, site_section

# The harvester's fetch settings (Scrapy's defaults have none of them).
FETCH_SETTINGS = {name: getattr(harvester.settings, name) for name in dir(harvester.settings) if name.startswith("FETCH_")}
BACKOFF = Backoff(first=0.5, longest=3.0, recovery=0.5, retry_after_max=10.0)


def test_doctests() -> None:
    assert doctest.testmod(pacing).failed == 0


def test_a_fresh_slow_down_doubles_the_delay_up_to_its_cap() -> None:
    pace, slot, delays = HostPace(), Slot(2, 0.0, 0.0), []
    for _ in range(5):
        BACKOFF.slow_down(pace, slot, 100.0, None, fresh=True)
        delays.append(slot.delay)
    # From no delay: the first slow-down's delay, then twice the last one, never above the cap.
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert pace.raises == 5


def test_the_delay_is_raised_from_the_usual_one() -> None:
    pace, slot = HostPace(), Slot(2, 1.25, 0.0)
    BACKOFF.slow_down(pace, slot, 100.0, None, fresh=True)
    assert slot.delay == 2.5 and pace.usual == 1.25


def test_answers_to_requests_queued_before_the_raise_do_not_raise_again() -> None:
    pace, slot = HostPace(), Slot(8, 0.0, 0.0)
    BACKOFF.slow_down(pace, slot, 100.0, None, fresh=True)
    for _ in range(7):  # the rest of a burst sent at once
        BACKOFF.slow_down(pace, slot, 100.0, None, fresh=False)
    assert slot.delay == 0.5 and pace.raises == 1


def test_the_next_request_waits_the_raised_delay_from_the_failure() -> None:
    pace, slot = HostPace(), Slot(2, 0.0, 0.5)
    slot.lastseen = 90.0
    wait = BACKOFF.slow_down(pace, slot, 100.0, None, fresh=True)
    # The downloader sends at lastseen + delay × (1 ± jitter): from the failure on, 0.25 s at the least.
    assert slot.lastseen == 100.0 and wait == 0.25


@pytest.mark.parametrize(("asked", "held"), [(6.0, 6.0), (3600.0, 10.0), (0.0, 0.25)])
def test_a_retry_after_holds_the_slot_within_the_cap(asked: float, held: float) -> None:
    pace, slot = HostPace(), Slot(2, 0.0, 0.5)
    wait = BACKOFF.slow_down(pace, slot, 100.0, asked, fresh=True)
    assert wait == held
    # Its soonest send (the lowest draw of the delay after the last-seen time) is the hold's end.
    assert slot.lastseen + slot.delay * (1 - slot.jitter) == pytest.approx(100.0 + held)


def test_a_hold_outlasts_shorter_ones_and_the_recovery() -> None:
    pace, slot = HostPace(), Slot(2, 0.0, 0.0)
    BACKOFF.slow_down(pace, slot, 100.0, 8.0, fresh=True)
    BACKOFF.slow_down(pace, slot, 101.0, 1.0, fresh=False)
    # Back at no delay at all after a success: the slot still waits out the hold.
    assert BACKOFF.recover(pace, slot, 102.0) is True
    assert slot.delay > 0 and slot.lastseen + slot.delay == pytest.approx(108.0)
    # Once it is over, the slot is as it was.
    BACKOFF.recover(pace, slot, 109.0)
    assert slot.delay == 0.0


def test_successes_bring_the_delay_back_slowly() -> None:
    pace, slot = HostPace(), Slot(2, 0.25, 0.0)
    for _ in range(3):
        BACKOFF.slow_down(pace, slot, 100.0, None, fresh=True)
    assert slot.delay == 2.0
    delays, back = [], []
    while pace.raised and len(delays) < 10:
        back.append(BACKOFF.recover(pace, slot, 101.0))
        delays.append(slot.delay)
    # Halved (recovery 0.5) at each success, down to the host's usual delay once below the first step.
    assert delays == [1.0, 0.5, 0.25]
    assert back == [False, False, True]
    assert BACKOFF.recover(pace, slot, 101.0) is False and slot.delay == 0.25


def test_autothrottle_moves_the_usual_delay_never_below_the_floors() -> None:
    pace, slot = HostPace(crawl_delay=1.0), Slot(2, 0.5, 0.5)
    pace.settle(slot, 0.0)
    # Crawl-delay 1 s with ±50% jitter: the lowest draw (delay × 0.5) must still be 1 s.
    assert slot.delay == 2.0
    slot.delay = 0.8  # AutoThrottle, after a fast answer
    pace.settle(slot, 0.0)
    assert slot.delay == 2.0 and pace.usual == 0.8
    slot.delay = 5.0  # AutoThrottle, after a slow one
    pace.settle(slot, 0.0)
    assert slot.delay == 5.0 and pace.usual == 5.0


class FakeDownloader:
    """The two things the middleware and the queue ask of Scrapy's downloader."""

    def __init__(self, slots: dict[str, Slot]) -> None:
        self.slots = slots

    def get_slot_key(self, request: Request) -> str:
        return request.meta.get("download_slot") or urlsplit(request.url).hostname or ""


def middleware_for(slots: dict[str, Slot], **settings: Any) -> HostPacingMiddleware:
    backoff = {"FETCH_RETRY_BACKOFF": 0.5, "FETCH_RETRY_BACKOFF_MAX": 3.0, "FETCH_RETRY_AFTER_MAX": 10.0}
    crawler = get_crawler(settings_dict={**FETCH_SETTINGS, **backoff, **settings})
    crawler.engine = SimpleNamespace(downloader=FakeDownloader(slots))
    return HostPacingMiddleware.from_crawler(crawler)


def answer(middleware: HostPacingMiddleware, url: str, status: int = 200, body: bytes = b"<p>fine</p>", **headers: str) -> None:
    """A request that reaches the downloader, and its answer coming back."""
    request = Request(url)
    middleware.request_reached_downloader(request)
    middleware.response_downloaded(HtmlResponse(url, status=status, headers=headers, body=body, request=request), request)


def failure(middleware: HostPacingMiddleware, url: str, error: Exception) -> None:
    request = Request(url)
    middleware.request_reached_downloader(request)
    middleware.process_exception(request, error)


def test_429_and_503_slow_their_host_only_and_a_retry_after_is_honoured() -> None:
    slots = {"a.test": Slot(2, 0.0, 0.0), "b.test": Slot(2, 0.0, 0.0)}
    middleware = middleware_for(slots)
    answer(middleware, "https://a.test/1", 503)
    assert slots["a.test"].delay == 0.5
    before = time.monotonic()
    answer(middleware, "https://a.test/2", 429, **{"Retry-After": "7"})
    assert slots["a.test"].delay == 1.0
    assert slots["a.test"].lastseen + slots["a.test"].delay * (1 - slots["a.test"].jitter) >= before + 7.0
    answer(middleware, "https://b.test/1")
    assert (slots["b.test"].delay, slots["b.test"].lastseen) == (0.0, 0)
    stats = middleware.crawler.stats.get_stats()
    expected = {"count": 2, "longest_s": 7.0, "reasons": {"http_503": 1, "retry_after": 1}}
    assert site_section(stats)["slowdowns"] == {"a.test": expected}


def test_bot_challenges_and_failed_connections_slow_the_host_down() -> None:
    slots = {"a.test": Slot(2, 0.0, 0.0)}
    middleware = middleware_for(slots)
    answer(middleware, "https://a.test/1", 403, CHALLENGE_PAGE.encode())
    answer(middleware, "https://a.test/2", 200, WAF_PAGE.encode())
    failure(middleware, "https://a.test/3", DownloadTimeoutError("timed out"))
    # Refused by the crawl itself (robots.txt, the state): not the host's doing.
    failure(middleware, "https://a.test/4", IgnoreRequest())
    answer(middleware, "https://a.test/5", 404, b"<html><body>not here</body></html>")
    counts = {key.rsplit("/", 1)[1]: value for key, value in middleware.crawler.stats.get_stats().items() if "/reason/" in key}
    assert counts == {"bot_wall": 2, "timeout": 1}
    assert slots["a.test"].delay == 2.0 * 0.8  # three raises (0.5, 1, 2), then a 404 answered: one step back


def test_a_long_article_that_mentions_a_captcha_is_no_challenge() -> None:
    slots = {"a.test": Slot(2, 0.0, 0.0)}
    middleware = middleware_for(slots)
    body = b"<html><body><div class='g-recaptcha'></div>" + b"<p>An article paragraph.</p>" * 2000 + b"</body></html>"
    answer(middleware, "https://a.test/1", 200, body)
    robots = Request("https://a.test/robots.txt")
    middleware.response_downloaded(TextResponse(robots.url, body=b"# request blocked for bad bots\n", request=robots), robots)
    assert slots["a.test"].delay == 0.0 and not middleware.crawler.stats.get_stats()


def test_autothrottle_after_each_answer_does_not_undo_a_slow_down() -> None:
    slots = {"a.test": Slot(2, 1.0, 0.0)}
    # AutoThrottle the only extension; built with the crawler, before the downloader middlewares.
    extensions = {"EXTENSIONS_BASE": {"scrapy.extensions.throttle.AutoThrottle": 0}}
    throttle = {"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 1.0, "FETCH_SLOWDOWN_RECOVERY": 0.8}
    crawler = get_crawler(settings_dict={**FETCH_SETTINGS, **extensions, **throttle})
    crawler.engine = SimpleNamespace(downloader=FakeDownloader(slots))
    pacing = HostPacingMiddleware.from_crawler(crawler)  # kept: signals hold their receivers weakly
    spider = Spider("test")
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert [type(extension) for extension in crawler.extensions.middlewares] == [AutoThrottle] and pacing.paces == {}

    def downloaded(status: int) -> float:
        request = Request("https://a.test/", meta={"download_slot": "a.test", "download_latency": 0.01})
        response = HtmlResponse(request.url, status=status, body=b"<html><body><p>page</p></body></html>", request=request)
        crawler.signals.send_catch_log(signals.response_downloaded, response=response, request=request, spider=spider)
        return slots["a.test"].delay

    assert downloaded(503) == 2.0
    # Each fast answer, AutoThrottle would go back to DOWNLOAD_DELAY at once; the raised delay comes
    # down by FETCH_SLOWDOWN_RECOVERY at each, then AutoThrottle's is the delay again.
    assert [round(downloaded(200), 3) for _ in range(4)] == [1.6, 1.28, 1.024, 1.0]


def test_the_crawl_delay_of_robots_txt_reaches_a_slot_made_later() -> None:
    slots: dict[str, Slot] = {}
    middleware = middleware_for(slots, USER_AGENT="harvester")
    parser = SimpleNamespace(crawl_delay=lambda agent: 2.0 if agent == "harvester" else None)
    middleware.robots_parsed(parser, Request("https://a.test/robots.txt"))
    slots["a.test"] = Slot(2, 0.0, 0.0)  # the downloader makes it when a request gets there
    middleware.request_reached_downloader(Request("https://a.test/1"))
    assert slots["a.test"].delay == 2.0
    assert middleware.crawler.stats.get_value("fetch/crawl_delay/a.test") == 2.0


# -- A crawl in-process: the healthy host goes on while the other one holds its requests.

RETRY_AFTER = 6
HEALTHY_PAGES = 8
SLOW_PAGES = 6


class TwoHosts:
    """A small HTTP server on 127.0.0.1 (healthy) and 127.0.0.2 (down for RETRY_AFTER seconds from its
    first request on: a 503 with Retry-After to each request meanwhile). The healthy host's pages
    link one to the next, so they are fetched one after another. Notes (host, path, status,
    monotonic time) of every request."""

    def __init__(self) -> None:
        self.served: list[tuple[str, str, int, float]] = []
        self.servers: list[asyncio.Server] = []
        self.base: dict[str, str] = {}

    async def start(self) -> None:
        for host in ("127.0.0.1", "127.0.0.2"):
            server = await asyncio.start_server(self.answer, host, 0)
            self.servers.append(server)
            self.base[host] = f"http://{host}:{server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        for server in self.servers:
            server.close()
            await server.wait_closed()

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = head.split(b" ", 2)[1].decode()
            host, now = writer.get_extra_info("sockname")[0], time.monotonic()
            status, headers, body = self.page(host, path, now)
            self.served.append((host, path, int(status[:3]), now))
            head_out = f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
            writer.write(f"{head_out}Connection: close\r\n{headers}\r\n".encode() + body)
            await writer.drain()
        finally:
            writer.close()

    def page(self, host: str, path: str, now: float) -> tuple[str, str, bytes]:
        down_since = next((at for seen, _, _, at in self.served if seen == host), now)
        if host == "127.0.0.2" and now - down_since < RETRY_AFTER:
            return "503 Service Unavailable", f"Retry-After: {RETRY_AFTER}\r\n", b"<html><body>down for a while</body></html>"
        number = int(path.rsplit("/", 1)[1])
        link = f'<a href="/page/{number + 1}">next</a>' if host == "127.0.0.1" and number + 1 < HEALTHY_PAGES else ""
        return "200 OK", "", f"<html><body><p>page {number}</p>{link}</body></html>".encode()


class TwoHostsSpider(Spider):
    name = "two_hosts"

    def __init__(self, base: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = base

    async def start(self) -> AsyncIterator[Request]:
        for number in range(SLOW_PAGES):
            yield Request(f"{self.base['127.0.0.2']}/page/{number}")
        yield Request(f"{self.base['127.0.0.1']}/page/0")

    def parse(self, response: Response) -> Any:
        yield from response.follow_all(css="a")


# The harvester's fetch components over Scrapy's defaults; a small CONCURRENT_REQUESTS, which four
# requests sleeping in the downloader would fill.
CRAWL_SETTINGS = {
    **FETCH_SETTINGS,
    "TWISTED_REACTOR_ENABLED": False,
    "CONCURRENT_REQUESTS": 4,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "RETRY_TIMES": 2,
    "FETCH_RETRY_BACKOFF": 0.1,
    "FETCH_RETRY_AFTER_MAX": 30.0,
    "SCHEDULER_PRIORITY_QUEUE": "harvester.fetch.hostqueue.SlotReadyPriorityQueue",
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "harvester.fetch.retry.RetryMiddleware": 550,
        "harvester.fetch.pacing.HostPacingMiddleware": 900,
    },
}


@pytest.fixture(scope="module")
def two_host_crawl() -> tuple[TwoHosts, dict[str, Any]]:
    async def run() -> tuple[TwoHosts, dict[str, Any]]:
        server = TwoHosts()
        await server.start()
        try:
            runner = AsyncCrawlerRunner(CRAWL_SETTINGS)
            crawler = runner.create_crawler(TwoHostsSpider)
            await asyncio.wait_for(runner.crawl(crawler, base=server.base), 60)
        finally:
            await server.stop()
        return server, crawler.stats.get_stats()

    return asyncio.run(run())


def test_a_healthy_host_goes_on_while_another_holds_its_requests(two_host_crawl: tuple[TwoHosts, dict[str, Any]]) -> None:
    server, _ = two_host_crawl
    start = server.served[0][3]
    healthy = [at - start for host, _, _, at in server.served if host == "127.0.0.1"]
    assert len(healthy) == HEALTHY_PAGES
    # One after another, at once: within 2 s (a downloader full of sleeping retries took 6).
    assert healthy[-1] < 2.0, healthy


def test_every_request_to_the_host_that_asked_waited_its_retry_after(two_host_crawl: tuple[TwoHosts, dict[str, Any]]) -> None:
    server, stats = two_host_crawl
    slow = [(path, status, at) for host, path, status, at in server.served if host == "127.0.0.2"]
    refused = [at for _, status, at in slow if status == 503]
    answered = [(path, at) for path, status, at in slow if status == 200]
    # The tries in flight when the first 503 came; then nothing, first tries included, until the
    # pause asked for was over; then every page.
    assert 1 <= len(refused) <= 2 and slow[: len(refused)] == [s for s in slow if s[1] == 503]
    assert min(at for _, at in answered) >= max(refused) + RETRY_AFTER
    assert sorted(path for path, _ in answered) == [f"/page/{n}" for n in range(SLOW_PAGES)]
    # Retried as before, and counted.
    assert stats["retry/reason_count/http_503"] == len(refused)
    assert stats["response_received_count"] == HEALTHY_PAGES + SLOW_PAGES
    slowdowns = site_section(stats)["slowdowns"]
    assert slowdowns == {"127.0.0.2": {"count": len(refused), "longest_s": RETRY_AFTER, "reasons": {"retry_after": len(refused)}}}


def test_a_host_that_pushes_back_too_long_is_given_up_and_a_good_answer_forgives(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(pacing, "monotonic", lambda: now[0])
    slots = {"a.test": Slot(2, 0.0, 0.0), "b.test": Slot(2, 0.0, 0.0)}
    middleware = middleware_for(slots, FETCH_GIVE_UP_AFTER=100)
    answer(middleware, "https://a.test/1", 503)
    now[0] += 60
    answer(middleware, "https://a.test/2", 503)
    assert middleware.process_request(Request("https://a.test/3")) is None  # 60 s: not yet
    now[0] += 50
    with pytest.raises(pacing.RateLimited):
        middleware.process_request(Request("https://a.test/3"))
    assert middleware.process_request(Request("https://b.test/1")) is None  # another host goes on
    section = site_section(middleware.crawler.stats.get_stats())
    assert (section["skipped"], section["gave_up"], exit_code({**section, "finish_reason": "finished"})) == (
        {"rate_limited": 1}, ["a.test"], exitcodes.BLOCKED
    )
    # A host that answers well between its push-backs is never given up.
    slots["c.test"] = Slot(2, 0.0, 0.0)
    for _ in range(5):
        answer(middleware, "https://c.test/1", 503)
        now[0] += 60
        answer(middleware, "https://c.test/2")
    assert middleware.process_request(Request("https://c.test/3")) is None
