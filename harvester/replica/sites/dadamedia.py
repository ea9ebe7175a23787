"""Copies of newspapers on the 다다미디어 PHP CMS, in its two templates.

www.ecounion.co.kr (일간환경연합, the paper of seed document 001; the domain is assumed): the
current template over HTTPS in UTF-8 (`.article-head-title`, `.info-text`, `#viewContent` with
Froala `.fr-view`). It holds the seed article (idx 8842) as the page the example was captured from.

www.hanbitnews.co.kr (한빛신문, an invented old install): the older template (`div.basicView`,
`.viewTitle`, `.viewInfo`, `div.viewContentWrap div#viewContent`) over plain HTTP in EUC-KR, as
old installs served it: bytes in CP949 (which browsers use for EUC-KR), and the charset declared
three ways by article: in the HTTP header and a meta tag (idx % 3 == 0), in a meta tag only
(idx % 3 == 1), nowhere (idx % 3 == 2).

Both: section lists `/news/list.php?mcode=...&page=N` (rows `div.basicList dl`), article pages
`/news/view.php?idx=N` (an unknown idx gives a page without the title, status 200, as the real
CMS does), the RSS feed `/rss.php`, robots.txt.
"""

from __future__ import annotations

from collections.abc import Callable

from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found
from harvester.replica.http import text as plain_text
from harvester.replica.sites import dadamedia_pages as pages
from harvester.replica.sites.news import NewsArticle, load_articles, page_of, query_int, rss

ROBOTS_TXT = """User-agent: *
Disallow: /adm/
Disallow: /member/
Disallow: /news/search.php
Allow: /
"""
# The 'most read' box the seed page showed when it was captured (chrome: never in a document).
MOST_READ = (
    ("AI로 똑똑해진 SKT 필터링 기술, 보이스피싱·스팸 35% 더 막아냈다", "SK텔레콤(CEO 정재헌)이 2025년 한 해 동안 음성 스팸·보이스피싱 통화, 문자 등 각종 통신 사기 시도 약 11억 건을 선제적으로 차단했다고 13일 밝혔다.이는 전년 대비 35% 증가한 수치로 AI 기술을 스팸·피싱 대응 업무에 적극 도입하고, 체계적으로 운영해 온 결과다.지난해 SKT는 유관 기관에 신고되지 않은 보이스피싱 의심 전화번호..."),
    ("식약처, AI 기반 K-NASS 구축… 의료용 마약류 관리 전면 강화", "식품의약품안전처는 2026년을 목표로 인공지능을 활용한 ‘마약류 오남용 통합감시시스템(K-NASS)’ 구축을 완료하고, 의료용 마약류 처방 관리와 신종 마약 대응, 예방·재활 정책을 아우르는 마약류 안전관리 체계를 대폭 강화한다.식약처는 의료용 마약류의 오남용과 불법 유통을 보다 체계적으로 차단하기 위해 2024년부터 추진..."),
    ("이재명 대통령, 병오년 새해 첫날 현충원 참배로 공식 일정 시작", "이재명 대통령은 2026년 1월 1일 서울 동작구 국립서울현충원을 참배하며 병오년 새해 공식 일정을 시작하고, 순국선열과 호국영령의 넋을 기리며 ‘대한민국 대도약’에 대한 새해 의지를 밝혔다.이 대통령은 이날 오전 국립서울현충원을 찾아 현충탑에 헌화·분향한 뒤 묵념하며 나라를 위해 희생한 순국선열과 호국영령을 추모..."),
    ("오세훈 시장, 새해 첫 현장으로 영등포 재건축 점검…“안전이 공급의 전제”", "오세훈 서울시장은 2026년 1월 2일 오전 영등포구 당산동 유원제일1차 재건축 공사장을 찾아 안전관리 현황을 점검하고, 신속통합기획을 통한 정비사업 활성화와 함께 2031년까지 31만 호 주택공급 계획을 차질 없이 추진하겠다는 의지를 밝혔다.오 시장은 이날 2026년 첫 현장 일정으로 영등포구 공동주택 재건축 현장을 방문해 공정 진행 상황."),
    ("\"독파모 통해 대한민국 AI 역량 증명\"…SKT 정예팀, 이번엔 멀티모달로 확장", "SK텔레콤(CEO 정재헌) 정예팀은 정부의 `독자 AI 파운데이션 모델` 프로젝트 2단계에 진출했다고 16일 밝혔다.SKT 정예팀이 선보인 `A.X K1(에이닷엑스 케이원)`은 국내에서 처음으로 매개변수 5,000억개를 넘긴 519B급 초거대 AI 모델로 주목받았다.A.X K1은 고난도 수학과 코딩 영역에 강한 모습을 보였다.수학(AIME25 벤치마크)과 코딩 활용도(LiveCodeBench..."),
)


