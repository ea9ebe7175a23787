"""Copies of newspapers on the ND Soft CMS, in its current skin: one copy per profile of the family
(its hosts, name, sections and the family's URLs), its articles and its footer in
data/news/<profile name>.json. The one the replica holds: www.kado.net (강원도민일보).

Section lists `/news/articleList.html?sc_section_code=S1N4&view_type=sm` with `&page=N` (rows
`#section-list > ul > li`, `h4.titles a`, `ul.pagination`), article pages
`/news/articleView.html?idxno=N` (`header.article-view-header`, `h3.heading`, `ul.infomation`,
`article#article-view-content-div`, reporter box, copyright line, share buttons and 'most read'
around it), RSS `/rss/allArticle.xml`, robots.txt. An unknown idxno gets the CMS's alert page.
Article texts in the copy are invented; the markup is the CMS's.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from harvester.profiles import Feed, SiteProfile
from harvester.profiles.cms.ndsoft import FAMILY
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found
from harvester.replica.http import text as plain_text
from harvester.replica.sites.news import NewsArticle, load_articles, origin, page_of, paper_data, query_int, route, rss, text
from harvester.replica.sites.pages import served_hosts

ROBOTS_TXT = """User-agent: *
Disallow: /member/
Disallow: /bbs/
Disallow: /news/userArticleWriteForm.html
Allow: /
"""
DATE = "%Y.%m.%d %H:%M"
LIST, ARTICLE = route(FAMILY.list_path), route(FAMILY.article_template)


def _q(value: str) -> str:
    return escape(value, quote=True)


def _body(article: NewsArticle) -> str:
    parts = []
    if article.subtitles:
        parts.append(f'<h2 class="subheading">{"<br />".join(text(line) for line in article.subtitles)}</h2>')
    for block in article.blocks:
        kind = block[0]
        if kind == "p":
            parts.append(f"<p>{text(block[1])}</p>")
        elif kind == "h":
            parts.append(f"<p><strong>{text(block[1])}</strong></p>")
        elif kind in ("nbsp", "br"):
            parts.append("<p>&nbsp;</p>")
        elif kind == "ad":
            parts.append(
                f'<div id="AD{article.id}" class="ad-template"><div class="col">'
                '<p class="ad_title">ADVERTISEMENT</p><ins class="adsbygoogle"></ins></div></div>'
            )
        elif kind == "img":
            caption = f"<figcaption>{text(block[2])}</figcaption>" if block[2] else ""
            parts.append(
                '<div style="text-align:center"><figure class="photo-layout image"><div class="IMGFLOATING">'
                f'<img alt="{_q(block[2])}" height="400" src="{_q(block[1])}" width="600" /></div>{caption}</figure></div>'
            )
    return "\n".join(parts)


class NdsoftSite:
    """Answers for one newspaper on the ND Soft CMS."""

    rows_per_page = 5

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile.cms == FAMILY.name

    def __init__(self, profiles: Sequence[SiteProfile]) -> None:
        profile = profiles[0]
        data = paper_data(profile)
        self.hosts = served_hosts(profiles)
        self.scheme, host = origin(profile)
        self.base = f"{self.scheme}://{host}"
        self.mobile = f"https://m.{host.removeprefix('www.')}/"
        self.paper = profile.title
        self.sections = dict(profile.sections)
        self.feeds = {urlsplit(source.url).path for source in profile.sources if isinstance(source, Feed)}
        self.company, self.address = data["company_page"], data["address"]
        self.articles = load_articles(data, "idxno")
        self.by_id = {article.id: article for article in self.articles}

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if request.scheme != self.scheme:
            return ReplicaResponse(301, b"", (("Location", f"{self.scheme}://{request.host}{request.target}"),))
        path, query = request.path, request.query
        if path == "/robots.txt":
            return plain_text(ROBOTS_TXT)
        if path in self.feeds:
            return self.feed()
        if path == LIST[0] and query.get(LIST[1]) in self.sections:
            return html(self.list_page(query[LIST[1]], query_int(query, "page")))
        if path == ARTICLE[0]:
            article = self.by_id.get(query_int(query, ARTICLE[1], 0))
            if article is None:
                return html('<script>alert("삭제된 기사이거나 없는 기사입니다."); history.back();</script>')
            return html(self.view_page(article))
        return not_found()

    def list_link(self, code: str) -> str:
        """A section list's root-relative address, escaped for an attribute."""
        return _q(FAMILY.list_path.format(section=code))

    def article_link(self, idxno: int) -> str:
        return _q(FAMILY.article_template.format(id=idxno))

    # -- pages
    def frame(self, title: str, head: str, content: str, side: str = "") -> str:
        menu = "".join(
            f'<li><a href="{self.list_link(code)}">{escape(name)}</a></li>'
            for code, name in self.sections.items()
        )
        return f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta http-equiv="x-ua-compatible" content="ie=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{escape(title)} - {escape(self.paper)}</title>
{head}
<link rel="stylesheet" href="/css/layout.min.css?v=20230412">
<script src="/js/jquery.min.js"></script>
<script src="/js/foundation.min.js"></script>
</head>
<body>
<div id="skip-nav"><a href="#user-container">본문 바로가기</a></div>
<div id="user-wrap">
<header id="user-header">
  <div class="header-top"><a href="/" class="logo"><img src="/image/logo/toplogo_20221012.png" alt="{_q(self.paper)}"></a></div>
  <nav id="user-nav"><ul class="nav-menu">{menu}</ul></nav>
