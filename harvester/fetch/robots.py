"""Scrapy's robots.txt middleware, with every request that waits for a host's robots.txt checked.

In Scrapy 2.19, requests to a host that arrive while its robots.txt is being fetched all await one
shared Deferred; awaiting it hands the parser to the first of them only, and the others get None,
which lets them through unchecked (the regression of scrapy#6802). A spider that starts many
requests to one host at once (`harvester rebuild`, a profile with a list and a feed on one host)
would fetch pages robots.txt forbids. Here each waiter gets a Deferred of its own, as before.
A request robots.txt forbids is told to the skipped report (reason `robots`).
Settings: ROBOTSTXT_OBEY and the others of Scrapy's middleware.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from harvester.signals import send_skipped


class RobotsTxtEveryWaiterMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[RobotParser | None] = Deferred()

        def hand_on(parser: RobotParser | None) -> RobotParser | None:
            mine.callback(parser)
            return parser  # for the next waiter

        pending.addCallback(hand_on)
        return await maybe_deferred_to_future(mine)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            # Counted by Scrapy under robotstxt/forbidden.
            send_skipped(self.crawler, request.url, "robots", "forbidden by robots.txt", count=False)
            raise
