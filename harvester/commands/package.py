"""`harvester package [DIR] -o crawl.wacz`: pack a crawl's WARCs and documents into one WACZ.

The WACZ is built by py-wacz from the WARC files in DIR/warc (a `.open` file a killed crawl left is
repaired first); each document of DIR/corpus/manifest.jsonl becomes a page at the URL and time of
its capture. A corpus without documents gets the HTML pages py-wacz detects instead.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from harvester.capture.writer import repair_folder
from harvester.corpus.manifest import MANIFEST, read_manifest

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Documents"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), help="crawl output folder (default: here)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the WACZ file to write")
    parser.add_argument("--title", default="", help="the package's title (default: the folder's name)")


def pages_lines(manifest: Path) -> list[str]:
    """pages.jsonl: its header, then one page per document, at its capture's URL and time."""
    pages = [
        {"url": entry.final_url, "ts": entry.fetched_at, "title": entry.title, "id": entry.id}
        for entry in read_manifest(manifest)
    ]
    if not pages:
        return []
    return [json.dumps(line, ensure_ascii=False) for line in (PAGES_HEADER, *pages)]


def package(folder: Path, output: Path, title: str = "") -> list[str]:
    """Write the WACZ atomically; returns py-wacz's complaints about pages it found no capture for."""
    # Imported here: importing py-wacz changes cdxj-indexer's defaults for the whole process.
    from wacz.main import main as wacz_main

    warc_folder = folder / "warc"
    repair_folder(warc_folder)
    warcs = sorted(str(path) for path in warc_folder.glob("*.warc.gz"))
    if not warcs:
        raise SystemExit(f"harvester package: no WARC files in {warc_folder}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".package-") as work:
        temp = Path(work) / "crawl.wacz"
        args = ["create", "-o", str(temp), "--hash-type", "sha256", "--title", title or folder.resolve().name]
        lines = pages_lines(folder / "corpus" / MANIFEST)
        if lines:
            pages = Path(work) / "pages.jsonl"
            pages.write_text("\n".join(lines) + "\n", encoding="utf-8")
            args += ["-p", str(pages)]
        else:
            args += ["--detect-pages"]
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            status = wacz_main([*args, *warcs])
        if status != 0:
            raise SystemExit(f"harvester package: py-wacz failed:\n{log.getvalue()}")
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, output)
    return [line for line in log.getvalue().splitlines() if line.startswith("Invalid passed page")]


def run(args: argparse.Namespace) -> int:
    unmatched = package(args.folder, args.output, args.title)
    for line in unmatched:
        print(f"harvester package: {line}", file=sys.stderr)
    print(f"harvester package: wrote {args.output}")
    return 0
