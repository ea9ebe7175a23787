"""Copy of www.mofa.go.kr: the English press-release board (m_5676, /eng/) and the Korean
보도자료 board (m_4080, /www/), in the eGovFramework board markup of the real site.

What the real site does and the copy does too: a WAF that answers any request without its
cookie with a 307 to the same URL plus `Set-Cookie: TMOSHCooKie=...`; list pages of 10 rows
whose titles open `f_view('seq')` (Korean) or link `./view.do?seq=` (English); view pages with
`div.board_detail`; RSS feeds `rss.do?brdId=302|235` whose links say `/www/` for both boards;
an "invalid access" page with status 200 for an unknown seq; robots.txt.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from harvester.profiles import Feed, ListPages, SiteProfile
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found, text
from harvester.replica.sites.pages import copied, served_hosts

ROWS_PER_PAGE = 10
PAGES_PER_BLOCK = 10  # page numbers the pager shows at once
GATE_COOKIE = "TMOSHCooKie"
LIST_QUERY = (
    "srchFr=&amp;srchTo=&amp;srchWord=&amp;srchTp=&amp;multi_itm_seq=0&amp;itm_seq_1=0"
    "&amp;itm_seq_2=0&amp;company_cd=&amp;company_nm="
)
ROBOTS_TXT = """User-agent: AhrefsBot
Disallow: /

