"""The command-line interface: `harvester sites`, `scrapy crawl SITE`, `harvester demo`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from harvester.profiles import PROFILES
from tests.conftest import FAST, run_harvester

ROOT = Path(__file__).resolve().parents[1]


def test_sites_lists_every_profile() -> None:
    result = run_harvester("sites")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(PROFILES)


def test_unknown_site_is_a_clear_error(tmp_path: Path) -> None:
    result = run_harvester("crawl", "no_such_site", "--out", str(tmp_path))
    assert result.returncode != 0
    assert "unknown site no_such_site" in result.stderr


def test_scrapy_crawl_runs_a_profile(replica: str, tmp_path: Path) -> None:
    env = dict(os.environ, http_proxy=replica, https_proxy=replica)
    settings = [
        *FAST,
        f"CORPUS_DIR={tmp_path / 'corpus'}",
        f"CAPTURE_DIR={tmp_path / 'warc'}",
        f"STATE_DIR={tmp_path / 'state'}",
        f"REPORT_FILE={tmp_path / 'crawl-report.json'}",
        "PROFILE_MAX_LIST_PAGES=1",
    ]
    args = [sys.executable, "-m", "scrapy", "crawl", "mofa_ko"]
    for setting in settings:
        args += ["-s", setting]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in (tmp_path / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    # The first list page (10 rows) and the feed (30 newest) name 30 distinct releases.
    assert len(rows) == 30
    assert {row["site"] for row in rows} == {"mofa_ko"}
    assert list((tmp_path / "warc").glob("*.warc.gz"))


SUMMARY = re.compile(r"^(\w+) \((\w+)\): (\d+) pages; documents (\d+) new, (\d+) changed, (\d+) unchanged;")
RUN_SUMMARY = re.compile(r"corpus (\S+): (\d+) documents \((\d+) new, (\d+) changed, (\d+) there before\)")


def test_demo_crawls_every_site_through_the_replica_and_a_second_demo_says_the_corpus_has_them(tmp_path: Path) -> None:
    crawlable = [name for name, profile in PROFILES.items() if profile.sources and not profile.replica_only]
    runs = [run_harvester("demo", "--out", str(tmp_path / "demo"), timeout=600) for _ in range(2)]
    for result in runs:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    first, second = ([SUMMARY.match(line) for line in result.stdout.splitlines()] for result in runs)
    sites = {match.group(1): match.groups()[1:] for match in first if match}
    assert set(sites) == set(crawlable)
    for name, (finish, pages, new, changed, unchanged) in sites.items():
        assert finish == "finished" and int(pages) > 0 and int(new) > 0, name
    manifest = (tmp_path / "demo/corpus/manifest.jsonl").read_text("utf-8").splitlines()
    assert len(manifest) == sum(int(new) for _, _, new, _, _ in sites.values())
    # The last line names the outputs; the second run's, the documents the corpus held already.
    totals = [RUN_SUMMARY.search(result.stdout.splitlines()[-1]) for result in runs]
    assert [match.groups()[1:] if match else None for match in totals] == [
        (str(len(manifest)), str(len(manifest)), "0", "0"),
        (str(len(manifest)), "0", "0", str(len(manifest))),
    ]
    assert totals[0].group(1) == str(tmp_path / "demo" / "corpus")
    assert all(match.group(4) == "0" for match in second if match)


def test_readme_lists_every_profile() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("## Sites", 1)[1].split("\n## ", 1)[0]
    listed = [line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")]
    assert listed == list(PROFILES)


def test_start_up_reaches_for_no_suffix_list_on_the_network() -> None:
    """Scrapy's cookie middleware uses the public suffix list tldextract ships, not a download."""
    code = (
        "import harvester.settings\n"
        "from scrapy.downloadermiddlewares.cookies import _split_domain\n"
        "print(_split_domain.suffix_list_urls, _split_domain('https://www.mofa.go.kr/').domain)"
    )
    env = {key: value for key, value in os.environ.items() if key != "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["()", "mofa"]
