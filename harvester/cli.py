"""The `harvester` command: wires each verb's module to its sub-command."""

from __future__ import annotations

import argparse
import sys

from harvester import __version__
from harvester.commands import (
    archive,
    crawl,
    demo,
    extract,
    merge_corpus,
    package,
    rebuild,
    replica,
    schedule,
    seed,
    sites,
    verify,
)

VERBS = {
    "sites": sites,
    "crawl": crawl,
    "seed": seed,
    "merge-corpus": merge_corpus,
    "schedule": schedule,
    "extract": extract,
    "replica": replica,
    "demo": demo,
    "archive": archive,
    "package": package,
    "rebuild": rebuild,
    "verify": verify,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="harvester", description="Crawl, capture and extract Korean ministry, archive and news sites.")
    parser.add_argument("--version", action="version", version=f"harvester {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for name, module in VERBS.items():
        sub = verbs.add_parser(name, help=module.__doc__.splitlines()[0], description=module.__doc__)
        module.add_arguments(sub)
    args = parser.parse_args(argv)
    return VERBS[args.verb].run(args)


if __name__ == "__main__":
    sys.exit(main())
