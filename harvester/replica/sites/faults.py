"""The fault-test site: a small local newspaper on the 다다미디어 news CMS (the markup of
sites/README.md §4), at news.faults.test and its mobile edition m.faults.test, that shows one fault
per article. It exists only in the replica (`.test` is a reserved domain); the `faults` profile
crawls it, and no `all` crawl or demo does.

Per article (`/news/view.php?idx=N`, data in data/faults.json, `fault` naming the behaviour):
reset (connection reset), stall (no answer in time), unavailable (503), throttled (429 with
Retry-After): the first two tries of every three fail, the third succeeds, so a crawl with retries
gets the page and the next crawl meets the fault again; error (500 always); loop (a redirect back
to itself through a second URL); robots (disallowed by robots.txt); malformed (tangled tags);
cut (the connection closes halfway through the body); huge (20 MiB, chunked); binary (a PNG sent
as text/html); wrong_charset (EUC-KR sent as UTF-8); no_charset (EUC-KR, declared nowhere); empty
(no bytes at all); no_body (an attachment-only notice); waf (a WAF block page with status 200);
challenge (a bot challenge with status 403); offsite (moved to another site); revised (its text
changes each time `POST /__replica__/revise?idx=N` is sent). `/news/partners.php` links to a
cloud-metadata address, to localhost and to a private address, and to `/news/go.php?to=...`,
which redirects to such addresses (for tests of the crawler's private-address rule; the replica
serves no such host). Article pages carry ETag and
Last-Modified and answer a matching conditional request with 304. robots.txt of m.faults.test asks
for a Crawl-delay. Every answer carries `X-Replica-Served` (the server's clock when it answered),
for tests of pacing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from html import escape
from importlib import resources

from harvester.profiles import SiteProfile
from harvester.profiles.faults import FAULTS
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found, text
from harvester.replica.sites.pages import served_hosts

# The site's hosts and its one section list, as its profile names them; and a host of another site.
HOST, MOBILE = FAULTS.hosts
MCODE = next(iter(FAULTS.sections))
ELSEWHERE = "news.elsewhere.test"
ROWS_PER_PAGE = 10
ROBOTS = {
    HOST: "User-agent: *\nDisallow: /news/view.php?idx=2007\nDisallow: /admin/\n",
    MOBILE: "User-agent: *\nCrawl-delay: 0.5\n",
}
CRAWL_DELAY = 0.5
HUGE_SIZE = 20 * 1024 * 1024
# The faults that fail two tries of every three.
FLAKY = {"reset", "stall", "unavailable", "throttled"}
STALL = 30.0
KST = timezone(timedelta(hours=9))
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf00000301010018dd8db40000000049454e44ae426082")


@dataclass(frozen=True)
class Article:
    idx: int
    title: str
    reporter: str
    date: str
    subtitles: tuple[str, ...]
    paragraphs: tuple[str, ...]
    fault: str | None = None
    revisions: tuple[tuple[str, ...], ...] = ()


def load() -> tuple[str, dict[int, Article], dict[int, Article]]:
    data = json.loads(resources.files("harvester.replica").joinpath("data", "faults.json").read_text("utf-8"))

    def article(item: dict) -> Article:
        return Article(
            idx=item["idx"],
            title=item["title"],
            reporter=item["reporter"],
            date=item["date"],
            subtitles=tuple(item["subtitles"]),
            paragraphs=tuple(item["paragraphs"]),
            fault=item.get("fault"),
            revisions=tuple(tuple(revision) for revision in item.get("revisions", ())),
        )

    return (
        data["site"],
        {item["idx"]: article(item) for item in data["articles"]},
        {item["idx"]: article(item) for item in data["mobile"]},
    )


# -- markup
def frame(site: str, title: str, content: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">\n' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
{meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - {escape(site)}</title>
<meta property="og:site_name" content="{escape(site)}">
<link rel="stylesheet" href="/css/default.css?v=20240102">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div id="wrap">
<div id="header">
  <h1 class="logo"><a href="/"><img src="/data/design/logo.png" alt="{escape(site)}"></a></h1>
  <ul class="gnb"><li><a href="/news/list.php?mcode={MCODE}">환경</a></li><li><a href="/news/list.php?mcode=m512ab3">사회</a></li><li><a href="/news/list.php?mcode=m733cd1">오피니언</a></li></ul>
  <a href="/m/" class="mobile-link">모바일 버전 바로가기</a>
</div>
<div id="container"><div id="contents">
{content}
</div></div>
<div id="footer"><p>등록번호 서울 아 00000 | 발행인 홍길동 | 편집인 홍길동</p><p>Copyright &copy; {escape(site)}. All rights reserved.</p></div>
</div>
</body>
</html>
"""


