"""Copy of www.korea.net: News Focus articles and lists, Briefing-Room press releases, RSS feeds.

What the real site does and the copy does too: CloudFront answers a request without its cookie
with a 302 to the same URL plus `Set-Cookie`, and a non-browser User-Agent with a 403; News Focus
lists `/NewsFocus/{Section}?pageIndex=N` (titles cut with '...'), article views
`/NewsFocus/{Section}/view?articleId=N` answering whatever case the section is spelt in; the
press-release board `/Government/Briefing-Room/Press-Releases` with views keyed by articleId,
type and insttCode; RSS 2.0 feeds under `/koreanet/rss/` whose links spell sections in lower case;
robots.txt. Article bodies are editor HTML: centred photos whose alt text holds the Korean
caption, a small-print English caption, a 'By ...' paragraph, empty `<p><br></p>` spacers.
The page markup is [infer] (no saved page exists); the URL scheme and quirks are [seen].
Sitemaps [infer: no public source shows the site's]: robots.txt names a gzipped sitemap index,
`/sitemap_index.xml.gz` (no lastmod), of gzipped daily Google News sitemaps,
`/sitemap/news-YYYY-MM-DD.xml.gz`, one per day with articles (News Focus and press releases),
each entry dated by its `news:publication_date` only (09:00 KST, as the feeds date them).
Lists hold fewer rows per page than the real 10, so that a handful of articles spans pages.
`KoreaNetPages` renders the pages; the archive copy (pa_webarchives.py) reuses it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any

from harvester.profiles import SiteProfile
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, text
from harvester.replica.sites.pages import copied, load_data, page_number, served_hosts
from harvester.replica.sites.sitemaps import Entry, gzipped, news_sitemap, sitemap_index

GATE_COOKIE = "AWSALB"
NEWS_PER_PAGE = 3
PRESS_PER_PAGE = 2
ROBOTS_TXT = """User-agent: *
Disallow: /Search
Disallow: /common/download
Allow: /

Sitemap: https://www.korea.net/sitemap_index.xml.gz
"""
SITEMAP_INDEX = "/sitemap_index.xml.gz"
_DAILY_SITEMAP = re.compile(r"/sitemap/news-(\d{4}-\d{2}-\d{2})\.xml\.gz")
SITE_TITLE = "Korea.net : The official website of the Republic of Korea"
# The feeds: path under /koreanet/rss/ -> (channel title, sections or "press").
FEEDS = {
    "news/2": ("Korea.net - News Focus", None),
    "news/3": ("Korea.net - Policies", ("Policies",)),
    "government/briefing-room/109": ("Korea.net - Press Releases", "press"),
}


@dataclass(frozen=True)
class Article:
    id: int
    kind: str  # "news" or "press"
    title: str
    date: date
    blocks: tuple[Any, ...]  # paragraph strings, {"img", "alt", "caption"}, {"ul": [...]}
    section: str = ""
    byline: str = ""
    source: str = ""  # the ministry that issued a press release
    type: str = ""
    institution: str = ""

    @property
    def path(self) -> str:
        if self.kind == "press":
            return (f"/Government/Briefing-Room/Press-Releases/view?articleId={self.id}"
                    f"&type={self.type}&insttCode={self.institution}")
        return f"/NewsFocus/{self.section}/view?articleId={self.id}"

    @property
    def summary(self) -> str:
        first = next(block for block in self.blocks if isinstance(block, str))
        return first if len(first) <= 160 else first[:157] + "..."


def load_articles(items: list[dict[str, Any]]) -> tuple[Article, ...]:
    articles = [
        Article(
            id=item["id"],
            kind=item["kind"],
            title=item["title"],
            date=date.fromisoformat(item["date"]),
            blocks=tuple(item["blocks"]),
            section=item.get("section", ""),
            byline=item.get("byline", ""),
            source=item.get("source", ""),
            type=item.get("type", ""),
            institution=item.get("institution", ""),
        )
        for item in items
    ]
    return tuple(sorted(articles, key=lambda article: (article.date, article.id), reverse=True))


def _day(day: date) -> str:
    return day.strftime("%b %d, %Y")


def _short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 3] + "..."


class KoreaNetPages:
    """The site's pages for one set of articles, with root-relative links."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles
        self.news = tuple(article for article in articles if article.kind == "news")
        self.press = tuple(article for article in articles if article.kind == "press")

    def find(self, article_id: int, kind: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id and a.kind == kind), None)

    def section(self, name: str) -> str | None:
        return next((a.section for a in self.news if a.section.lower() == name.lower()), None)

    # -- frame
    def frame(self, page_title: str, location: tuple[str, ...], content: str, og: str = "") -> str:
        crumbs = "".join(f"<span>{escape(step)}</span>" for step in location)
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{escape(page_title)}: {SITE_TITLE}</title>
<meta property="og:site_name" content="Korea.net">{og}
<link rel="stylesheet" href="/resources/css/common.css">
<script src="/resources/js/jquery-3.5.1.min.js"></script>
<script src="/resources/js/common.js"></script>
</head>
<body>
<div id="skipNav">
	<a href="#contents">Skip to content</a>
	<a href="#gnb">Skip to main menu</a>
