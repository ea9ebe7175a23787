"""trafilatura-1proc/-2proc: trafilatura alone over the bench site's article pages, read from disk.

The extraction ceiling of the machine: `python bench/trafilatura_files.py SITE --processes N --stats FILE`.
Options as the harvester's generic extraction uses them.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from largesite import BOARD_PATH


def extract_files(paths: list[Path]) -> int:
    """How many of the pages gave a text."""
    done = 0
    for path in paths:
        url = f"http://www.mofa.go.kr/{BOARD_PATH}/view.do?seq={path.stem}"
        text = trafilatura.extract(
            path.read_bytes(),
            url=url,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            include_tables=True,
        )
        done += bool(text)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--stats", type=Path, required=True)
    args = parser.parse_args()
    paths = sorted((args.site / BOARD_PATH / "view").iterdir())
    if args.processes == 1:
        extracted = extract_files(paths)
    else:
        chunks = [paths[start : start + 50] for start in range(0, len(paths), 50)]
        with ProcessPoolExecutor(args.processes) as pool:
            extracted = sum(pool.map(extract_files, chunks))
    args.stats.write_text(json.dumps({"pages": len(paths), "extracted": extracted}))


if __name__ == "__main__":
    main()
