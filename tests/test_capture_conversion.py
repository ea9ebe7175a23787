"""The conversion record's fields: what a rebuild from the stored text needs for the manifest line."""

from __future__ import annotations

from harvester.capture.conversion import conversion_fields
from harvester.extraction.render import Document
from harvester.items import ArticlePage
from harvester.rebuild.extract import _stored_fields

URL = "http://webarchives.pa.go.kr/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227"


def item(document: Document) -> ArticlePage:
    return ArticlePage(URL, URL, URL, "pa_webarchives", "archive", b"", "utf-8", "2026-01-01T00:00:00Z", document=document)


def test_fallback_goes_through_the_conversion_record_as_the_extractor_put_it() -> None:
    extra = {"original_url": "https://www.korea.net/NewsFocus/Policies/view?articleId=163227", "fallback": ["body", "authors"]}
    document = Document("T", ("B",), authors=("Xu Aiying",), profile="pa_webarchives", fallback=("body", "authors"), extra=extra)
    fields = dict(conversion_fields(item(document)))
    assert fields["Harvester-Fallback"] == "body,authors"
    stored = _stored_fields(fields, b"T\n\nB", URL, "pa_webarchives", {"charset": "utf-8"})
    # The same fields in the same order as the crawl's line: the profile's, fallback, charset.
    assert list(stored["extra"].items()) == [*extra.items(), ("charset", "utf-8")]


def test_no_fallback_no_field() -> None:
    fields = dict(conversion_fields(item(Document("T", ("B",), profile="pa_webarchives"))))
    assert "Harvester-Fallback" not in fields
    assert "fallback" not in _stored_fields(fields, b"T\n\nB", URL, "pa_webarchives", {})["extra"]
