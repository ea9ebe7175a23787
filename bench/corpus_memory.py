"""What a corpus costs in memory as it grows: N documents added to a new corpus, one after another.

`python bench/corpus_memory.py [N]` (default 50,000) prints the growth of the process's RSS and the
time per document. Documents are small and written with `durable=False`, so that the figures are
the corpus's bookkeeping rather than the disk's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from measure import memory_kb  # noqa: E402

from harvester.capture.records import WarcRef  # noqa: E402
from harvester.corpus.store import Corpus  # noqa: E402


def rss_mb() -> float:
    return memory_kb(os.getpid())[0] / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("documents", type=int, nargs="?", default=50_000)
    count = parser.parse_args().documents
    with tempfile.TemporaryDirectory(prefix="corpus-memory-") as folder:
        corpus = Corpus(Path(folder), durable=False)
        before, started = rss_mb(), time.perf_counter()
        for number in range(count):
            url = f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={number}"
            doc_id = hashlib.sha256(url.encode()).hexdigest()[:16]
            fields = {
                "url": url, "final_url": url, "canonical_url": url, "site": "mofa_en", "kind": "ministry",
                "title": f"Press release {number}", "published": "2024-01-01", "modified": None, "authors": [],
                "language": "en", "fetched_at": "2026-11-26T00:00:00Z",
                "warc": WarcRef("harvester-1.warc.gz", number * 1000, 1000, f"<urn:uuid:{number}>"),
            }
            corpus.add(doc_id, f"Press release {number}\n\nText.\n".encode(), fields)
            assert corpus.get(doc_id) is not None
        seconds = time.perf_counter() - started
        grown = rss_mb() - before
        corpus.close()
    print(f"{count:,} documents: RSS +{grown:.1f} MB ({grown * 1024 * 1024 / count:.0f} bytes per document), "
          f"{seconds / count * 1e6:.0f} us per document")


if __name__ == "__main__":
    main()