</header>
<div id="user-container">
  <div class="float-center max-width-1080">
    <section class="user-section">{content}</section>
    <aside class="user-aside">{side}</aside>
  </div>
</div>
<footer id="user-footer">
  <ul class="footer-menu"><li><a href="{_q(self.company)}">회사소개</a></li><li><a href="/member/privacy.html">개인정보처리방침</a></li><li><a href="/rss/">RSS</a></li></ul>
  <address>{escape(self.address)} | {escape(self.paper)}</address>
  <p class="copyright">Copyright &copy; 2023 {escape(self.paper)}. All rights reserved.</p>
  <a href="{_q(self.mobile)}" class="mobile-link">모바일버전</a>
</footer>
</div>
</body>
</html>
"""

    def most_read(self) -> str:
        items = "".join(
            f'<li><a href="{self.article_link(article.id)}"><em class="number">{number}</em>'
            f'<span class="auto-titles">{escape(article.title)}</span></a></li>'
            for number, article in enumerate(self.articles[:5], 1)
        )
        return f'<div id="skin-12" class="box-skin"><header class="header"><h2 class="title">많이 본 뉴스</h2></header><ul class="auto-marbtm-10">{items}</ul></div>'

    def view_page(self, article: NewsArticle) -> str:
        url = self.base + FAMILY.article_template.format(id=article.id)
        section = self.sections[article.section]
        info = [
            f'<li><i class="icon-user-o"></i> {escape(article.reporter)} 기자</li>',
            f'<li><i class="icon-clock-o"></i> 입력 {article.published}</li>',
        ]
        if article.modified:
            info.append(f'<li><i class="icon-clock-o"></i> 수정 {article.modified}</li>')
        info.append('<li><i class="icon-comment-o"></i> 댓글 0</li>')
        published_iso = article.moment(DATE).isoformat()
        head = f"""<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{_q(article.title)}">
<meta property="og:url" content="{url}">
<meta property="og:description" content="{_q(article.lede)}">
<meta property="article:published_time" content="{published_iso}">
<meta property="article:section" content="{_q(section)}">"""
        content = f"""<div class="article-view-head">