class DadamediaSite:
    """Answers for one newspaper on the 다다미디어 CMS."""

    hosts: tuple[str, ...] = ()
    scheme = "https"
    paper = ""
    data_file = ""
    sections: dict[str, str] = {}
    old_template = False
    charset = "UTF-8"
    rows_per_page = 5
    most_read: tuple[tuple[str, str], ...] = ()

    def __init__(self) -> None:
        self.articles = load_articles(self.data_file, "idx")
        self.by_id = {article.id: article for article in self.articles}
        self.site = pages.Site(self.hosts[0], self.scheme, self.paper, self.sections, self.most_read)

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if request.scheme != self.scheme:
            return ReplicaResponse(301, b"", (("Location", f"{self.scheme}://{request.host}{request.target}"),))
        path, query = request.path, request.query
        if path == "/robots.txt":
            return plain_text(ROBOTS_TXT)
        if path == "/rss.php":
            return self.feed()
        if path == "/news/list.php" and query.get("mcode") in self.sections:
            return self.list_page(query["mcode"], query_int(query, "page"))
        if path == "/news/view.php":
            return self.view_page(self.by_id.get(query_int(query, "idx", 0)))
        return not_found()

    # -- pages
    def respond(self, render: Callable[[str], str], declare: str = "both") -> ReplicaResponse:
        """The page `render(meta tag)` makes, in the paper's charset; `declare`: where the charset
        is declared: both (header and meta tag), meta, none."""
        if self.charset.upper() == "UTF-8":
            return html(render('<meta charset="utf-8">'))
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset}" />'
        body = render(meta if declare != "none" else "")
        header = f"text/html; charset={self.charset}" if declare == "both" else "text/html"
        # Old Korean servers send CP949 bytes, whatever they call them.
        return ReplicaResponse(200, body.encode("cp949"), (("Content-Type", header),))

    def list_page(self, mcode: str, page: int) -> ReplicaResponse:
        rows = [article for article in self.articles if article.section == mcode]
        shown, count = page_of(rows, page, self.rows_per_page)
        layout = pages.old_list if self.old_template else pages.current_list
        return self.respond(lambda meta: layout(self.site, meta, mcode, shown, page, count))

    def view_page(self, article: NewsArticle | None) -> ReplicaResponse:
        layout = pages.old_view if self.old_template else pages.current_view
        declare = ("both", "meta", "none")[article.id % 3] if article else "both"
        return self.respond(lambda meta: layout(self.site, meta, article, self.articles), declare)

    def feed(self) -> ReplicaResponse:
        base = f"{self.scheme}://{self.hosts[0]}"
        items = (
            {
                "title": article.title,
                # Feed links carry the section, as the CMS writes them.
                "link": f"{base}/news/view.php?idx={article.id}&mcode={article.section}",
                "description": article.lede,
                "author": article.reporter,
                "date": article.moment("%Y-%m-%d %H:%M:%S"),
            }
            for article in self.articles
        )
        channel = {"title": self.paper, "link": base, "description": f"{self.paper} 전체기사"}
        if self.charset.upper() == "UTF-8":
            body = rss(channel, items).encode("utf-8")
        else:
            body = rss(channel, items, encoding=self.charset).encode("cp949")
            # An XML parser decodes the feed by its declaration: keep the copy's feed within EUC-KR.
            body.decode("euc_kr")
        return ReplicaResponse(200, body, (("Content-Type", "application/rss+xml"),))


class EcounionSite(DadamediaSite):
    hosts = ("www.ecounion.co.kr", "ecounion.co.kr")
    paper = "일간환경연합"
    data_file = "ecounion.json"
    sections = {"m247tk9": "사회", "m103gs5": "환경"}
    most_read = MOST_READ


class HanbitSite(DadamediaSite):
    hosts = ("www.hanbitnews.co.kr", "hanbitnews.co.kr")
    scheme = "http"
    paper = "한빛신문"
    data_file = "hanbit.json"
    sections = {"m120ab1": "지역"}
    old_template = True
    charset = "euc-kr"
    most_read = ()

