"""`harvester package [DIR] -o crawl.wacz [--check]`: pack a crawl's WARCs and documents into one
WACZ; `harvester package --check crawl.wacz`: check a package.

The WACZ is built by py-wacz from the WARC files in DIR/warc (a `.open` file a killed crawl left is
repaired first). Each document of DIR/corpus/manifest.jsonl becomes a page of pages/pages.jsonl at
the URL and time of its capture, with the document's text in its `text` field (the header says
`hasText`), so that ReplayWeb.page's search finds it; a corpus without documents gets the HTML
pages py-wacz detects instead. datapackage.json's `extras` name the extractor and its version.
Pages without a capture in the package's index are named on stderr.

`--check` replays every page of the package from its own WARCs (harvester/capture/wacz.py) and
names each page that would not replay. Exit status: 0 written (and checked without problems);
1 a page would not replay, or the folder cannot be packaged (no WARC, a document file missing);
2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import harvester
from harvester.capture.wacz import check_package
from harvester.capture.writer import repair_folder
from harvester.commands import UsageError
from harvester.corpus.manifest import MANIFEST, read_manifest
from harvester.extraction.extractor import EXTRACTOR
from harvester.output import NotWritable, writable_folder

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Documents", "hasText": True}
DATAPACKAGE, DIGEST = "datapackage.json", "datapackage-digest.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", nargs="?", type=Path, default=Path("."),
        help="crawl output folder (default: here), or with --check alone, a WACZ",
    )
    parser.add_argument("-o", "--output", type=Path, help="the WACZ file to write")
    parser.add_argument("--title", default="", help="the package's title (default: the folder's name)")
    parser.add_argument("--check", action="store_true", help="replay every page of the package from its WARCs")


def write_pages(corpus: Path, target: Path) -> int:
    """pages.jsonl: its header, then one page per document, at its capture's URL and time, with its
    text; returns the number of pages (0: the file is empty)."""
    count = 0
    with open(target, "w", encoding="utf-8") as out:
        for entry in read_manifest(corpus / MANIFEST):
            if count == 0:
                out.write(json.dumps(PAGES_HEADER) + "\n")
            try:
                text = (corpus / entry.file).read_text("utf-8")
            except (OSError, UnicodeDecodeError) as error:
                reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
                raise SystemExit(f"harvester package: {corpus / entry.file}: {reason}; `harvester verify {corpus}` checks the corpus")
            page = {"url": entry.final_url, "ts": entry.fetched_at, "title": entry.title, "id": entry.id, "text": text}
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
    return count


def extras(documents: int) -> dict[str, Any]:
    name, _, version = EXTRACTOR.partition("/")
    return {
        "software": f"harvester {harvester.__version__}",
        "extractor": name,
        "extractorVersion": version,
        "documents": documents,
    }


def with_extras(source: Path, target: Path, added: dict[str, Any]) -> None:
    """Copy the WACZ with `extras` in its datapackage.json, and the digest of that file anew."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for info in package.infolist():
            if info.filename in (DATAPACKAGE, DIGEST):
                continue
            with package.open(info) as member, out.open(info, "w") as copy:
                shutil.copyfileobj(member, copy, 1 << 20)
        datapackage = json.loads(package.read(DATAPACKAGE))
        datapackage["extras"] = added
        data = json.dumps(datapackage, indent=2).encode("utf-8")
        out.writestr(zipfile.ZipInfo(DATAPACKAGE, package.getinfo(DATAPACKAGE).date_time), data, zipfile.ZIP_DEFLATED)
        digest = {"path": DATAPACKAGE, "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        digest_info = zipfile.ZipInfo(DIGEST, package.getinfo(DIGEST).date_time)
        out.writestr(digest_info, json.dumps(digest, indent=2), zipfile.ZIP_DEFLATED)


def package(folder: Path, output: Path, title: str = "") -> None:
    """Write the WACZ atomically."""
    # Imported here: importing py-wacz changes cdxj-indexer's defaults for the whole process.
    from wacz.main import main as wacz_main

    warc_folder = folder / "warc"
    if not any(warc_folder.glob("*.warc.gz*")):
        raise UsageError(f"no WARC files in {warc_folder}: give the output folder of a crawl")
    try:
        writable_folder(output.parent)
    except NotWritable as error:
        raise UsageError(f"{error}: give -o a file in a folder it can write to") from None
    repair_folder(warc_folder)
    warcs = sorted(str(path) for path in warc_folder.glob("*.warc.gz"))
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".package-") as work:
        built, final = Path(work) / "built.wacz", Path(work) / "crawl.wacz"
        args = ["create", "-o", str(built), "--hash-type", "sha256", "--title", title or folder.resolve().name]
        pages = Path(work) / "pages.jsonl"
        documents = write_pages(folder / "corpus", pages)
        # Copied as written: py-wacz would rewrite the header without `hasText`.
        args += ["--copy-pages", "-p", str(pages)] if documents else ["--detect-pages"]
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            status = wacz_main([*args, *warcs])
        if status != 0:
            raise SystemExit(f"harvester package: py-wacz failed:\n{log.getvalue()}")
        with_extras(built, final, extras(documents))
        with open(final, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(final, output)


def check(path: Path) -> int:
    checked, problems = check_package(path)
    for problem in problems:
        print(f"harvester package: would not replay: {problem}", file=sys.stderr)
    print(f"harvester package: {path}: {checked} pages checked, {len(problems)} problem{'' if len(problems) == 1 else 's'}")
    return 1 if problems else 0


def run(args: argparse.Namespace) -> int:
    if args.output is None:
        if not args.check:
            raise UsageError("-o FILE.wacz is required (or --check FILE.wacz to check a package)")
        if not zipfile.is_zipfile(args.folder):
            raise UsageError(f"--check wants a WACZ file, not {args.folder}")
        return check(args.folder)
    package(args.folder, args.output, args.title)
    print(f"harvester package: wrote {args.output}")
    if args.check:
        return check(args.output)
    for problem in check_package(args.output, read=False)[1]:
        print(f"harvester package: page without a capture: {problem}", file=sys.stderr)
    return 0
