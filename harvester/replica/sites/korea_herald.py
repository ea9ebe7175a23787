"""Copy of www.koreaherald.com: articles in the three templates, section lists, RSS feeds.

What the real site does and the copy does too: a 403 to non-browser User-Agents (its RSS too);
G1 pages (`view.php?ud=`, to 2022: `h1.view_tit`, `.view_tit_byline_l/_r`, body `#articleText`
of `div.view_con_t` text runs split by `<br><br>`, photos in `table`s with `.view_con_caption`,
a stray `</td>`), G2 pages (`view.php?ud=`, 2023-24: `.news_title_area`, `p.news_date`,
`.news_text_area .text_box > p`), G3 pages (`/article/{id}`: JSON-LD NewsArticle with naive KST
times, `article.article-body` with `figure.article-img`); sign-offs 'By X (x@heraldcorp.com)'; a
migrated article's `view.php?ud=` answering 301 to its `/article/{id}`; G3 section lists
(`/National`, `article.recent_news ul.news_list`) and the legacy `list.php?ct=...&np=N`
(`ul.main_sec_li`), with AP-style dates; RSS `/rss/kh_National` and the legacy
`/common/rss_xml.php?ct=102`, whose links double `view.php?ud=`; robots.txt [seen in public code
and issue threads]. Lists hold 2 rows a page, so that a handful of articles spans pages.
Sitemaps [infer: no public source shows the site's]: robots.txt names a sitemap index,
`/sitemap_index.xml`, of daily Google News sitemaps `/sitemap/news-YYYY-MM-DD.xml` (one per day
with articles; an entry's `lastmod` is the article's last update, `news:publication_date` its
publication; the index dates each day by its newest update) and the rolling `/sitemap/news.xml`
of the latest articles, which the site regenerates all the time (the index dates it now).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any

from harvester.profiles import SiteProfile
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, text
from harvester.replica.sites.pages import copied, load_data, page_number, served_hosts
from harvester.replica.sites.sitemaps import Entry, news_sitemap, sitemap_index, xml

ROWS_PER_PAGE = 2
LEGACY_CT = "020101000000"
ROBOTS_TXT = """User-agent: *
Disallow: /search/
Disallow: /admin/
Disallow: /pop/

Sitemap: https://www.koreaherald.com/sitemap_index.xml
Sitemap: https://www.koreaherald.com/sitemap/news.xml
"""
SITE = "https://www.koreaherald.com"
_DAILY_SITEMAP = re.compile(r"/sitemap/news-(\d{4}-\d{2}-\d{2})\.xml")
LATEST = 2  # articles in the rolling news sitemap
KST = timezone(timedelta(hours=9))
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


def ap_date(moment: datetime) -> str:
    """'Jan. 26, 2023', 'April 23, 2025': the AP style of the paper's lists and G3 pages."""
    return f"{AP_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def old_date(moment: datetime) -> str:
    """'Apr 29, 2018 - 17:52': G1 and G2 article pages."""
    return moment.strftime("%b %d, %Y - %H:%M")


@dataclass(frozen=True)
class Article:
    layout: str  # g1, g2, g3
    title: str
    subtitle: str
    section: str
    subsection: str
    reporters: tuple[str, ...]
    published: datetime  # naive, KST
    updated: datetime
    blocks: tuple[Any, ...]  # paragraph strings and {"img", "caption"}
    signoff: str  # '\n' is a line break
    ud: str = ""
    id: int = 0

    @property
    def path(self) -> str:
        return f"/article/{self.id}" if self.layout == "g3" else f"/view.php?ud={self.ud}"

    @property
    def summary(self) -> str:
        first = next(block for block in self.blocks if isinstance(block, str))
        return first if len(first) <= 150 else first[:147] + "..."


