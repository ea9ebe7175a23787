"""Presidential Archives web records: a crawl through the replica gives every archived article once,
as written by hand in fixtures/pa_webarchives/, with its original URL; no banner, no site chrome."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.profiles import pa_webarchives
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites.pa_webarchives import PaWebArchivesSite
from tests.conftest import crawl
from tests.site_documents import expected, expected_text, paragraphs, read_manifest, responses

EXPECTED = expected("pa_webarchives")
ARCHIVE = "http://webarchives.pa.go.kr"
EXAMPLE = "format/examples/000_4b15f8a35112d957.txt"
# What example 000 kept of the page besides the article: the archive's banner, the site's chrome.
EXAMPLE_CHROME = (
    "이 웹사이트는 제19대 대통령 임기 종료에 따라",
    "다만, 「개인정보보호법」에 의하여",
    "[오늘 그만 보기]",
    "대통령기록관 홈페이지로 이동합니다",
    "이 웹사이트는 국민의 알권리 보장을 위해",
    "This Website is the Presidential Records",
    "move to top",
    "link to korea.net",
)


@pytest.fixture(scope="module")
def output(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pa_webarchives")
    crawl(out, "pa_webarchives", proxy=replica)
    return out


@pytest.fixture(scope="module")
def rows(output: Path) -> dict[str, dict]:
    manifest = read_manifest(output)
    by_url = {row["canonical_url"]: row for row in manifest}
    assert len(by_url) == len(manifest), "an article came out twice"
    return by_url


def page(path: str) -> bytes:
    response = PaWebArchivesSite()(ReplicaRequest("GET", "http", "webarchives.pa.go.kr", path))
    assert response.status == 200
    return response.body


def test_doctests() -> None:
    assert doctest.testmod(pa_webarchives).failed == 0


def test_every_article_exactly_once(rows: dict[str, dict]) -> None:
    assert set(rows) == {fields["canonical_url"] for fields in EXPECTED.values()}
    assert len(rows) == 7


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document(output: Path, rows: dict[str, dict], name: str) -> None:
    fields = EXPECTED[name]
    row = rows[fields["canonical_url"]]
    assert (output / "corpus" / row["file"]).read_text("utf-8") == expected_text("pa_webarchives", name)
    assert (row["title"], row["published"], row["authors"]) == (fields["title"], fields["published"], fields["authors"])
    assert (row["site"], row["kind"], row["language"]) == ("pa_webarchives", "archive", fields["language"])
    # The manifest keeps both addresses: the archive's (requested) and the page's own.
    assert row["url"] == row["final_url"] == fields["canonical_url"]
    assert row["url"].startswith(f"{ARCHIVE}/19th/")
    assert row["original_url"] == fields["original_url"]
    # original_url comes after the format's own fields.
    assert list(row).index("original_url") > list(row).index("warc")


def test_archive_links_are_followed_over_plain_http(output: Path) -> None:
    fetched = {r.url for r in responses(output) if r.status == 200}
    assert f"{ARCHIVE}/robots.txt" in fetched
    assert f"{ARCHIVE}/19th/www.korea.net/NewsFocus/Policies?pageIndex=2" in fetched
    assert f"{ARCHIVE}/19th/www.president.go.kr/articles?page=2" in fetched
    assert all(url.startswith(f"{ARCHIVE}/") for url in fetched)


def test_example_000_article_without_its_chrome(shared: Path, rows: dict[str, dict], output: Path) -> None:
    """The example's article text is all in the document (title, captions, byline, paragraphs), and
    none of what the example kept of the archive's banner and korea.net's chrome."""
    example = (shared / EXAMPLE).read_text("utf-8")
    url = f"{ARCHIVE}/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227"
    document = (output / "corpus" / rows[url]["file"]).read_text("utf-8")
    example_lines = [line for line in example.split("\n") if line.strip()]
    chrome = [line for line in example_lines if any(line.startswith(mark) for mark in EXAMPLE_CHROME)]
    article = [line for line in example_lines if line not in chrome]
    assert len(chrome) == 7 and len(article) == 10
    assert set(article) <= set(paragraphs(document))
    for mark in EXAMPLE_CHROME:
        assert mark not in document
    assert rows[url]["title"] == article[0] == "Korea, US agree denuclearization should advance in virtuous circle"
    assert rows[url]["authors"] == ["Xu Aiying", "Lee Hana"]


@pytest.mark.parametrize("banner_ids", [True, False], ids=["banner-markup-known", "banner-markup-unknown"])
def test_banner_is_stripped_by_generic_extraction(banner_ids: bool) -> None:
    """A page no selector covers goes to generic extraction, which must not take the banner for
    the article, whether the banner comes in the markup the profile knows or not."""
    body = page("/19th/www.president.go.kr/about/history?section=6")
    if not banner_ids:
        body = body.replace(b"webarchive_popup", b"wa_layer").replace(b"webarchive_banner", b"wa_top")
    document = extract(body, "utf-8", f"{ARCHIVE}/19th/www.president.go.kr/about/history?section=6")
    text = render(document)
    for mark in EXAMPLE_CHROME:
        assert mark not in text
    assert "청와대 터는 고려 숙종 때 남경의 이궁이 있던 자리로" in text
    # The profile's rules read no title and no body here: both came from generic extraction.
    assert document.fallback == ("title", "body")
    assert document.extra == {"original_url": "http://www.president.go.kr/about/history?section=6", "fallback": ["title", "body"]}


def test_replica_rewrites_links_into_the_archive() -> None:
    html = page("/19th/www.korea.net/NewsFocus/Policies").decode("utf-8")
    links = re.findall(r'href="([^"#]*)"', html)
    archived = [link for link in links if link.startswith("/19th/")]
    assert "/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227" in archived
    assert "/19th/chinese.korea.net/" in archived
    # Only the archive's own banner (its stylesheet and its logo's link) points outside the copy.
    assert {link for link in links if not link.startswith("/19th/")} == {"/webarchive/css/wa_banner.css", "http://www.pa.go.kr"}


def test_replica_serves_no_https() -> None:
    request = ReplicaRequest("GET", "https", "webarchives.pa.go.kr", "/19th/www.president.go.kr/articles/4612")
    assert PaWebArchivesSite()(request).status == 502
