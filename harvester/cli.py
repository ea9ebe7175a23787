"""The `harvester` command: wires each verb's module to its sub-command, and answers bad input with
one line and the exit code for it (harvester/exitcodes.py), never a traceback."""

from __future__ import annotations

import argparse
import signal
import sys
from importlib import import_module
from types import ModuleType
from typing import NoReturn

from harvester import __version__, exitcodes
from harvester.commands import UsageError

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


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose complaint is one line that says where the help is."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(exitcodes.REFUSED)


def verb_module(name: str) -> ModuleType:
    return import_module(f"harvester.commands.{VERBS[name]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = Parser(prog="harvester", description="Crawl, capture and extract Korean ministry, archive and news sites.")
    parser.add_argument("--version", action="version", version=f"harvester {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=Parser)
    # Only the verb asked for is imported (every verb for the help, or a wrong one): the commands
    # import Scrapy whole, and the extraction workers import this module again as they start.
    for name in [argv[0]] if argv[:1] and argv[0] in VERBS else VERBS:
        module = verb_module(name)
        sub = verbs.add_parser(name, help=module.__doc__.splitlines()[0], description=module.__doc__)
        module.add_arguments(sub)
    args = parser.parse_args(argv)
    try:
        return verb_module(args.verb).run(args)
    except UsageError as error:
        print(f"harvester {args.verb}: {error}", file=sys.stderr)
        return exitcodes.REFUSED


def _stopped(number: int, frame: object) -> NoReturn:
    raise SystemExit(exitcodes.STOPPED)


def entry() -> NoReturn:
    """The `harvester` program: `main`, then the exit."""
    # Until a command installs its own (a crawl's graceful stop), Ctrl-C or SIGTERM ends the
    # process quietly, as stopped: nothing has started that the next start could not take up.
    signal.signal(signal.SIGINT, _stopped)
    signal.signal(signal.SIGTERM, _stopped)
    code = main()
    # The run is over and its exit code decided: a Ctrl-C or SIGTERM that lands while the
    # interpreter shuts down (workers joined, files closed) changes nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    entry()
