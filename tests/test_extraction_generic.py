"""Generic extraction: trafilatura's body (precision first, with a rescue pass) and the page's own
metadata, for pages no profile or CMS family covers."""

from __future__ import annotations

import gzip
from pathlib import Path

from harvester.extraction import generic
from harvester.extraction.extractor import extract, parse_html
from harvester.extraction.render import render

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
URL = "https://www.island-times.example/2024/03/03/ferry/"


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


# -- small hand-written pages
PARAGRAPHS = (
    "The harbour ferry to the outer islands sailed again on Monday, ten years after the last boat was sold "
    "to a company on the mainland and the pier was closed to passengers.",
    "Some two hundred people waited on the quay at dawn, many of them old enough to remember the crossing "
    "as the only way to school, to the doctor or to the market across the water.",
    "The new boat takes forty minutes to reach the first island and runs four times a day in summer; the "
    "council says it will keep the service through the winter if enough tickets are sold.",
)


def page(head: str = "", body: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def article(*blocks: str, before: str = "", after: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in (blocks or PARAGRAPHS))
    return f"{before}<article><div class='story'>{paragraphs}</div></article>{after}"


def test_title_of_metadata_is_no_fallback() -> None:
    document = extract(page("<meta property='og:title' content='Harbour ferry returns'>", article()), "utf-8", URL)
    assert (document.title, document.profile, document.fallback, document.extra) == ("Harbour ferry returns", None, (), {})
    assert document.body == PARAGRAPHS


def test_title_element_that_malformed_markup_put_in_the_body() -> None:
    # Text before <head> makes the parser open the body there: the <title> lands in it, where
    # trafilatura's title lookup (head only) does not look.
    body = b"<!DOCTYPE html><p>Menu</p><head><title>Harbour ferry returns</title></head><body>" + article().encode() + b"</body>"
    document = extract(body, "utf-8", URL)
    assert document.title == "Harbour ferry returns"
    assert document.fallback == ("title",) and document.extra == {"fallback": ["title"]}
    assert document.body == PARAGRAPHS


def test_title_from_the_first_heading() -> None:
    document = extract(page(body=article(before="<h4>Ferry back after ten years</h4>")), "utf-8", URL)
    assert (document.title, document.fallback) == ("Ferry back after ten years", ("title",))


def test_title_from_the_first_line() -> None:
    document = extract(page(body=article()), "utf-8", URL)
    assert document.fallback == ("title",)
    assert document.title == PARAGRAPHS[0]
    assert document.body == PARAGRAPHS


def test_a_first_line_made_title_is_cut_at_a_word() -> None:
    line = "word " * 60
    assert generic.fallback_title(parse_html(page(), "utf-8"), generic.Article([line], [], None)) == "word " * 39 + "word…"


def test_heading_is_the_title_and_its_byline_and_date_lines_the_head() -> None:
    html = page(
        "<meta property='og:title' content='Harbour ferry returns after ten years | The Island Times'>",
        article("Harbour ferry returns after ten years", "By Jane Moss", "March 3, 2024", *PARAGRAPHS),
    ).replace(b"<p>Harbour ferry returns after ten years</p>", b"<h1>Harbour ferry returns after ten years</h1>")
    document = extract(html, "utf-8", URL)
    assert document.meta_lines == ("By Jane Moss", "March 3, 2024")
    assert document.body == PARAGRAPHS
    assert render(document).split("\n\n")[0] == (
        "Harbour ferry returns after ten years | The Island Times\nBy Jane Moss\nMarch 3, 2024"
    )


def test_chrome_lines_go() -> None:
    html = page("<title>Ferry</title>", article(*PARAGRAPHS, "Related: Island school to reopen", "Follow us on Twitter"))
    assert extract(html, "utf-8", URL).body == PARAGRAPHS


def test_an_article_cut_in_two_by_an_ad_is_read_to_its_end() -> None:
    second = (
        "Fares are the same as on the bus to the airport, and children under twelve travel free on every "
        "crossing, the council said in a statement on Monday evening.",
        "The last ferry of the day leaves the outer pier at seven, and a night boat may follow next summer "
        "if the islanders ask for it in the council's survey.",
    )
    body = (
        "<main><div class='grid'><div class='story-body'>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        + "</div><div class='rail'><div class='ad'>Advertisement</div></div></div>"
        + "<div class='ad-row'>Advertisement</div>"
        + "<div class='grid'><div class='story-body'>" + "".join(f"<p>{text}</p>" for text in second)
        + "</div></div></main>"
    )
    document = extract(page("<title>Ferry</title>", body), "utf-8", URL)
    assert document.body == PARAGRAPHS + second


def test_korean_wire_head_names_the_author_and_the_copyright_footer_goes() -> None:
    blocks = (
        "[서울=뉴시스] 홍길동 기자 = 섬을 잇는 여객선이 10년 만에 다시 뜬다. 군은 첫 배가 월요일 새벽 여섯 시에 "
        "출항한다고 밝혔다. 배는 하루 네 번 바깥 섬 세 곳을 돈다.",
        "주민 이백여 명이 부두에서 첫 배를 기다렸다. 그중 여럿은 학교와 병원, 장터에 가려면 배를 타야 했던 "
        "시절을 기억하는 노인들이었다.",
        "군은 겨울에도 표가 충분히 팔리면 운항을 이어 가겠다고 했다. 요금은 공항 버스와 같고 어린이는 무료다.",
    )
    html = page("<title>여객선 10년 만에 다시 뜬다</title>", article(*blocks, "<저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>"))
    document = extract(html, "utf-8", URL)
    assert document.authors == ("홍길동",)
    assert document.body == blocks
