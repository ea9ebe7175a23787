"""A small run of the performance bench (bench/run.py): every part still works.

Not a measurement (figures of 200 pages are mostly start-up): it checks that nginx serves the
generated site, each system crawls all of it, and the table and its JSON come out whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SYSTEMS = ["scrapy-plain", "harvester-full", "harvester-capture", "wget", "harvester-extractor-1proc", "trafilatura-1proc"]


def test_the_bench_measures_every_system_on_the_same_site(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--pages", "200", "--systems", ",".join(SYSTEMS),
         "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text())
    rows = report["rows"]
    assert [row["system"] for row in rows] == SYSTEMS
    for row in rows:
        assert set(row) == {"system", "pages", "pages_per_s", "cpu_s_per_1000", "peak_rss_mb", "warc_bytes_per_page"}
        # Every system read every article page (the crawlers found all of them through the pager).
        assert row["pages"] == 200, (row, run.stderr[-3000:])
        assert row["pages_per_s"] > 0 and row["cpu_s_per_1000"] > 0 and row["peak_rss_mb"] > 0
    by_system = {row["system"]: row for row in rows}
    # The archival crawlers wrote WARCs of the pages (a page is 30-80 KB; gzipped, a few KB).
    for system in ("harvester-full", "harvester-capture", "wget"):
        assert 2_000 < by_system[system]["warc_bytes_per_page"] < 80_000
    assert by_system["scrapy-plain"]["warc_bytes_per_page"] is None
    # The ceiling: both cores on plain Scrapy's work plus the harvester's own extraction of a page.
    ceiling = report["ceiling"]
    plain, alone = by_system["scrapy-plain"]["cpu_s_per_1000"], by_system["harvester-extractor-1proc"]["cpu_s_per_1000"]
    assert (ceiling["plain_cpu_ms"], ceiling["extractor_cpu_ms"]) == (plain, alone)
    assert ceiling["pages_per_s"] == round(ceiling["cores"] * 1000 / (plain + alone), 1)
    assert set(ceiling["shares"]) == {"harvester-full", "harvester-capture"}
    for system, share in ceiling["shares"].items():
        assert abs(share - by_system[system]["pages_per_s"] / ceiling["pages_per_s"]) < 0.01
    assert "ceiling on" in run.stdout and "(scrapy-plain + harvester-extractor-1proc)" in run.stdout
    assert "harvester-full:" in run.stdout and "harvester-capture:" in run.stdout
