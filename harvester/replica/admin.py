"""The replica's admin hook: change, remove or break one page of any site copy, as a real site
changes under a crawler (for tests of incremental crawls and rebuilds).

`POST /__replica__/page` on any host the replica serves, with a JSON body:

    {"url": "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=322411", "action": "change",
     "old": "a sentence of the page", "new": "what it says now"}

Actions: `change` (the page's bytes have `old` replaced by `new`; `old` must be on the page),
`remove` (404, or `"status": 410`), `break` (500, or another `status`), `restore` (as it was).
A page is matched by host, path and query, whatever the scheme. Only the site's own 2xx answers
are altered: a cookie gate's redirect stays as it was. A changed page loses its ETag and
Last-Modified, so no conditional request gets a 304 for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found, text

PATH = "/__replica__/page"
ACTIONS = ("change", "remove", "break", "restore")
_VALIDATORS = ("etag", "last-modified", "content-length")


@dataclass(frozen=True)
class Override:
    action: str
    status: int = 200
    old: bytes = b""
    new: bytes = b""


def page_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _charset(response: ReplicaResponse) -> str:
    content_type = next((value for name, value in response.headers if name.lower() == "content-type"), "")
    label = content_type.lower().partition("charset=")[2].split(";")[0].strip()
    return label or "utf-8"


# Some copies, as their sites, answer browsers only.
BROWSER = ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) replica-admin")


def browse(answer: Callable[[ReplicaRequest], ReplicaResponse], url: str) -> ReplicaResponse:
    """The page as a browser gets it: redirects followed, cookies (a WAF's cookie gate) sent back."""
    cookies: list[str] = []
    for _ in range(5):
        parts = urlsplit(url)
        host, target = page_key(url)
        headers = (BROWSER, ("Cookie", "; ".join(cookies))) if cookies else (BROWSER,)
        page = answer(ReplicaRequest("GET", parts.scheme or "https", host, target, headers))
        cookies += [value.split(";")[0] for name, value in page.headers if name.lower() == "set-cookie"]
        location = next((value for name, value in page.headers if name.lower() == "location"), None)
        if page.status not in (301, 302, 303, 307, 308) or not location:
            return page
        url = urljoin(url, location)
    return page


class PageOverrides:
    """The pages changed, removed or broken, by (host, path and query)."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str], Override] = {}

    def handle(self, request: ReplicaRequest, answer: Callable[[ReplicaRequest], ReplicaResponse]) -> ReplicaResponse:
        """Take an admin request; `answer` serves a request as the site copies do."""
        try:
            order = json.loads(request.body or b"{}")
            url, action = order["url"], order["action"]
        except (ValueError, KeyError, TypeError):
            return text('want a JSON body {"url": ..., "action": ...}\n', status=400)
        if action not in ACTIONS:
            return text(f"action must be one of {', '.join(ACTIONS)}\n", status=400)
        key = page_key(url)
        if action == "restore":
            self.pages.pop(key, None)
        elif action == "change":
            self.pages.pop(key, None)
            page = browse(answer, url)
            charset = _charset(page)
            old, new = str(order.get("old", "")).encode(charset), str(order.get("new", "")).encode(charset)
            if not old or old not in page.body:
                return text(f"the page answers {page.status} and does not hold {order.get('old')!r}\n", status=409)
            self.pages[key] = Override("change", old=old, new=new)
        else:
            status = int(order.get("status") or (404 if action == "remove" else 500))
            self.pages[key] = Override(action, status=status)
        return text(f"{action} {url}\n")

    def apply(self, request: ReplicaRequest, response: ReplicaResponse) -> ReplicaResponse:
        override = self.pages.get((request.host, request.target))
        if override is None or not 200 <= response.status < 300:
            return response
        if override.action == "remove":
            return replace(not_found(), status=override.status)
        if override.action == "break":
            phrase = HTTPStatus(override.status).phrase if override.status in HTTPStatus._value2member_map_ else ""
            return html(f"<html><body><h1>{override.status} {phrase}</h1></body></html>", override.status)
        headers = tuple((name, value) for name, value in response.headers if name.lower() not in _VALIDATORS)
        return replace(response, body=response.body.replace(override.old, override.new), headers=headers)

    def without_validators(self, request: ReplicaRequest) -> ReplicaRequest:
        """A request for an overridden page, without the conditions that would make the site answer 304."""
        if (request.host, request.target) not in self.pages:
            return request
        conditions = ("if-none-match", "if-modified-since")
        return replace(request, headers=tuple((n, v) for n, v in request.headers if n.lower() not in conditions))
