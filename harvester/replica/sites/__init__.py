"""The site copies the replica serves, by host name."""

from __future__ import annotations

from harvester.replica.server import Handler
from harvester.replica.sites.dadamedia import EcounionSite, HanbitSite
from harvester.replica.sites.korea_herald import KoreaHeraldSite
from harvester.replica.sites.korea_net import KoreaNetSite
from harvester.replica.sites.faults import FaultSite
from harvester.replica.sites.mofa import MofaSite
from harvester.replica.sites.ndsoft import KadoSite
from harvester.replica.sites.pa_webarchives import PaWebArchivesSite

SITE_CLASSES = (MofaSite, KoreaNetSite, PaWebArchivesSite, KoreaHeraldSite, EcounionSite, HanbitSite, KadoSite, FaultSite)


def all_sites() -> dict[str, Handler]:
    sites: dict[str, Handler] = {}
    for site_class in SITE_CLASSES:
        site = site_class()
        for host in site.hosts:
            if host in sites:
                raise ValueError(f"two replica sites claim {host}")
            sites[host] = site
    return sites
