"""`harvester rebuild`: a crawl of the replica (corpus A, with versions and revisits) made again from
its WARCs alone is A byte for byte; fetched again from the replica, it gives the same files; once the
replica changed one article, removed one and broke one, the report says exactly that and no
document of A is lost. `harvester verify` passes on every corpus made here."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import exitcodes
from tests.conftest import FAST, crawl, run_harvester, running_replica
from tests.corpora import check_corpus, lines
from tests.test_rebuild_offline import Captures, page_body

FAULTS = ["DOWNLOAD_TIMEOUT=2", "FETCH_RETRY_BACKOFF=0.1"]
REVISED = "https://news.faults.test/news/view.php?idx=2019"


def post(proxy: str, url: str, body: dict | None = None) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
    data = json.dumps(body).encode() if body is not None else None
    with opener.open(urllib.request.Request(url, data=data, method="POST")) as answer:
        return answer.read()


def rebuild(*args: str, proxy: str | None = None, expect: int = 0) -> str:
    settings = [item for setting in [*FAST, *FAULTS] for item in ("-s", setting)]
    result = run_harvester("rebuild", *args, *settings, proxy=proxy)
    assert result.returncode == expect, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def verify(corpus: Path, *warcs: Path) -> str:
    result = run_harvester("verify", str(corpus), *[arg for warc in warcs for arg in ("--warc", str(warc))])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("ok"), result.stdout
    return result.stdout


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    """A replica of this module's own: its pages are changed here."""
    with running_replica() as address:
        yield address