</div>
<div id="wrap">
	<header id="header">
		<div class="header-top">
			<ul class="lang-list">
				<li class="on"><a href="https://www.korea.net">English</a></li>
				<li><a href="https://chinese.korea.net">中文</a></li>
				<li><a href="https://japanese.korea.net">日本語</a></li>
				<li><a href="https://french.korea.net">Français</a></li>
				<li><a href="https://spanish.korea.net">Español</a></li>
			</ul>
		</div>
		<h1 class="logo"><a href="/"><img src="/resources/images/common/logo.png" alt="Korea.net"></a></h1>
		<nav id="gnb">
			<ul>
				<li><a href="/NewsFocus/Policies">News Focus</a>
					<ul class="depth2">
						<li><a href="/NewsFocus/Policies">Policies</a></li>
						<li><a href="/NewsFocus/Society">Society</a></li>
						<li><a href="/NewsFocus/Culture">Culture</a></li>
						<li><a href="/NewsFocus/HonoraryReporters">Honorary Reporters</a></li>
					</ul>
				</li>
				<li><a href="/Government/Briefing-Room/Press-Releases">Government</a>
					<ul class="depth2"><li><a href="/Government/Briefing-Room/Press-Releases">Press Releases</a></li></ul>
				</li>
				<li><a href="/AboutKorea/Korea-at-a-Glance/Facts-about-Korea">About Korea</a></li>
				<li><a href="/Resources/Publications">Resources</a></li>
			</ul>
		</nav>
		<form class="search-box" action="/Search" method="get">
			<label for="searchKeyword" class="blind">Search</label>
			<input type="text" id="searchKeyword" name="keyword" placeholder="Search">
			<button type="submit">Search</button>
		</form>
	</header>
	<div id="container">
		<div class="sub-top">
			<h2 class="sub-title">{escape(location[0])}</h2>
			<div class="location"><a href="/" class="home">Home</a>{crumbs}</div>
		</div>
		<div id="contents" class="contents">
{content}
		</div>
	</div>
	<footer id="footer">
		<div class="go-top"><a href="#wrap"><img src="/resources/images/common/btn_top.png" alt="move to top"></a></div>
		<div class="footer-inner">
			<div class="f-logo"><a href="https://www.korea.net"><img src="/resources/images/common/f_logo.png" alt="link to korea.net"></a></div>
			<ul class="f-menu">
				<li><a href="/Others/Privacy-Policy">Privacy Policy</a></li>
				<li><a href="/Others/Copyright-Policy">Copyright Policy</a></li>
				<li><a href="/Others/Subscribe-to-Koreanet/RSS-Service">RSS Service</a></li>
			</ul>
			<address>Korean Culture and Information Service (KOCIS), 15, Gukjegeumyung-ro 2-gil, Yeongdeungpo-gu, Seoul, Republic of Korea</address>
			<p class="copyright">COPYRIGHT &copy; Korean Culture and Information Service. All Rights Reserved.</p>
		</div>
	</footer>
