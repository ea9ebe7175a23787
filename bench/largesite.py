"""A large copy of MOFA's English press-release board on disk: list and view pages for nginx to serve.

The markup is the replica's (harvester.replica.sites.mofa: `list_page`, `view_page`, `ROBOTS_TXT`);
only the articles are generated, deterministically from their number, so that a page is 30-80 KB
like the real board's pages. Layout under the site folder:

    robots.txt
    eng/brd/m_5676/list/{page}.html    list.do?page={page}
    eng/brd/m_5676/view/{seq}.html     view.do?seq={seq}
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from articles import FIRST_SEQ, article
from harvester.replica.sites.mofa import ROBOTS_TXT, ROWS_PER_PAGE, Board, list_page, view_page

BOARD_PATH = "eng/brd/m_5676"
START_URL = "http://www.mofa.go.kr/eng/brd/m_5676/list.do"
# How every crawler in the bench runs: no politeness delay (nginx answers at once), enough requests
# in flight to keep the crawl CPU-bound, robots.txt obeyed as on the real site.
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": True,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
}
@dataclass(frozen=True)
class SiteInfo:
    folder: Path
    articles: int
    list_pages: int
    view_bytes: int

    def view_files(self) -> list[Path]:
        return sorted((self.folder / BOARD_PATH / "view").iterdir())


def generate(folder: Path, articles: int) -> SiteInfo:
    """Write a board of `articles` articles (newest first, as the site lists them) under `folder`."""
    board = Board(
        site="eng",
        board="m_5676",
        feed_id="302",
        name="Press Releases",
        section="Press",
        articles=tuple(article(FIRST_SEQ + articles - 1 - n) for n in range(articles)),
    )
    views = folder / BOARD_PATH / "view"
    lists = folder / BOARD_PATH / "list"
    views.mkdir(parents=True, exist_ok=True)
    lists.mkdir(parents=True, exist_ok=True)
    (folder / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    view_bytes = 0
    for index, item in enumerate(board.articles):
        # A board of the article and its neighbours renders the same page (previous/next titles)
        # without view_page's search through the whole board.
        window = replace(board, articles=board.articles[max(0, index - 1) : index + 2])
        data = view_page(window, item).encode("utf-8")
        (views / f"{item.seq}.html").write_bytes(data)
        view_bytes += len(data)
    pages = -(-articles // ROWS_PER_PAGE)
    for page in range(1, pages + 1):
        (lists / f"{page}.html").write_text(list_page(board, page), encoding="utf-8")
    return SiteInfo(folder, articles, pages, view_bytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("articles", type=int)
    args = parser.parse_args()
    info = generate(args.folder, args.articles)
    print(f"{info.articles} {info.list_pages} {info.view_bytes}")


if __name__ == "__main__":
    main()
