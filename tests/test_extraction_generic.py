"""Generic extraction: trafilatura's body (precision first, with a rescue pass) and the page's own
metadata, for pages no profile or CMS family covers."""

from __future__ import annotations

import gzip
from pathlib import Path

from harvester.extraction import generic
from harvester.extraction.extractor import extract, parse_html
from harvester.extraction.render import render

FIXTURES = Path(__file__).parent / "fixtures" / "generic"


def test_generic_document_with_page_metadata() -> None:
    page = (FIXTURES / "hangang_times_2024_03_14.html").read_bytes()
    document = extract(page, None, "https://www.hangang-times.kr/2024/03/14/bike-road/")
    assert render(document) == (FIXTURES / "hangang_times_2024_03_14.txt").read_text("utf-8")
    # From JSON-LD: the headline (not og:title with the site's name), full timestamps, two authors.
    assert document.title == "한강 수변공원 자전거길 12km 새로 연결"
    assert document.published == "2024-03-14T08:30:00+09:00"
    assert document.modified == "2024-03-14T11:05:00+09:00"
    assert document.authors == ("정하늘", "최바다")
    assert document.language == "ko"


def test_short_precise_result_is_rescued(shared: Path) -> None:
    """On this page trafilatura's precise pass keeps only a reprints notice; the article is found."""
    path = next((shared / "benchmarks" / "article-extraction" / "html").glob("f8ff621a0b*.html.gz"))
    root = parse_html(gzip.decompress(path.read_bytes()), "utf-8")
    url = "https://www.barrons.com/articles/home-depot-stock-earnings-report-51574168486"
    precise = generic._extract(root, url, precise=True)
    assert "Shares of construction goods giant Home Depot" not in "\n".join(text for _, text in precise)
    blocks = generic.article_blocks(root, url)
    assert any(block.startswith("Shares of construction goods giant Home Depot") for block in blocks)
