"""The 다다미디어 CMS's markup: the current template (2020 on) and the older one, list and article pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from harvester.replica.sites.news import NewsArticle, text


@dataclass(frozen=True)
class Site:
    host: str
    scheme: str
    paper: str
    sections: dict[str, str]
    most_read: tuple[tuple[str, str], ...]
    # The CMS's URL templates (profiles/cms/dadamedia.py): `{section}`, `{id}`.
    list_path: str
    article_path: str

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}"

    def list_link(self, code: str) -> str:
        """A section list's root-relative address, escaped for an attribute."""
        return _q(self.list_path.format(section=code))

    def article_link(self, idx: int) -> str:
        return _q(self.article_path.format(id=idx))


def _q(value: str) -> str:
    return escape(value, quote=True)


# -- current template
def _froala(article: NewsArticle) -> str:
    """The article body as the Froala editor saves it."""
    parts = []
    for block in article.blocks:
        kind = block[0]
        if kind == "p":
            parts.append(f"<p>{text(block[1])}</p>")
        elif kind == "h":
            parts.append(f"<p><strong>{text(block[1])}</strong></p>")
        elif kind == "nbsp":
            parts.append("<p>&nbsp;</p>")
        elif kind == "br":
            parts.append("<p><br></p>")
        elif kind == "img" and block[2]:
            parts.append(
                '<p><span class="fr-img-caption fr-fic fr-dib" style="width: 600px;"><span class="fr-img-wrap">'
                f'<img src="{_q(block[1])}" alt="" class="fr-fic fr-dii"><span class="fr-inner">{text(block[2])}</span>'
                "</span></span></p>"
            )
        elif kind == "img":
            parts.append(f'<p><img src="{_q(block[1])}" class="fr-fic fr-dib" style="width: 600px;" alt=""></p>')
    return "\n".join(parts)


def _current_frame(site: Site, meta: str, title: str, head: str, content: str) -> str:
    menu = "".join(f'<li><a href="{site.list_link(code)}">{escape(name)}</a></li>' for code, name in site.sections.items())
    most_read = "".join(
        f'<li><a href="{site.article_link(30112 + number)}"><strong class="title">{escape(headline)}</strong>'
        f'<p class="summary">{escape(summary)}</p></a></li>'
        for number, (headline, summary) in enumerate(site.most_read)
    )
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
{meta}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{escape(title)} - {escape(site.paper)}</title>
{head}
<link rel="stylesheet" href="/css/common.css?v=20230412">
<link rel="stylesheet" href="/plugin/froala_editor/css/froala_style.min.css">
<script src="/js/jquery-1.12.4.min.js"></script>
<script src="/js/common.js?v=20230412"></script>
</head>
<body>
<div id="skip-nav"><a href="#container">본문 바로가기</a></div>
<div id="wrap">
<header id="header">
  <div class="top-bar"><div class="inner">
    <ul class="top-menu"><li><a href="/member/login.php">로그인</a></li><li><a href="/member/join.php">회원가입</a></li></ul>
  </div></div>
  <h1 class="logo"><a href="/"><img src="/data/design/logo/default_logo_202103.png" alt="{_q(site.paper)}"></a></h1>
  <nav id="gnb"><ul>{menu}</ul></nav>
</header>
<div id="container">
{content}
<aside class="side-wrap">
  <div class="side-box photo-news">
    <h3 class="side-title">포토뉴스<a href="/news/list.php?vg=photo" class="more">더보기</a></h3>
    <div class="photo-slide"><ul></ul>
      <button type="button" class="slide-prev">이전 기사 보기</button> <button type="button" class="slide-next">다음 기사 보기</button>
    </div>
  </div>
  <div class="side-box latest-news">
    <h3 class="side-title">최신뉴스<a href="/news/list.php" class="more">더보기</a></h3>
  </div>
  <div class="side-box most-viewed">
    <h3 class="side-title">많이 본 뉴스<a href="/news/list.php?sort=hit" class="more">더보기</a></h3>
    <ol>{most_read}</ol>
  </div>