def article_body(article: Article, paragraphs: tuple[str, ...]) -> str:
    subj = "".join(f"<li>{escape(line)}</li>" for line in article.subtitles)
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f"""<div class="article-head">
  <div class="article-head-nav"><a href="/">HOME</a> &gt; <a href="/news/list.php?mcode={MCODE}">환경</a></div>
  <div class="article-head-util"><button type="button" class="btn-mail">기사 메일전송</button></div>
  <h3 class="article-head-title">{escape(article.title)}</h3>
  <ul class="info-text">
    <li>{escape(article.reporter)} 기자</li>
    <li>등록 {article.date}</li>
    <li><a href="/news/modify.php?idx={article.idx}">기사수정</a></li>
  </ul>
</div>
<div id="viewContent">
  <ul class="subj">{subj}</ul>
  <div class="fr-view">
{body}
  </div>
</div>
<div class="button-container">
  <button type="button">페이스북 공유하기</button> <button type="button">스크랩하기</button> <button type="button">프린트하기</button>
</div>
<div class="list-link"><a href="/news/list.php?mcode={MCODE}">목록 바로가기</a></div>"""


def malformed_body(article: Article) -> str:
    """The article as a careless editor leaves it: unclosed list items and paragraphs, a <b> across
    paragraphs, stray closing tags, unquoted attributes, a bare ampersand in a link."""
    first, second, third = article.paragraphs
    return f"""<div class="article-head">
  <h3 class=article-head-title>{escape(article.title)}</h3></span>
  <ul class="info-text"><li>{escape(article.reporter)} 기자<li>등록 {article.date}</ul>
</div>
<div id=viewContent>
  <div class=fr-view>
<p>{escape(first)}
<p><b>{escape(second)}</p>
<p>{escape(third)}</b></div></div></div>
<div class="list-link"><a href=/news/list.php?mcode={MCODE}&page=1>목록 바로가기</a>"""


