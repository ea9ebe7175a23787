"""harvester-extractor-1proc: the harvester's own extraction over the bench site's article pages, read from disk.

`python bench/extractor_files.py SITE --stats FILE`. Each page goes through `extract_page`, the
function the crawl's extraction workers run, with what the crawl would give it: the body nginx
serves, its Content-Type, the canonical URL of the bench profile and the profile's name (so the
`mofa_en` selectors do the work, as in harvester-full). One process: its CPU per page is the
extraction's share of the machine's ceiling.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harvester.extraction.errors import ExtractionError
from harvester.extraction.page import extract_page
from largesite import BOARD_PATH

# What nginx sends for the pages (nginx.py: `charset utf-8` for text/html).
CONTENT_TYPE = "text/html; charset=utf-8"
PROFILE = "mofa_en"


def extract_files(paths: list[Path]) -> int:
    """How many of the pages made a document."""
    done = 0
    for path in paths:
        url = f"http://www.mofa.go.kr/{BOARD_PATH}/view.do?seq={path.stem}"
        try:
            extracted = extract_page(path.read_bytes(), CONTENT_TYPE, None, url, PROFILE)
        except ExtractionError:
            continue
        done += bool(extracted.text)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument("--stats", type=Path, required=True)
    args = parser.parse_args()
    paths = sorted((args.site / BOARD_PATH / "view").iterdir())
    extracted = extract_files(paths)
    # Pages are the documents made: a page the extraction refuses shows as a missing page in the bench.
    args.stats.write_text(json.dumps({"pages": extracted, "files": len(paths)}))


if __name__ == "__main__":
    main()
