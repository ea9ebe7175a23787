"""What the copies of Korean news CMS sites share: article data, paging, RSS, body markup helpers,
and the paper's address and URL shapes, from its profile and its CMS family.

Article data lives in `harvester/replica/data/news/<profile name>.json`: per article its id,
section, title, reporter, dates as the site prints them, and its body as blocks: `["p", text]`,
`["img", src, caption]` (an empty caption: none), `["h", text]` (a bold subhead), `["nbsp"]` and
`["br"]` (the empty paragraphs editors leave), `["ad"]` (an ad slot inside the body). Beside the
articles, what the copy of that one paper needs of its own (its template, charset, chrome).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from harvester.profiles import SiteProfile
from harvester.replica.sites.pages import load_data

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


def paper_data(profile: SiteProfile) -> dict[str, Any]:
    """data/news/<profile name>.json: the paper's articles and what its copy needs of its own."""
    return load_data(f"news/{profile.name}.json")


def origin(profile: SiteProfile) -> tuple[str, str]:
    """(scheme, host) the paper serves its pages at: those of its first source."""
    parts = urlsplit(profile.sources[0].url)
    return parts.scheme, parts.hostname or profile.hosts[0]


def route(template: str) -> tuple[str, str]:
    """(path, query key of the placeholder) of a URL template such as '/news/list.php?mcode={section}'.

    >>> route("/news/articleList.html?sc_section_code={section}&view_type=sm")
    ('/news/articleList.html', 'sc_section_code')
    """
    path, _, query = template.partition("?")
    return path, next(key for key, value in parse_qsl(query) if value.startswith("{"))


def load_articles(data: dict[str, Any], id_key: str) -> tuple[NewsArticle, ...]:
    """The paper's articles, newest first."""
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
        for item in data["articles"]
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
