"""The conversion record's header fields: written and read back in one place, with what a rebuild
from the stored text needs for the document's manifest line."""

from __future__ import annotations

from types import SimpleNamespace

from harvester.capture.records import WarcRef
from harvester.corpus.conversion import conversion_headers, read_headers
from harvester.corpus.manifest import entry_fields, item_fields
from harvester.extraction.render import Document
from harvester.items import ArticlePage
from harvester.rebuild.extract import _stored_document

URL = "http://webarchives.pa.go.kr/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227"
REF = WarcRef("w.warc.gz", 0, 10, "<urn:uuid:1>")


def item(document: Document, url: str = URL) -> ArticlePage:
    return ArticlePage(url, URL, URL, "pa_webarchives", "archive", b"", "utf-8", "2026-01-01T00:00:00Z", warc=REF, document=document)


def test_the_headers_read_back_as_they_were_written() -> None:
    document = Document("T", ("B",), published="2017-09-03", authors=("Xu Aiying", "Lee Hana"), language="en")
    headers = dict(conversion_headers(item_fields(item(document, url=URL + "&pageIndex=2")), seq=7, version=2))
    assert headers["Harvester-Document-Id"] and headers["Harvester-Extractor"].startswith("harvester+trafilatura/")
    said = read_headers(headers)
    assert (said.canonical_url, said.requested_url, said.site, said.kind) == (URL, URL + "&pageIndex=2", "pa_webarchives", "archive")
    assert (said.published, said.modified, said.authors, said.language) == ("2017-09-03", None, ["Xu Aiying", "Lee Hana"], "en")
    assert (said.seq, said.version, said.fallback) == (7, 2, [])
    # A page reached without a redirect names no requested URL; a field without a value is left out.
    assert "Harvester-Requested-URI" not in dict(conversion_headers(item_fields(item(document))))
    assert "Harvester-Modified" not in headers


def test_fallback_goes_through_the_conversion_record_as_the_extractor_put_it() -> None:
    extra = {"original_url": "https://www.korea.net/NewsFocus/Policies/view?articleId=163227", "fallback": ["body", "authors"]}
    document = Document("T", ("B",), authors=("Xu Aiying",), profile="pa_webarchives", fallback=("body", "authors"), extra=extra)
    crawled = item_fields(item(document))
    headers = dict(conversion_headers(crawled))
    assert headers["Harvester-Fallback"] == "body,authors"
    stored = _stored_document(headers, b"T\n\nB", URL, "pa_webarchives")
    page = SimpleNamespace(url=URL, final_url=URL, canonical_url=URL, site="pa_webarchives", kind="archive",
                           fetched_at="2026-01-01T00:00:00Z")
    rebuilt = entry_fields(stored, page, REF, "utf-8")
    # The same fields in the same order as the crawl's line: the profile's, fallback, charset.
    assert list(rebuilt["extra"].items()) == list(crawled["extra"].items()) == [*extra.items(), ("charset", "utf-8")]


def test_no_fallback_no_field() -> None:
    headers = dict(conversion_headers(item_fields(item(Document("T", ("B",), profile="pa_webarchives")))))
    assert "Harvester-Fallback" not in headers
    assert "fallback" not in _stored_document(headers, b"T\n\nB", URL, "pa_webarchives").extra
