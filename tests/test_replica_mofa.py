"""The MOFA copy's list pages: the eGov pager shows the block of ten page numbers around the page."""

from __future__ import annotations

import re

from harvester.replica.sites.mofa import Article, Board, list_page


def board_of(count: int) -> Board:
    articles = tuple(
        Article(seq=400_000 - n, title=f"Release {n}", date="2024-01-01", department="Spokesperson", style="",
                paragraphs=("Text.",), attachments=())
        for n in range(count)
    )
    return Board(site="eng", board="m_5676", feed_id="m_5676", name="Press Releases", section="Newsroom",
                 articles=articles)


def pager(board: Board, page: int) -> list[tuple[str, str]]:
    """(page number linked, label or class) of each pager link, in order."""
    block = re.search(r'<div class="paging">(.*?)</div>', list_page(board, page), re.DOTALL)
    assert block is not None
    links = re.findall(r'<a href="\./list\.do\?page=(\d+)&amp;[^"]*"(?: class="(\w+)")?>', block.group(1))
    return [(number, css) for number, css in links]


def test_a_middle_page_shows_its_block_of_ten_with_first_prev_next_last() -> None:
    # 250 releases: 25 list pages; page 12 is in the block 11-20.
    assert pager(board_of(250), 12) == [
        ("1", "first"), ("10", "prev"),
        ("11", ""), ("12", "on"), *[(str(n), "") for n in range(13, 21)],
        ("21", "next"), ("25", "last"),
    ]


def test_the_first_block_has_no_first_or_prev_and_the_last_block_no_next() -> None:
    board = board_of(250)
    assert pager(board, 3)[:2] == [("1", ""), ("2", "")]
    assert pager(board, 3)[-2:] == [("11", "next"), ("25", "last")]
    assert pager(board, 23) == [("1", "first"), ("20", "prev"), ("21", ""), ("22", ""), ("23", "on"),
                                ("24", ""), ("25", ""), ("25", "last")]


def test_every_list_page_is_reachable_by_following_the_pager() -> None:
    board, seen, pending = board_of(487), {1}, [1]
    while pending:
        for number, _ in pager(board, pending.pop()):
            if int(number) not in seen:
                seen.add(int(number))
                pending.append(int(number))
    assert seen == set(range(1, 50))
