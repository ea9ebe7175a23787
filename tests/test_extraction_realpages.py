"""`harvester extract` on real MOFA board pages (../shared/realpages/mofa-cms): the article, no chrome.

Expected documents (tests/fixtures/mofa_missions/) were written by hand from the pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_harvester

FIXTURES = Path(__file__).parent / "fixtures" / "mofa_missions"
PAGES = {
    "passport_1344542": "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542&page=1",
    "overseas_registration_1153940": "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5395/view.do?seq=1153940&page=1",
    "forms_1019264": "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5396/view.do?seq=1019264&page=1",
}
CHROME = ["바로가기 메뉴", "본문 바로가기", "주메뉴 바로가기", "검색창 열기", "양식 다운로드", "영사 서비스",
          "첨부", "미리보기", "이전 글", "다음 글", "목록", "공지", "Copyright"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_extract_gives_the_article(shared: Path, page: str) -> None:
    result = run_harvester("extract", str(shared / "realpages/mofa-cms" / f"{page}.html"), "--url", PAGES[page])
    assert result.returncode == 0, result.stderr
    expected = (FIXTURES / f"{page}.txt").read_text("utf-8")
    assert result.stdout == expected + "\n"
    for chrome in CHROME:
        assert chrome not in result.stdout


def test_attachment_only_post_gives_no_document(shared: Path) -> None:
    """forms_1019267's body is one empty paragraph: an error, not the page chrome as a document."""
    url = "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5396/view.do?seq=1019267&page=1"
    result = run_harvester("extract", str(shared / "realpages/mofa-cms/forms_1019267.html"), "--url", url)
    assert result.returncode == 1
    assert "empty article body" in result.stderr
    assert result.stdout == ""


def test_batch(shared: Path, tmp_path: Path) -> None:
    jobs = tmp_path / "pages.jsonl"
    jobs.write_text(
        "\n".join(json.dumps({"path": str(shared / "realpages/mofa-cms" / f"{p}.html"), "url": u}) for p, u in PAGES.items()),
        "utf-8",
    )
    result = run_harvester("extract", "--batch", str(jobs))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["url"] for row in rows] == list(PAGES.values())
    by_url = {row["url"]: row for row in rows}
    row = by_url[PAGES["overseas_registration_1153940"]]
    assert row["title"] == "재외국민 등록말소 제도 시행 안내"
    assert row["published"] == "2020-06-18"
    assert row["authors"] == []
    assert row["text"] == (FIXTURES / "overseas_registration_1153940.txt").read_text("utf-8")