def load_articles() -> tuple[Article, ...]:
    articles = [
        Article(
            layout=item["layout"],
            title=item["title"],
            subtitle=item.get("subtitle", ""),
            section=item["section"],
            subsection=item["subsection"],
            reporters=tuple(item["reporters"]),
            published=datetime.fromisoformat(item["published"]),
            updated=datetime.fromisoformat(item["updated"]),
            blocks=tuple(item["blocks"]),
            signoff=item["signoff"],
            ud=item.get("ud", ""),
            id=item.get("id", 0),
        )
        for item in load_data("korea_herald.json")["articles"]
    ]
    return tuple(sorted(articles, key=lambda article: article.published, reverse=True))


def _on(number: int, page: int) -> str:
    return ' class="on"' if number == page else ""


def _signoff(article: Article) -> str:
    return "<br>".join(escape(line, quote=False) for line in article.signoff.split("\n"))


def _frame(title: str, content: str, head: str = "", aside: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
<meta property="og:site_name" content="The Korea Herald">{head}
<link rel="stylesheet" type="text/css" href="/css/common.css">
<script type="text/javascript" src="/js/jquery-1.11.3.min.js"></script>
</head>
<body>
<div id="skipnavi"><a href="#contents">Skip to contents</a></div>
<div id="wrap">
	<div class="header">
		<h1 class="logo"><a href="/"><img src="https://res.heraldm.com/new_201209/images/common/logo.gif" alt="The Korea Herald"></a></h1>
		<ul class="gnb">
			<li><a href="/National">National</a></li>
			<li><a href="/Business">Business</a></li>
			<li><a href="/Life-Culture">Life &amp; Culture</a></li>
			<li><a href="/Sports">Sports</a></li>
			<li><a href="/World">World</a></li>
			<li><a href="/Opinion">Opinion</a></li>
		</ul>
		<div class="header_util"><a href="/search/index.php">Search</a> <a href="/rss">RSS</a></div>
	</div>
	<div id="contents" class="main">
{content}
	</div>
{aside}
	<div class="footer">
		<p class="footer_info">Herald Corporation, Huam-ro 4-gil 10, Yongsan-gu, Seoul. Tel: +82-2-727-0114</p>
		<p class="copyright">Copyright Herald Corporation. All Rights Reserved.</p>
	</div>
</div>
</body>
</html>
"""


class KoreaHeraldPages:
    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles

    def most_popular(self, current: Article | None = None) -> str:
        items = "".join(
            f'\n\t\t<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in self.articles if a is not current
        )
        return f"""	<div class="main_r">
		<div class="main_r_tit">Most Popular</div>
		<ul class="main_r_li">{items}
		</ul>
	</div>"""

    # -- article pages
    def g1(self, article: Article) -> str:
        runs, photos = [], []
        current: list[str] = []
        for block in article.blocks:
            if isinstance(block, str):
                current.append(escape(block, quote=False))
                continue
            runs.append(current)
            photos.append(block)
            current = []
        runs.append(current)
        parts = []
        for index, run in enumerate(runs):
            closing = "<br><br>" + _signoff(article) + "</td>" if index == len(runs) - 1 else "<br><br>"
            parts.append(f'<div class="view_con_t">{"<br><br>".join(run)}{closing}</div>')
            if index < len(photos):
                photo = photos[index]
                parts.append(f"""<center><table class="view_con_img" align="center" border="0" cellpadding="0" cellspacing="0">
<tr><td><img src="{photo["img"]}" border="0" style="max-width:700px"></td></tr>
<tr><td class="view_con_caption">{escape(photo["caption"], quote=False)}</td></tr>
</table></center>""")
        byline = " and ".join(article.reporters)
        sub = f'\n\t\t\t<h2 class="view_tit_sub">{escape(article.subtitle)}</h2>' if article.subtitle else ""
        content = f"""<div class="view_bg">
		<div class="view_tit_icon"><a href="/list.php?ct={LEGACY_CT}">{article.section}</a> &gt; <a href="/list.php?ct={LEGACY_CT}">{article.subsection}</a></div>
		<div class="view_tit_area">
			<h1 class="view_tit">{escape(article.title, quote=False)}</h1>{sub}
		</div>
		<div class="view_tit_byline">
			<div class="view_tit_byline_l"><a href="/search/list_name.php?byline={byline.replace(" ", "+")}">By {escape(byline)}</a></div>
			<div class="view_tit_byline_r">Published : {old_date(article.published)}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Updated : {old_date(article.updated)}</div>
		</div>
		<div class="view_sns"><a href="#" class="fb">facebook</a><a href="#" class="tw">twitter</a><a href="#" class="print" onclick="window.print();">print</a></div>
		<div class="view_con article" id="articleText">
{chr(10).join(parts)}
		</div>
		<div class="view_main_c_li"><div class="view_main_c_tit">More from National</div>{self._more(article)}</div>
	</div>"""
        return _frame(f"{article.title}", content, aside=self.most_popular(article))

    def _more(self, article: Article) -> str:
        items = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in self.articles[:3] if a is not article)
        return f"<ul>{items}</ul>"

    def g2(self, article: Article) -> str:
        body = []
        for block in article.blocks:
            if isinstance(block, str):
                body.append(f"<p>{escape(block, quote=False)}</p>")
            else:
                body.append(f"""<div class="img_box"><img src="{block["img"]}" alt=""><p class="img_caption">{escape(block["caption"], quote=False)}</p></div>""")
        body.append(f"<p>{_signoff(article)}</p>")
        sub = f'\n\t\t\t<h2 class="news_title">{escape(article.subtitle)}</h2>' if article.subtitle else ""
        content = f"""<div class="news_content">
		<div class="news_title_area">
			<div class="news_category"><a href="/list.php?ct={LEGACY_CT}">{article.section}</a><a href="/list.php?ct={LEGACY_CT}">{article.subsection}</a></div>
			<h1 class="news_title">{escape(article.title, quote=False)}</h1>{sub}
			<p class="news_date">Published : {old_date(article.published)} &nbsp; Updated : {old_date(article.updated)}</p>
		</div>
		<div class="news_text_area">
			<div class="news_btn_wrap"><button type="button" class="btn_font">Font size</button><button type="button" class="btn_print">Print</button><button type="button" class="btn_share">Share</button></div>
			<div class="text_box">
				{chr(10).join(body)}
			</div>
		</div>
		<div class="news_journalist_area"><p class="name">{escape(", ".join(article.reporters))}</p><a href="/reporter/list.php">More articles by this reporter</a></div>
	</div>"""
        return _frame(f"{article.title} - The Korea Herald", content, aside=self.most_popular(article))

    def g3(self, article: Article) -> str:
        body = []
        for block in article.blocks:
            if isinstance(block, str):
                body.append(f"<p>{escape(block, quote=False)}</p>")
            else:
                body.append(f"""<div class="article-photo-wrap"><figure class="article-img"><img src="{block["img"]}" alt="{escape(block["caption"])}"><figcaption>{escape(block["caption"], quote=False)}</figcaption></figure></div>""")
        body.append(f"<p>{_signoff(article)}</p>")
        url = f"https://www.koreaherald.com{article.path}"
        breadcrumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": article.section, "item": f"https://www.koreaherald.com/{article.section}"}]}
        news = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            # The site escapes the headline for HTML inside its JSON-LD.
            "headline": escape(article.title), "description": article.summary,
            "image": [block["img"] for block in article.blocks if isinstance(block, dict)],
            "datePublished": article.published.isoformat(timespec="seconds"),
            "dateModified": article.updated.isoformat(timespec="seconds"),
            "author": [{"@type": "Person", "name": name} for name in article.reporters]
            if len(article.reporters) > 1 else {"@type": "Person", "name": article.reporters[0]},
            "publisher": {"@type": "Organization", "name": "The Korea Herald",
                          "logo": {"@type": "ImageObject", "url": "https://www.koreaherald.com/images/logo.png"}},
        }
        head = f"""
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:url" content="{url}">
<script type="application/ld+json">{json.dumps(breadcrumbs, ensure_ascii=False)}</script>
<script type="application/ld+json">
{json.dumps(news, ensure_ascii=False, indent=1)}
</script>"""
        sub = f'\n\t\t\t<h2 class="article-sub-title">{escape(article.subtitle)}</h2>' if article.subtitle else ""
        authors = "".join(f'<a href="/reporter/{zlib.crc32(name.encode()) % 9000 + 1000}">{escape(name)}</a>' for name in article.reporters)
        content = f"""<div class="article-wrap">
		<div class="nav_area"><a href="/{article.section}" class="category">{article.section}</a><span class="sub_category">{article.subsection}</span></div>
		<div class="article-head">
			<h1 class="article-title">{escape(article.title, quote=False)}</h1>{sub}
			<div class="article-info">
				<p class="author">{authors}</p>
				<p class="date">Published : {ap_date(article.published)} - {article.published:%H:%M}</p>
				<p class="date">Updated : {ap_date(article.updated)} - {article.updated:%H:%M}</p>
			</div>
			<div class="article-util"><button type="button" class="btn-share">Share</button><button type="button" class="btn-font">Font size</button></div>
		</div>
		<article class="article-body">
			{chr(10).join(body)}
		</article>
		<div class="article-ad"><div id="div-gpt-ad-article-bottom"></div></div>
	</div>"""
        return _frame(f"{article.title} - The Korea Herald", content, head, self.most_popular(article))

    # -- lists and feeds
    def section_list(self, page: int) -> str:
        articles = [a for a in self.articles if a.layout == "g3"]
        rows = "".join(f"""
			<li><a href="{a.path}"><div class="news_img"><img src="{next((b["img"] for b in a.blocks if isinstance(b, dict)), "")}" alt=""></div>
				<div class="news_txt"><p class="news_title">{escape(a.title)}</p><p class="news_text">{escape(a.summary)}</p><p class="date">{ap_date(a.published)}</p></div></a></li>"""
            for a in articles[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE])
        pages = max(1, -(-len(articles) // ROWS_PER_PAGE))
        paging = "".join(f'<a href="/National?page={n}"{_on(n, page)}>{n}</a>' for n in range(1, pages + 1))
        content = f"""<div class="nav_area"><a href="/National" class="category">National</a></div>
	<article class="recent_news">
		<h2 class="tit">Latest News</h2>
		<ul class="news_list">{rows}
		</ul>
		<div class="pagination">{paging}</div>
	</article>"""
        return _frame("National - The Korea Herald", content, aside=self.most_popular())

    def legacy_list(self, page: int) -> str:
        articles = [a for a in self.articles if a.ud]
        rows = "".join(f"""
			<li><a href="/view.php?ud={a.ud}"><div class="main_l_img"><img src="{next((b["img"] for b in a.blocks if isinstance(b, dict)), "")}" alt=""></div>
				<div class="main_l_t1">{escape(a.title)}</div><div class="main_l_t2">{escape(a.subsection)}</div><span>{ap_date(a.published)}</span></a></li>"""
            for a in articles[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE])
        pages = max(1, -(-len(articles) // ROWS_PER_PAGE))
        paging = "".join(
            f'<a href="/list.php?ct={LEGACY_CT}&amp;np={n}"{_on(n, page)}>{n}</a>' for n in range(1, pages + 1)
        )
        content = f"""<div class="main_sec">
		<div class="main_sec_tit">National</div>
		<ul class="main_sec_li">{rows}
		</ul>
		<div class="paging">{paging}</div>
	</div>"""
        return _frame("The Korea Herald", content, aside=self.most_popular())

    def feed(self, legacy: bool) -> str:
        articles = [a for a in self.articles if (a.layout != "g3" if legacy else a.layout == "g3")]
        items = []
        for article in articles:
            link = f"https://www.koreaherald.com{article.path}"
            if legacy:
                link = f"http://www.koreaherald.com/view.php?ud=/view.php?ud={article.ud}"
            items.append(f"""	<item>
		<title>{escape(article.title, quote=False)}</title>
		<link>{escape(link, quote=False)}</link>
		<description>{escape(article.summary, quote=False)}</description>
		<author>{escape(", ".join(article.reporters), quote=False)}</author>
		<pubDate>{format_datetime(article.published.replace(tzinfo=KST))}</pubDate>
	</item>""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
	<title>The Korea Herald - National</title>
	<link>https://www.koreaherald.com/National</link>
	<description>The Korea Herald National</description>
{chr(10).join(items)}
</channel>
</rss>
"""


def _entry(article: Article) -> Entry:
    return Entry(
        f"{SITE}{article.path}",
        lastmod=article.updated.replace(tzinfo=KST).isoformat(),
        published=article.published.replace(tzinfo=KST).isoformat(),
        title=article.title,
    )


class KoreaHeraldSitemaps:
    """The site's sitemap index, daily news sitemaps and rolling news sitemap."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles

    def day(self, day: date) -> list[Article]:
        return [article for article in self.articles if article.published.date() == day]

    def index(self) -> bytes:
        days = sorted({article.published.date() for article in self.articles}, reverse=True)
        entries = [Entry(f"{SITE}/sitemap/news.xml", lastmod=datetime.now(KST).isoformat(timespec="seconds"))]
        for day in days:
            newest = max(article.updated for article in self.day(day)).replace(tzinfo=KST)
            entries.append(Entry(f"{SITE}/sitemap/news-{day.isoformat()}.xml", lastmod=newest.isoformat()))
        return sitemap_index(entries)

    def daily(self, day: date) -> bytes | None:
        articles = self.day(day)
        return news_sitemap((_entry(a) for a in articles), "The Korea Herald", "en") if articles else None

    def latest(self) -> bytes:
        return news_sitemap((_entry(a) for a in self.articles[:LATEST]), "The Korea Herald", "en")


class KoreaHeraldSite:
    """Answers requests for www.koreaherald.com, at the hosts its profile names."""

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile.name == "korea_herald"

    def __init__(self, profiles: Sequence[SiteProfile] = ()) -> None:
        self.hosts = served_hosts(profiles or copied(self.copies))
        self.pages = KoreaHeraldPages(load_articles())
        self.sitemaps = KoreaHeraldSitemaps(self.pages.articles)

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if "Mozilla/" not in (request.header("User-Agent") or ""):
            return html("<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>", 403)
        path, query = request.path, request.query
        pages = self.pages
        if path == "/robots.txt":
            return text(ROBOTS_TXT)
        if path == "/sitemap_index.xml":
            return xml(self.sitemaps.index())
        if path == "/sitemap/news.xml":
            return xml(self.sitemaps.latest())
        daily = _DAILY_SITEMAP.fullmatch(path)
        sitemap = self.sitemaps.daily(date.fromisoformat(daily.group(1))) if daily else None
        if sitemap is not None:
            return xml(sitemap)
        if path == "/rss/kh_National" or (path == "/common/rss_xml.php" and query.get("ct") == "102"):
            body = pages.feed(legacy=path != "/rss/kh_National").encode("utf-8")
            return ReplicaResponse(200, body, (("Content-Type", "application/rss+xml; charset=utf-8"),))
        if path == "/National":
            return html(pages.section_list(page_number(query.get("page"))))
        if path == "/list.php" and query.get("ct") == LEGACY_CT:
            return html(pages.legacy_list(page_number(query.get("np"))))
        if path == "/view.php":
            article = next((a for a in pages.articles if a.ud and a.ud == query.get("ud")), None)
            if article is not None and article.layout == "g3":
                location = f"https://{request.host}{article.path}"
                return ReplicaResponse(301, b"", (("Location", location), ("Content-Type", "text/html")))
            if article is not None:
                return html(pages.g1(article) if article.layout == "g1" else pages.g2(article))
        if path.startswith("/article/"):
            article = next((a for a in pages.articles if a.layout == "g3" and path == a.path), None)
            if article is not None:
                return html(pages.g3(article))
        return html(_frame("Page not found", '<div class="error"><p>The page you requested was not found.</p></div>'), 404)


COPY = KoreaHeraldSite
