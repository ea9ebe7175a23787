"""One crawl of the fault-test site (harvester/replica/sites/faults.py): each fault has its counted,
logged outcome, and nothing that came through is lost.

Expected documents of plain pages are the replica's article data laid out as the format says; those
of the charset and malformed-markup pages are written out here by hand.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from harvester import exitcodes
from harvester.replica.sites.faults import CRAWL_DELAY, load
from harvester.report.summary import summary_line
from tests.conftest import crawl
from tests.corpora import check_corpus, warcio_check
from tests.warcs import Record, records

NEWS, MOBILE = "https://news.faults.test", "https://m.faults.test"
CAP = 1024 * 1024
# The pages that come through, some after retries: plain, flaky, tangled, mis-declared.
DOCUMENTS = {1001, 1002, 1003, 1004, 1005, 1006, 2001, 2002, 2003, 2004, 2008, 2012, 2013, 2019}


def view(idx: int, host: str = NEWS) -> str:
    return f"{host}/news/view.php?idx={idx}"


@pytest.fixture(scope="module")
def run(replica: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("faults")
    # A timeout long enough for a loaded machine, short enough for the stalls to cost little.
    settings = ["DOWNLOAD_TIMEOUT=3", "FETCH_RETRY_BACKOFF=0.1", f"FETCH_MAX_PAGE_SIZE={CAP}", "REPORT_PROGRESS_INTERVAL=0.2"]
    # The site's bot challenge (a 403) refuses the crawl: the exit code says so (exitcodes.BLOCKED).
    return out, crawl(out, "faults", proxy=replica, settings=settings, expect=exitcodes.BLOCKED)


@pytest.fixture(scope="module")
def report(run: tuple[Path, subprocess.CompletedProcess]) -> dict:
    return json.loads((run[0] / "crawl-report.json").read_text("utf-8"))["sites"]["faults"]


@pytest.fixture(scope="module")
def captured(run: tuple[Path, subprocess.CompletedProcess]) -> list[Record]:
    return records(run[0] / "warc")


@pytest.fixture(scope="module")
def documents(run: tuple[Path, subprocess.CompletedProcess]) -> dict[str, str]:
    folder = run[0] / "corpus"
    return {row["canonical_url"]: (folder / row["file"]).read_text("utf-8") for row in check_corpus(folder)}


def responses(captured: list[Record], url: str) -> list[Record]:
    """Every try of a URL: a response, or a revisit where the payload repeats an earlier try's."""
    return [record for record in captured if record.type in ("response", "revisit") and record.url == url]


def test_every_page_that_came_through_is_a_document(documents: dict[str, str]) -> None:
    _, articles, mobile = load()
    expected = {view(idx): articles[idx] for idx in DOCUMENTS} | {view(idx, MOBILE): a for idx, a in mobile.items()}
    assert set(documents) == set(expected)
    for url, article in expected.items():
        if article.fault in ("malformed", "wrong_charset", "no_charset"):
            continue
        assert documents[url] == article.title + "\n\n" + "\n\n".join(article.paragraphs), url


def test_flaky_servers_are_retried(report: dict, captured: list[Record]) -> None:
    # Resets (one of them absorbed by Twisted's own retry of a pooled connection), stalls past the
    # timeout, 503s and a 429 were tried again; each page then came through (test above).
    assert report["retries"]["timeout"] == 2
    assert report["retries"]["http_503"] == 2
    assert report["retries"]["http_429"] == 2
    assert report["retries"]["connection"] >= 1
    statuses = [record.http_status for record in responses(captured, view(2003))]
    assert statuses == [503, 503, 200]


def test_retry_after_is_waited_for(captured: list[Record]) -> None:
    tries = responses(captured, view(2004))
    assert [record.http_status for record in tries] == [429, 429, 200]
    assert all(dict(record.http_headers).get("Retry-After") == "1" for record in tries[:2])
    served = [float(dict(record.http_headers)["X-Replica-Served"]) for record in tries]
    assert served[1] - served[0] >= 1.0 and served[2] - served[1] >= 1.0


def test_the_host_that_pushed_back_was_slowed_down(report: dict) -> None:
    # news.faults.test: 503s, 429s with Retry-After: 1, resets, stalls, cut bodies (each try), a bot
    # challenge (403) and a WAF page (200). Its mobile edition answered every request.
    (host,) = report["slowdowns"]
    slowdowns = report["slowdowns"][host]
    reasons = dict(slowdowns["reasons"])
    assert host == "news.faults.test" and reasons.pop("connection") >= 1
    assert reasons == {"bot_wall": 2, "data_loss": 4, "http_503": 2, "retry_after": 2, "timeout": 2}
    assert slowdowns["count"] == sum(slowdowns["reasons"].values()) and slowdowns["longest_s"] >= 1.0


def test_failures_are_counted_by_kind(report: dict, documents: dict[str, str]) -> None:
    assert report["errors"] == {"bot_wall": 1, "http_500": 1, "redirect_loop": 1}
    assert report["retries"]["http_500"] == 3
    for idx in (2005, 2006, 2017):
        assert view(idx) not in documents


def test_pages_without_a_document_stay_in_the_warc(report: dict, captured: list[Record], documents: dict[str, str]) -> None:
    assert report["no_document"] == {
        "binary_content": 1,
        "bot_wall": 1,
        "empty_article_body": 1,
        "empty_page": 1,
        "truncated": 2,
    }
    for idx in (2009, 2010, 2011, 2014, 2015, 2016):
        assert view(idx) not in documents
        assert 200 in [record.http_status for record in responses(captured, view(idx))], idx
    # The page cut off mid-body was tried again; each try that answered is captured, cut short.
    tries = responses(captured, view(2009))
    assert len(tries) >= 2 and {record.http_status for record in tries} == {200}


