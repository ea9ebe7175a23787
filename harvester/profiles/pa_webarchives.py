"""Presidential Archives web records (webarchives.pa.go.kr): past administrations' sites as archived.

Every archived page is `http://webarchives.pa.go.kr/{Nth}/{original-host}/{original-path}` (plain
http: the archive serves no HTTPS), its links rewritten to root-relative `/19th/...` paths. The
archive puts its banner on top of every page; the archived site's own chrome ('move to top',
'link to korea.net') stays. Articles of two archived sites are read: korea.net (English, its
live profile's selectors) and Cheong Wa Dae's www.president.go.kr (Korean); the page's `lang`
says which. The manifest keeps the archive URL as `url` and the archived page's own address
as `original_url`. The archive is frozen: its lists are read again once a month.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from harvester.profiles import korea_net
from harvester.profiles.base import LinkRule, ListPages, Recrawl, Selectors, SiteProfile, text_lines

ARCHIVE = "webarchives.pa.go.kr"
_ARCHIVED = re.compile(r"^/(\d+(?:st|nd|rd|th))/([\w-]+(?:\.[\w-]+)+)(/.*)?$")
# Archived sites whose live profile knows their canonical URLs.
LIVE_CANONICAL: dict[str, Callable[[str], str]] = {host: korea_net.canonical_url for host in korea_net.HOSTS}


def split_archive_url(url: str) -> tuple[str, str] | None:
    """(era, original URL) of an archive URL; the original's scheme is not kept by the archive."""
    parts = urlsplit(url.replace("&amp;", "&"))
    match = _ARCHIVED.match(parts.path)
    if (parts.hostname or "").lower() != ARCHIVE or match is None:
        return None
    era, host, path = match.group(1), match.group(2).lower(), match.group(3) or "/"
    original = f"http://{host}{path}" + (f"?{parts.query}" if parts.query else "")
    canonicalize = LIVE_CANONICAL.get(host)
    return era, canonicalize(original) if canonicalize else original


def original_url(url: str) -> str | None:
    """The archived page's own address.

    >>> original_url("http://webarchives.pa.go.kr/19th/www.korea.net/NewsFocus/policies/view?articleId=163227")
    'https://www.korea.net/NewsFocus/Policies/view?articleId=163227'
    >>> original_url("http://webarchives.pa.go.kr/19th/www.president.go.kr/articles/4612")
    'http://www.president.go.kr/articles/4612'
    >>> original_url("http://www.pa.go.kr/") is None
    True
    """
    split = split_archive_url(url)
    return split[1] if split else None


def canonical_url(url: str) -> str:
    """http://webarchives.pa.go.kr/{era}/{original, canonical where its site has a profile}.

    >>> canonical_url("https://webarchives.pa.go.kr/19th/www.korea.net/NewsFocus/policies/view?articleId=163227&pageIndex=1")
    'http://webarchives.pa.go.kr/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227'
    >>> canonical_url("http://webarchives.pa.go.kr/19th/WWW.president.go.kr/articles/4612")
    'http://webarchives.pa.go.kr/19th/www.president.go.kr/articles/4612'
    """
    split = split_archive_url(url)
    if split is None:
        return url
    era, original = split
    return f"http://{ARCHIVE}/{era}/{original.split('://', 1)[1]}"


def manifest_fields(url: str) -> dict[str, str]:
    original = original_url(url)
    return {"original_url": original} if original else {}


_ERA = r"^http://webarchives\.pa\.go\.kr/\d+(?:st|nd|rd|th)/"
ARTICLE_URL = rf"{_ERA}(www\.korea\.net/{korea_net.ARTICLE_PATH}|www\.president\.go\.kr/articles/\d+)$"
# The archive's banner: a notice layer and a top bar. Their sentences are also dropped line by
# line, for pages whose banner markup differs and for generic extraction.
BANNER = ("#webarchive_popup", "#webarchive_banner")
BANNER_LINES = (
    r"이 웹사이트는 제\d+대 대통령 임기 종료에 따라",
    r"다만, 「개인정보보호법」에 의하여 개인의 정보를 보호받기 원하시는 분은",
    r"이 웹사이트는 국민의 알권리 보장을 위해",
    r"This Website is the Presidential Records",
    r"\[오늘 그만 보기\]$",
    r"대통령기록관 홈페이지로 이동합니다$",
)
# The archived sites' own chrome that survives in archive copies.
SITE_CHROME_LINES = (r"move to top( link to korea\.net)?$", r"link to korea\.net$")

PA_WEBARCHIVES = SiteProfile(
    name="pa_webarchives",
    title="Presidential Archives web records (19th administration: korea.net, Cheong Wa Dae)",
    hosts=(ARCHIVE,),
    kind="archive",
    language="ko",
    sources=(
        ListPages(f"http://{ARCHIVE}/19th/www.korea.net/NewsFocus/Policies"),
        ListPages(f"http://{ARCHIVE}/19th/www.president.go.kr/articles"),
    ),
    article_url=ARTICLE_URL,
    article_links=(
        *korea_net.ARTICLE_LINKS,
        LinkRule("div.board_list ul.list li a", pattern=r"/articles/\d+$"),
    ),
    next_pages=(
        *korea_net.NEXT_PAGES,
        LinkRule("div.board_list div.paging a", pattern=r"/articles\?page=\d+$"),
    ),
    selectors=Selectors(
        title=(korea_net.SELECTORS.title, ".article_view .view_top .tit"),
        published=(korea_net.SELECTORS.published, ".article_view .view_top .date"),
        authors=korea_net.SELECTORS.authors,
        body=(korea_net.SELECTORS.body, ".article_view .view_cont"),
        drop=(*korea_net.SELECTORS.drop, ".btn_area"),
        remove=BANNER,
        drop_lines=BANNER_LINES + SITE_CHROME_LINES,
        alt_captions=korea_net.SELECTORS.alt_captions,
        language="/html/@lang",
    ),
    canonicalize=canonical_url,
    meta_lines=text_lines(
        ".view-title-area .view-info .source", ".view-title-area .view-info .date", ".article_view .view_top .date"
    ),
    # A public archive on a government server: slower than the live sites.
    custom_settings={"DOWNLOAD_DELAY": 2.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 1},
    manifest_fields=manifest_fields,
    recrawl=Recrawl(lists=timedelta(days=30)),
)

PROFILES = (PA_WEBARCHIVES,)
