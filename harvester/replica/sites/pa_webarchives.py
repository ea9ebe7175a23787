"""Copy of the Presidential Archives' web records (webarchives.pa.go.kr), 19th administration.

What the real archive does and the copy does too: plain http only; every archived page lives at
`/{Nth}/{original-host}/{original-path}`, its links rewritten to root-relative `/19th/...` paths
(absolute links to any host as well); an archive banner is put at the top of every page (a
notice layer with '[오늘 그만 보기]', and a bar with the Korean and English records notices and
the archive's logo) [seen in text]; the archived site's own chrome stays as it was. Held here:
korea.net News Focus (Policies) articles and list, Cheong Wa Dae (www.president.go.kr) notices
and their list, and one non-article page (`/about/history`); robots.txt. The korea.net pages are
rendered by the korea.net copy; the president.go.kr markup is [infer].
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from harvester.profiles import SiteProfile
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, text
from harvester.replica.sites.korea_net import KoreaNetPages, load_articles
from harvester.replica.sites.pages import copied, load_data, page_number, served_hosts

PRESIDENT = "www.president.go.kr"
KOREA_NET = "www.korea.net"
NOTICES_PER_PAGE = 2
ROBOTS_TXT = """User-agent: *
Disallow: /search/
Disallow: /admin/
"""
BANNER = """<div id="webarchive_popup" class="wa_popup">
	<div class="wa_popup_cont">
		<p>이 웹사이트는 제19대 대통령 임기 종료에 따라 대통령기록관이 「대통령기록물 관리에 관한 법률」에 의해 이관받아 서비스하는 대통령기록물입니다. 자료의 열람만 가능하며 수정 · 추가 · 삭제는 불가능합니다.</p>
		<p>다만, 「개인정보보호법」에 의하여 개인의 정보를 보호받기 원하시는 분은 관련 내용(요청자, 요청내용, 연락처, 글위치)을 대통령 웹기록물 담당자(044-211-2253)에게 요청해 주시면 신속히 검토하여 조치해 드리겠습니다. 감사합니다.</p>
	</div>
	<div class="wa_popup_btn"><a href="#" onclick="waClosePopup('Y'); return false;">[오늘 그만 보기]</a></div>
</div>
<div id="webarchive_banner" class="wa_banner">
	<a href="http://www.pa.go.kr" target="_blank" title="새창"><img src="/webarchive/images/logo_pa.png" alt="대통령기록관 홈페이지로 이동합니다"></a>
	<p>이 웹사이트는 국민의 알권리 보장을 위해 대통령기록관에서 보존·서비스하고 있는 대통령기록물입니다.<br>
	This Website is the Presidential Records maintained and serviced by the Presidential Archives of Korea to ensure the people's right to know.</p>
