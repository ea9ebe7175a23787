"""`harvester verify CORPUS [--warc DIR]...`: check a corpus folder, and its WARC references.

Every manifest line (and kept version) has its file, every document file its line, every file its
line's sha256; ids are made from the canonical URLs; no number or id is listed twice; with
`--warc`, every `warc` reference names a response (or revisit) record of the line's URL in those
captures. CORPUS is the corpus folder, or an output folder holding one (`DIR/corpus`).

Exit status: 0 when all is well, 1 with the list of problems, 2 when there is no corpus there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harvester.corpus.manifest import MANIFEST
from harvester.corpus.verify import report, verify


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", type=Path, metavar="CORPUS", help="the corpus folder (or an output folder with corpus/)")
    parser.add_argument(
        "--warc", type=Path, action="append", default=[], metavar="DIR", help="WARC folder (or file) to resolve references in; repeatable"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def corpus_folder(path: Path) -> Path:
    return path / "corpus" if not (path / MANIFEST).exists() and (path / "corpus" / MANIFEST).exists() else path


def run(args: argparse.Namespace) -> int:
    folder = corpus_folder(args.corpus)
    if not (folder / MANIFEST).is_file():
        print(f"harvester verify: no {MANIFEST} in {args.corpus}", file=sys.stderr)
        return 2
    missing = [str(path) for path in args.warc if not path.exists()]
    if missing:
        print(f"harvester verify: no such WARC folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    result = verify(folder, args.warc)
    if args.json:
        print(json.dumps(report(result), ensure_ascii=False, indent=2))
    else:
        checked = f", {result.warc_refs} WARC references" if args.warc else ""
        kept = f"; {result.kept} kept from an earlier corpus by a rebuild" if result.kept else ""
        print(f"{folder}: {result.documents} documents, {result.versions} kept versions{checked}{kept}")
        for problem in result.problems:
            print(f"  {problem}")
        print(f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}" if result.problems else "ok")
    return 1 if result.problems else 0
