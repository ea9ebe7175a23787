"""Ministry of Foreign Affairs (www.mofa.go.kr): English press releases and Korean 보도자료.

Both boards run on MOFA's eGovFramework board CMS: list pages `/{site}/brd/m_NNNN/list.do?page=N`
whose titles open `f_view('seq')`, view pages `view.do?seq=N`, and RSS feeds `rss.do?brdId=N`
whose links say `/www/` even for English boards. A release is keyed by (board, seq) alone.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml.etree import _Element

from harvester.profiles.base import Feed, LinkRule, ListPages, Selectors, SiteProfile, css

HOSTS = ("www.mofa.go.kr", "mofa.go.kr")
# The site section each board lives under; feeds and old links may name another one.
BOARD_SITES = {"m_5676": "eng", "m_4080": "www"}
_VIEW = re.compile(r"/brd/(m_\d+)/view\.do")
# Counters change on every visit: they are not part of the document.
_VOLATILE_LABELS = {"hit", "hits", "조회", "조회수"}


def canonical_url(url: str) -> str:
    """https://{host}/{site}/brd/{board}/view.do?seq=N for any link to a board post.

    >>> canonical_url("http://www.mofa.go.kr/www/brd/m_5676/view.do?seq=323320")
    'https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320'
    >>> canonical_url("https://mofa.go.kr:443/www/brd/m_4080/view.do?seq=9&page=2&srchFr=&amp;amp;srchTo=")
    'https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=9'
    >>> canonical_url("http://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5396/view.do?seq=1019264&page=1")
    'https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5396/view.do?seq=1019264'
    """
    parts = urlsplit(url.replace("&amp;", "&"))
    match = _VIEW.search(parts.path)
    seq = parse_qs(parts.query).get("seq", [""])[0]
    host = (parts.hostname or "").lower()
    if match is None or not seq.isdigit() or not host.endswith("mofa.go.kr"):
        return url
    board = match.group(1)
    site = parts.path.split("/")[1]
    if host in HOSTS:
        host, site = "www.mofa.go.kr", BOARD_SITES.get(board, site)
    return f"https://{host}/{site}/brd/{board}/view.do?seq={int(seq)}"


def head_lines(root: _Element) -> list[str]:
    """The `dt`/`dd` pairs of the post head ('Date 2017-09-03', '담당부서 북미국'), counters left out."""
    lines = []
    for dl in css(".board_detail .bo_head dl")(root)[:1]:
        label = None
        for node in dl:
            text = " ".join(node.text_content().split())
            if node.tag == "dt":
                label = text
            elif node.tag == "dd" and label and text and label.lower() not in _VOLATILE_LABELS:
                lines.append(f"{label} {text}")
    return lines


ARTICLE_LINKS = (
    LinkRule(".board_list a", attr="onclick", pattern=r"f_view\('(\d+)'\)", template="view.do?seq={1}"),
    LinkRule(".board_list a", attr="href", pattern=r"view\.do\?[^\"']*seq=\d+"),
)
NEXT_PAGES = (
    LinkRule(".paging a, .pagination a", attr="href", pattern=r"list\.do\?[^\"']*page=\d+"),
    LinkRule(".paging a, .pagination a", attr="onclick", pattern=r"\((\d+)\)", template="list.do?page={1}"),
)
SELECTORS = Selectors(
    title=".board_detail .bo_head h2",
    published=(
        "//div[contains(@class,'bo_head')]//dt[contains(.,'작성일') or contains(.,'등록일')"
        " or normalize-space()='Date']/following-sibling::dd[1]"
    ),
    modified="//div[contains(@class,'bo_head')]//dt[contains(.,'수정일') or normalize-space()='Modified']"
    "/following-sibling::dd[1]",
    body=".board_detail .bo_con",
    drop=(".alert", "script", "style"),
)
POLITENESS = {"DOWNLOAD_DELAY": 1.5, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}

MOFA_EN = SiteProfile(
    name="mofa_en",
    title="MOFA English press releases",
    hosts=HOSTS,
    kind="ministry",
    language="en",
    sources=(
        ListPages("https://www.mofa.go.kr/eng/brd/m_5676/list.do"),
        Feed("https://www.mofa.go.kr/www/brd/rss.do?brdId=302"),
    ),
    article_url=r"^https://www\.mofa\.go\.kr/eng/brd/m_5676/view\.do\?seq=\d+$",
    article_links=ARTICLE_LINKS,
    next_pages=NEXT_PAGES,
    list_dates=".board_list tbody td:nth-child(3)",
    selectors=SELECTORS,
    canonicalize=canonical_url,
    meta_lines=head_lines,
    custom_settings=POLITENESS,
)

MOFA_KO = SiteProfile(
    name="mofa_ko",
    title="외교부 보도자료",
    hosts=HOSTS,
    kind="ministry",
    language="ko",
    sources=(
        ListPages("https://www.mofa.go.kr/www/brd/m_4080/list.do"),
        Feed("https://www.mofa.go.kr/www/brd/rss.do?brdId=235"),
    ),
    article_url=r"^https://www\.mofa\.go\.kr/www/brd/m_4080/view\.do\?seq=\d+$",
    article_links=ARTICLE_LINKS,
    next_pages=NEXT_PAGES,
    list_dates=".board_list tbody td:nth-child(5)",
    selectors=SELECTORS,
    canonicalize=canonical_url,
    meta_lines=head_lines,
    custom_settings=POLITENESS,
)

# The overseas missions ({city}.mofa.go.kr, overseas.mofa.go.kr) run the same board CMS. No crawl
# sources: the profile serves `harvester extract` and rebuilds of their pages.
MOFA_MISSIONS = SiteProfile(
    name="mofa_missions",
    title="MOFA overseas missions' boards",
    hosts=(".mofa.go.kr",),
    kind="ministry",
    language="ko",
    sources=(),
    article_url=r"^https://[a-z-]+\.mofa\.go\.kr/[\w-]+/brd/m_\d+/view\.do\?seq=\d+$",
    selectors=SELECTORS,
    canonicalize=canonical_url,
    meta_lines=head_lines,
    custom_settings=POLITENESS,
)

PROFILES = (MOFA_EN, MOFA_KO, MOFA_MISSIONS)
