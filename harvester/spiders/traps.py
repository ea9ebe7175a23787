"""Crawler traps of sites no profile knows, and the spider middleware that keeps the links a page
yields out of them: session ids are dropped from URLs, and a URL that is too long, loops in its
path, repeats a query parameter, or is one page too many of a calendar or paging pattern is not
fetched but reported skipped (`too_long`, `trap`).

Settings: ARCHIVE_TRAPS (on for `harvester archive`: its spider sets it), ARCHIVE_MAX_URL_LENGTH,
ARCHIVE_MAX_SEGMENT_REPEATS, ARCHIVE_MAX_PAGES_PER_PATTERN. Seeds are taken as they are given.
A pattern's count lives in the crawl's memory: a resumed crawl counts again from zero.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from w3lib.url import url_query_cleaner

from harvester.signals import send_skipped

# Query parameters that are session ids whatever their value (Heritrix and Browsertrix drop them).
SESSION_PARAMETERS = {"jsessionid", "phpsessid", "aspsessionid", "cfid", "cftoken"}
# `sid` is a session id only with a token for a value: Korean portals use `sid=100` for a section.
_SID_TOKEN = re.compile(r"[0-9A-Za-z]{16,}")
_PATH_SESSION = re.compile(r";jsessionid=[^/?#;]*", re.IGNORECASE)
# A page number's parameter (not `p`: WordPress's post id).
PAGING_PARAMETERS = {"page", "pageindex", "pageno", "pagenum", "pg", "cpage", "np", "currentpage", "curpage", "offset", "start"}
_DATE_PARAMETER = re.compile(r"date|year|month|day|^ym|^ymd|^yyyy|^cal", re.IGNORECASE)
_DIGITS = re.compile(r"\d{1,8}")
_DATE_VALUE = re.compile(r"(19|20)\d\d([-./])(0?[1-9]|1[0-2])(\2([0-2]?\d|3[01]))?")
_YEAR = re.compile(r"(19|20)\d\d")
_MONTH_OR_DAY = re.compile(r"0?[1-9]|[12]\d|3[01]")


def without_session_ids(url: str) -> str:
    """The URL without its session ids.

    >>> without_session_ids("https://a.test/list.do;jsessionid=0A1B2C3D?page=2&PHPSESSID=abc123&q=x")
    'https://a.test/list.do?page=2&q=x'
    >>> without_session_ids("https://a.test/?sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0&x=1")
    'https://a.test/?x=1'
    >>> without_session_ids("https://news.example.kr/list?sid=100")  # a section, not a session
    'https://news.example.kr/list?sid=100'
    """
    url = _PATH_SESSION.sub("", url)
    query = urlsplit(url).query
    if not query:
        return url
    names = {
        name
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() in SESSION_PARAMETERS or (name.lower() == "sid" and _SID_TOKEN.fullmatch(value))
    }
    if not names:
        return url
    # unique=False: a repeated parameter is a trap sign, not to be hidden here.
    return url_query_cleaner(url, sorted(names), remove=True, unique=False, keep_fragments=True)


def repeated_segment(path: str, most: int) -> tuple[str, int] | None:
    """The path segment that occurs more than `most` times, and how often (a path loop).

    >>> repeated_segment("/a/b/a/b/a/b/a/b/", 3)
    ('a', 4)
    >>> repeated_segment("/a/b/a/b/a/b/", 3) is None
    True
    """
    counts = Counter(segment for segment in path.split("/") if segment)
    segment, count = max(counts.items(), key=lambda item: item[1], default=("", 0))
    return (segment, count) if count > most else None


def repeated_parameter(query: str) -> str | None:
    """A query parameter named twice (relative links that pile up `?a=1&a=1&...`).

    >>> repeated_parameter("q=x&page=2&q=x")
    'q'
    >>> repeated_parameter("q=x&page=2") is None
    True
    """
    seen: set[str] = set()
    for name, _ in parse_qsl(query, keep_blank_values=True):
        if name in seen:
            return name
        seen.add(name)
    return None


def pattern(url: str) -> str | None:
    """The calendar or paging pattern a URL belongs to: the URL with its dates and page numbers
    replaced by placeholders; None when it has neither.

    >>> pattern("https://a.test/events/calendar?month=2026-03&view=grid")
    'a.test/events/calendar?month={date}&view=grid'
    >>> pattern("https://a.test/board/list.do?pageIndex=12")
    'a.test/board/list.do?pageIndex={page}'
    >>> pattern("https://a.test/archive/2024/05/page/3/")
    'a.test/archive/{year}/{date}/page/{page}/'
    >>> pattern("https://a.test/2024/05/17/bridge-reopens/")  # an article: its own pattern
    'a.test/{year}/{date}/{date}/bridge-reopens/'
    >>> pattern("https://a.test/news/view.php?idx=2019") is None
    True
    """
    parts = urlsplit(url)
    found = False
    segments = parts.path.split("/")
    for number, segment in enumerate(segments):
        before = segments[number - 1] if number else ""
        if _YEAR.fullmatch(segment):
            segments[number] = "{year}"
        elif (before in ("{year}", "{date}") and _MONTH_OR_DAY.fullmatch(segment)) or _DATE_VALUE.fullmatch(segment):
            segments[number] = "{date}"
        elif before.lower() == "page" and _DIGITS.fullmatch(segment):
            segments[number] = "{page}"
        else:
            continue
        found = True
    parameters = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in PAGING_PARAMETERS and _DIGITS.fullmatch(value):
            value, found = "{page}", True
        elif _DATE_VALUE.fullmatch(value) or (_DATE_PARAMETER.search(name) and _DIGITS.fullmatch(value)):
            value, found = "{date}", True
        parameters.append(f"{name}={value}")
    if not found:
        return None
    key = (parts.hostname or "") + "/".join(segments)
    return key + "?" + "&".join(parameters) if parameters else key


class TrapFilter(BaseSpiderMiddleware):
    def __init__(self, crawler: Crawler, max_length: int, max_repeats: int, max_per_pattern: int) -> None:
        super().__init__(crawler)
        self.max_length = max_length
        self.max_repeats = max_repeats
        self.max_per_pattern = max_per_pattern
        # Per pattern, the URLs let through so far (their hashes); a pattern's set stops growing at
        # its limit, so memory is bounded by the patterns times the limit.
        self.admitted: dict[str, set[int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapFilter:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_TRAPS"):
            raise NotConfigured
        return cls(
            crawler,
            settings.getint("ARCHIVE_MAX_URL_LENGTH"),
            settings.getint("ARCHIVE_MAX_SEGMENT_REPEATS"),
            settings.getint("ARCHIVE_MAX_PAGES_PER_PATTERN"),
        )

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if response is None:
            return request  # a seed
        url = without_session_ids(request.url)
        if url != request.url:
            self.crawler.stats.inc_value("archive/session_ids_dropped")
            request = request.replace(url=url)
        reason, detail = self.trap(url)
        if reason is None:
            return request
        send_skipped(self.crawler, url, reason, detail)
        return None

    def trap(self, url: str) -> tuple[str | None, str]:
        """(reason, detail) when the URL is not to be fetched; (None, "") when it is."""
        if self.max_length and len(url) > self.max_length:
            return "too_long", f"{len(url)} characters, more than ARCHIVE_MAX_URL_LENGTH ({self.max_length})"
        parts = urlsplit(url)
        loop = repeated_segment(parts.path, self.max_repeats) if self.max_repeats else None
        if loop is not None:
            return "trap", f"path segment {loop[0]!r} {loop[1]} times"
        name = repeated_parameter(parts.query)
        if name is not None:
            return "trap", f"query parameter {name!r} repeated"
        key = pattern(url) if self.max_per_pattern else None
        if key is None:
            return None, ""
        admitted = self.admitted.setdefault(key, set())
        if hash(url) in admitted:
            return None, ""
        if len(admitted) >= self.max_per_pattern:
            return "trap", f"past {self.max_per_pattern} pages of the pattern {key}"
        admitted.add(hash(url))
        return None, ""