</aside>
</div>
<footer id="footer">
  <ul class="footer-menu"><li><a href="/company/company.php">회사소개</a></li><li><a href="/company/rss.php">RSS</a></li><li><a href="/company/privacy.php">개인정보처리방침</a></li></ul>
  <address>{escape(site.paper)} | 발행·편집인 정환경 | 등록번호 서울 아00000</address>
  <p class="copyright">Copyright &copy; {escape(site.paper)}. All rights reserved.</p>
  <p class="go-mobile"><a href="/m/">모바일 버전 바로가기</a></p>
</footer>
</div>
</body>
</html>
"""


def current_view(site: Site, meta: str, article: NewsArticle | None, _all: Sequence[NewsArticle]) -> str:
    if article is None:
        # A deleted article: the frame without its head or body.
        return _current_frame(site, meta, "", "", '<div class="article-wrap"><p class="no-data">해당 기사가 없습니다.</p></div>')
    url = site.base + site.article_path.format(id=article.id)
    section = site.sections.get(article.section, "")
    info = [f'<li><i class="fa fa-user-o"></i> {escape(article.reporter)} 기자</li>', f'<li><i class="fa fa-clock-o"></i> 등록 {article.published}</li>']
    if article.modified:
        info.append(f'<li><i class="fa fa-clock-o"></i> 수정 {article.modified}</li>')
    subtitles = "".join(f"<li>{text(line)}</li>" for line in article.subtitles)
    head = f"""<link rel="canonical" href="{_q(url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{_q(article.title)}">
<meta property="og:url" content="{_q(url)}">
<meta property="og:description" content="{_q(article.lede)}">
<meta property="og:site_name" content="{_q(site.paper)}">"""
    content = f"""<div class="article-wrap">
  <div class="article-head">
    <div class="article-head-nav"><a href="/">HOME</a> <a href="{site.list_link(article.section)}">{escape(section)}</a></div>
    <div class="article-head-util"><button type="button" class="btn-mail" onclick="articleMail('{article.id}');">기사 메일전송</button></div>
    <div class="article-head-title">{escape(article.title)}</div>
    <div class="info-text">
      <ul>
        {"".join(info)}
      </ul>
    </div>
    <div class="article-sns">
      <a href="javascript:;" class="sns-facebook" title="페이스북 공유하기">페이스북 공유하기</a>
      <a href="javascript:;" class="sns-twitter" title="트위터 공유하기">트위터 공유하기</a>
      <a href="javascript:;" class="sns-band" title="네이버밴드 공유하기">네이버밴드 공유하기</a>
      <a href="javascript:;" class="scrap" title="스크랩하기">스크랩하기</a>
      <a href="javascript:;" class="print" title="프린트하기">프린트하기</a>
      <a href="javascript:;" class="font-up" title="글자확대">글자확대</a>
      <a href="javascript:;" class="font-down" title="글자축소">글자축소</a>
    </div>
  </div>
  <div id="viewContent" class="article-body">
    <div class="button-container top"><button type="button" class="btn-modify" onclick="location.href='/adm/news/write.php?idx={article.id}'">기사수정</button></div>
    {f'<ul class="subj">{subtitles}</ul>' if subtitles else ""}
    <div class="fr-view">
{_froala(article)}
    </div>
    <div class="button-container"><button type="button" class="btn-like" onclick="articleLike('{article.id}');"><i class="fa fa-heart-o"></i><span class="cnt">0</span></button></div>
    <script>$(function(){{ articleViewCount('{article.id}'); }});</script>
  </div>
  <ul class="article-util">
    <li><a href="{site.list_link(article.section)}">목록 바로가기</a></li>
    <li><a href="javascript:articlePrint('{article.id}');">인쇄</a></li>
  </ul>
</div>"""
    return _current_frame(site, meta, article.title, head, content)


def _paging(site: Site, mcode: str, page: int, pages: int) -> str:
    on = ' class="on"'
    links = "".join(
        f'<a href="{site.list_link(mcode)}&amp;page={number}"{on if number == page else ""}>{number}</a>'
        for number in range(1, pages + 1)
    )
    after = f'<a href="{site.list_link(mcode)}&amp;page={page + 1}" class="next">다음</a>' if page < pages else ""
    return f'<div class="paging">{links}{after}</div>'


def _rows(site: Site, articles: Sequence[NewsArticle], mcode: str) -> str:
    rows = []
    for article in articles:
        link = f"{site.article_link(article.id)}&amp;mcode={mcode}"
        image = next((block[1] for block in article.blocks if block[0] == "img"), "")
        thumb = f'<dd class="thumb"><a href="{link}"><img src="{_q(image)}" alt=""></a></dd>' if image else ""
        rows.append(
            f"""<dl>
  <dt class="title"><a href="{link}">{escape(article.title)}</a></dt>
  {thumb}
  <dd class="content"><a href="{link}">{escape(article.lede)}</a></dd>
  <dd class="registDate">{article.published[:10]}</dd>
