"""The article on a page no profile selector covers, found by trafilatura.

trafilatura runs precision first (comments off, `favor_precision`): a corpus wants the article
and nothing else. That pass now and then prunes the article itself and keeps a stub (a reprints
notice, a caption); when what it keeps is short and a balanced pass finds several times as much,
the balanced pass is taken. bench/extraction_quality.py measures both against plain trafilatura.

Figures go, captions with them: trafilatura drops them, and keeping captions as paragraphs cost
0.004 F1 on the benchmark, whose article texts leave them out. Pages of configured sites and CMS
families keep their captions through the profile's body selector.
"""

from __future__ import annotations

import trafilatura
from lxml.etree import _Element

from harvester.extraction.trafilatura_text import body_blocks

# Precise text shorter than this (characters) is checked against a balanced pass...
RESCUE_BELOW = 1000
# ...which replaces it when it is at least this many times as long.
RESCUE_FACTOR = 2


def _extract(root: _Element, url: str, precise: bool) -> list[str]:
    # Metadata comes from harvester.extraction.metadata: trafilatura's would cost a quarter more.
    result = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_precision=precise,
    )
    if result is None or result.body is None:
        return []
    return body_blocks(result.body)


def _length(blocks: list[str]) -> int:
    return sum(len(block) for block in blocks)


def article_blocks(root: _Element, url: str) -> list[str]:
    """The text blocks of the page's article; empty when trafilatura finds none."""
    found = _extract(root, url, precise=True)
    if _length(found) < RESCUE_BELOW:
        balanced = _extract(root, url, precise=False)
        if _length(balanced) >= max(1, RESCUE_FACTOR * _length(found)):
            found = balanced
    return found
