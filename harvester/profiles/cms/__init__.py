"""Korean news CMS families. Each module builds a newspaper's profile from its domain
(`newspaper()`) and recognises its markup (`shows()`), so that a page of a newspaper nobody
configured yet is still read with its family's rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from harvester.profiles.base import SiteProfile
from harvester.profiles.cms import dadamedia, ndsoft

FAMILIES = (dadamedia.FAMILY, ndsoft.FAMILY)


def detect(url: str, root: Any) -> SiteProfile | None:
    """A profile for the page's host built by the CMS family whose markup the page shows, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for family in FAMILIES:
        if family.shows(root):
            return family.newspaper(
                name=f"{family.name}:{host}",
                title=host,
                domain=host,
                scheme=parts.scheme if parts.scheme in ("http", "https") else "https",
                feeds=(),
            )
    return None
