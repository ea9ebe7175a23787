"""The rebuild's URL-list spider through the replica: what becomes of a manifest line whose page is
there unchanged, redirected off the site, redirected to another article, a redirect loop, forbidden
by robots.txt (asked for together with others of its host, before robots.txt came), or not found;
a line of no known profile is read as generic extraction reads it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from harvester.corpus.ids import document_id, file_name
from harvester.replica.sites.faults import load
from tests.conftest import FAST, run_harvester
from tests.corpora import check_corpus, lines

ARTICLES = load()[1]
HERALD_OLD = "https://www.koreaherald.com/view.php?ud=20240315000512"  # now at /article/3347705


def view(idx: int) -> str:
    return f"https://news.faults.test/news/view.php?idx={idx}"


def expected(idx: int) -> bytes:
    article = ARTICLES[idx]
    return (article.title + "\n\n" + "\n\n".join(article.paragraphs)).encode()


# url, site, text of the old file
LINES = [
    (view(1001), "faults", expected(1001)),  # unchanged
    (view(2018), "faults", b"Moved away\n\nIts text."),  # 301 to news.elsewhere.test
    (view(2006), "faults", b"Loop\n\nIts text."),  # redirects back to itself
    (view(2007), "faults", b"Forbidden\n\nIts text."),  # robots.txt disallows it
    (view(4040), "faults", b"Never there\n\nIts text."),  # 404
    (HERALD_OLD, "korea_herald", b"Cherry blossoms\n\nIts text."),  # 301 to another canonical URL
    (view(1002), None, expected(1002)),  # a line of `harvester archive`: no profile
]


@pytest.fixture(scope="module")
def rebuilt(replica: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    source = tmp_path_factory.mktemp("source")
    rows = []
    for seq, (url, site, text) in enumerate(LINES):
        doc_id = document_id(url)
        (source / file_name(seq, doc_id)).write_bytes(text)
        rows.append({
            "seq": seq, "id": doc_id, "file": file_name(seq, doc_id), "url": url, "final_url": url, "canonical_url": url,
            "site": site, "kind": "news" if site else None, "title": text.split(b"\n")[0].decode(), "published": None,
            "modified": None, "authors": [], "language": "ko", "fetched_at": "2025-01-01T00:00:00Z",
            "sha256": hashlib.sha256(text).hexdigest(), "warc": None, "version": 1, "previous_sha256": None,
        })
    (source / "manifest.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    out = tmp_path_factory.mktemp("out")
    settings = [item for setting in [*FAST, "FETCH_RETRY_BACKOFF=0.1"] for item in ("-s", setting)]
    result = run_harvester("rebuild", str(source / "manifest.jsonl"), "--out", str(out), *settings, proxy=replica)
    assert result.returncode == 1, result.stderr[-3000:]  # some failed
    report = json.loads((out / "rebuild-report.json").read_text("utf-8"))
    return out, {row["url"]: row for row in report["documents"]}


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        (view(1001), "unchanged", ""),
        (view(2018), "gone", "redirected off the site to https://news.elsewhere.test/news/view.php?idx=2018"),
        (view(2006), "failed", "redirect_loop"),
        (view(2007), "failed", "not fetched: Forbidden by robots.txt"),
        (view(4040), "gone", "http 404"),
        (HERALD_OLD, "gone", "redirected to https://www.koreaherald.com/article/3347705"),
        (view(1002), "unchanged", ""),
    ],
)
def test_each_line_gets_its_outcome(rebuilt: tuple[Path, dict[str, dict]], url: str, status: str, detail: str) -> None:
    _, outcomes = rebuilt
    assert (outcomes[url]["status"], outcomes[url]["detail"]) == (status, detail)


def test_lines_not_fetched_again_keep_their_file_and_line_marked(rebuilt: tuple[Path, dict[str, dict]]) -> None:
    out, outcomes = rebuilt
    manifest = {row["url"]: row for row in check_corpus(out / "corpus")}
    assert len(manifest) == len(LINES)
    for seq, (url, site, text) in enumerate(LINES):
        row = manifest[url]
        assert row["seq"] == seq and (out / "corpus" / row["file"]).read_bytes() == text
        status = outcomes[url]["status"]
        assert row.get("rebuild") == (status if status in ("gone", "failed") else None)


def test_a_line_of_no_profile_keeps_its_site(rebuilt: tuple[Path, dict[str, dict]]) -> None:
    out, _ = rebuilt
    row = next(row for row in lines(out / "corpus/manifest.jsonl") if row["url"] == view(1002))
    assert (row["site"], row["kind"], row["title"], row["authors"]) == (None, None, ARTICLES[1002].title, [ARTICLES[1002].reporter])
