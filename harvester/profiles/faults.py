"""The fault-test site (news.faults.test and m.faults.test): a local newspaper on the 다다미디어 news
CMS that exists only in the site replica (harvester/replica/sites/faults.py), one fault per article.

It is crawled by the fault tests, by name (`harvester crawl faults`); `replica_only` keeps it out of
`all` and the demo. Its rules are the CMS family's (sites/README.md §4): articles
`/news/view.php?idx=N`, lists `/news/list.php?mcode=...&page=N` with `dt.title a` links and
`dd.registDate` dates, title `.article-head-title`, '등록 YYYY-MM-DD HH:MM:SS', body
`#viewContent .fr-view`, reporter 'NAME 기자'.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from harvester.profiles.base import LinkRule, ListPages, Selectors, SiteProfile

HOSTS = ("news.faults.test", "m.faults.test")


def canonical_url(url: str) -> str:
    """https://{host}/news/view.php?idx=N, whatever else the link carries.

    >>> canonical_url("http://news.faults.test/news/view.php?idx=1001&mcode=m247tk9")
    'https://news.faults.test/news/view.php?idx=1001'
    """
    parts = urlsplit(url)
    idx = parse_qs(parts.query).get("idx", [""])[0]
    if parts.hostname not in HOSTS or parts.path != "/news/view.php" or not idx.isdigit():
        return url
    return f"https://{parts.hostname}/news/view.php?idx={int(idx)}"


FAULTS = SiteProfile(
    name="faults",
    title="Fault-test newspaper (replica only)",
    hosts=HOSTS,
    kind="news",
    language="ko",
    sources=(ListPages("https://news.faults.test/news/list.php?mcode=m247tk9"),),
    article_url=r"^https://(news|m)\.faults\.test/news/view\.php\?idx=\d+$",
    article_links=(LinkRule(".basicList dt.title a"),),
    next_pages=(LinkRule(".paging a", pattern=r"list\.php\?mcode=\w+&page=\d+$"),),
    list_dates=".basicList dd.registDate",
    selectors=Selectors(
        title=".article-head-title",
        published="//ul[@class='info-text']/li[starts-with(normalize-space(), '등록')]",
        authors="//ul[@class='info-text']/li[contains(., '기자')]",
        body="#viewContent .fr-view",
        drop=("script", "style", "button", ".subj"),
    ),
    canonicalize=canonical_url,
    replica_only=True,
    sections={"m247tk9": "환경"},
)

PROFILES = (FAULTS,)

