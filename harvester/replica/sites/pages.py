"""Helpers the site copies share: their data files, list page numbers, the profiles they copy and
the hosts those profiles name."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from harvester.profiles import PROFILES, SiteProfile


def load_data(name: str) -> dict[str, Any]:
    """A JSON file of harvester/replica/data/."""
    return json.loads(resources.files("harvester.replica").joinpath("data", name).read_text("utf-8"))


def page_number(value: str | None) -> int:
    """A list's page number from its query parameter: 1 when missing or not a positive number."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def copied(copies: Callable[[SiteProfile], bool]) -> tuple[SiteProfile, ...]:
    """The registry's profiles a copy's `copies` accepts (the default of a one-site copy)."""
    return tuple(profile for profile in PROFILES.values() if copies(profile))


def served_hosts(profiles: Sequence[SiteProfile]) -> tuple[str, ...]:
    """The hosts a copy answers for: its profiles' host names (a `.domain` entry names no host)."""
    return tuple(dict.fromkeys(host for profile in profiles for host in profile.hosts if not host.startswith(".")))