</div>
"""
BANNER_HEAD = """<link rel="stylesheet" type="text/css" href="/webarchive/css/wa_banner.css">
<script type="text/javascript" src="/webarchive/js/wa_banner.js"></script>
"""
_LINK = re.compile(r'\b(href|src|action)="(?:(?:https?:)?//([\w.-]+))?(/[^"]*)?"')


def archived(page: str, era: str, host: str) -> str:
    """The page as the archive serves it: links rewritten into the archive, banner added."""

    def rewrite(match: re.Match[str]) -> str:
        attribute, link_host, path = match.group(1), match.group(2), match.group(3) or "/"
        if link_host is None and not match.group(3):
            return match.group(0)
        return f'{attribute}="/{era}/{(link_host or host).lower()}{path}"'

    page = _LINK.sub(rewrite, page)
    page = page.replace("</head>", BANNER_HEAD + "</head>", 1)
    return re.sub(r"(<body[^>]*>\n?)", lambda m: m.group(1) + BANNER, page, count=1)


@dataclass(frozen=True)
class Notice:
    id: int
    category: str
    date: date
    title: str
    paragraphs: tuple[str, ...]


class PresidentPages:
    """Cheong Wa Dae's site (2017-2022) as it was archived: notices, their list, a history page."""

    def __init__(self, data: dict[str, Any]) -> None:
        notices = [
            Notice(item["id"], item["category"], date.fromisoformat(item["date"]), item["title"], tuple(item["paragraphs"]))
            for item in data["president"]
        ]
        self.notices = tuple(sorted(notices, key=lambda notice: notice.id, reverse=True))
        self.history = data["history"]

    def frame(self, title: str, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0">
<title>{escape(title)} | 대한민국 청와대</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="대한민국 청와대">
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div id="skip_nav">
	<a href="#content">본문 바로가기</a>
	<a href="#gnb">주메뉴 바로가기</a>
</div>
<div id="wrap">
	<header id="header">
		<h1 class="logo"><a href="https://www.president.go.kr/"><img src="/images/common/logo.png" alt="청와대"></a></h1>
		<nav id="gnb">
			<ul>
				<li><a href="/articles">뉴스룸</a></li>
				<li><a href="/petitions">국민청원</a></li>
				<li><a href="/about/history?section=6">청와대 소개</a></li>
				<li><a href="/tour">청와대 관람</a></li>
			</ul>
		</nav>
	</header>
	<div id="container" class="sub">
		<div id="content">
{content}
		</div>
	</div>
	<footer id="footer">
		<ul class="f_menu"><li><a href="/policy/privacy">개인정보처리방침</a></li><li><a href="/policy/copyright">저작권정책</a></li></ul>
		<address>(03048) 서울특별시 종로구 청와대로 1</address>
		<p class="copyright">COPYRIGHT (C) CHEONG WA DAE. ALL RIGHTS RESERVED.</p>
	</footer>
</div>
</body>
</html>
"""

    def notice_list(self, page: int) -> str:
        start = (page - 1) * NOTICES_PER_PAGE
        rows = "".join(
            f"""
		<li><a href="/articles/{notice.id}"><span class="cate">{escape(notice.category)}</span>"""
            f"""<strong class="tit">{escape(notice.title)}</strong><span class="date">{notice.date.isoformat()}</span></a></li>"""
            for notice in self.notices[start : start + NOTICES_PER_PAGE]
        )
        pages = max(1, -(-len(self.notices) // NOTICES_PER_PAGE))
        paging = " ".join(
            f'<a href="/articles?page={n}" class="on">{n}</a>' if n == page else f'<a href="/articles?page={n}">{n}</a>'
            for n in range(1, pages + 1)
        )
        content = f"""<h2 class="sub_tit">뉴스룸</h2>
<div class="board_list">
	<ul class="list">{rows}
	</ul>
	<div class="paging">{paging}</div>
</div>"""
        return self.frame("뉴스룸", content)

    def notice(self, notice: Notice) -> str:
        body = "\n".join(f"<p>{escape(paragraph, quote=False)}</p>" for paragraph in notice.paragraphs)
        content = f"""<div class="article_view">
	<div class="view_top">
		<p class="cate">{escape(notice.category)}</p>
		<h2 class="tit">{escape(notice.title, quote=False)}</h2>
		<p class="date">{notice.date.isoformat()}</p>
		<div class="btn_area"><button type="button" class="btn_share">공유하기</button><button type="button" class="btn_print" onclick="window.print();">인쇄하기</button></div>
	</div>
	<div class="view_cont">
{body}
	</div>
	<div class="view_bottom"><a href="/articles" class="btn_list">목록</a></div>
</div>"""
        return self.frame(notice.title, content)

    def history_page(self) -> str:
        body = "\n".join(f"\t<p>{escape(paragraph, quote=False)}</p>" for paragraph in self.history["paragraphs"])
        content = f"""<div class="about_wrap">
	<ul class="tab"><li><a href="/about/history?section=5">청와대 이전</a></li><li class="on"><a href="/about/history?section=6">청와대의 역사</a></li></ul>
	<h3 class="about_tit">{escape(self.history["title"])}</h3>
{body}
</div>"""
        return self.frame(self.history["title"], content)

    def page(self, path: str, query: dict[str, str]) -> str | None:
        if path.rstrip("/") == "/articles":
            return self.notice_list(page_number(query.get("page")))
        match = re.fullmatch(r"/articles/(\d+)", path)
        if match:
            notice = next((n for n in self.notices if n.id == int(match.group(1))), None)
            return self.notice(notice) if notice else None
        if path == "/about/history":
            return self.history_page()
        return None


class PaWebArchivesSite:
    """Answers requests for webarchives.pa.go.kr, at the hosts its profile names."""

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile.name == "pa_webarchives"

    def __init__(self, profiles: Sequence[SiteProfile] = ()) -> None:
        self.hosts = served_hosts(profiles or copied(self.copies))
        data = load_data("pa_webarchives.json")
        self.era = data["era"]
        self.sites = {
            KOREA_NET: KoreaNetPages(load_articles(data["korea_net"])),
            PRESIDENT: PresidentPages(data),
        }

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if request.scheme != "http":
            # The archive serves no HTTPS: the connection is refused, which a proxy reports so.
            return ReplicaResponse(502, b"Connection refused by webarchives.pa.go.kr:443\n", (("Content-Type", "text/plain"),))
        if request.path == "/robots.txt":
            return text(ROBOTS_TXT)
        match = re.fullmatch(rf"/{self.era}/([\w.-]+)(/.*)?", request.path)
        site = self.sites.get(match.group(1).lower()) if match else None
        page = site.page(match.group(2) or "/", request.query) if site and match else None
        if page is None:
            return html(self.not_found(), status=404)
        return html(archived(page, self.era, match.group(1)))

    def not_found(self) -> str:
        return """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>대통령기록관 웹기록물</title></head>
<body><div class="error"><h1>요청하신 페이지를 찾을 수 없습니다.</h1>
<p>주소가 잘못 입력되었거나, 보존되지 않은 페이지입니다.</p>
<a href="http://www.pa.go.kr">대통령기록관 홈페이지</a></div></body></html>
"""


COPY = PaWebArchivesSite
