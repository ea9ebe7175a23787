"""Profile selectors: CSS, XPath to elements or text, JSON-LD paths, alternatives in order."""

from __future__ import annotations

import pytest
from lxml import html

from harvester.extraction.selection import find, find_first, jsonld_values

PAGE = html.document_fromstring("""<html lang="en-GB"><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BreadcrumbList",
 "itemListElement": [{"@type": "ListItem", "name": "National"}]}</script>
<script type="application/ld+json">{ not json </script>
<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Site"},
 {"@type": "NewsArticle", "headline": "Kim&#039;s \\"plan\\"\\n", "datePublished": "2025-04-23T15:44:00",
  "wordCount": 420, "isAccessibleForFree": true,
  "author": [{"@type": "Person", "name": "Lee A"}, {"@type": "Person", "name": "Park B"}]}]}</script>
</head><body>
<div class="byline">Published : Aug 26, 2020 - 15:44 Updated : Aug 26, 2020 - 20:36</div>
<p class="x">one</p><p class="x">  </p><p class="x">two</p>
</body></html>""")


@pytest.mark.parametrize(
    ("selector", "found"),
    [
        ("p.x", ["one", "  ", "two"]),
        ("//p[@class='x'][normalize-space()]", ["one", "two"]),
        ("/html/@lang", ["en-GB"]),
        ("(//p[@class='x'])[last()]", ["two"]),
        ("substring-after(//div[@class='byline'], 'Updated')", [" : Aug 26, 2020 - 20:36"]),
        ("substring-after(//div[@class='missing'], 'Updated')", []),
        ("jsonld:headline", ["Kim's \"plan\""]),
        ("jsonld:author.name", ["Lee A", "Park B"]),
        ("jsonld:itemListElement.name", ["National"]),
        ("jsonld:wordCount", ["420"]),
        ("jsonld:isAccessibleForFree", []),
        ("jsonld:publisher.name", []),
    ],
)
def test_find(selector: str, found: list[str]) -> None:
    assert [item if isinstance(item, str) else item.text_content() for item in find(PAGE, selector)] == found


def test_invalid_json_ld_is_passed_over() -> None:
    assert jsonld_values(PAGE, "datePublished") == ["2025-04-23T15:44:00"]


def test_alternatives_are_tried_in_order() -> None:
    assert find_first(PAGE, ("jsonld:nothing", "h1.none", "jsonld:headline", "p.x")) == ["Kim's \"plan\""]
    assert find_first(PAGE, ("h1.none",)) == []
    assert find_first(PAGE, None) == []
