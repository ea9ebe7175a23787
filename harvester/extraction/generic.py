"""The article on a page no profile selector covers, found by trafilatura.

trafilatura runs precision first (comments off, `favor_precision`): a corpus wants the article
and nothing else. That pass now and then prunes the article itself and keeps a stub (a reprints
notice, a caption); when what it keeps is short and a balanced pass finds several times as much,
the balanced pass is taken. bench/extraction_quality.py measures both against plain trafilatura.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml.etree import _Element

from harvester.extraction.trafilatura_text import body_blocks

# Precise text shorter than this (characters) is checked against a balanced pass...
RESCUE_BELOW = 1000
# ...which replaces it when it is at least this many times as long.
RESCUE_FACTOR = 2


@dataclass(frozen=True)
class Article:
    """trafilatura's findings: body blocks and the metadata it read."""

    blocks: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    author: str | None = None
    language: str | None = None


def _extract(root: _Element, url: str, precise: bool) -> Article | None:
    result = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=precise,
    )
    if result is None or result.body is None:
        return None
    return Article(
        blocks=tuple(body_blocks(result.body)),
        title=(result.title or "").strip() or None,
        date=result.date,
        author=result.author,
        language=result.language,
    )


def _length(article: Article | None) -> int:
    return sum(len(block) for block in article.blocks) if article else 0


def article(root: _Element, url: str) -> Article | None:
    """The page's article, or None when trafilatura finds no text."""
    found = _extract(root, url, precise=True)
    if _length(found) < RESCUE_BELOW:
        balanced = _extract(root, url, precise=False)
        if _length(balanced) >= max(1, RESCUE_FACTOR * _length(found)):
            found = balanced
    return found if found and found.blocks else None
