"""Crawl both MOFA boards through the replica: every press release once, exact documents, captures.

The expected documents are the replica's articles (its data, not the harvester's output) laid out
as the format says; tests/fixtures/mofa_en/ holds documents written by hand for two real releases.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.corpus.ids import document_id
from harvester.replica.sites.mofa import Article, Board, MofaSite
from tests.conftest import crawl
from tests.warcs import record_at, records

FIXTURES = Path(__file__).parent / "fixtures" / "mofa_en"
ENGLISH, KOREAN = "m_5676", "m_4080"


def expected_document(board: Board, article: Article) -> str:
    """The document as the format lays out what the page shows (hit counters are not part of it)."""
    if board.english:
        head = [article.title, f"Date {article.date}"]
    else:
        head = [article.title, "작성자 외교부", f"작성일 {article.date}", f"담당부서 {article.department}"]
    # A browser collapses runs of ASCII white space and drops them at paragraph ends.
    paragraphs = [re.sub(r"[ \t\r\n]+", " ", p).strip(" ") for p in article.paragraphs]
    return "\n".join(head) + "\n\n" + "\n\n".join(paragraphs)


def canonical(board: Board, article: Article) -> str:
    return f"https://www.mofa.go.kr/{board.site}/brd/{board.board}/view.do?seq={article.seq}"


@pytest.fixture(scope="module")
def site() -> MofaSite:
    return MofaSite()


@pytest.fixture(scope="module")
def output(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English board first, then both boards into the same folder (the second crawl appends)."""
    out = tmp_path_factory.mktemp("mofa")
    crawl(out, "mofa_en", proxy=replica)
    (out / "first-manifest.jsonl").write_bytes((out / "corpus/manifest.jsonl").read_bytes())
    crawl(out, "mofa_en", "mofa_ko", proxy=replica)
    return out


@pytest.fixture(scope="module")
def manifest(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]


def test_every_release_exactly_once(site: MofaSite, manifest: list[dict]) -> None:
    expected = {canonical(board, a) for board in site.boards.values() for a in board.articles}
    assert len(expected) >= 56
    urls = [row["canonical_url"] for row in manifest]
    assert len(urls) == len(set(urls))
    assert set(urls) == expected
    assert [row["seq"] for row in manifest] == list(range(len(manifest)))


def test_documents_equal_the_articles(site: MofaSite, output: Path, manifest: list[dict]) -> None:
    rows = {row["canonical_url"]: row for row in manifest}
    for board in site.boards.values():
        for article in board.articles:
            row = rows[canonical(board, article)]
            assert row["id"] == document_id(row["canonical_url"])
            assert row["file"] == f"{row['seq']:03d}_{row['id']}.txt"
            assert (row["title"], row["published"]) == (article.title, article.date)
            assert row["language"] == ("en" if board.english else "ko")
            assert (row["site"], row["kind"]) == ("mofa_en" if board.english else "mofa_ko", "ministry")
            assert row["authors"] == [] and row["modified"] is None
            text = (output / "corpus" / row["file"]).read_text("utf-8")
            assert text == expected_document(board, article), row["url"]


@pytest.mark.parametrize("seq", [sorted(p.stem for p in FIXTURES.glob("eng_*.txt"))])
def test_hand_written_documents(output: Path, manifest: list[dict], seq: list[str]) -> None:
    assert seq, "no hand-written MOFA documents"
    rows = {row["canonical_url"]: row for row in manifest}
    for name in seq:
        url = f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={name.split('_')[1]}"
        text = (output / "corpus" / rows[url]["file"]).read_text("utf-8")
        assert text == (FIXTURES / f"{name}.txt").read_text("utf-8")


def test_second_crawl_keeps_numbers_and_adds_only_new(output: Path, manifest: list[dict]) -> None:
    first = (output / "first-manifest.jsonl").read_text("utf-8").splitlines()
    assert first and all(json.loads(line)["site"] == "mofa_en" for line in first)
    now = (output / "corpus/manifest.jsonl").read_text("utf-8").splitlines()
    assert now[: len(first)] == first
    assert {row["site"] for row in manifest[len(first) :]} == {"mofa_ko"}


def test_manifest_points_at_the_response_records(output: Path, manifest: list[dict]) -> None:
    for row in manifest:
        record = record_at(output / "warc", row["warc"]["file"], row["warc"]["offset"])
        assert record.type == "response"
        assert record.headers["WARC-Record-ID"] == row["warc"]["record_id"]
        assert record.url == row["final_url"]
        assert record.http_status == 200


def test_every_exchange_is_captured(output: Path) -> None:
    captured = records(output / "warc")
    by_type: dict[str, list] = {}
    for record in captured:
        by_type.setdefault(record.type, []).append(record)
    assert captured[0].type == "warcinfo"
    responses = {(r.url, r.http_status) for r in by_type["response"]}
    # robots.txt (behind the cookie gate too), the gate's 307, list pages and feeds.
    assert ("https://www.mofa.go.kr/robots.txt", 200) in responses
    assert any(status == 307 for _, status in responses)
    assert ("https://www.mofa.go.kr/www/brd/rss.do?brdId=302", 200) in responses
    assert ("https://www.mofa.go.kr/www/brd/m_4080/list.do", 200) in responses
    # Each response (or revisit, for a payload captured before) has its request, with the same
    # date; the crawler names itself.
    ids = {r.headers["WARC-Record-ID"]: r for r in by_type["response"] + by_type.get("revisit", [])}
    for request in by_type["request"]:
        response = ids[request.headers["WARC-Concurrent-To"]]
        assert response.headers["WARC-Date"] == request.headers["WARC-Date"]
        assert "harvester/" in dict(request.http_headers)["User-Agent"]
    assert len(by_type["request"]) == len(ids)


def test_warcio_check_passes(output: Path) -> None:
    files = sorted(str(p) for p in (output / "warc").glob("*.warc.gz"))
    assert files
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_robots_txt_is_obeyed(replica: str, tmp_path: Path) -> None:
    """The replica's robots.txt shuts AhrefsBot out: crawling under that name fetches robots.txt only."""
    crawl(tmp_path, "mofa_en", proxy=replica, settings=["ROBOTSTXT_USER_AGENT=AhrefsBot"])
    fetched = {r.url for r in records(tmp_path / "warc") if r.type == "request"}
    assert fetched == {"https://www.mofa.go.kr/robots.txt"}
    assert not (tmp_path / "corpus/manifest.jsonl").read_text("utf-8")