<nav class="breadcrumbs"><a href="/">홈</a> <a href="{self.list_link(article.section)}">{escape(section)}</a></nav>
<header class="article-view-header">
  <div class="box-titles"><h3 class="heading">{escape(article.title)}</h3></div>
  <div class="info-group">
    <article class="item"><ul class="infomation">{"".join(info)}</ul></article>
    <article class="item">
      <ul class="share">
        <li><button type="button" class="sharebtn" title="기사공유하기"><span class="show-for-sr">기사공유하기</span></button></li>
        <li><a href="javascript:;" class="facebook" title="페이스북(으)로 기사보내기"><span class="show-for-sr">페이스북(으)로 기사보내기</span></a></li>
        <li><a href="javascript:;" class="twitter" title="트위터(으)로 기사보내기"><span class="show-for-sr">트위터(으)로 기사보내기</span></a></li>
        <li><a href="javascript:;" class="kakao" title="카카오톡(으)로 기사보내기"><span class="show-for-sr">카카오톡(으)로 기사보내기</span></a></li>
        <li><button type="button" class="urlBtns" title="URL복사"><span class="show-for-sr">링크 복사</span></button></li>
        <li><button type="button" class="font-up" title="본문 글씨 키우기"><span class="show-for-sr">본문 글씨 키우기</span></button></li>
        <li><button type="button" class="font-down" title="본문 글씨 줄이기"><span class="show-for-sr">본문 글씨 줄이기</span></button></li>
      </ul>
    </article>
  </div>
</header>
</div>
<div class="article-view-content">
<article id="article-view-content-div" class="article-veiw-body view-page font-size17" itemprop="articleBody">
{_body(article)}
<script>Util.copyExec(".urlBtns");</script>
</article>
<article class="writer">
  <div class="profile-images"><img src="/image/newsroom/default-user.png" alt="{_q(article.reporter)} 기자"></div>
  <div class="profile-info"><strong class="name">{escape(article.reporter)} 기자</strong> <a href="mailto:{_q(article.email)}" class="email">{escape(article.email)}</a>
  <a href="/news/articleList.html?sc_area=I&amp;sc_word={_q(article.email.split("@")[0])}" class="link">다른기사 보기</a></div>
</article>
<div class="view-copyright">저작권자 &copy; {escape(self.paper)} 무단전재 및 재배포 금지</div>
<div class="view-bottom">
  <ul class="tag-group"><li><a href="{self.list_link(article.section)}">{escape(section)} 다른 기사</a></li></ul>
</div>
</div>"""
        return self.frame(article.title, head, content, self.most_read())

    def list_page(self, code: str, page: int) -> str:
        rows = [article for article in self.articles if article.section == code]
        shown, pages = page_of(rows, page, self.rows_per_page)
        return self.frame(self.sections[code], "", self._list(code, shown, page, pages, len(rows)))

    def _list(self, code: str, shown: Sequence[NewsArticle], page: int, pages: int, total: int) -> str:
        items = []
        for article in shown:
            link = self.article_link(article.id)
            items.append(
                f"""<li>
  <h4 class="titles"><a href="{link}" target="_top">{escape(article.title)}</a></h4>
  <p class="lead line-6x2"><a href="{link}" target="_top">{escape(article.lede)}</a></p>
  <span class="byline"><em>{escape(self.sections[code])}</em><em>{escape(article.reporter)} 기자</em><em>{article.published}</em></span>
</li>"""
            )

        def href(number: int) -> str:
            return f"{LIST[0]}?page={number}&amp;total={total}&amp;sc_section_code={code}&amp;view_type=sm&amp;box_idxno="

        numbers = "".join(
            f'<li class="current"><a>{number}</a></li>' if number == page else f'<li><a href="{href(number)}">{number}</a></li>'
            for number in range(1, pages + 1)
        )
        return f"""<header class="article-list-header"><h2 class="title">{escape(self.sections[code])}</h2></header>
<section id="section-list">
<ul class="type1">
{"".join(items)}
</ul>
</section>
<ul class="pagination">
<li class="pagination-start"><a href="{href(1)}">처음</a></li>
{numbers}
<li class="pagination-end"><a href="{href(pages)}" title="끝">끝</a></li>
</ul>"""

    def feed(self) -> ReplicaResponse:
        items = (
            {
                "title": article.title,
                "link": self.base + FAMILY.article_template.format(id=article.id),
                "description": article.lede,
                "author": article.reporter,
                "date": article.moment(DATE),
            }
            for article in self.articles
        )
        channel = {"title": f"{self.paper} - 전체기사", "link": self.base, "description": f"{self.paper} 전체기사"}
        return ReplicaResponse(200, rss(channel, items).encode("utf-8"), (("Content-Type", "application/xml"),))


COPY = NdsoftSite
