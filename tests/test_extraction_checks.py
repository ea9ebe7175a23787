"""Pages that must not become documents (binary bodies, bot walls), and charsets settled by the bytes."""

from __future__ import annotations

import doctest

import pytest

from harvester.extraction import charset, checks
from harvester.extraction.extractor import ExtractionError, extract
from harvester.replica.sites.faults import CHALLENGE_PAGE, PNG, WAF_PAGE


def test_doctests() -> None:
    assert doctest.testmod(checks).failed == 0
    assert doctest.testmod(charset).failed == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (WAF_PAGE.encode(), "bot wall"),
        (CHALLENGE_PAGE.encode(), "bot wall"),
        (PNG * 10, "binary content"),
        (b"   \n", "empty page"),
    ],
)
def test_no_document_of_a_wall_or_a_binary(body: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract(body, "utf-8", "https://news.faults.test/news/view.php?idx=1", "faults")


def test_an_article_that_mentions_a_firewall_is_no_wall() -> None:
    paragraphs = "".join(f"<p>웹 방화벽 도입 사업 설명 문단 {n}, 비정상적인 접근을 막는 기술을 다룬다.</p>" for n in range(60))
    page = (
        '<html><body><h3 class="article-head-title">웹 방화벽 도입</h3><ul class="info-text"><li>등록 2024-12-01 12:00:00</li></ul>'
        f'<div id="viewContent"><div class="fr-view">{paragraphs}</div></div></body></html>'
    )
    document = extract(page.encode(), "utf-8", "https://news.faults.test/news/view.php?idx=1", "faults")
    assert document.title == "웹 방화벽 도입" and len(document.body) == 60
