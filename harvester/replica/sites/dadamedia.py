"""Copies of newspapers on the 다다미디어 PHP CMS, in its two templates: one copy per profile of the
family (its hosts, scheme, name, sections and the family's URLs), its articles and what is its
own in data/news/<profile name>.json.

www.ecounion.co.kr (일간환경연합, the paper of seed document 001; the domain is assumed): the
current template over HTTPS in UTF-8 (`.article-head-title`, `.info-text`, `#viewContent` with
Froala `.fr-view`). It holds the seed article (idx 8842) as the page the example was captured from,
and the 'most read' box that page showed.

www.hanbitnews.co.kr (한빛신문, an invented old install; `"template": "old"`): the older template
(`div.basicView`, `.viewTitle`, `.viewInfo`, `div.viewContentWrap div#viewContent`) over plain
HTTP in EUC-KR (`"charset"`), as old installs served it: bytes in CP949 (which browsers use for
EUC-KR), and the charset declared three ways by article: in the HTTP header and a meta tag
(idx % 3 == 0), in a meta tag only (idx % 3 == 1), nowhere (idx % 3 == 2).

Both: section lists `/news/list.php?mcode=...&page=N` (rows `div.basicList dl`), article pages
`/news/view.php?idx=N` (an unknown idx gives a page without the title, status 200, as the real
CMS does), the RSS feed `/rss.php`, robots.txt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from harvester.profiles import Feed, SiteProfile
from harvester.profiles.cms.dadamedia import FAMILY
from harvester.replica.http import ReplicaRequest, ReplicaResponse, html, not_found
from harvester.replica.http import text as plain_text
from harvester.replica.sites import dadamedia_pages as pages
from harvester.replica.sites.news import NewsArticle, load_articles, origin, page_of, paper_data, query_int, route, rss
from harvester.replica.sites.pages import served_hosts

ROBOTS_TXT = """User-agent: *
Disallow: /adm/
Disallow: /member/
Disallow: /news/search.php
Allow: /
"""


LIST, ARTICLE = route(FAMILY.list_path), route(FAMILY.article_template)


class DadamediaSite:
    """Answers for one newspaper on the 다다미디어 CMS."""

    rows_per_page = 5

    @staticmethod
    def copies(profile: SiteProfile) -> bool:
        return profile.cms == FAMILY.name

    def __init__(self, profiles: Sequence[SiteProfile]) -> None:
        profile = profiles[0]
        data = paper_data(profile)
        self.hosts = served_hosts(profiles)
        self.scheme, host = origin(profile)
        self.sections = dict(profile.sections)
        self.feeds = {urlsplit(source.url).path for source in profile.sources if isinstance(source, Feed)}
        self.old_template = data.get("template") == "old"
        self.charset = data.get("charset", "UTF-8")
        self.paper = profile.title
        self.articles = load_articles(data, "idx")
        self.by_id = {article.id: article for article in self.articles}
        most_read = tuple((headline, summary) for headline, summary in data.get("most_read", ()))
        self.site = pages.Site(host, self.scheme, self.paper, self.sections, most_read, FAMILY.list_path, FAMILY.article_template)

    def __call__(self, request: ReplicaRequest) -> ReplicaResponse:
        if request.scheme != self.scheme:
            return ReplicaResponse(301, b"", (("Location", f"{self.scheme}://{request.host}{request.target}"),))
        path, query = request.path, request.query
        if path == "/robots.txt":
            return plain_text(ROBOTS_TXT)
        if path in self.feeds:
            return self.feed()
        if path == LIST[0] and query.get(LIST[1]) in self.sections:
            return self.list_page(query[LIST[1]], query_int(query, "page"))
        if path == ARTICLE[0]:
            return self.view_page(self.by_id.get(query_int(query, ARTICLE[1], 0)))
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
        base = self.site.base
        items = (
            {
                "title": article.title,
                # Feed links carry the section, as the CMS writes them.
                "link": f"{base}{FAMILY.article_template.format(id=article.id)}&mcode={article.section}",
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


COPY = DadamediaSite
