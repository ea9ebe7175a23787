"""The ND Soft (엔디소프트) news CMS: `newspaper()` builds the profile of a newspaper on it.

URLs: articles `/news/articleView.html?idxno=N` (also with `&replyAll=...`, on `m.` hosts, AMP
`articleViewAmp.html`); section lists `/news/articleList.html?sc_section_code=S1N1&view_type=sm`
with `&page=N` (rows `#section-list li`, `h4.titles a`, pagination `ul.pagination`); RSS
`/rss/allArticle.xml` and `/rss/S1N1.xml`. Article page: `header.article-view-header h3.heading`
(older skins `.article-head-title`), byline list `ul.infomation li` ('홍길동 기자', '입력
2023.05.01 10:30', '수정 ...'; older skins `.info-text li` with '승인'), body
`#article-view-content-div` (figures `figure.photo-layout` with `figcaption`, ads
`.ad-template`). Reporter box, copyright line, share buttons and 'most read' lists sit outside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harvester.profiles.base import LinkRule, Selectors, css
from harvester.profiles.cms.family import CmsFamily
from harvester.profiles.cms.lines import item_lines

NAME = "ndsoft"
_INFO = "(//ul[contains(@class,'infomation')]/li | //div[contains(@class,'info-text')]//li)"
_VIEW_PATHS = re.compile(r"^/news/articleView(?:Amp)?\.html$")
_SKIP = ("댓글", "조회", "기자명")

SELECTORS = Selectors(
    title=".article-view-header .heading, .article-head-title",
    published=f"{_INFO}[contains(., '입력') or contains(., '승인')]",
    modified=f"{_INFO}[contains(., '수정') or contains(., '업데이트')]",
    authors=f"{_INFO}[i[contains(@class,'user')]]",
    body="#article-view-content-div",
    drop=("script", "style", ".show-for-sr", ".ad-template", ".view-editors", ".view-copyright", ".article-copy"),
)
META_LINES = item_lines(".article-view-header ul.infomation li, .info-text li", skip=_SKIP, hidden=".show-for-sr")
ARTICLE_LINKS = (LinkRule("#section-list a, #user-container .list-block a", pattern=r"articleView\.html\?idxno=\d+"),)
NEXT_PAGES = (LinkRule(".pagination a", pattern=r"articleList\.html\?[^\"'#]*\bpage=\d+"),)


def shows(root: Any) -> bool:
    """Whether a page is an article page of this CMS (its body's id is its own)."""
    return bool(css("#article-view-content-div")(root))


def canonicalizer(domain: str, scheme: str, hosts: Sequence[str]) -> Callable[[str], str]:
    """Maps every URL of an article on the newspaper's hosts to `{scheme}://{domain}/news/articleView.html?idxno=N`."""

    def canonical_url(url: str) -> str:
        parts = urlsplit(url.replace("&amp;", "&"))
        idxno = parse_qs(parts.query).get("idxno", [""])[0]
        if not _VIEW_PATHS.match(parts.path) or (parts.hostname or "").lower() not in hosts or not idxno.isdigit():
            return url
        return f"{scheme}://{domain}/news/articleView.html?idxno={int(idxno)}"

    return canonical_url


FAMILY = CmsFamily(
    name=NAME,
    list_path="/news/articleList.html?sc_section_code={section}&view_type=sm",
    article_template="/news/articleView.html?idxno={id}",
    article_path=r"/news/articleView\.html\?idxno=\d+",
    feeds=("/rss/allArticle.xml",),
    selectors=SELECTORS,
    meta_lines=META_LINES,
    article_links=ARTICLE_LINKS,
    next_pages=NEXT_PAGES,
    canonicalizer=canonicalizer,
    shows=shows,
)
newspaper = FAMILY.newspaper
