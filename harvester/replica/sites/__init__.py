"""The site copies the replica serves, by host name."""

from __future__ import annotations

from harvester.replica.server import Handler
from harvester.replica.sites.faults import FaultSite
from harvester.replica.sites.mofa import MofaSite

SITE_CLASSES = (MofaSite, FaultSite)


def all_sites() -> dict[str, Handler]:
    sites: dict[str, Handler] = {}
    for site_class in SITE_CLASSES:
        site = site_class()
        for host in site.hosts:
            if host in sites:
                raise ValueError(f"two replica sites claim {host}")
            sites[host] = site
    return sites
