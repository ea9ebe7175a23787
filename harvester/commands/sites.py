"""`harvester sites`: list the site profiles."""

from __future__ import annotations

import argparse

from harvester.profiles import PROFILES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    for profile in PROFILES.values():
        sources = len(profile.sources)
        note = f"{sources} entry points" if sources else "extraction only"
        print(f"{profile.name:<16} {profile.kind:<9} {profile.language:<3} {profile.title}  ({note})")
    return 0
