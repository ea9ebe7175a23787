"""korea.net: a crawl through the replica gives every article once, as written by hand in fixtures/korea_net/."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from harvester.corpus.ids import document_id
from harvester.profiles import korea_net
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites.korea_net import KoreaNetSite
from tests.conftest import crawl
from tests.site_documents import expected, expected_text, read_manifest, responses

EXPECTED = expected("korea_net")


@pytest.fixture(scope="module")
def output(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("korea_net")
    crawl(out, "korea_net", proxy=replica)
    return out


@pytest.fixture(scope="module")
def rows(output: Path) -> dict[str, dict]:
    manifest = read_manifest(output)
    by_url = {row["canonical_url"]: row for row in manifest}
    assert len(by_url) == len(manifest), "an article came out twice"
    return by_url


def test_doctests() -> None:
    assert doctest.testmod(korea_net).failed == 0


def test_every_article_exactly_once(rows: dict[str, dict]) -> None:
    # Lists give the Policies and Culture articles and the press releases; only the feed names
    # the Society article; every article is in a list and a feed under another spelling.
    assert set(rows) == {fields["canonical_url"] for fields in EXPECTED.values()}
    assert len(rows) == 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document(output: Path, rows: dict[str, dict], name: str) -> None:
    fields = EXPECTED[name]
    row = rows[fields["canonical_url"]]
    assert (output / "corpus" / row["file"]).read_text("utf-8") == expected_text("korea_net", name)
    assert row["id"] == document_id(fields["canonical_url"])
    assert (row["title"], row["published"], row["authors"]) == (fields["title"], fields["published"], fields["authors"])
    assert (row["site"], row["kind"], row["language"], row["modified"]) == ("korea_net", "news", "en", None)
    assert row["url"] == row["final_url"] == fields["canonical_url"]
    assert "original_url" not in row


def test_cloudfront_cookie_gate_is_passed(output: Path) -> None:
    """Each first request is answered 302 to itself with a cookie; the retry with it gets the page."""
    captured = responses(output)
    gates = [r for r in captured if r.status == 302]
    assert gates and all(r.headers["location"] == r.url and "AWSALB=" in r.headers["set-cookie"] for r in gates)
    fetched = {r.url for r in captured if r.status == 200}
    assert {r.url for r in gates} <= fetched
    assert "https://www.korea.net/robots.txt" in fetched
    assert "https://www.korea.net/koreanet/rss/news/2" in fetched
    assert "https://www.korea.net/NewsFocus/Policies?pageIndex=2" in fetched
    assert "https://www.korea.net/Government/Briefing-Room/Press-Releases?pageIndex=2" in fetched


def test_feed_links_are_canonicalised_before_fetching(output: Path) -> None:
    # The feeds spell sections in lower case; the same article must not be fetched twice.
    assert not [r.url for r in responses(output) if "/NewsFocus/policies/" in r.url]


@pytest.mark.parametrize(("agent", "status"), [("python-requests/2.32", 403), ("Mozilla/5.0 (X11)", 302)])
def test_replica_refuses_non_browser_agents(agent: str, status: int) -> None:
    request = ReplicaRequest("GET", "https", "www.korea.net", "/NewsFocus/Policies", (("User-Agent", agent),))
    assert KoreaNetSite()(request).status == status
