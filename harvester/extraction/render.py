"""The corpus document format (../shared/format/README.md), byte for byte.

Title on the first line, the byline/date lines under it, then the body: blocks separated by one
blank line. UTF-8, Unicode NFC, LF line ends, no BOM, no trailing newline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


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
    extra: dict[str, str] = field(default_factory=dict)


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
