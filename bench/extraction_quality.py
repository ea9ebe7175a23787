"""Extraction quality on the article-extraction benchmark: precision, recall, F1 and pages/s of the
harvester's generic extraction beside plain trafilatura, in one run.

    python bench/extraction_quality.py [--corpus DIR] [--repeat N] [--json OUT]

The corpus (../shared/benchmarks/article-extraction) is 181 real pages (`html/<id>.html.gz`,
UTF-8) with their article text (`ground-truth.json`). The metric is the benchmark's own: a text's
tokens are its runs of word characters, its shingles the windows of 4 consecutive tokens (a text
of fewer tokens is one shingle of them all); per page, true positives, false positives and false
negatives are counted over the two multisets of shingles and scaled to sum 1; precision is the
mean over the pages where something was predicted, recall the mean over the pages whose truth has
text, F1 their harmonic mean.

The harvester is scored on its document's body: its head (the title on the first line, the
byline/date lines under it) is left out, as the benchmark's article texts leave out titles. Each extractor runs on one process; pages/s is the
median over `--repeat` passes, the extractors' passes interleaved.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harvester.extraction.errors import ExtractionError  # noqa: E402
from harvester.extraction.extractor import extract  # noqa: E402

# ../shared beside the checkout (a worktree may sit one folder deeper).
CORPUS = next(
    (folder / "shared" / "benchmarks" / "article-extraction" for folder in ROOT.parents if (folder / "shared" / "benchmarks").is_dir()),
    ROOT.parent / "shared" / "benchmarks" / "article-extraction",
)
SHINGLE = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes  # UTF-8
    truth: str


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


# -- the benchmark's metric
def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    windows = (tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return Counter(window for window in windows if window)


def page_counts(truth: str, prediction: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, scaled to sum 1 (all 0 when both texts are empty)."""
    expected, found = shingles(truth), shingles(prediction)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(counts: Iterable[tuple[float, float, float]]) -> Scores:
    counts = list(counts)
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return Scores(precision, recall, 2 * precision * recall / (precision + recall))


# -- the corpus
def load_corpus(folder: Path = CORPUS) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        pages.append(Page(page_id, truth[page_id]["url"], gzip.decompress(path.read_bytes()), truth[page_id]["articleBody"]))
    if {page.id for page in pages} != set(truth):
        raise ValueError(f"{folder}: pages and ground truth name different ids")
    return pages


def corpus_sha256(folder: Path = CORPUS) -> str:
    """One hash of the ground truth and every page file, in name order."""
    digest = hashlib.sha256((folder / "ground-truth.json").read_bytes())
    for path in sorted((folder / "html").glob("*.html.gz")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# -- the extractors
def harvester_generic(page: Page) -> str:
    try:
        document = extract(page.html, "utf-8", page.url)
    except ExtractionError:
        return ""
    return "\n\n".join(document.body)


def trafilatura_defaults(page: Page) -> str:
    return trafilatura.extract(page.html.decode("utf-8")) or ""


def trafilatura_precise(page: Page) -> str:
    return trafilatura.extract(page.html.decode("utf-8"), include_comments=False, favor_precision=True) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "harvester generic": harvester_generic,
    f"trafilatura {trafilatura.__version__} defaults": trafilatura_defaults,
    f"trafilatura {trafilatura.__version__} no comments, favor_precision": trafilatura_precise,
}


def predict(extractor: Callable[[Page], str], pages: list[Page], processes: int = 1) -> list[str]:
    if processes <= 1:
        return [extractor(page) for page in pages]
    with ProcessPoolExecutor(processes) as pool:
        return list(pool.map(extractor, pages, chunksize=4))


def evaluate(extractor: Callable[[Page], str], pages: list[Page], processes: int = 1) -> Scores:
    predictions = predict(extractor, pages, processes)
    return score(page_counts(page.truth, prediction) for page, prediction in zip(pages, predictions, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="benchmark folder (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="passes per extractor; pages/s is their median")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    pages = load_corpus(args.corpus)
    print(f"corpus: {len(pages)} pages, sha256 {corpus_sha256(args.corpus)}")
    print(f"{'extractor':<50} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8}")
    rates: dict[str, list[float]] = {name: [] for name in EXTRACTORS}
    scores: dict[str, Scores] = {}
    # Passes interleaved: on a shared machine, a busy spell slows every extractor alike.
    for _ in range(max(1, args.repeat)):
        for name, extractor in EXTRACTORS.items():
            started = time.perf_counter()
            predictions = predict(extractor, pages)
            rates[name].append(len(pages) / (time.perf_counter() - started))
            scores[name] = score(page_counts(p.truth, text) for p, text in zip(pages, predictions, strict=True))
    rows = []
    for name, found in scores.items():
        row = {"extractor": name, **asdict(found), "pages_per_s": statistics.median(rates[name])}
        rows.append(row)
        print(f"{name:<50} {found.precision:>9.3f} {found.recall:>7.3f} {found.f1:>7.3f} {row['pages_per_s']:>8.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
