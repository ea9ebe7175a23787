"""The profile registry: every site profile by name, and lookup by name, by URL or by page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from harvester.profiles import cms, faults, korea_herald, korea_net, mofa, news_sites, pa_webarchives
from harvester.profiles.base import Feed, LinkRule, ListPages, Selector, Selectors, SiteProfile, Sitemap, Version

__all__ = ["Feed", "LinkRule", "ListPages", "Selector", "Selectors", "SiteProfile", "Sitemap", "Version", "PROFILES"]

_MODULES = (mofa, korea_net, pa_webarchives, korea_herald, news_sites, faults)


def registry(modules: Iterable[Any]) -> dict[str, SiteProfile]:
    """The profiles of the modules (each lists its own in PROFILES), by name; a name given twice is an error."""
    profiles: dict[str, SiteProfile] = {}
    for module in modules:
        for profile in module.PROFILES:
            if profile.name in profiles:
                raise ValueError(f"duplicate site profile name {profile.name!r} in {module.__name__}")
            profiles[profile.name] = profile
    return profiles


PROFILES: dict[str, SiteProfile] = registry(_MODULES)


def get_profile(name: str) -> SiteProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"no site profile {name!r}; known: {', '.join(sorted(PROFILES))}") from None


def profile_for_url(url: str) -> SiteProfile | None:
    """The profile that names the URL's host (exact names before domains), preferring one whose
    article rule matches the URL."""
    ranked = sorted(PROFILES.values(), key=lambda profile: -profile.host_match(url))
    candidates = [profile for profile in ranked if profile.host_match(url)]
    for profile in candidates:
        if profile.is_article(profile.canonical_url(url)):
            return profile
    return candidates[0] if candidates else None


def profile_for_page(url: str, root: Any) -> SiteProfile | None:
    """`profile_for_url`, else a profile made for the page's host by the CMS family whose markup
    the parsed page shows (a newspaper not configured yet)."""
    return profile_for_url(url) or cms.detect(url, root)
