"""`harvester extract PAGE.html --url URL`: print the document the harvester makes of a saved page.

`--batch PAGES.jsonl` does many pages in one process: input lines `{"path", "url"}` (and `"date"`,
the day the page was captured, if not `--date`), output lines `{"url", "title", "published",
"authors", "profile", "fallback", "text"}`. With `--json`, the single page is printed as such a
line too. `profile` is the site profile whose rules read the page (null: none, generic
extraction); `fallback` lists the fields generic extraction gave because those rules found nothing
(`[]` when none): a profile whose pages show `body` there no longer knows the site's markup.
`--date YYYY-MM-DD` (default: today) is the day the page was captured: a profile that changed
templates reads it with the rules of that day.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from harvester.extraction.charset import detect
from harvester.extraction.extractor import ExtractionError, extract
from harvester.extraction.render import Document, render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", nargs="?", type=Path, help="a saved HTML page")
    parser.add_argument("--url", help="the URL the page was fetched from (chooses the profile)")
    parser.add_argument("--batch", type=Path, help="JSON lines of {path, url}; prints JSON lines")
    parser.add_argument("--json", action="store_true", help="print the document as a JSON line, as --batch does")
    parser.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day the page was captured, for a profile's rules of that day (default: today)"
    )


def page_encoding(body: bytes) -> str:
    """The page's charset as a browser would settle it with no HTTP header: BOM, meta, then a
    sniff (UTF-8, then EUC-KR/CP949 for Korean text)."""
    return detect(body)


def capture_date(text: str) -> date:
    """A day as `--date` or a batch line gives it; ValueError for anything else."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"a capture date is YYYY-MM-DD, not {text!r}") from None


def run(args: argparse.Namespace) -> int:
    try:
        captured = capture_date(args.date) if args.date else datetime.now(timezone.utc).date()
    except ValueError as error:
        print(f"harvester extract: --date: {error}", file=sys.stderr)
        return 2
    if args.batch:
        if not args.batch.is_file():
            print(f"harvester extract: {args.batch}: no such file", file=sys.stderr)
            return 2
        return _batch(args.batch, captured)
    if args.page is None or not args.url:
        print("harvester extract: give PAGE.html and --url URL, or --batch PAGES.jsonl", file=sys.stderr)
        return 2
    try:
        body = args.page.read_bytes()
    except OSError as error:
        print(f"harvester extract: {args.page}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        document = extract(body, page_encoding(body), args.url, captured=captured)
    except ExtractionError as error:
        print(f"harvester extract: {args.page}: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(output_line(args.url, document), ensure_ascii=False))
    else:
        sys.stdout.write(render(document) + "\n")
    return 0


def output_line(url: str, document: Document) -> dict[str, Any]:
    """The JSON line of a page's document."""
    return {
        "url": url,
        "title": document.title,
        "published": document.published,
        "authors": list(document.authors),
        "profile": document.profile,
        "fallback": list(document.fallback),
        "text": render(document),
    }


def _message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"input line lacks {error}"
    if isinstance(error, OSError):
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


def _batch(path: Path, captured: date) -> int:
    failures = 0
    job: Any
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            job = None
            try:
                job = json.loads(line)
                url = job["url"]
                day = capture_date(job["date"]) if "date" in job else captured
                body = Path(job["path"]).read_bytes()
                document = extract(body, page_encoding(body), url, captured=day)
            except (ValueError, KeyError, TypeError, OSError) as error:
                # A bad input line or an unreadable page: its error line, and the batch goes on.
                failures += 1
                url = job.get("url") if isinstance(job, dict) else None
                print(json.dumps({"url": url, "error": _message(error)}, ensure_ascii=False), flush=True)
                continue
            print(json.dumps(output_line(job["url"], document), ensure_ascii=False))
    return 1 if failures else 0