def list_page(site: str, articles: list[Article], mobile: list[Article], page: int) -> str:
    start = (page - 1) * ROWS_PER_PAGE
    rows = []
    for article in articles[start : start + ROWS_PER_PAGE]:
        link = f"/news/view.php?idx={article.idx}&amp;mcode={MCODE}"
        lede = escape(article.paragraphs[0]) if article.paragraphs else ""
        rows.append(
            f"""  <dl>
    <dt class="title"><a href="{link}">{escape(article.title)}</a></dt>
    <dd class="content"><a href="{link}">{lede}</a></dd>
    <dd class="registDate">{article.date[:10]}</dd>
  </dl>"""
        )
    if page == 1:
        for article in mobile:
            rows.append(
                f"""  <dl>
    <dt class="title"><a href="https://{MOBILE}/news/view.php?idx={article.idx}">{escape(article.title)}</a></dt>
    <dd class="registDate">{article.date[:10]}</dd>
  </dl>"""
            )
    pages = -(-len(articles) // ROWS_PER_PAGE)
    paging = " ".join(f'<a href="/news/list.php?mcode={MCODE}&amp;page={n}">{n}</a>' for n in range(1, pages + 1))
    content = f"""<div class="basicList">
{chr(10).join(rows)}
</div>
<div class="paging">{paging} <a href="https://{ELSEWHERE}/news/list.php?mcode={MCODE}&amp;page=1">제휴사 기사</a></div>
<div class="banner"><a href="https://ads.{ELSEWHERE}/click?id=42"><img src="https://ads.{ELSEWHERE}/b.png" alt="광고"></a></div>"""
    return frame(site, "환경", content)


# Where the partner page's links and redirects lead: no place for a crawler.
PRIVATE_LINKS = ("http://169.254.169.254/latest/meta-data/", "http://localhost:8080/admin", "http://10.0.0.7/intranet/")
PRIVATE_REDIRECTS = {
    "metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "admin": "http://127.0.0.1:8080/admin",
}


def partners_page(site: str) -> str:
    links = [*PRIVATE_LINKS, *(f"/news/go.php?to={name}" for name in PRIVATE_REDIRECTS), "/news/view.php?idx=1001"]
    items = "".join(f'<li><a href="{escape(link)}">{escape(link)}</a></li>' for link in links)
    return frame(site, "제휴 안내", f'<div class="partners"><h3>제휴 안내</h3><ul>{items}</ul></div>')


WAF_PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>접근 차단 안내</title></head>
<body><div class="wrap"><h1>요청하신 페이지에 접근할 수 없습니다</h1>
<p>비정상적인 접근이 감지되어 웹 방화벽에 의해 차단되었습니다.</p>
<p>관리자에게 문의하시기 바랍니다. (사고번호: 8c2f01e7)</p></div></body></html>
"""

CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'news.faults.test',cType: 'managed'};})();</script></head>
<body><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">news.faults.test</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
<div id="challenge-body-text" class="core-msg spacer">news.faults.test needs to review the security of your connection before proceeding.</div>
<form id="challenge-form" action="/news/view.php?idx=2017&amp;__cf_chl_f_tk=q9x" method="POST"></form></div></div></body></html>
"""


class FaultSite:
    """Answers requests for news.faults.test and m.faults.test."""

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile is FAULTS

    def __init__(self, profiles: Sequence[SiteProfile] = (FAULTS,)) -> None:
        self.hosts = served_hosts(profiles)
        self.name, self.articles, self.mobile = load()
        self.tries: Counter[str] = Counter()
        self.revision: Counter[int] = Counter()

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        response = self._answer(request)
        return ReplicaResponse(
            response.status,
            response.body,
            (*response.headers, ("X-Replica-Served", f"{time.time():.6f}")),
            response.chunked,
            response.delay,
            response.reset,
            response.cut_after,
        )

    def _answer(self, request: ReplicaRequest) -> ReplicaResponse:
        path, query = request.path, request.query
        if path == "/robots.txt":
            return text(ROBOTS[request.host])
        if path == "/__replica__/revise" and request.method == "POST":
            self.revision[int(query["idx"])] += 1
            return text(f"{self.revision[int(query['idx'])]}\n")
        if request.host == MOBILE:
            article = self.mobile.get(int(query.get("idx", "0") or 0)) if path == "/news/view.php" else None
            return self._view(request, article) if article else not_found()
        if path == "/news/list.php" and query.get("mcode") == MCODE:
            page = int(query.get("page") or 1) if (query.get("page") or "1").isdigit() else 1
            articles = sorted(self.articles.values(), key=lambda article: article.date, reverse=True)
            return html(list_page(self.name, articles, list(self.mobile.values()), page))
        if path == "/news/view.php" and (query.get("idx") or "").isdigit():
            article = self.articles.get(int(query["idx"]))
            if article is None:
                return not_found()
            if article.fault == "loop":
                return ReplicaResponse(302, b"", (("Location", f"/news/print.php?idx={article.idx}"),))
            return self._fault(request, article)
        if path == "/news/partners.php":
            return html(partners_page(self.name))
        if path == "/news/go.php" and query.get("to") in PRIVATE_REDIRECTS:
            return ReplicaResponse(302, b"", (("Location", PRIVATE_REDIRECTS[query["to"]]),))
        if path == "/news/print.php" and query.get("idx") == "2006":
            return ReplicaResponse(302, b"", (("Location", "/news/view.php?idx=2006"),))
        return not_found()

    def _fault(self, request: ReplicaRequest, article: Article) -> ReplicaResponse:
        fault = article.fault
        if fault in FLAKY:
            self.tries[request.target] += 1
            if self.tries[request.target] % 3:
                return {
                    "reset": ReplicaResponse(200, reset=True),
                    "stall": ReplicaResponse(200, delay=STALL, reset=True),
                    "unavailable": html("<html><body><h1>503 Service Unavailable</h1></body></html>", 503),
                    "throttled": ReplicaResponse(
                        429, b"Too Many Requests\n", (("Content-Type", "text/plain"), ("Retry-After", "1"))
                    ),
                }[fault]
        if fault == "error":
            return html("<html><body><h1>500 Internal Server Error</h1></body></html>", 500)
        if fault == "cut":
            page = html(frame(self.name, article.title, article_body(article, article.paragraphs)))
            return ReplicaResponse(200, page.body, page.headers, cut_after=len(page.body) // 2)
        if fault == "huge":
            filler = article_body(article, ("끝없이 이어지는 문단. " * 200,) * (HUGE_SIZE // 6000 + 1))
            return ReplicaResponse(200, frame(self.name, article.title, filler).encode(), (("Content-Type", "text/html; charset=UTF-8"),), chunked=True)
        if fault == "binary":
            return ReplicaResponse(200, PNG * 40, (("Content-Type", "text/html; charset=UTF-8"),))
        if fault == "wrong_charset":
            page = frame(self.name, article.title, article_body(article, article.paragraphs), charset="utf-8")
            return ReplicaResponse(200, page.encode("euc-kr"), (("Content-Type", "text/html; charset=UTF-8"),))
        if fault == "no_charset":
            page = frame(self.name, article.title, article_body(article, article.paragraphs), charset=None)
            return ReplicaResponse(200, page.encode("euc-kr"), (("Content-Type", "text/html"),))
        if fault == "empty":
            return ReplicaResponse(200, b"", (("Content-Type", "text/html; charset=UTF-8"),))
        if fault == "waf":
            return html(WAF_PAGE)
        if fault == "challenge":
            return ReplicaResponse(403, CHALLENGE_PAGE.encode(), (("Content-Type", "text/html; charset=UTF-8"),))
        if fault == "offsite":
            return ReplicaResponse(301, b"", (("Location", f"https://{ELSEWHERE}/news/view.php?idx={article.idx}"),))
        return self._view(request, article)

    def _view(self, request: ReplicaRequest, article: Article) -> ReplicaResponse:
        """The article page, with validators, or 304 when the client's copy is current."""
        paragraphs = article.paragraphs
        revision = self.revision[article.idx]
        if revision and article.revisions:
            paragraphs = article.revisions[min(revision, len(article.revisions)) - 1]
        content = malformed_body(article) if article.fault == "malformed" else article_body(article, paragraphs)
        body = frame(self.name, article.title, content).encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        written = datetime.fromisoformat(article.date).replace(tzinfo=KST) + timedelta(days=revision)
        modified = format_datetime(written.astimezone(timezone.utc), usegmt=True)
        validators = (("ETag", etag), ("Last-Modified", modified))
        if request.header("If-None-Match") == etag or (
            request.header("If-None-Match") is None and request.header("If-Modified-Since") == modified
        ):
            return ReplicaResponse(304, b"", validators)
        return ReplicaResponse(200, body, (("Content-Type", "text/html; charset=UTF-8"), *validators))


COPY = FaultSite
