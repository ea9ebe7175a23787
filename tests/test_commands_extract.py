"""`harvester extract` on saved pages: CMS detection and charset detection, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_harvester
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for

FIXTURES = Path(__file__).parent / "fixtures"


def test_extract_undeclared_euc_kr_page_of_an_unconfigured_paper(tmp_path: Path) -> None:
    # Saved bytes of a page that declares its charset nowhere (not in a header: there is none).
    body = site_for("hanbit")(ReplicaRequest("GET", "http", "www.hanbitnews.co.kr", "/news/view.php?idx=1202")).body
    page = tmp_path / "page.html"
    page.write_bytes(body)
    result = run_harvester("extract", str(page), "--url", "http://www.gyeongnamilbo.co.kr/news/view.php?idx=1202")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FIXTURES / "hanbit" / "hanbit_1202_2009_03_05.txt").read_text("utf-8") + "\n"
