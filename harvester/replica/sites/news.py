"""What the copies of Korean news CMS sites share: article data, paging, RSS, body markup helpers.

Article data lives in `harvester/replica/data/news/<paper>.json`: per article its id, section,
title, reporter, dates as the site prints them, and its body as blocks: `["p", text]`,
`["img", src, caption]` (an empty caption: none), `["h", text]` (a bold subhead), `["nbsp"]` and
`["br"]` (the empty paragraphs editors leave), `["ad"]` (an ad slot inside the body).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class NewsArticle:
    id: int
    section: str
    title: str
    reporter: str
    published: str  # as the site prints it
    blocks: tuple[tuple[str, ...], ...]
    modified: str | None = None
    subtitles: tuple[str, ...] = ()
    email: str = ""

    @property
    def lede(self) -> str:
        first = next((block[1] for block in self.blocks if block[0] == "p"), "")
        return first if len(first) <= 90 else first[:90] + "..."

    def moment(self, layout: str) -> datetime:
        return datetime.strptime(self.published, layout).replace(tzinfo=KST)


def load_articles(data_file: str, id_key: str) -> tuple[NewsArticle, ...]:
    """The paper's articles, newest first."""
    raw = resources.files("harvester.replica").joinpath("data", "news", data_file).read_text("utf-8")
    articles = [
        NewsArticle(
            id=item[id_key],
            section=item["section"],
            title=item["title"],
            reporter=item["reporter"],
            published=item["published"],
            blocks=tuple(tuple(block) for block in item["blocks"]),
            modified=item.get("modified"),
            subtitles=tuple(item.get("subtitles") or item.get("subheading") or ()),
            email=item.get("email", ""),
        )
        for item in json.loads(raw)["articles"]
    ]
    return tuple(sorted(articles, key=lambda article: article.id, reverse=True))


def page_of(articles: Sequence[NewsArticle], page: int, per_page: int) -> tuple[Sequence[NewsArticle], int]:
    """The articles on list page `page` (1-based) and the number of pages."""
    pages = max(1, -(-len(articles) // per_page))
    page = min(max(page, 1), pages)
    return articles[(page - 1) * per_page : page * per_page], pages


def query_int(query: dict[str, str], key: str, default: int = 1) -> int:
    value = query.get(key, "")
    return int(value) if value.isdigit() else default


def text(value: str) -> str:
    """Text for HTML, with the non-breaking spaces written as the editors' `&nbsp;`."""
    return escape(value, quote=False).replace("\u00a0", "&nbsp;")


def rss(channel: dict[str, str], items: Iterator[dict[str, Any]], encoding: str = "UTF-8") -> str:
    """An RSS 2.0 feed; item values: title, link, description, author, date (aware datetime)."""
    entries = "\n".join(
        f"""<item>
<title><![CDATA[{item["title"]}]]></title>
<link>{escape(item["link"])}</link>
<description><![CDATA[{item["description"]}]]></description>
<author>{escape(item["author"])}</author>
<pubDate>{format_datetime(item["date"])}</pubDate>
</item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0">
<channel>
<title>{escape(channel["title"])}</title>
<link>{escape(channel["link"])}</link>
<description>{escape(channel["description"])}</description>
<language>ko</language>
{entries}
</channel>
</rss>
"""
