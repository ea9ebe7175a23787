"""The replica's admin hook: a page of any site copy changed, removed, broken and restored; the
cookie gate in front of it stays; a changed page answers no conditional request with 304."""

from __future__ import annotations

import json

import pytest

from harvester.replica.http import ReplicaRequest, ReplicaResponse
from harvester.replica.server import ReplicaProxy
from harvester.replica.sites import all_sites
from harvester.replica.sites.faults import load
from harvester.replica.sites.mofa import GATE_COOKIE

MOFA = ("www.mofa.go.kr", "/eng/brd/m_5676/view.do?seq=322411")
FAULT = ("news.faults.test", "/news/view.php?idx=1001")
ARTICLE = load()[1][1001]


@pytest.fixture
def proxy() -> ReplicaProxy:
    return ReplicaProxy(all_sites())


def get(proxy: ReplicaProxy, host: str, target: str, *headers: tuple[str, str]) -> ReplicaResponse:
    return proxy._respond(ReplicaRequest("GET", "https", host, target, headers))


def admin(proxy: ReplicaProxy, **order: object) -> ReplicaResponse:
    return proxy._respond(ReplicaRequest("POST", "http", "www.mofa.go.kr", "/__replica__/page", body=json.dumps(order).encode()))


def header(response: ReplicaResponse, name: str) -> str | None:
    return next((value for key, value in response.headers if key.lower() == name.lower()), None)


COOKIE = ("Cookie", f"{GATE_COOKIE}=1")


def test_a_page_behind_a_cookie_gate_is_changed(proxy: ReplicaProxy) -> None:
    before = get(proxy, *MOFA, COOKIE)
    assert b"Holds Telephone Conversation" in before.body
    answer = admin(proxy, url="https://www.mofa.go.kr" + MOFA[1], action="change", old="Holds Telephone Conversation", new="Holds a Call")
    assert answer.status == 200
    after = get(proxy, *MOFA, COOKIE)
    assert after.status == 200
    assert after.body == before.body.replace(b"Holds Telephone Conversation", b"Holds a Call")
    # The gate still answers a request without its cookie first.
    assert get(proxy, *MOFA).status == 307
    # Over plain HTTP the same page is changed.
    assert b"Holds a Call" in proxy._respond(ReplicaRequest("GET", "http", *MOFA, (COOKIE,))).body


def test_a_changed_page_answers_conditional_requests_in_full(proxy: ReplicaProxy) -> None:
    before = get(proxy, *FAULT)
    etag = header(before, "ETag")
    assert etag and get(proxy, *FAULT, ("If-None-Match", etag)).status == 304
    admin(proxy, url="https://news.faults.test" + FAULT[1], action="change", old=ARTICLE.paragraphs[0], new="새 문단.")
    after = get(proxy, *FAULT, ("If-None-Match", etag))
    assert after.status == 200 and "새 문단.".encode() in after.body and ARTICLE.paragraphs[0].encode() not in after.body
    assert header(after, "ETag") is None and header(after, "Last-Modified") is None


@pytest.mark.parametrize(("order", "status"), [({"action": "remove"}, 404), ({"action": "remove", "status": 410}, 410), ({"action": "break"}, 500)])
def test_a_page_is_removed_or_broken_and_restored(proxy: ReplicaProxy, order: dict, status: int) -> None:
    url = "https://news.faults.test" + FAULT[1]
    before = get(proxy, *FAULT).body
    admin(proxy, url=url, **order)
    assert get(proxy, *FAULT).status == status
    # Other pages are as they were.
    assert get(proxy, "news.faults.test", "/news/view.php?idx=1002").status == 200
    admin(proxy, url=url, action="restore")
    restored = get(proxy, *FAULT)
    assert (restored.status, restored.body) == (200, before)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, b"want a JSON body"),
        (json.dumps({"url": "https://news.faults.test/", "action": "burn"}).encode(), 400, b"action must be one of"),
        (json.dumps({"url": "https://news.faults.test" + FAULT[1], "action": "change", "old": "no such words", "new": "x"}).encode(), 409, b"does not hold"),
    ],
)
def test_a_wrong_order_is_refused(proxy: ReplicaProxy, body: bytes, status: int, message: bytes) -> None:
    answer = proxy._respond(ReplicaRequest("POST", "http", "news.faults.test", "/__replica__/page", body=body))
    assert answer.status == status and message in answer.body
    assert not proxy.overrides.pages