User-agent: *
Disallow: /cmmn/
Disallow: /*/brd/*/down.do
Disallow: /viewer/
Allow: /
"""


@dataclass(frozen=True)
class Article:
    seq: int
    title: str
    date: str
    department: str
    style: str
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...]

    @property
    def hits(self) -> int:
        return 200 + int(hashlib.sha1(str(self.seq).encode()).hexdigest()[:4], 16) % 3000


@dataclass(frozen=True)
class Board:
    site: str  # "eng" or "www"
    board: str  # "m_5676"
    feed_id: str  # the brdId of its RSS feed
    name: str  # the board name shown as the page title
    section: str  # the menu the board sits in
    articles: tuple[Article, ...]  # newest first

    @property
    def english(self) -> bool:
        return self.site == "eng"

    def find(self, seq: int) -> Article | None:
        return next((article for article in self.articles if article.seq == seq), None)


# A board list as MOFA's profiles name it: /{site}/brd/{board}/list.do.
_BOARD_LIST = re.compile(r"^/(\w+)/brd/(m_\d+)/list\.do$")
# What each board's pages call it, the menu it sits in, and its feed's channel title.
BOARD_NAMES = {
    "m_5676": ("Press Releases", "Press", "영문대표홈페이지 > Press > Press Releases"),
    "m_4080": ("보도자료", "브리핑", "외교부 > 브리핑 > 보도자료"),
}


def board_of(profile: SiteProfile) -> tuple[str, str, str] | None:
    """(site section, board, feed id) of the board a MOFA profile crawls, from its list and feed URLs."""
    lists = [_BOARD_LIST.match(urlsplit(s.url).path) for s in profile.sources if isinstance(s, ListPages)]
    feeds = [parse_qs(urlsplit(s.url).query).get("brdId", [""])[0] for s in profile.sources if isinstance(s, Feed)]
    match = next((found for found in lists if found), None)
    if match is None or not feeds or match.group(2) not in BOARD_NAMES:
        return None
    return match.group(1), match.group(2), feeds[0]


def load_board(data_file: str, site: str, feed_id: str, name: str, section: str) -> Board:
    data = json.loads(resources.files("harvester.replica").joinpath("data", data_file).read_text("utf-8"))
    articles = [
        Article(
            seq=item["seq"],
            title=item["title"],
            date=item["date"],
            department=item.get("department", ""),
            style=item.get("style", "plain"),
            paragraphs=tuple(item["paragraphs"]),
            attachments=tuple(attachment["name"] for attachment in item.get("attachments", ())),
        )
        for item in data["articles"]
    ]
    articles.sort(key=lambda article: article.seq, reverse=True)
    return Board(site, data["board"], feed_id, name, section, tuple(articles))


# -- markup
def _page(board: Board, title: str, content: str) -> str:
    """The site frame around a board page: skip links, header, menus, board title, footer."""
    lang = "en" if board.english else "ko"
    home = f"/{board.site}/index.do"
    skip = ("Skip Navigation", "Go to content", "Go to main menu") if board.english else (
        "바로가기 메뉴", "본문 바로가기", "주메뉴 바로가기")
    search = "Open search" if board.english else "검색창 열기"
    org = "Ministry of Foreign Affairs, Republic of Korea" if board.english else "외교부"
    copyright_line = (
        "60, Sajik-ro 8-gil, Jongno-gu, Seoul 03172, Republic of Korea"
        if board.english
        else "(03172) 서울특별시 종로구 사직로8길 60 외교부"
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<title>{escape(title)}|{escape(board.name)}  |  {org}</title>
<meta http-equiv="X-UA-Compatible" content="IE=Edge" />
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1, minimum-scale=1, maximum-scale=1, user-scalable=yes"/>
<meta property="og:title" content="{org}">
<meta property="og:site_name" content="{org}">
<link rel="stylesheet" href="/{board.site}/css/default.css?v=2024121101" />
<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>
<script type="text/javascript" src="/js/common.js"></script>
<script type="text/javascript">
//<![CDATA[
function f_view(seq){{
	document.location.href = "./view.do?seq=" + seq + "&{LIST_QUERY.replace('&amp;', '&')}";
}}
//]]>
</script>
</head>
<body id="subpage">
<div id="wrapper" class="{lang}">
	<div class="skip_navi" id="skiptoContent">
		<strong class="hide">{skip[0]}</strong>
		<a href="#contents">{skip[1]}</a>
		<a href="#gnb">{skip[2]}</a>
	</div>
	<div class="header">
		<div class="util container">
			<ol class="lang"><li><a href="/www/index.do">KOR</a></li><li><a href="/eng/index.do">ENG</a></li></ol>
		</div>
		<div class="logo_wrap"><h1 class="logo"><a href="{home}"><span>{org}</span></a></h1></div>
		<div id="gnb">
			<div class="container">
				<ul class="dep1">
					<li><a href="/{board.site}/brd/{board.board}/list.do">{escape(board.section)}</a>
						<ul class="dep2"><li><a href="/{board.site}/brd/{board.board}/list.do">{escape(board.name)}</a></li></ul>
					</li>
				</ul>
				<div class="search_box">
					<button type="button" class="btn_search"><span class="hide">{search}</span></button>
				</div>
			</div>
		</div>
	</div>
	<div class="sub">
	  <div class="container">
		<div class="lnb">
		  <strong><span>{escape(board.section)}</span></strong>
		  <ul><li class="selected"><a href="/{board.site}/brd/{board.board}/list.do">{escape(board.name)}</a></li></ul>
		  <div class="page_tit">
			<div>
			  <h2>{escape(board.name)}</h2>
			  <ol>
				<li><a href="{home}" title="Home"><img src="/images/common/icon_bc_home.png" alt=""></a></li>
				<li>{escape(board.section)}</li>
				<li>{escape(board.name)}</li>
			  </ol>
			</div>
			<ul>
			  <li class="share"><button type="button" title="sns"><span class="hide">SNS</span></button></li>
			  <li class="print"><button type="button" onclick="contentPrint();"><span class="hide">Print</span></button></li>
			</ul>
		  </div>
		</div>
		<div id="contents">
{content}
		</div>
	  </div>
	</div>
	<div class="footer">
		<div class="container">
			<address>{copyright_line}</address>
			<p class="copy">Copyright &copy; Ministry of Foreign Affairs. All Rights Reserved.</p>
		</div>
	</div>
</div>
</body>
</html>
"""


def _list_rows(board: Board, page: int) -> str:
    start = (page - 1) * ROWS_PER_PAGE
    rows = []
    for number, article in enumerate(board.articles[start : start + ROWS_PER_PAGE]):
        row_number = len(board.articles) - start - number
        if board.english:
            link = f'<a href="./view.do?seq={article.seq}&amp;page={page}&amp;{LIST_QUERY}">{escape(article.title)}</a>'
            rows.append(
                f"""				<tr>
					<td>{row_number}</td>
					<td class="tal">{link}</td>
					<td>{article.date}</td>
					<td>{article.hits}</td>
				</tr>"""
            )
        else:
            link = f"""<a href="#" onclick="f_view('{article.seq}'); return false;">{escape(article.title)}</a>"""
            clip = '<img src="/images/egovframework/cms/board/icon_file.png" alt="첨부파일">' if article.attachments else ""
            rows.append(
                f"""				<tr>
					<td>{row_number}</td>
					<td class="tal">{link}</td>
					<td>{clip}</td>
					<td>{escape(article.department)}</td>
					<td>{article.date}</td>
				</tr>"""
            )
    return "\n".join(rows)