</div>
</body>
</html>
"""

    def _paging(self, base: str, page: int, count: int, per_page: int) -> str:
        pages = max(1, -(-count // per_page))
        links = [f'<a href="{base}?pageIndex=1" class="first">first page</a>']
        if page > 1:
            links.append(f'<a href="{base}?pageIndex={page - 1}" class="prev">previous page</a>')
        for number in range(1, pages + 1):
            links.append(f"<strong>{number}</strong>" if number == page else f'<a href="{base}?pageIndex={number}">{number}</a>')
        if page < pages:
            links.append(f'<a href="{base}?pageIndex={page + 1}" class="next">next page</a>')
        links.append(f'<a href="{base}?pageIndex={pages}" class="last">last page</a>')
        return '<div class="paging">\n\t' + "\n\t".join(links) + "\n</div>"

    # -- News Focus
    def news_list(self, section: str, page: int) -> str:
        articles = [a for a in self.news if a.section == section]
        rows = []
        for article in articles[(page - 1) * NEWS_PER_PAGE : page * NEWS_PER_PAGE]:
            image = next((b["img"] for b in article.blocks if isinstance(b, dict) and "img" in b), "/resources/images/common/no_image.png")
            rows.append(f"""	<li>
		<a href="{escape(article.path)}">
			<div class="thumb"><img src="{image}" alt=""></div>
			<div class="txt">
				<strong class="tit">{escape(_short(article.title))}</strong>
				<span class="date">{_day(article.date)}</span>
				<p class="summary">{escape(article.summary)}</p>
			</div>
		</a>
	</li>""")
        rss = "3" if section == "Policies" else "2"
        content = f"""<div class="list-top">
	<p class="total">Total <strong>{len(articles)}</strong></p>
	<a href="/koreanet/rss/news/{rss}" class="btn-rss" target="_blank" title="new window">RSS</a>
</div>
<ul class="thumb-list">
{chr(10).join(rows)}
</ul>
{self._paging(f"/NewsFocus/{section}", page, len(articles), NEWS_PER_PAGE)}"""
        return self.frame("News Focus", ("News Focus", section), content)

    def _body(self, article: Article) -> str:
        parts, byline_done = [], not article.byline
        for block in article.blocks:
            if isinstance(block, str) and not byline_done:
                parts.append(f"<p>{escape(article.byline, quote=False)}</p>")
                byline_done = True
            if isinstance(block, str):
                parts.append(f"<p>{escape(block, quote=False)}</p>")
            elif "img" in block:
                parts.append(
                    f'<p style="text-align: center;"><img src="{block["img"]}" alt="{escape(block["alt"])}"'
                    f' style="width: 700px;"></p>\n<p style="text-align: center;"><span style="font-size: 9pt;'
                    f' color: rgb(102, 102, 102);">{escape(block["caption"], quote=False)}</span></p>'
                )
            else:
                items = "".join(f"<li>{escape(item, quote=False)}</li>" for item in block["ul"])
                parts.append(f"<ul>{items}</ul>")
        return "\n<p><br></p>\n".join(parts)

    def _related(self, article: Article) -> str:
        others = [a for a in self.articles if a.kind == article.kind and a.id != article.id][:4]
        items = "".join(f'\n\t\t<li><a href="{escape(a.path)}">{escape(_short(a.title))}</a></li>' for a in others)
        return f"""<div class="related-news">
	<h4>Related Articles</h4>
	<ul>{items}
	</ul>
</div>
<div class="most-viewed">
	<h4>Most Viewed</h4>
	<ol>{items}
	</ol>
