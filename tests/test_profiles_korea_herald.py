"""The Korea Herald: a crawl through the replica gives every article of the three templates once,
as written by hand in fixtures/korea_herald/, sign-offs read as authors and left out of the text."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from harvester.extraction.extractor import extract
from harvester.profiles import korea_herald
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites.korea_herald import KoreaHeraldSite
from tests.conftest import crawl
from tests.site_documents import expected, expected_text, paragraphs, read_manifest, responses

EXPECTED = expected("korea_herald")
HERALD = "https://www.koreaherald.com"
EXAMPLE = "format/examples/004_74ece81978c941d1.txt"
BROWSER = (("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"),)


@pytest.fixture(scope="module")
def output(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("korea_herald")
    crawl(out, "korea_herald", proxy=replica)
    return out


@pytest.fixture(scope="module")
def rows(output: Path) -> dict[str, dict]:
    manifest = read_manifest(output)
    by_url = {row["canonical_url"]: row for row in manifest}
    assert len(by_url) == len(manifest), "an article came out twice"
    return by_url


def page(path: str) -> bytes:
    response = KoreaHeraldSite()(ReplicaRequest("GET", "https", "www.koreaherald.com", path, BROWSER))
    assert response.status == 200
    return response.body


def test_doctests() -> None:
    assert doctest.testmod(korea_herald).failed == 0


def test_every_article_exactly_once(rows: dict[str, dict]) -> None:
    assert set(rows) == {fields["canonical_url"] for fields in EXPECTED.values()}
    assert len(rows) == 7


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document(output: Path, rows: dict[str, dict], name: str) -> None:
    fields = EXPECTED[name]
    row = rows[fields["canonical_url"]]
    assert (output / "corpus" / row["file"]).read_text("utf-8") == expected_text("korea_herald", name)
    assert (row["title"], row["published"], row["modified"], row["authors"]) == (
        fields["title"], fields["published"], fields["modified"], fields["authors"])
    assert (row["site"], row["kind"], row["language"]) == ("korea_herald", "news", "en")
    assert row["final_url"] == fields["canonical_url"]


def test_migrated_article_reached_by_its_old_address_is_one_document(output: Path, rows: dict[str, dict]) -> None:
    captured = responses(output)
    moved = [r for r in captured if r.url == f"{HERALD}/view.php?ud=20240315000512"]
    assert [(r.status, r.headers["location"]) for r in moved] == [(301, f"{HERALD}/article/3347705")]
    assert rows[f"{HERALD}/article/3347705"]["title"] == "Jinhae cherry blossom festival to open March 22"


def test_lists_feeds_and_robots_are_read(output: Path) -> None:
    fetched = {r.url for r in responses(output) if r.status == 200}
    assert {
        f"{HERALD}/robots.txt",
        f"{HERALD}/National?page=2",
        f"{HERALD}/list.php?ct=020101000000&np=3",
        f"{HERALD}/rss/kh_National",
        f"{HERALD}/common/rss_xml.php?ct=102",
    } <= fetched
    # The legacy feed's doubled 'view.php?ud=/view.php?ud=' links are repaired before fetching.
    assert not [url for url in fetched if "ud=/view.php" in url]


def test_example_004_article_without_its_signoff(shared: Path, rows: dict[str, dict], output: Path) -> None:
    """Every paragraph and the caption of the example are in the document; its closing sign-off
    'By Choi He-suk and news reports (cheesuk@heraldcorp.com)' is read as the author and left out,
    the page's byline standing under the title."""
    lines = (shared / EXAMPLE).read_text("utf-8").split("\n")
    row = rows[f"{HERALD}/view.php?ud=20180429000160"]
    document = (output / "corpus" / row["file"]).read_text("utf-8")
    blocks = paragraphs(document)
    # The dump shows the photo table's cells between '|'s and breaks the sign-off in two.
    assert lines[3] == "|" and lines[4].endswith(" |") and lines[14:] == ["By Choi He-suk and news reports (", "cheesuk@heraldcorp.com)"]
    article = lines[0:3] + [lines[4].removesuffix(" |")] + lines[5:14]
    assert set(article) <= set(blocks)
    assert blocks[:3] == [row["title"], "By Choi He-suk", "Published : Apr 29, 2018 - 17:52 Updated : Apr 29, 2018 - 18:10"]
    assert "heraldcorp.com" not in document and "news reports" not in document
    assert row["authors"] == ["Choi He-suk"]
    assert row["published"] == "2018-04-29T17:52:00+09:00"


def test_g3_without_json_ld_reads_its_visible_head() -> None:
    """JSON-LD first; a G3 page without it (or with it broken) gives the same metadata from its head,
    AP-style dates ('April 23, 2025 - 15:44') taken as KST."""
    body = page("/article/10472312")
    with_json_ld = extract(body, "utf-8", f"{HERALD}/article/10472312")
    for stripped in (re.sub(rb'<script type="application/ld\+json">.*?</script>', b"", body, flags=re.S),
                     body.replace(b'"headline"', b'"headline" oops')):
        document = extract(stripped, "utf-8", f"{HERALD}/article/10472312")
        assert document == with_json_ld
    assert (with_json_ld.published, with_json_ld.modified) == ("2025-04-23T15:44:00+09:00", "2025-04-23T16:02:00+09:00")


def test_json_ld_headline_is_unescaped() -> None:
    assert b"Children&#x27;s Day" in page("/article/10480551")
    assert extract(page("/article/10480551"), "utf-8", f"{HERALD}/article/10480551").title == (
        "Children's Day events planned across Seoul")


@pytest.mark.parametrize(("agent", "status"), [("python-requests/2.32", 403), ("Mozilla/5.0 (X11)", 200)])
def test_replica_refuses_non_browser_agents(agent: str, status: int) -> None:
    request = ReplicaRequest("GET", "https", "www.koreaherald.com", "/rss/kh_National", (("User-Agent", agent),))
    assert KoreaHeraldSite()(request).status == status