def test_a_huge_page_is_cut_at_the_size_cap(captured: list[Record]) -> None:
    (record,) = responses(captured, view(2010))
    # The 20 MiB page was read up to the cap and no further; what came is in the WARC (the record's
    # block: the head and the body as received).
    assert CAP <= int(record.headers["Content-Length"]) < CAP + 256 * 1024
    assert record.headers["WARC-Truncated"] == "length"


def test_wrong_and_missing_charsets_are_read_right(documents: dict[str, str], run: tuple[Path, subprocess.CompletedProcess]) -> None:
    assert documents[view(2012)] == "하천 정화 활동에 학생 200명\n\n지역 중학생 200명이 하천 정화 활동에 나섰다.\n\n학생들은 두 시간 동안 쓰레기 1톤을 주웠다."
    assert documents[view(2013)] == (
        "옥상 텃밭 공모 시작\n\n옥상 텃밭을 가꿀 공동주택을 찾는 공모가 시작됐다.\n\n"
        "선정된 단지에는 흙과 모종, 빗물 저장 설비가 지원된다."
    )
    stderr = run[1].stderr
    assert "view.php?idx=2012: charset cp949 (header_wrong)" in stderr
    assert "view.php?idx=2013: charset cp949 (guessed)" in stderr


def test_malformed_markup_gives_the_article(documents: dict[str, str], run: tuple[Path, subprocess.CompletedProcess]) -> None:
    assert documents[view(2008)] == (
        "마을 숲 가꾸기 주민 모임 출범\n\n마을 숲을 함께 가꾸는 주민 모임이 출범했다.\n\n"
        "모임은 매달 둘째 주 토요일에 숲길을 청소하고 어린나무를 심는다.\n\n첫 모임에는 주민 40여 명이 참여했다."
    )
    rows = {row["canonical_url"]: row for row in check_corpus(run[0] / "corpus")}
    assert (rows[view(2008)]["published"], rows[view(2008)]["authors"]) == ("2024-12-05T17:45:00+09:00", ["박서연"])


def test_robots_disallow_is_obeyed(report: dict, captured: list[Record]) -> None:
    assert report["skipped"]["robots"] == 1
    assert not [record for record in captured if record.url == view(2007)]


def test_crawl_delay_paces_the_host_that_asks(captured: list[Record]) -> None:
    pages = [r for r in captured if r.type == "request" and r.url and r.url.startswith(MOBILE + "/news/")]
    # When each request began to be written (its WARC-Date): the crawl's own pacing. Arrival times at
    # the replica (X-Replica-Served) add its answer time, which on a loaded machine varies by up to a
    # second. The crawl asked for no delay of its own (DOWNLOAD_DELAY=0): without the Crawl-delay the
    # requests would go within milliseconds.
    sent = sorted(datetime.fromisoformat(record.headers["WARC-Date"]).timestamp() for record in pages)
    assert len(sent) == 3
    gaps = [later - earlier for earlier, later in zip(sent, sent[1:])]
    # The Crawl-delay is the delay's lowest draw (±50% jitter); a new connection's set-up may come
    # between the slot's send and the first byte written.
    assert min(gaps) >= CRAWL_DELAY * 0.6 and sum(gaps) / len(gaps) >= CRAWL_DELAY * 0.9, gaps


def test_links_off_the_site_are_never_fetched(report: dict, captured: list[Record]) -> None:
    hosts = {record.url.split("/")[2] for record in captured if record.url}
    assert hosts == {"news.faults.test", "m.faults.test"}
    # The list pages' link to a partner site, and the article moved there.
    assert report["skipped"]["offsite"] >= 2
    assert [record.http_status for record in responses(captured, view(2018))] == [301]


def test_warcs_pass_warcio_check(run: tuple[Path, subprocess.CompletedProcess]) -> None:
    warcio_check(run[0] / "warc")


def test_progress_lines_and_summary(run: tuple[Path, subprocess.CompletedProcess], report: dict) -> None:
    out, result = run
    progress = [line for line in result.stderr.splitlines() if "Progress faults:" in line]
    assert len(progress) >= 2 and progress[-1].endswith("(finished)")
    assert f"{report['pages']} pages" in progress[-1] and "17 documents (17 new, 0 changed)" in progress[-1]
    site_line, run_line = result.stdout.splitlines()
    assert site_line == summary_line("faults", report)
    assert run_line.startswith(f"harvester crawl: output in {out}; corpus {out / 'corpus'}: 17 documents (17 new, 0 changed, 0 there before)")
    assert report["finish_reason"] == "finished" and report["documents"] == {"new": 17, "changed": 0, "unchanged": 0}


def test_the_skipped_report_names_every_url_that_went_no_further(run: tuple[Path, subprocess.CompletedProcess], report: dict) -> None:
    """What the report counts, the skipped report lists: each URL with the stage it stopped at."""
    out, _ = run
    lines = [json.loads(line) for line in (out / "reports/skipped.jsonl").read_text("utf-8").splitlines()]
    stages: dict[str, dict[str, int]] = {}
    for line in lines:
        counts = stages.setdefault(line["stage"], {})
        counts[line["reason"]] = counts.get(line["reason"], 0) + 1
    assert stages["no_document"] == report["no_document"]
    assert stages["failed"] == report["errors"]
    # A URL met again (a link on every page) is counted each time, listed once.
    for reason in ("robots", "offsite"):
        assert 1 <= stages["not_fetched"][reason] <= report["skipped"][reason], reason
