"""The site copies the replica serves, by host name: one copy per site profile (profiles on the same
hosts share one), found through the profile registry.

A module of this package that copies sites names its class `COPY`: `COPY.copies(profile)` says
whether it copies a profile, and `COPY(profiles)` is the copy of those profiles, answering for
`hosts`, the host names they give. A newspaper on a CMS family the replica copies needs no replica
code: the family's copy serves it from its profile and its articles (data/news/<name>.json).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from harvester.profiles import PROFILES, SiteProfile, get_profile
from harvester.replica.server import Handler


def copy_classes() -> list[Any]:
    """The `COPY` class of every module of this package that has one."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        copy = getattr(importlib.import_module(f"{__name__}.{module.name}"), "COPY", None)
        if copy is not None:
            found.append(copy)
    return found


def _groups(copy_class: Any) -> list[tuple[SiteProfile, ...]]:
    """The profiles a copy class copies, grouped by their hosts (one copy per group)."""
    groups: dict[tuple[str, ...], list[SiteProfile]] = {}
    for profile in PROFILES.values():
        if copy_class.copies(profile):
            groups.setdefault(profile.hosts, []).append(profile)
    return [tuple(group) for group in groups.values()]


def all_sites() -> dict[str, Handler]:
    sites: dict[str, Handler] = {}
    for copy_class in copy_classes():
        for group in _groups(copy_class):
            site = copy_class(group)
            for host in site.hosts:
                if host in sites:
                    raise ValueError(f"two replica sites claim {host}")
                sites[host] = site
    return sites


def site_for(name: str) -> Any:
    """The copy of the site a profile names (KeyError: the replica copies no such site)."""
    profile = get_profile(name)
    for copy_class in copy_classes():
        for group in _groups(copy_class):
            if any(member is profile for member in group):
                return copy_class(group)
    raise KeyError(f"the replica holds no copy of the site {name!r}")
