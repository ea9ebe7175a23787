"""Conversion records: each document's text beside its capture in the WARCs, with the manifest
fields the text alone does not give, so that the corpus can be made again from the captures alone
(`harvester rebuild --from-warc`). The `Harvester-*` header fields are written and read here only.
The records are written by the corpus's ConversionPipeline (pipeline.py). No Scrapy here: the
rebuild's workers read these fields, and start the faster for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harvester.corpus.ids import document_id
from harvester.extraction.extractor import EXTRACTOR

# Manifest fields carried as header fields, and their names.
_TEXT_FIELDS = {
    "canonical_url": "Harvester-Canonical-URI",
    "site": "Harvester-Site",
    "kind": "Harvester-Kind",
    "language": "Harvester-Language",
    "published": "Harvester-Published",
    "modified": "Harvester-Modified",
}
_REQUESTED = "Harvester-Requested-URI"
_AUTHORS = "Harvester-Authors"
# The fields generic extraction gave (the manifest's `fallback`), for a rebuild from this text.
_FALLBACK = "Harvester-Fallback"
_SEQ = "Harvester-Seq"
_VERSION = "Harvester-Version"


def conversion_headers(fields: Mapping[str, Any], seq: int | None = None, version: int | None = None) -> list[tuple[str, str]]:
    """The header fields of a document's conversion record, from its manifest fields (and its
    number and version, once the corpus gave them), as ASCII WARC header fields."""
    headers = {
        "Harvester-Extractor": EXTRACTOR,
        "Harvester-Document-Id": document_id(fields["canonical_url"]),
        "Harvester-Canonical-URI": fields["canonical_url"],
        # The URL requested, when a redirect led from it to the page (the captures cannot tell
        # which of two requests that end on one URL gave the page).
        _REQUESTED: fields["url"] if fields["url"] != fields["final_url"] else None,
        **{name: fields.get(field) for field, name in _TEXT_FIELDS.items() if field != "canonical_url"},
        _AUTHORS: json.dumps(list(fields["authors"])) if fields.get("authors") else None,
        _FALLBACK: ",".join(fields.get("extra", {}).get("fallback", ())) or None,
        _SEQ: str(seq) if seq is not None else None,
        _VERSION: str(version) if version is not None else None,
    }
    return [(name, value) for name, value in headers.items() if value]


@dataclass(frozen=True)
class ConversionFields:
    """What a conversion record's header fields say of its document."""

    canonical_url: str | None
    requested_url: str | None
    site: str | None
    kind: str | None
    language: str | None
    published: str | None
    modified: str | None
    authors: list[str]
    fallback: list[str]
    seq: int | None
    version: int | None


def read_headers(headers: Mapping[str, str]) -> ConversionFields:
    """`conversion_headers` read back from a record's header fields."""

    def get(name: str) -> str | None:
        return headers.get(name) or None

    def number(name: str) -> int | None:
        value = get(name)
        return int(value) if value and value.isdigit() else None

    text = {field: get(name) for field, name in _TEXT_FIELDS.items()}
    return ConversionFields(
        **text,
        requested_url=get(_REQUESTED),
        authors=json.loads(get(_AUTHORS) or "[]"),
        fallback=(get(_FALLBACK) or "").split(",") if get(_FALLBACK) else [],
        seq=number(_SEQ),
        version=number(_VERSION),
    )
