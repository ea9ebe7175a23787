"""The 다다미디어 (DADA Media) PHP news CMS: `newspaper()` builds the profile of a newspaper on it.

URLs: articles `/news/view.php?idx=N` (also `&mcode=...`, `/news/N`, mobile `/m/view.php?idx=N`);
section lists `/news/list.php?mcode=m247tk9&page=N` (rows `div.basicList dl`, `dt.title a`); the
RSS feed `/rss.php`. Article page: `.article-head-title`, `.info-text li` ('신상미 기자', '등록
2018-06-29 16:22:19', '수정 ...'), body `#viewContent` (subtitles `ul.subj`, Froala `.fr-view`,
captions `span.fr-img-caption .fr-inner`). The older template (about 2020 and before) wraps the
same `#viewContent` in `div.basicView div.viewContentWrap`, its title in `.viewTitle h3` and its
byline in `.viewInfo li` (inferred: no saved page shows that template's head): a paper that moved
from it keeps its rules as a dated version (`CURRENT`, `OLD`). Chrome outside the
body ('기사 메일전송', '목록 바로가기', '인쇄', '많이 본 뉴스더보기', '모바일 버전 바로가기') is never
selected; inside it the '기사수정' and like buttons sit in `.button-container`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harvester.profiles.base import LinkRule, Selectors, css
from harvester.profiles.cms.family import CmsFamily
from harvester.profiles.cms.lines import item_lines

NAME = "dadamedia"
_VIEW_PATHS = re.compile(r"^/(?:news|m)/view\.php$|^/news/(\d+)$")
_COUNTERS = ("조회", "댓글")


def _selectors(title: str, head: str) -> Selectors:
    """The rules of a template whose title is `title` (CSS) and whose byline/date list items sit in
    the elements the XPath predicate `head` picks."""
    info = f"//*[{head}]//li"
    return Selectors(
        title=title,
        published=f"{info}[starts-with(normalize-space(), '등록')]",
        modified=f"{info}[starts-with(normalize-space(), '수정')]",
        # The reporter is the head's first item that is not a date or a counter.
        authors=f"({info}[not(starts-with(normalize-space(), '등록') or starts-with(normalize-space(), '수정')"
        " or starts-with(normalize-space(), '조회') or starts-with(normalize-space(), '댓글'))])[1]",
        body="#viewContent",
        drop=("script", "style", "button", ".button-container", ".view-ad"),
    )


# A paper's rules are those of the template it runs (a paper that changed keeps the older as a
# dated Version); a paper found by its markup gets both, the page's own markup choosing.
CURRENT = _selectors(".article-head-title", "contains(@class,'info-text')")
CURRENT_LINES = item_lines(".info-text li", skip=_COUNTERS)
OLD = _selectors(".viewTitle h3", "contains(@class,'viewInfo')")
OLD_LINES = item_lines(".viewInfo li", skip=_COUNTERS)
OLD_TEMPLATE = "the template before 2020: div.basicView, .viewTitle h3, .viewInfo li, div.viewContentWrap #viewContent"
SELECTORS = _selectors(".article-head-title, .viewTitle h3", "contains(@class,'info-text') or contains(@class,'viewInfo')")
META_LINES = item_lines(".info-text li, .viewInfo li", skip=_COUNTERS)
ARTICLE_LINKS = (LinkRule(".basicList a", pattern=r"view\.php\?idx=\d+"),)
NEXT_PAGES = (LinkRule("a", pattern=r"/news/list\.php\?[^\"'#]*\bpage=\d+"),)


def shows(root: Any) -> bool:
    """Whether a page is an article page of this CMS (its body and head markup)."""
    return bool(css("#viewContent")(root)) and bool(css(".article-head-title, .viewContentWrap")(root))


def canonicalizer(domain: str, scheme: str, hosts: Sequence[str]) -> Callable[[str], str]:
    """Maps every URL of an article on the newspaper's hosts to `{scheme}://{domain}/news/view.php?idx=N`."""

    def canonical_url(url: str) -> str:
        parts = urlsplit(url.replace("&amp;", "&"))
        match = _VIEW_PATHS.match(parts.path)
        if match is None or (parts.hostname or "").lower() not in hosts:
            return url
        idx = match.group(1) or parse_qs(parts.query).get("idx", [""])[0]
        return f"{scheme}://{domain}/news/view.php?idx={int(idx)}" if idx.isdigit() else url

    return canonical_url


FAMILY = CmsFamily(
    name=NAME,
    list_path="/news/list.php?mcode={section}",
    article_template="/news/view.php?idx={id}",
    article_path=r"/news/view\.php\?idx=\d+",
    feeds=("/rss.php",),
    selectors=SELECTORS,
    meta_lines=META_LINES,
    article_links=ARTICLE_LINKS,
    next_pages=NEXT_PAGES,
    canonicalizer=canonicalizer,
    shows=shows,
)
newspaper = FAMILY.newspaper