def _paging(board: Board, page: int) -> str:
    """The eGov pager: the block of ten page numbers holding `page`, with first/prev/next/last."""
    pages = max(1, -(-len(board.articles) // ROWS_PER_PAGE))
    start = (page - 1) // PAGES_PER_BLOCK * PAGES_PER_BLOCK + 1
    end = min(start + PAGES_PER_BLOCK - 1, pages)

    def link(number: int, css: str = "", label: str = "") -> str:
        attribute = f' class="{css}"' if css else ""
        text = f'<span class="hide">{label}</span>' if label else str(number)
        return f'<a href="./list.do?page={number}&amp;{LIST_QUERY}"{attribute}>{text}</a>'

    links = [link(1, "first", "first"), link(start - 1, "prev", "prev")] if start > 1 else []
    links += [link(number, "on" if number == page else "") for number in range(start, end + 1)]
    if end < pages:
        links.append(link(end + 1, "next", "next"))
    links.append(link(pages, "last", "last"))
    return f'<div class="paging">\n\t\t\t{" ".join(links)}\n\t\t</div>'


def list_page(board: Board, page: int) -> str:
    if board.english:
        head = '<th scope="col">No.</th><th scope="col">Title</th><th scope="col">Date</th><th scope="col">Hit</th>'
        info = f"Total <strong>{len(board.articles)}</strong>"
    else:
        head = ('<th scope="col">번호</th><th scope="col">제목</th><th scope="col">첨부</th>'
                '<th scope="col">담당부서</th><th scope="col">등록일</th>')
        info = f"전체 <strong>{len(board.articles)}</strong>건"
    content = f"""<div class="board_list">
	<div class="bo_info">{info}</div>
	<table class="tableB type3">
		<caption>{escape(board.name)}</caption>
		<thead><tr>{head}</tr></thead>
		<tbody>
{_list_rows(board, page)}
		</tbody>
	</table>
	{_paging(board, page)}
</div>"""
    return _page(board, board.name, content)


def _body(article: Article) -> str:
    def markup(paragraph: str) -> str:
        return escape(paragraph, quote=False).replace("\u00a0", "&nbsp;")

    if article.style == "se3":
        paragraphs = "".join(
            f'<p class="se-text-paragraph se-text-paragraph-align-justify" style="line-height: 1.8;">'
            f'<span class="se-fs-fs13 se-ff-" style="color: rgb(0, 0, 0);">{markup(p)}</span></p>'
            for p in article.paragraphs
        )
        return f'<div class="se-contents" style="box-sizing: content-box; font-size: 12pt;">{paragraphs}</div>'
    # Older posts: plain paragraphs with empty spacer paragraphs between them.
    return "\n<p>&nbsp;</p>\n".join(f"<p>{markup(p)}</p>" for p in article.paragraphs)


def view_page(board: Board, article: Article) -> str:
    if board.english:
        head = f"""<dt>Date</dt>
				<dd>{article.date}</dd>
				<dt>hit</dt>
				<dd>{article.hits}</dd>"""
        attach_label, prev_label, next_label, list_label = "Attachment", "Previous", "Next", "List"
    else:
        head = f"""<dt>작성자</dt>
				<dd>외교부</dd>
				<dt scope="row">작성일</dt>
				<dd>{article.date}</dd><!-- 작성일 -->
				<dt scope="row">담당부서</dt>
				<dd>{escape(article.department)}</dd>
				<dt scope="row">조회수</dt>
				<dd>{article.hits}</dd>"""
        attach_label, prev_label, next_label, list_label = "첨부", "이전 글", "다음 글", "목록"
    files = "".join(
        f"""
				<li>
					<a href="javascript:f_down('./down.do?brd_id={board.feed_id}&amp;seq={article.seq}&amp;data_tp=A&amp;file_seq={n}');">
						<img src="/images/egovframework/cms/board/icon_file.png" alt="{escape(name)} 파일다운로드"/>
						<span>{escape(name)}</span>
					</a>
					<button type="button" onclick="goView('{board.feed_id}','{article.seq}','A','{n}');" title="새창열림">미리보기</button>
				</li>"""
        for n, name in enumerate(article.attachments, 1)
    )
    index = board.articles.index(article)
    older = board.articles[index + 1] if index + 1 < len(board.articles) else None
    newer = board.articles[index - 1] if index > 0 else None
    content = f"""<div class="board_detail">
	<div class="bo_head">
		<h2>
			{escape(article.title)}
		</h2>
		<dl>
				{head}
		</dl>
	</div>
	<div class="bo_file">
		<strong>{attach_label}</strong>
			<ul>{files}
			</ul>
	</div>
	<div class="bo_con">
		<a></a><a></a>
{_body(article)}
	</div>
	<ul class="bo_util">
   </ul>
   <div class="bo_btn">
     <a href="./list.do?page=1&amp;{LIST_QUERY}" class="blue">{list_label}</a>
   </div>
   <nav class="bo_pagination">
			<a href="#" class="prev"><b>{prev_label}</b>
				<span>
					 {escape(older.title) if older else ""}
				</span>
			</a>
			<a href="#" class="next"><b>{next_label}</b>
				<span>
					 {escape(newer.title) if newer else ""}
				</span>
			</a>
		</nav>
</div>"""
    return _page(board, article.title + (" View" if board.english else " 상세보기"), content)


def invalid_access(board: Board) -> str:
    message = "Invalid access." if board.english else "잘못된 접근입니다."
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<script type="text/javascript">alert("{message}"); history.back();</script></head><body></body></html>
"""


def feed(board: Board, channel_title: str) -> str:
    kst = timezone(timedelta(hours=9))
    items = []
    for article in board.articles[:30]:
        # Registration times are not shown on the site; the feed gives 09:00 KST, in GMT.
        moment = datetime.fromisoformat(article.date).replace(hour=9, tzinfo=kst).astimezone(timezone.utc)
        items.append(
            f"""    <item>
      <title>{escape(article.title, quote=False)}</title>
      <link>http://www.mofa.go.kr/www/brd/{board.board}/view.do?seq={article.seq}</link>
      <content:encoded>{escape(" ".join(article.paragraphs), quote=False)}</content:encoded>
      <pubDate>{format_datetime(moment, usegmt=True)}</pubDate>
    </item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>{escape(channel_title, quote=False)}</title>
    <link>http://www.mofa.go.kr/www/brd/{board.board}/list.do</link>
    <description>RSS 주소목록  {escape(channel_title, quote=False)}</description>
{chr(10).join(items)}
  </channel>
</rss>
"""


class MofaSite:
    """Answers requests for www.mofa.go.kr: one board per MOFA board profile (its articles in
    data/<profile>.json), at the hosts the profiles name."""

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return "www.mofa.go.kr" in profile.hosts and board_of(profile) is not None

    def __init__(self, profiles: Sequence[SiteProfile] = ()) -> None:
        profiles = profiles or copied(self.copies)
        self.hosts = served_hosts(profiles)
        self.boards: dict[str, Board] = {}
        self.feeds: dict[str, tuple[Board, str]] = {}
        for profile in profiles:
            found = board_of(profile)
            assert found is not None
            site, board_id, feed_id = found
            name, section, channel = BOARD_NAMES[board_id]
            board = load_board(f"{profile.name}.json", site, feed_id, name, section)
            self.boards[board.board] = board
            self.feeds[feed_id] = (board, channel)

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if GATE_COOKIE not in request.cookies:
            token = hashlib.sha1(request.url.encode()).hexdigest()[:24]
            return ReplicaResponse(
                307,
                b"",
                (("Location", request.url), ("Set-Cookie", f"{GATE_COOKIE}={token}; path=/; HttpOnly")),
            )
        path, query = request.path, request.query
        if path == "/robots.txt":
            return text(ROBOTS_TXT)
        if path == "/www/brd/rss.do" and query.get("brdId") in self.feeds:
            board, title = self.feeds[query["brdId"]]
            return ReplicaResponse(200, feed(board, title).encode("utf-8"), (("Content-Type", "application/rss+xml"),))
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[1] != "brd" or parts[2] not in self.boards:
            return not_found()
        board = self.boards[parts[2]]
        # Feed links name /www/ for English posts too; the site answers both.
        if parts[0] not in (board.site, "www"):
            return not_found()
        if parts[3] == "list.do":
            page = int(query.get("page") or 1) if (query.get("page") or "1").isdigit() else 1
            return html(list_page(board, page))
        if parts[3] == "view.do":
            seq = query.get("seq", "")
            article = board.find(int(seq)) if seq.isdigit() else None
            return html(view_page(board, article) if article else invalid_access(board))
        return not_found()


COPY = MofaSite
