"""`harvester extract PAGE.html --url URL`: print the document the harvester makes of a saved page.

`--batch PAGES.jsonl` does many pages in one process: input lines `{"path", "url"}`, output lines
`{"url", "title", "published", "authors", "text"}`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harvester.extraction.charset import detect
from harvester.extraction.extractor import ExtractionError, extract
from harvester.extraction.render import render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", nargs="?", type=Path, help="a saved HTML page")
    parser.add_argument("--url", help="the URL the page was fetched from (chooses the profile)")
    parser.add_argument("--batch", type=Path, help="JSON lines of {path, url}; prints JSON lines")


def page_encoding(body: bytes) -> str:
    """The page's charset as a browser would settle it with no HTTP header: BOM, meta, then a
    sniff (UTF-8, then EUC-KR/CP949 for Korean text)."""
    return detect(body)


def run(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args.batch)
    if args.page is None or not args.url:
        print("harvester extract: give PAGE.html and --url URL, or --batch PAGES.jsonl", file=sys.stderr)
        return 2
    body = args.page.read_bytes()
    try:
        document = extract(body, page_encoding(body), args.url)
    except ExtractionError as error:
        print(f"harvester extract: {args.page}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render(document) + "\n")
    return 0


def _batch(path: Path) -> int:
    failures = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            job = json.loads(line)
            body = Path(job["path"]).read_bytes()
            try:
                document = extract(body, page_encoding(body), job["url"])
            except ExtractionError as error:
                failures += 1
                print(json.dumps({"url": job["url"], "error": str(error)}, ensure_ascii=False), flush=True)
                continue
            row = {
                "url": job["url"],
                "title": document.title,
                "published": document.published,
                "authors": list(document.authors),
                "text": render(document),
            }
            print(json.dumps(row, ensure_ascii=False))
    return 1 if failures else 0