@pytest.fixture(scope="module")
def crawled(proxy: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Corpus A: every site; the fault site again after article 2019 was rewritten (a version 2);
    mofa_en again, whose unchanged pages come back as revisit records."""
    out = tmp_path_factory.mktemp("a")
    crawl(out, "all", proxy=proxy)
    # The fault site's bot challenge refuses the crawl: its exit code says so.
    crawl(out, "faults", proxy=proxy, settings=FAULTS, expect=exitcodes.BLOCKED)
    assert post(proxy, "http://news.faults.test/__replica__/revise?idx=2019") == b"1\n"
    crawl(out, "faults", proxy=proxy, settings=FAULTS, options=["--refresh-after", "0"], expect=exitcodes.BLOCKED)
    crawl(out, "mofa_en", proxy=proxy, options=["--refresh-after", "0"])
    return out


def test_corpus_a_has_versions_and_revisits(crawled: Path) -> None:
    """What makes the comparisons below worth making."""
    manifest = {row["canonical_url"]: row for row in check_corpus(crawled / "corpus")}
    assert manifest[REVISED]["version"] == 2 and len(lines(crawled / "corpus/versions.jsonl")) == 1
    assert len({row["site"] for row in manifest.values()}) == 9
    revisits = 0
    for path in (crawled / "warc").glob("*.warc.gz"):
        revisits += sum(1 for record in _types(path) if record == "revisit")
    assert revisits >= 30


def _types(path: Path) -> Iterator[str]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            yield record.rec_type


# -- from the captures alone
@pytest.fixture(scope="module")
def from_warc(crawled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("b")
    stdout = run_harvester("rebuild", "--from-warc", str(crawled / "warc"), "--out", str(out))
    assert stdout.returncode == 0, stdout.stderr[-3000:]
    return out


def test_from_warc_is_the_crawled_corpus_byte_for_byte(crawled: Path, from_warc: Path) -> None:
    assert files(from_warc / "corpus") == files(crawled / "corpus")


def test_from_warc_reports_what_it_made(crawled: Path, from_warc: Path) -> None:
    report = json.loads((from_warc / "rebuild-report.json").read_text("utf-8"))
    manifest = lines(crawled / "corpus/manifest.jsonl")
    assert (report["mode"], report["text"]) == ("from-warc", "re-extracted")
    assert (report["documents"], report["versions"]) == (len(manifest), 1)
    # Today's extractor is the crawl's: no text differs from the stored one.
    assert report["text_changed"] == [] and report["failed"] == [] and report["problems"] == []
    # The fault site's pages that gave no document in the crawl give none now.
    assert {"binary_content", "bot_wall", "empty_article_body", "empty_page", "truncated"} <= set(report["no_document"])


def test_from_warc_with_stored_text_is_the_crawled_corpus_too(crawled: Path, tmp_path: Path) -> None:
    rebuild("--from-warc", str(crawled / "warc"), "--use-stored-text", "--out", str(tmp_path))
    assert files(tmp_path / "corpus") == files(crawled / "corpus")


def test_verify_passes_on_the_crawled_and_the_rebuilt_corpus(crawled: Path, from_warc: Path) -> None:
    documents = len(lines(crawled / "corpus/manifest.jsonl"))
    for corpus in (crawled, from_warc):
        assert f": {documents} documents, 1 kept versions, {documents + 1} WARC references\n" in verify(
            corpus / "corpus", crawled / "warc"
        )


def test_a_truncated_and_an_empty_warc_are_named_and_what_could_be_read_is_kept(crawled: Path, tmp_path: Path) -> None:
    warcs = tmp_path / "warc"
    warcs.mkdir()
    for path in sorted((crawled / "warc").glob("*.warc.gz")):
        shutil.copy(path, warcs)
    # The last file is mofa_en crawled again: revisits of unchanged articles (their originals are
    # in the files before), so the corpus made of what is left is the crawl's all the same.
    last = sorted(warcs.glob("*.warc.gz"))[-1]
    # Cut inside the gzip member of its middle record (half the file's size could fall between two).
    with open(last, "rb") as stream:
        iterator = ArchiveIterator(stream)
        starts = [iterator.get_record_offset() for _ in iterator]
    middle = len(starts) // 2
    last.write_bytes(last.read_bytes()[: (starts[middle - 1] + starts[middle]) // 2])
    empty = warcs / "zz-empty.warc.gz"
    empty.touch()
    result = run_harvester("rebuild", "--from-warc", str(warcs), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    named = [line for line in result.stderr.splitlines() if line.startswith("capture file not read whole: ")]
    assert len(named) == 2, result.stderr
    assert result.stderr.count(str(empty)) == result.stderr.count(str(last)) == 1  # one line each
    assert named[0].startswith(f"capture file not read whole: {last}: truncated: the record at offset ")
    assert named[1] == f"capture file not read whole: {empty}: empty file"
    assert files(tmp_path / "out" / "corpus") == files(crawled / "corpus")
    report = json.loads((tmp_path / "out" / "rebuild-report.json").read_text("utf-8"))
    assert report["problems"] == [line.removeprefix("capture file not read whole: ") for line in named]


# -- from the sites
@pytest.fixture(scope="module")
def refetched(crawled: Path, proxy: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("r")
    rebuild(str(crawled / "corpus/manifest.jsonl"), "--out", str(out), proxy=proxy)
    return out


def test_rebuild_from_the_sites_gives_the_same_files(crawled: Path, refetched: Path) -> None:
    old, new = files(crawled / "corpus"), files(refetched / "corpus")
    assert old.keys() == new.keys()
    assert {name: data for name, data in new.items() if name != "manifest.jsonl"} == {
        name: data for name, data in old.items() if name != "manifest.jsonl"
    }
    # Manifest lines differ only in when and where the page was captured again.
    again = {row["id"]: row for row in lines(refetched / "corpus/manifest.jsonl")}
    for row in lines(crawled / "corpus/manifest.jsonl"):
        now = again[row["id"]]
        assert {key: value for key, value in now.items() if key not in ("fetched_at", "warc")} == {
            key: value for key, value in row.items() if key not in ("fetched_at", "warc")
        }
        assert now["fetched_at"] > row["fetched_at"] and now["warc"]["file"] in files(refetched / "warc")


def test_rebuild_from_the_sites_reports_every_document_unchanged(crawled: Path, refetched: Path) -> None:
    report = json.loads((refetched / "rebuild-report.json").read_text("utf-8"))
    documents = len(lines(crawled / "corpus/manifest.jsonl"))
    assert report["counts"] == {"unchanged": documents, "changed": 0, "gone": 0, "failed": 0}
    assert [row["seq"] for row in report["documents"]] == sorted(row["seq"] for row in lines(crawled / "corpus/manifest.jsonl"))
    # The new captures hold the pages again, with conversion records that name the old numbers:
    # made again from them, the rebuilt corpus comes back as it is.
    verify(refetched / "corpus", refetched / "warc", crawled / "warc")


def test_a_rebuilt_corpus_made_again_from_its_own_captures_keeps_its_numbers(refetched: Path, tmp_path: Path) -> None:
    rebuild("--from-warc", str(refetched / "warc"), "--out", str(tmp_path))
    rebuilt = lines(refetched / "corpus/manifest.jsonl")
    again = lines(tmp_path / "corpus/manifest.jsonl")
    assert [(row["seq"], row["id"], row["sha256"], row["warc"]) for row in again] == [
        (row["seq"], row["id"], row["sha256"], row["warc"]) for row in rebuilt
    ]


@pytest.fixture(scope="module")
def altered(crawled: Path, refetched: Path, proxy: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """The replica changes a MOFA article's title, removes a korea.net article and breaks a
    hanbitnews article (500); A is rebuilt from it. (After `refetched`, which needs the replica as it was.)"""
    manifest = lines(crawled / "corpus/manifest.jsonl")
    chosen = {
        "changed": next(row for row in manifest if row["site"] == "mofa_en"),
        "gone": next(row for row in manifest if row["site"] == "korea_net"),
        "failed": next(row for row in manifest if row["site"] == "hanbit"),
    }
    admin = "http://www.mofa.go.kr/__replica__/page"
    title = chosen["changed"]["title"]
    post(proxy, admin, {"url": chosen["changed"]["url"], "action": "change", "old": title, "new": title + " (corrected)"})
    post(proxy, admin, {"url": chosen["gone"]["url"], "action": "remove"})
    post(proxy, admin, {"url": chosen["failed"]["url"], "action": "break"})
    out = tmp_path_factory.mktemp("r2")
    stdout = rebuild(str(crawled / "corpus/manifest.jsonl"), "--out", str(out), proxy=proxy, expect=1)
    (out / "stdout.txt").write_text(stdout, "utf-8")
    return out, chosen


def test_the_report_says_exactly_what_changed(crawled: Path, altered: tuple[Path, dict[str, dict]]) -> None:
    out, chosen = altered
    report = json.loads((out / "rebuild-report.json").read_text("utf-8"))
    documents = len(lines(crawled / "corpus/manifest.jsonl"))
    assert report["counts"] == {"unchanged": documents - 3, "changed": 1, "gone": 1, "failed": 1}
    outcomes = {row["id"]: row for row in report["documents"] if row["status"] != "unchanged"}
    assert {row["status"]: row_id for row_id, row in outcomes.items()} == {status: row["id"] for status, row in chosen.items()}
    changed = outcomes[chosen["changed"]["id"]]
    title = chosen["changed"]["title"]
    assert changed["diff"]["summary"] == "+1 -1 lines"
    assert f"-{title}" in changed["diff"]["diff"] and f"+{title} (corrected)" in changed["diff"]["diff"]
    assert outcomes[chosen["gone"]["id"]]["detail"] == "http 404"
    assert outcomes[chosen["failed"]["id"]]["detail"] == "http_500"
    # Each site's drift, as a crawl counts it: the sites' pages fit their profiles.
    assert {"mofa_en", "korea_net", "hanbit"} <= set(report["drift"])
    assert report["drift"]["mofa_en"]["articles"] >= 1 and not any(site["out_of_date"] for site in report["drift"].values())
    # The table on the terminal says it too.
    table = (out / "stdout.txt").read_text("utf-8")
    for status, row in chosen.items():
        line = next(line for line in table.splitlines() if row["id"] in line)
        assert line.split()[:3] == [f"{row['seq']:03d}", row["id"], status]
    assert f"{documents - 3} unchanged, 1 changed, 1 gone, 1 failed" in table


def test_no_document_is_lost(crawled: Path, altered: tuple[Path, dict[str, dict]]) -> None:
    out, chosen = altered
    old = {row["id"]: row for row in lines(crawled / "corpus/manifest.jsonl")}
    new = {row["id"]: row for row in check_corpus(out / "corpus")}
    assert new.keys() == old.keys()
    assert [row["seq"] for row in new.values()] == [row["seq"] for row in old.values()]
    # Gone and failed: the old line, marked, and the old file.
    for status in ("gone", "failed"):
        row = old[chosen[status]["id"]]
        assert new[row["id"]] == {**row, "rebuild": status}
        assert (out / "corpus" / row["file"]).read_bytes() == (crawled / "corpus" / row["file"]).read_bytes()
    # Changed: the new text is the next version; the old text and line are kept as version 1.
    row = old[chosen["changed"]["id"]]
    now = new[row["id"]]
    assert (now["file"], now["version"], now["previous_sha256"]) == (row["file"], 2, row["sha256"])
    text = (out / "corpus" / row["file"]).read_text("utf-8")
    assert text.split("\n", 1)[0] == row["title"] + " (corrected)"
    kept = row["file"].replace(".txt", ".v1.txt")
    assert (out / "corpus" / kept).read_bytes() == (crawled / "corpus" / row["file"]).read_bytes()
    versions = lines(out / "corpus/versions.jsonl")
    assert {**row, "file": kept} in versions
    # The fault site's version 1 of article 2019 is kept as it was in A.
    assert lines(crawled / "corpus/versions.jsonl")[0] in versions
    verify(out / "corpus", out / "warc", crawled / "warc")


def test_a_rebuild_into_a_folder_holding_a_corpus_is_refused(crawled: Path) -> None:
    result = run_harvester("rebuild", "--from-warc", str(crawled / "warc"), "--out", str(crawled))
    assert result.returncode == 2
    assert "already holds a corpus" in result.stderr


def test_a_manifest_listing_a_number_twice_is_refused(crawled: Path, tmp_path: Path) -> None:
    rows = lines(crawled / "corpus/manifest.jsonl")[:2]
    rows[1]["seq"] = rows[0]["seq"]
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    result = run_harvester("rebuild", str(tmp_path / "manifest.jsonl"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "lists a number twice; see `harvester verify" in result.stderr


def test_a_rebuild_from_captures_of_a_changed_template_says_the_profile_looks_out_of_date(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    for idx in (1001, 1002, 1003):
        body = page_body(idx).replace(b'<div id="viewContent">', b'<div id="articleView">')
        captures.response(f"https://news.faults.test/news/view.php?idx={idx}", body)
    captures.close()
    stdout = rebuild("--from-warc", str(tmp_path / "warc"), "--out", str(tmp_path / "out"), expect=exitcodes.DRIFT)
    assert "\ndrift:\nfaults: 3 of 3 articles read by generic extraction or failing checks (fallback body 3);" in stdout
    assert "the profile looks out of date" in stdout
    report = json.loads((tmp_path / "out" / "rebuild-report.json").read_text("utf-8"))
    assert report["drift"]["faults"]["out_of_date"] and report["drift"]["faults"]["fallback"]["body"] == 3