</div>"""

    def view(self, article: Article) -> str:
        source = f'<span class="source">{escape(article.source)}</span>' if article.source else ""
        og = f"""
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:url" content="https://www.korea.net{escape(article.path)}">
<meta property="og:description" content="{escape(article.summary)}">"""
        back = f"/NewsFocus/{article.section}" if article.kind == "news" else "/Government/Briefing-Room/Press-Releases"
        files = ""
        if article.kind == "press":
            files = f"""
	<div class="file-area">
		<strong>Attachments</strong>
		<ul><li><a href="/common/download?articleId={article.id}&amp;fileSeq=1">Press release ({_day(article.date)}).pdf</a></li></ul>
	</div>"""
        content = f"""<div class="view-area">
	<div class="view-title-area">
		<h3 class="view-title">{escape(article.title, quote=False)}</h3>
		<div class="view-info">
			{source}<span class="date">{_day(article.date)}</span>
			<div class="share-area">
				<button type="button" class="btn-share">Share</button>
				<ul class="share-list">
					<li><a href="#" class="facebook" onclick="snsShare('facebook'); return false;">Facebook</a></li>
					<li><a href="#" class="twitter" onclick="snsShare('twitter'); return false;">Twitter</a></li>
					<li><a href="#" class="url" onclick="copyUrl(); return false;">Copy URL</a></li>
				</ul>
				<a href="#" class="btn-print" onclick="window.print(); return false;">Print</a>
			</div>
		</div>
	</div>
	<div class="view-content" id="articleContent">
{self._body(article)}
	</div>{files}
	<div class="view-btn"><a href="{back}" class="btn-list">List</a></div>
{self._related(article)}
</div>"""
        if article.kind == "press":
            return self.frame("Press Releases", ("Government", "Briefing Room", "Press Releases"), content, og)
        return self.frame("News Focus View", ("News Focus", article.section), content, og)

    # -- Briefing Room
    def press_list(self, page: int) -> str:
        rows = []
        start = (page - 1) * PRESS_PER_PAGE
        for article in self.press[start : start + PRESS_PER_PAGE]:
            rows.append(f"""		<tr>
			<td>{article.id}</td>
			<td class="subject"><a href="{escape(article.path)}">{escape(article.title)}</a></td>
			<td>{escape(article.source)}</td>
			<td>{article.date.isoformat()}</td>
		</tr>""")
        content = f"""<div class="list-top">
	<p class="total">Total <strong>{len(self.press)}</strong></p>
	<a href="/koreanet/rss/government/briefing-room/109" class="btn-rss" target="_blank" title="new window">RSS</a>
</div>
<table class="board-list">
	<caption>Press Releases</caption>
	<thead><tr><th scope="col">No.</th><th scope="col">Title</th><th scope="col">Ministry</th><th scope="col">Date</th></tr></thead>
	<tbody>
{chr(10).join(rows)}
	</tbody>
</table>
{self._paging("/Government/Briefing-Room/Press-Releases", page, len(self.press), PRESS_PER_PAGE)}"""
        return self.frame("Press Releases", ("Government", "Briefing Room", "Press Releases"), content)

    # -- RSS
    def feed(self, key: str) -> str:
        title, scope = FEEDS[key]
        if scope == "press":
            articles = self.press
        else:
            articles = tuple(a for a in self.news if scope is None or a.section in scope)
        kst = timezone(timedelta(hours=9))
        items = []
        for article in articles:
            moment = datetime.combine(article.date, time(9, 0), kst)
            link = "https://www.korea.net" + article.path
            if article.kind == "news":
                link = link.replace(f"/{article.section}/", f"/{article.section.lower()}/")
            items.append(f"""		<item>
			<title>{escape(article.title, quote=False)}</title>
			<link>{escape(link, quote=False)}</link>
			<description>{escape(article.summary, quote=False)}</description>
			<pubDate>{format_datetime(moment)}</pubDate>
			<guid isPermaLink="false">{article.kind}-{article.id}</guid>
		</item>""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
	<channel>
		<title>{escape(title, quote=False)}</title>
		<link>https://www.korea.net</link>
		<description>{escape(title, quote=False)}</description>
		<language>en</language>
{chr(10).join(items)}
	</channel>
