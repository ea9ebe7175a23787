"""`harvester extract` on saved pages: CMS detection and charset detection, as a user runs it; the
JSON lines say which profile read the page and which fields generic extraction gave."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from harvester.commands import extract
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for
from tests.conftest import run_harvester

FIXTURES = Path(__file__).parent / "fixtures"


def test_extract_undeclared_euc_kr_page_of_an_unconfigured_paper(tmp_path: Path) -> None:
    # Saved bytes of a page that declares its charset nowhere (not in a header: there is none).
    body = site_for("hanbit")(ReplicaRequest("GET", "http", "www.hanbitnews.co.kr", "/news/view.php?idx=1202")).body
    page = tmp_path / "page.html"
    page.write_bytes(body)
    result = run_harvester("extract", str(page), "--url", "http://www.gyeongnamilbo.co.kr/news/view.php?idx=1202")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FIXTURES / "hanbit" / "hanbit_1202_2009_03_05.txt").read_text("utf-8") + "\n"


def extract_command(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict], str]:
    """Run `harvester extract` in process: its exit code, its JSON output lines and its stderr."""
    parser = argparse.ArgumentParser()
    extract.add_arguments(parser)
    code = extract.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_batch_lines_say_which_profile_read_the_page_and_what_fell_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = "/NewsFocus/Policies/view?articleId=246013"
    request = ReplicaRequest("GET", "https", "www.korea.net", path, (("User-Agent", "Mozilla/5.0"), ("Cookie", "AWSALB=1")))
    body = site_for("korea_net")(request).body
    (tmp_path / "known.html").write_bytes(body)
    (tmp_path / "renamed.html").write_bytes(body.replace(b'id="articleContent"', b'id="articleMain"'))
    (tmp_path / "generic.html").write_bytes((FIXTURES / "generic" / "hangang_times_2024_03_14.html").read_bytes())
    jobs = [
        {"path": str(tmp_path / "known.html"), "url": f"https://www.korea.net{path}"},
        {"path": str(tmp_path / "renamed.html"), "url": f"https://www.korea.net{path}"},
        {"path": str(tmp_path / "generic.html"), "url": "https://www.hangang-times.kr/2024/03/14/bike-road/"},
        {"path": str(tmp_path / "missing.html"), "url": "https://www.korea.net/missing"},
        {"url": "https://www.korea.net/no-path"},
    ]
    batch = tmp_path / "pages.jsonl"
    batch.write_text("".join(json.dumps(job) + "\n" for job in jobs) + "not json\n", "utf-8")
    code, lines, err = extract_command(capsys, "--batch", str(batch))
    known, renamed, generic, missing, no_path, bad = lines
    assert code == 1 and err == ""
    assert (known["profile"], known["fallback"]) == ("korea_net", [])
    assert (renamed["profile"], renamed["fallback"]) == ("korea_net", ["body", "authors"])
    assert known["text"] == renamed["text"] == (FIXTURES / "korea_net" / "news_246013.txt").read_text("utf-8")
    assert (generic["profile"], generic["fallback"]) == (None, [])
    assert list(known) == ["url", "title", "published", "authors", "profile", "fallback", "text"]
    assert missing == {"url": "https://www.korea.net/missing", "error": f"{tmp_path / 'missing.html'}: No such file or directory"}
    assert no_path == {"url": "https://www.korea.net/no-path", "error": "input line lacks 'path'"}
    assert bad["url"] is None and bad["error"].startswith("Expecting value")


def test_single_page_as_a_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    code, lines, err = extract_command(capsys, str(page), "--url", "https://example.com/a", "--json")
    assert (code, lines) == (1, [])
    assert err == f"harvester extract: {page}: trafilatura found no article\n"
    page.write_bytes((FIXTURES / "generic" / "hangang_times_2024_03_14.html").read_bytes())
    code, (line,), _ = extract_command(capsys, str(page), "--url", "https://www.hangang-times.kr/2024/03/14/bike-road/", "--json")
    assert (code, line["profile"], line["fallback"]) == (0, None, [])
    assert line["text"] == (FIXTURES / "generic" / "hangang_times_2024_03_14.txt").read_text("utf-8")


def test_missing_batch_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert extract_command(capsys, "--batch", str(tmp_path / "none.jsonl")) == (2, [], f"harvester extract: {tmp_path / 'none.jsonl'}: no such file\n")


def test_the_capture_date_chooses_the_profiles_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ecounion's page of 2018, on the paper's older template: read with the rules of its day when
    `--date` (or the batch line's `date`) says when it was captured; with today's, it falls back."""
    page = FIXTURES / "ecounion" / "ecounion_8847_2018_07_02_old_template.html"
    url = "https://www.ecounion.co.kr/news/view.php?idx=8847"
    code, [then], _ = extract_command(capsys, str(page), "--url", url, "--json", "--date", "2018-07-02")
    assert (code, then["fallback"]) == (0, [])
    assert then["text"] == (FIXTURES / "ecounion" / "ecounion_8847_2018_07_02_old_template.txt").read_text("utf-8")
    code, [today], _ = extract_command(capsys, str(page), "--url", url, "--json")
    assert (code, today["fallback"]) == (0, ["title", "published", "authors"])
    batch = tmp_path / "pages.jsonl"
    lines = [{"path": str(page), "url": url, "date": "2018-07-02"}, {"path": str(page), "url": url}, {"path": str(page), "url": url, "date": "July 2018"}]
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    code, (dated, undated, bad), _ = extract_command(capsys, "--batch", str(batch), "--date", "2019-12-31")
    assert (code, dated["fallback"], undated["fallback"]) == (1, [], [])
    assert bad == {"url": url, "error": "a capture date is YYYY-MM-DD, not 'July 2018'"}
    code, _, err = extract_command(capsys, str(page), "--url", url, "--date", "yesterday")
    assert (code, err) == (2, "harvester extract: --date: a capture date is YYYY-MM-DD, not 'yesterday'\n")
