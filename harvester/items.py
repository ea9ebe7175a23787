"""The item a spider yields for an article page, filled in as it flows downstream.

spider (page + capture reference) -> extraction (document) -> corpus (manifest entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harvester.corpus.manifest import WarcRef
from harvester.extraction.render import Document


@dataclass
class ArticlePage:
    url: str
    final_url: str
    canonical_url: str
    site: str | None  # the profile; None for pages `harvester archive` finds
    kind: str | None
    body: bytes = field(repr=False)  # kept out of log lines that show the item
    encoding: str | None
    fetched_at: str
    warc: WarcRef | None = None
    document: Document | None = None
