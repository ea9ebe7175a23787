"""A fetched page to its document and file bytes: the gate every page passes, then the extractor.

`extract_page()` is a pure function of what was fetched (body, Content-Type, truncation, URL,
profile name, the capture's date), so that it runs where the crawl wants it: in a worker process of the extraction
pool, in the crawl process, in a rebuild's workers. A page that makes no document raises
ExtractionError, whose `reason` is the stats key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from harvester.extraction import charset, checks
from harvester.extraction.errors import ExtractionError
from harvester.extraction.extractor import extract
from harvester.extraction.render import Document, encode

# Media types a document is taken from.
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class Extracted:
    document: Document  # its fields, without its body (`text` holds it: see `sent_once`)
    text: bytes  # the document's file, in the document format
    encoding: str | None  # the charset the page was read in
    charset_note: str | None  # why it is not the declared one (charset.settle), None when it is


def gate(body: bytes, content_type: str | None, truncated: str | None) -> tuple[str | None, str | None]:
    """The page's charset and the note on it (charset.settle); ExtractionError for a page that is
    cut short, not HTML or binary."""
    if truncated:
        raise ExtractionError(f"truncated: the page was cut short ({truncated})")
    media_type = (content_type or "text/html").split(";")[0].strip().lower()
    if media_type not in HTML_TYPES:
        raise ExtractionError(f"not html: the page is {media_type}")
    if checks.binary(body):
        raise ExtractionError(f"binary content: sent as {media_type}")
    return charset.settle(body, content_type)


def extract_page(
    body: bytes,
    content_type: str | None,
    truncated: str | None,
    url: str,
    profile_name: str | None,
    captured: date | None = None,
) -> Extracted:
    encoding, note = gate(body, content_type, truncated)
    document = extract(body, encoding, url, profile_name, captured)
    return Extracted(sent_once(document), encode(document), encoding, note)


def sent_once(document: Document) -> Document:
    """The document without its body, beside its rendered text: what a worker sends back carries the
    body once. Its paragraphs, as strings, cost ten times the text's bytes to pickle and unpickle
    (0.12 ms each way for a 43 KB text), and nothing after the extraction reads them."""
    return replace(document, body=())
