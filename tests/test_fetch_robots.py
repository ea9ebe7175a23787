"""robots.txt: every request that arrives while a host's robots.txt is being fetched is checked
against it, not only the first (Scrapy 2.19's middleware lets the others through)."""

from __future__ import annotations

import asyncio

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from harvester import signals
from harvester.fetch.robots import RobotsTxtEveryWaiterMiddleware

ROBOTS = b"User-agent: *\nDisallow: /news/view.php?idx=2007\nDisallow: /admin/\n"
URLS = {
    "https://news.faults.test/news/view.php?idx=1001": True,
    "https://news.faults.test/news/view.php?idx=2007": False,
    "https://news.faults.test/admin/login": False,
    "https://news.faults.test/news/view.php?idx=1002": True,
}


class Engine:
    """Answers the middleware's robots.txt request when the test says so."""

    def __init__(self) -> None:
        self.robots: asyncio.Future[TextResponse] = asyncio.get_running_loop().create_future()
        self.requested: list[str] = []

    async def download_async(self, request: Request) -> TextResponse:
        self.requested.append(request.url)
        return await self.robots


async def allowed(url: str, middleware: RobotsTxtMiddleware) -> bool:
    try:
        await middleware.process_request(Request(url))
    except IgnoreRequest:
        return False
    return True


def checked_at_once(middleware_class: type[RobotsTxtMiddleware]) -> dict[str, bool]:
    """Whether each URL may be fetched, all four asked while robots.txt is still on its way."""

    async def check() -> dict[str, bool]:
        crawler = get_crawler(Spider, {"ROBOTSTXT_OBEY": True})
        crawler.spider = crawler._create_spider("robots")
        crawler.engine = engine = Engine()
        middleware = middleware_class.from_crawler(crawler)
        checks = {url: asyncio.ensure_future(allowed(url, middleware)) for url in URLS}
        await asyncio.sleep(0)  # one turn of the loop: every check has started and waits
        assert engine.requested == ["https://news.faults.test/robots.txt"]
        engine.robots.set_result(TextResponse("https://news.faults.test/robots.txt", body=ROBOTS))
        return {url: await check for url, check in checks.items()}

    return asyncio.run(check())


def test_every_waiting_request_is_checked() -> None:
    assert checked_at_once(RobotsTxtEveryWaiterMiddleware) == URLS


def test_a_forbidden_request_is_reported_skipped() -> None:
    skipped: list[tuple[str, str]] = []

    async def check() -> None:
        crawler = get_crawler(Spider, {"ROBOTSTXT_OBEY": True})
        crawler.spider = crawler._create_spider("robots")
        crawler.engine = engine = Engine()
        crawler.signals.connect(lambda url, reason, detail: skipped.append((url, reason)), signal=signals.url_skipped, weak=False)
        engine.robots.set_result(TextResponse("https://news.faults.test/robots.txt", body=ROBOTS))
        middleware = RobotsTxtEveryWaiterMiddleware.from_crawler(crawler)
        for url in URLS:
            await allowed(url, middleware)

    asyncio.run(check())
    assert skipped == [(url, "robots") for url, allowed in URLS.items() if not allowed]


def test_scrapys_own_middleware_still_lets_waiting_requests_through() -> None:
    """Why fetch/robots.py exists: when this fails, Scrapy is fixed and the subclass can go."""
    allowed = checked_at_once(RobotsTxtMiddleware)
    assert allowed["https://news.faults.test/news/view.php?idx=2007"] is False  # the first one is checked
    assert allowed["https://news.faults.test/admin/login"] is True  # the ones after it are not
