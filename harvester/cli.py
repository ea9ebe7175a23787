"""The `harvester` command: wires each verb's module to its sub-command."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from types import ModuleType

from harvester import __version__

# verb -> its module in harvester.commands
VERBS = {
    "sites": "sites",
    "crawl": "crawl",
    "seed": "seed",
    "merge-corpus": "merge_corpus",
    "schedule": "schedule",
    "extract": "extract",
    "replica": "replica",
    "demo": "demo",
    "archive": "archive",
    "package": "package",
    "rebuild": "rebuild",
    "verify": "verify",
}


def verb_module(name: str) -> ModuleType:
    return import_module(f"harvester.commands.{VERBS[name]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="harvester", description="Crawl, capture and extract Korean ministry, archive and news sites.")
    parser.add_argument("--version", action="version", version=f"harvester {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    # Only the verb asked for is imported (every verb for the help, or a wrong one): the commands
    # import Scrapy whole, and the extraction workers import this module again as they start.
    for name in [argv[0]] if argv[:1] and argv[0] in VERBS else VERBS:
        module = verb_module(name)
        sub = verbs.add_parser(name, help=module.__doc__.splitlines()[0], description=module.__doc__)
        module.add_arguments(sub)
    args = parser.parse_args(argv)
    return verb_module(args.verb).run(args)


if __name__ == "__main__":
    sys.exit(main())
