"""korea.net, the government's English portal: News Focus articles and Briefing-Room press releases.

Articles are `/NewsFocus/{Section}/view?articleId=N` (the section's case varies in links, the id
alone names the article); press releases `/Government/Briefing-Room/Press-Releases/view?articleId=N
&type=O&insttCode=...`. Lists page with `?pageIndex=N`; RSS feeds live under `/koreanet/rss/`; a
gzipped sitemap index (named in robots.txt) of daily news sitemaps, dated by publication
[infer: no public source shows the site's sitemaps].
The body opens with photos (Korean caption in the image's alt text, English caption under it)
and a 'By ...' line that names the writers. CloudFront answers a client without its cookie
with a 302 to the same URL (spiders/redirect.py follows it) and refuses non-browser agents.
A government portal of a few articles a day, corrected now and then: lists are read every 12
hours, feeds every 3, sitemaps every 6; an article is fetched again (conditionally) after 30 days.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from harvester.profiles.base import Feed, LinkRule, ListPages, Recrawl, Selectors, SiteProfile, Sitemap, text_lines

HOSTS = ("www.korea.net", "korea.net")
# News Focus sections as the site spells them; links and feeds may use other cases.
SECTIONS = {
    name.lower(): name
    for name in ("Policies", "Society", "Culture", "Sci-Tech", "Business", "People", "Sports", "Travel",
                 "HonoraryReporters", "Column", "Blog")
}
_NEWS = re.compile(r"^/NewsFocus/([\w-]+)/view$", re.IGNORECASE)
_PRESS = re.compile(r"^/Government/Briefing-Room/Press-Releases/view$", re.IGNORECASE)
# Query parameters that name a press release; list state (pageIndex, search) does not.
_PRESS_KEYS = ("articleId", "type", "insttCode")


def canonical_url(url: str) -> str:
    """https://www.korea.net/... with the section spelt as the site does and list state dropped.

    >>> canonical_url("http://korea.net/NewsFocus/policies/view?articleId=246013&pageIndex=2")
    'https://www.korea.net/NewsFocus/Policies/view?articleId=246013'
    >>> canonical_url("https://www.korea.net/Government/Briefing-Room/Press-Releases/view?insttCode=A110439&articleId=8189&type=O&pageIndex=1")
    'https://www.korea.net/Government/Briefing-Room/Press-Releases/view?articleId=8189&type=O&insttCode=A110439'
    >>> canonical_url("https://www.korea.net/NewsFocus/Policies")
    'https://www.korea.net/NewsFocus/Policies'
    """
    parts = urlsplit(url.replace("&amp;", "&"))
    if (parts.hostname or "").lower() not in HOSTS:
        return url
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    article = query.get("articleId", "")
    if not article.isdigit():
        return url
    news = _NEWS.match(parts.path)
    if news:
        section = SECTIONS.get(news.group(1).lower(), news.group(1))
        return f"https://www.korea.net/NewsFocus/{section}/view?articleId={int(article)}"
    if _PRESS.match(parts.path):
        query["articleId"] = str(int(article))
        params = "&".join(f"{key}={query[key]}" for key in _PRESS_KEYS if query.get(key))
        return f"https://www.korea.net/Government/Briefing-Room/Press-Releases/view?{params}"
    return url


# Article paths as canonical_url writes them (the archive's copies of the site use them too).
ARTICLE_PATH = (
    r"(NewsFocus/[\w-]+/view\?articleId=\d+"
    r"|Government/Briefing-Room/Press-Releases/view\?articleId=\d+(&type=\w+)?(&insttCode=\w+)?)"
)
ARTICLE_URL = rf"^https://www\.korea\.net/{ARTICLE_PATH}$"
ARTICLE_LINKS = (
    LinkRule("ul.thumb-list li a", pattern=r"view\?articleId=\d+"),
    LinkRule("table.board-list td.subject a", pattern=r"view\?articleId=\d+"),
)
NEXT_PAGES = (LinkRule("div.paging a", pattern=r"pageIndex=\d+"),)
# The writers' line is the body's first paragraph that starts with 'By '.
BYLINE = "(//div[@id='articleContent']/p[starts-with(normalize-space(), 'By ')])[1]"
SELECTORS = Selectors(
    title=".view-area .view-title",
    published=".view-title-area .view-info .date",
    authors=BYLINE,
    body="#articleContent",
    drop=("script", "style", "iframe"),
    alt_captions="img[alt]",
)
# Under the title: the issuing ministry (press releases) and the date.
META_LINES = text_lines(".view-title-area .view-info .source", ".view-title-area .view-info .date")
POLITENESS = {"DOWNLOAD_DELAY": 2.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}

KOREA_NET = SiteProfile(
    name="korea_net",
    title="Korea.net News Focus and press releases",
    hosts=HOSTS,
    kind="news",
    language="en",
    sources=(
        ListPages("https://www.korea.net/NewsFocus/Policies"),
        ListPages("https://www.korea.net/NewsFocus/Culture"),
        ListPages("https://www.korea.net/Government/Briefing-Room/Press-Releases"),
        Feed("https://www.korea.net/koreanet/rss/news/2"),
        Feed("https://www.korea.net/koreanet/rss/government/briefing-room/109"),
        Sitemap("https://www.korea.net/sitemap_index.xml.gz"),
    ),
    article_url=ARTICLE_URL,
    article_links=ARTICLE_LINKS,
    next_pages=NEXT_PAGES,
    selectors=SELECTORS,
    canonicalize=canonical_url,
    meta_lines=META_LINES,
    custom_settings=POLITENESS,
    recrawl=Recrawl(
        lists=timedelta(hours=12), feeds=timedelta(hours=3), sitemaps=timedelta(hours=6), refresh_after=timedelta(days=30)
    ),
)

PROFILES = (KOREA_NET,)