</dl>"""
        )
    return "\n".join(rows)


def current_list(site: Site, meta: str, mcode: str, articles: Sequence[NewsArticle], page: int, pages: int) -> str:
    content = f"""<div class="list-wrap">
  <h2 class="list-title">{escape(site.sections[mcode])}</h2>
  <div class="basicList">
{_rows(site, articles, mcode)}
  </div>
  {_paging(site, mcode, page, pages)}
</div>"""
    return _current_frame(site, meta, site.sections[mcode], "", content)


# -- older template
def _old_body(article: NewsArticle) -> str:
    parts = []
    for block in article.blocks:
        kind = block[0]
        if kind == "p":
            parts.append(f"<p>{text(block[1])}</p>")
        elif kind == "h":
            parts.append(f"<p><b>{text(block[1])}</b></p>")
        elif kind in ("nbsp", "br"):
            parts.append("<p>&nbsp;</p>")
        elif kind == "img":
            caption = f'<tr><td class="caption">{text(block[2])}</td></tr>' if block[2] else ""
            parts.append(f'<table class="photo" align="center"><tr><td><img src="{_q(block[1])}" width="450" /></td></tr>{caption}</table>')
    return "\n".join(parts)


def _old_frame(site: Site, meta: str, title: str, content: str) -> str:
    menu = " | ".join(f'<a href="{site.list_link(code)}">{escape(name)}</a>' for code, name in site.sections.items())
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="ko" xml:lang="ko">
<head>
{meta}
<title>{escape(title)} - {escape(site.paper)}</title>
<link rel="stylesheet" type="text/css" href="/css/default.css" />
<script type="text/javascript" src="/js/common.js"></script>
</head>
<body>
<div id="wrap">
<div id="header">
  <h1><a href="/"><img src="/images/logo.gif" alt="{_q(site.paper)}" /></a></h1>
  <div id="menu">{menu}</div>
</div>
<div id="container">
<div id="contents">
{content}
</div>
<div id="aside">
  <div class="box"><h3>많이 본 뉴스</h3><ul><li><a href="/news/list.php?sort=hit">더보기</a></li></ul></div>
</div>
</div>
<div id="footer">
  <p>{escape(site.paper)} | 주소 : 한빛시 중앙로 12 | 전화 : 000-000-0000</p>
  <p>Copyright (c) {escape(site.paper)} All rights reserved.</p>
</div>
</div>
</body>
</html>
"""


def old_view(site: Site, meta: str, article: NewsArticle | None, _all: Sequence[NewsArticle]) -> str:
    if article is None:
        return _old_frame(site, meta, "", '<div class="basicView"><p>해당 기사가 없습니다.</p></div>')
    hits = 300 + article.id % 997
    content = f"""<div class="basicView">
  <div class="viewTitle"><h3>{escape(article.title)}</h3></div>
  <div class="viewInfo"><ul><li>{escape(article.reporter)} 기자</li><li>등록 {article.published}</li><li>조회 {hits:,}</li></ul></div>
  <div class="viewBtn"><a href="javascript:mailSend('{article.id}');">기사 메일전송</a> <a href="javascript:window.print();">인쇄</a></div>
  <div class="viewContentWrap">
    <div id="viewContent">
{_old_body(article)}
    </div>
  </div>
  <div class="viewBottom"><a href="{site.list_link(article.section)}">목록 바로가기</a></div>
</div>"""
    return _old_frame(site, meta, article.title, content)


def old_list(site: Site, meta: str, mcode: str, articles: Sequence[NewsArticle], page: int, pages: int) -> str:
    content = f"""<h2 class="listTitle">{escape(site.sections[mcode])}</h2>
<div class="basicList">
{_rows(site, articles, mcode)}
</div>
{_paging(site, mcode, page, pages)}"""
    return _old_frame(site, meta, site.sections[mcode], content)
