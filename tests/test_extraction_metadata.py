"""Page metadata for generic extraction: JSON-LD first, then meta tags, then the visible page."""

from __future__ import annotations

import doctest

import pytest
from lxml import html

from harvester.extraction import metadata


def page(head: str, body: str = "<p>text</p>", lang: str = "") -> html.HtmlElement:
    return html.document_fromstring(f"<html{lang}><head>{head}</head><body>{body}</body></html>")


def test_jsonld_article_over_meta_tags() -> None:
    root = page(
        '<meta property="og:title" content="OG title | Site">'
        '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
        '<script type="application/ld+json">[{"@type": "Organization", "name": "Site"},'
        ' {"@type": ["NewsArticle"], "headline": "LD headline", "datePublished": "2021-05-06T07:08:09+09:00",'
        ' "author": {"@type": "Person", "name": "By Kim Min-ji"}}]</script>'
    )
    meta = metadata.read(root)
    assert (meta.title, meta.published, meta.author) == ("LD headline", "2021-05-06T07:08:09+09:00", "By Kim Min-ji")


def test_meta_tags_when_no_jsonld() -> None:
    root = page(
        '<meta property="og:title" content="OG title">'
        '<meta property="article:published_time" content="2022-03-04T05:06:07+00:00">'
        '<meta property="article:modified_time" content="2022-03-05T00:00:00+00:00">'
        # A profile URL is not a name.
        '<meta property="article:author" content="https://www.facebook.com/someone">'
        '<meta name="author" content="이기자">',
        lang=' lang="en-GB"',
    )
    meta = metadata.read(root)
    assert meta.title == "OG title"
    assert meta.published == "2022-03-04T14:06:07+09:00"
    assert meta.modified == "2022-03-05T09:00:00+09:00"
    assert meta.author == "이기자"
    assert meta.language == "en"


def test_broken_jsonld_is_passed_over() -> None:
    root = page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script><meta property="og:title" content="OG">')
    assert metadata.read(root).title == "OG"


def test_visible_page_when_nothing_is_declared() -> None:
    root = page("<title>Page</title>", "<h1>The only heading</h1><p>Posted on 2019-11-18 by staff.</p>")
    meta = metadata.read(root, "https://example.org/news/story")
    assert meta.title == "The only heading"
    assert meta.published == "2019-11-18"
    assert meta.author is None and meta.language is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-20T08:00:00Z", "2019-11-20T17:00:00+09:00"),
        ("20 Nov 2019 08:00 GMT", "2019-11-20T17:00:00+09:00"),
        # Zone abbreviations dateutil cannot place: the day only, never a time hours off.
        ("November 19, 2019, 07:47 PM EST", "2019-11-19"),
        ("01:38:07 PM IST Nov 20, 2019", "2019-11-20"),
        ("not a date", None),
        (None, None),
    ],
)
def test_timestamp(value: str | None, expected: str | None) -> None:
    assert metadata._timestamp(value) == expected


def test_doctests() -> None:
    assert doctest.testmod(metadata).failed == 0
