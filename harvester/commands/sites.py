"""`harvester sites [--markdown]`: list the site profiles; with `--markdown`, as the Sites table of
README.md, which a test keeps equal to this output."""

from __future__ import annotations

import argparse
from datetime import timedelta

from harvester.profiles import PROFILES, SiteProfile
from harvester.profiles.base import SOURCE_KINDS

HEADER = (
    "| profile | kind | language | site | host | sources | read again after |",
    "|---|---|---|---|---|---|---|",
)
_KIND_NAMES = {"lists": "list pages", "feeds": "RSS", "sitemaps": "sitemaps"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markdown", action="store_true", help="print the Sites table of README.md")


def source_kinds(profile: SiteProfile) -> list[str]:
    """The kinds of source a profile reads, in the order of SOURCE_KINDS."""
    present = {SOURCE_KINDS[type(source)] for source in profile.sources}
    return [kind for kind in SOURCE_KINDS.values() if kind in present]


def duration(span: timedelta) -> str:
    """'30 min', '6 h', '30 d'."""
    minutes = span.total_seconds() / 60
    if minutes < 60:
        return f"{minutes:g} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:g} h"
    return f"{minutes / 1440:g} d"


def recrawl_note(profile: SiteProfile) -> str:
    """How often the profile's sources are read and when its articles are fetched again."""
    recrawl = profile.recrawl
    paces = [
        f"{_KIND_NAMES[kind]} {duration(getattr(recrawl, kind))}"
        for kind in source_kinds(profile)
        if getattr(recrawl, kind) > timedelta(0)
    ]
    if recrawl.refresh_after is not None:
        paces.append(f"articles {duration(recrawl.refresh_after)}")
    return ", ".join(paces) or "every crawl"


def table_row(profile: SiteProfile) -> str:
    host = profile.hosts[0]
    site = profile.title + (f" (`{profile.cms}` CMS)" if profile.cms else "")
    kinds = ", ".join(_KIND_NAMES[kind] for kind in source_kinds(profile)) or "none: extraction only"
    if profile.replica_only:
        kinds += "; replica only, not in `all`"
    pace = recrawl_note(profile) if profile.sources else "-"
    host_cell = f"`*{host}`" if host.startswith(".") else f"`{host}`"
    return f"| `{profile.name}` | {profile.kind} | {profile.language} | {site} | {host_cell} | {kinds} | {pace} |"


def sites_table() -> str:
    return "\n".join([*HEADER, *(table_row(profile) for profile in PROFILES.values())])


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(sites_table())
        return 0
    for profile in PROFILES.values():
        sources = len(profile.sources)
        note = f"{sources} entry points" if sources else "extraction only"
        print(f"{profile.name:<16} {profile.kind:<9} {profile.language:<3} {profile.title}  ({note})")
    return 0
