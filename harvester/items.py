"""The item a spider yields for an article page, filled in as it flows downstream.

spider (page + capture reference) -> extraction (document) -> corpus (manifest entry).
"""

from __future__ import annotations

from dataclasses import dataclass

from harvester.corpus.manifest import WarcRef
from harvester.extraction.render import Document


@dataclass
class ArticlePage:
    url: str
    final_url: str
    canonical_url: str
    site: str
    kind: str
    body: bytes
    encoding: str | None
    fetched_at: str
    warc: WarcRef | None = None
    document: Document | None = None
