"""The corpus document format (../shared/format/README.md), byte for byte.

Title on the first line, the byline/date lines under it, then the body: blocks separated by one
blank line. UTF-8, Unicode NFC, LF line ends, no BOM, no trailing newline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# The fields a profile's rules read, in the order `Document.fallback` lists them.
SOURCED_FIELDS = ("title", "body", "published", "authors")


@dataclass(frozen=True)
class Document:
    """An extracted article: its text blocks and the metadata the manifest records."""

    title: str
    body: tuple[str, ...]
    meta_lines: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    # Manifest fields beyond the format's own (an archive copy's `original_url`, `fallback`).
    extra: dict[str, Any] = field(default_factory=dict)
    # The profile whose rules read the page; None for a page no profile or CMS family covers.
    profile: str | None = None
    # Fields of SOURCED_FIELDS that generic extraction gave, the profile's rules having found
    # nothing (a template the profile does not know); on a generic page, a title taken from
    # the page's text for want of one in its markup. In SOURCED_FIELDS order.
    fallback: tuple[str, ...] = ()
    # The sanity checks of the page a profiled document fails (extraction/sanity.py), in the
    # order of sanity.CHECKS; not part of the manifest.
    checks: tuple[str, ...] = ()


def render(document: Document) -> str:
    """The document's file text."""
    head = [document.title.strip(), *(line.strip() for line in document.meta_lines)]
    parts = ["\n".join(line for line in head if line)]
    parts.extend(block for block in document.body if block.strip())
    text = "\n\n".join(parts)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # At most two blank lines in a row, no trailing white space at line ends, none at the end.
    # (Line by line: a regex over the whole text was a quarter of the cost of a page.)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if "\n\n\n\n" in text:
        text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n").rstrip()


def encode(document: Document) -> bytes:
    return render(document).encode("utf-8")