</rss>
"""

    # -- sitemaps (the live site's only)
    def days(self) -> list[date]:
        """The days with articles, newest first."""
        return sorted({article.date for article in self.articles}, reverse=True)

    def sitemap_index(self) -> bytes:
        return sitemap_index(Entry(f"https://www.korea.net/sitemap/news-{day.isoformat()}.xml.gz") for day in self.days())

    def daily_sitemap(self, day: date) -> bytes | None:
        articles = [article for article in self.articles if article.date == day]
        if not articles:
            return None
        entries = (
            Entry(f"https://www.korea.net{a.path}", published=f"{a.date.isoformat()}T09:00:00+09:00", title=a.title)
            for a in articles
        )
        return news_sitemap(entries, "Korea.net", "en")

    # -- routing (shared with the archive copy)
    def page(self, path: str, query: dict[str, str]) -> str | None:
        """The page at a path, or None when the site has none there."""
        parts = path.strip("/").split("/")
        article_id = query.get("articleId", "")
        if parts[0].lower() == "newsfocus" and len(parts) in (2, 3):
            section = self.section(parts[1])
            if section is None:
                return None
            if len(parts) == 2:
                return self.news_list(section, page_number(query.get("pageIndex")))
            article = self.find(int(article_id), "news") if parts[2] == "view" and article_id.isdigit() else None
            return self.view(article) if article else None
        if path.rstrip("/") == "/Government/Briefing-Room/Press-Releases":
            return self.press_list(page_number(query.get("pageIndex")))
        if path == "/Government/Briefing-Room/Press-Releases/view" and article_id.isdigit():
            article = self.find(int(article_id), "press")
            return self.view(article) if article else None
        return None

    def not_found(self) -> str:
        content = """<div class="error-area">
	<h3>Page not found</h3>
	<p>The page you requested does not exist or has been moved.</p>
	<a href="/" class="btn">Go to main page</a>
</div>"""
        return self.frame("Error", ("Error",), content)


class KoreaNetSite:
    """Answers requests for www.korea.net, at the hosts its profile names."""

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile.name == "korea_net"

    def __init__(self, profiles: Sequence[SiteProfile] = ()) -> None:
        self.hosts = served_hosts(profiles or copied(self.copies))
        self.pages = KoreaNetPages(load_articles(load_data("korea_net.json")["articles"]))

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        agent = request.header("User-Agent") or ""
        if "Mozilla/" not in agent:
            return ReplicaResponse(403, b"<html><body><h1>403 Forbidden</h1>Request blocked.</body></html>",
                                   (("Content-Type", "text/html"), ("X-Cache", "Error from cloudfront")))
        if GATE_COOKIE not in request.cookies:
            token = hashlib.sha1(request.url.encode()).hexdigest()[:32]
            return ReplicaResponse(302, b"", (
                ("Location", request.url),
                ("Set-Cookie", f"{GATE_COOKIE}={token}; Expires=Tue, 31 Dec 2030 00:00:00 GMT; Path=/"),
                ("X-Cache", "Miss from cloudfront"),
            ))
        if request.path == "/robots.txt":
            return text(ROBOTS_TXT)
        if request.path == SITEMAP_INDEX:
            return gzipped(self.pages.sitemap_index())
        daily = _DAILY_SITEMAP.fullmatch(request.path)
        sitemap = self.pages.daily_sitemap(date.fromisoformat(daily.group(1))) if daily else None
        if sitemap is not None:
            return gzipped(sitemap)
        if request.path.startswith("/koreanet/rss/"):
            key = request.path[len("/koreanet/rss/"):].strip("/")
            if key in FEEDS:
                return ReplicaResponse(200, self.pages.feed(key).encode("utf-8"), (("Content-Type", "application/xml;charset=UTF-8"),))
        page = self.pages.page(request.path, request.query)
        if page is None:
            return html(self.pages.not_found(), status=404)
        return html(page)


COPY = KoreaNetSite
