"""The Korea Herald (www.koreaherald.com): three page templates, one profile.

G1 (to 2022) and G2 (2023-24) articles live at `view.php?ud=YYYYMMDDNNNNNN`, G3 (late 2024 on) at
`/article/{id}`; old addresses of migrated articles redirect to the new one. G1: `h1.view_tit`,
'Published : Apr 29, 2018 - 16:57   Updated : ...' in `.view_tit_byline_r`, body `#articleText`
(text split by `<br><br>`, photos in tables). G2: `.news_title_area h1.news_title`, `p.news_date`,
body `.news_text_area`. G3: JSON-LD headline/datePublished/author (naive times are KST), body
`article.article-body`. Articles end with a sign-off 'By X (x@heraldcorp.com)': it names the
authors and is not part of the text. Lists: G3 sections (`/National?page=N`) and the legacy
`list.php?ct=...&np=N`; RSS `/rss/kh_National` and the legacy `rss_xml.php` feed, whose links
carry a doubled `view.php?ud=/view.php?ud=` that canonical_url repairs; a sitemap index (named in
robots.txt) of daily news sitemaps whose entries' `lastmod` says when an article last changed
[infer: no public source shows the site's sitemaps]. The site refuses non-browser User-Agents.
A daily paper: feeds and sitemaps are read every hour, lists every three; an article is fetched
again when its sitemap entry is dated after its last fetch.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from harvester.profiles.base import Feed, LinkRule, ListPages, Recrawl, Selectors, SiteProfile, Sitemap, text_lines

HOSTS = ("www.koreaherald.com", "koreaherald.com", "m.koreaherald.com")
_UD = re.compile(r"(?:^|&)ud=(?:/?view\.php\?ud=)?(\d{14})(?:&|$)")
_ARTICLE = re.compile(r"^/article/(\d+)/?$")


def canonical_url(url: str) -> str:
    """https://www.koreaherald.com/view.php?ud=N or /article/N, whatever host, template or feed bug.

    >>> canonical_url("http://www.koreaherald.com/view.php?ud=/view.php?ud=20180429000160")
    'https://www.koreaherald.com/view.php?ud=20180429000160'
    >>> canonical_url("https://m.koreaherald.com/amp/view.php?ud=20230721000620&np=1&mp=1")
    'https://www.koreaherald.com/view.php?ud=20230721000620'
    >>> canonical_url("https://m.koreaherald.com/article/10472312")
    'https://www.koreaherald.com/article/10472312'
    >>> canonical_url("https://www.koreaherald.com/National?page=2")
    'https://www.koreaherald.com/National?page=2'
    """
    parts = urlsplit(url.replace("&amp;", "&"))
    if (parts.hostname or "").lower() not in HOSTS:
        return url
    if parts.path in ("/view.php", "/amp/view.php"):
        match = _UD.search(parts.query)
        if match:
            return f"https://www.koreaherald.com/view.php?ud={match.group(1)}"
    match = _ARTICLE.match(parts.path)
    if match:
        return f"https://www.koreaherald.com/article/{int(match.group(1))}"
    return url


# Layouts newest first: G3 (its JSON-LD, then its visible head), G2, G1.
_G3_INFO = "//div[contains(@class, 'article-head')]//div[contains(@class, 'article-info')]"
_G2_DATE = "//div[contains(@class, 'news_title_area')]//p[contains(@class, 'news_date')]"
_G1_DATE = "//div[contains(concat(' ', normalize-space(@class), ' '), ' view_tit_byline_r ')]"
SELECTORS = Selectors(
    title=("jsonld:headline", "div.article-head h1.article-title", "div.news_title_area h1.news_title", "h1.view_tit"),
    published=(
        "jsonld:datePublished",
        f"{_G3_INFO}/p[contains(@class, 'date')][starts-with(normalize-space(), 'Published')]",
        _G2_DATE,
        _G1_DATE,
    ),
    modified=(
        "jsonld:dateModified",
        f"substring-after({_G3_INFO}/p[contains(@class, 'date')][starts-with(normalize-space(), 'Updated')], 'Updated')",
        f"substring-after({_G2_DATE}, 'Updated')",
        f"substring-after({_G1_DATE}, 'Updated')",
    ),
    authors=("jsonld:author.name", "div.article-head .article-info .author a", "div.view_tit_byline_l"),
    body=("article.article-body", "div.news_content div.news_text_area", "div#articleText"),
    drop=("script", "style", "iframe", ".news_btn_wrap", ".news_journalist_area", ".article-ad", ".view_ad"),
    signoff=r"^By [^()]{2,120}?(?:\(\s*[\w.+-]+@heraldcorp\.com\s*\)\s*)+$",
)
# Under the title: the subtitle, the byline and the publication dates, as the page prints them.
META_LINES = text_lines(
    "div.view_tit_area h2.view_tit_sub", "div.view_tit_byline_l", "div.view_tit_byline_r",
    "div.news_title_area h2.news_title", "div.news_title_area p.news_date",
    "div.article-head h2.article-sub-title", "div.article-head .article-info .author", "div.article-head .article-info .date",
)

KOREA_HERALD = SiteProfile(
    name="korea_herald",
    title="The Korea Herald",
    hosts=HOSTS,
    kind="news",
    language="en",
    sources=(
        ListPages("https://www.koreaherald.com/National"),
        ListPages("https://www.koreaherald.com/list.php?ct=020101000000"),
        Feed("https://www.koreaherald.com/rss/kh_National"),
        Feed("https://www.koreaherald.com/common/rss_xml.php?ct=102"),
        Sitemap("https://www.koreaherald.com/sitemap_index.xml"),
    ),
    article_url=r"^https://www\.koreaherald\.com/(view\.php\?ud=\d{14}|article/\d+)$",
    article_links=(
        LinkRule("article.recent_news ul.news_list li a", pattern=r"/article/\d+"),
        LinkRule("ul.main_sec_li li a", pattern=r"view\.php\?ud=\d{14}"),
    ),
    next_pages=(
        LinkRule("article.recent_news div.pagination a", pattern=r"\?page=\d+$"),
        LinkRule("div.paging a", pattern=r"list\.php\?ct=\d+&np=\d+$"),
    ),
    selectors=SELECTORS,
    canonicalize=canonical_url,
    meta_lines=META_LINES,
    custom_settings={"DOWNLOAD_DELAY": 1.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2},
    recrawl=Recrawl(lists=timedelta(hours=3), feeds=timedelta(hours=1), sitemaps=timedelta(hours=1)),
)

PROFILES = (KOREA_HERALD,)
