"""The item a spider yields for an article page, filled in as it flows downstream.

spider (page + capture reference) -> extraction (document) -> corpus (manifest entry, outcome).
Every layer reads and fills it, so it imports none of them: the types of the fields the layers
fill are named for type checkers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harvester.capture.records import WarcRef
    from harvester.corpus.manifest import Entry
    from harvester.extraction.render import Document


@dataclass
class ArticlePage:
    url: str
    final_url: str
    canonical_url: str
    site: str | None  # the profile; None for pages `harvester archive` finds
    kind: str | None
    # Out of the repr: Scrapy logs a dropped item's repr, and a page can be megabytes.
    body: bytes = field(repr=False)
    encoding: str | None
    fetched_at: str
    warc: WarcRef | None = None
    content_type: str | None = None
    # Why the body is not the whole page: "length" (cut at FETCH_MAX_PAGE_SIZE) or "disconnect".
    truncated: str | None = None
    document: Document | None = None
    # The document's file bytes (the document format), rendered where it was extracted.
    text: bytes | None = field(default=None, repr=False)
    # Why no document came of the page (a stats key part, e.g. "bot_wall"), set where it is dropped.
    skipped: str | None = None
    # What the corpus did with the document: "new", "changed" or "unchanged".
    outcome: str | None = None
    entry: Entry | None = None
    # The manifest line a rebuild fetched this page again for (`harvester rebuild MANIFEST`).
    previous: Entry | None = None
