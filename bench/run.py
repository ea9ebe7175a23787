"""The performance bench: every system on the same generated MOFA site, one after another, one table.

    python bench/run.py [--pages N] [--json OUT] [--repeat K] [--systems a,b,...] [--site DIR]
    python bench/run.py --memory-check [--pages 5000] [--large 50000]

Systems: scrapy-plain, harvester-full, harvester-capture, harvester-extract, wget (`--recursive
--warc-file`), harvester-extractor-1proc, trafilatura-1proc, trafilatura-2proc. Each runs as its own
process; CPU and peak RSS are measured as bench/measure.py says. With --repeat, each figure is the
median of the runs. The ceiling of the machine is `cores x 1000 / (scrapy-plain CPU ms/page +
harvester-extractor-1proc CPU ms/page)`; each harvester crawl's pages/s is given as a share of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]

import largesite  # noqa: E402
import measure  # noqa: E402
from nginx import Nginx  # noqa: E402

SYSTEMS = (
    "scrapy-plain",
    "harvester-full",
    "harvester-capture",
    "harvester-extract",
    "wget",
    "harvester-extractor-1proc",
    "trafilatura-1proc",
    "trafilatura-2proc",
)


# Systems that read the pages from disk: no crawl, no server.
OFFLINE = ("harvester-extractor-1proc", "trafilatura-1proc", "trafilatura-2proc")
# The crawls whose pages/s are given as a share of the ceiling.
CRAWLS = ("harvester-full", "harvester-capture", "harvester-extract")


@dataclass(frozen=True)
class Row:
    system: str
    pages: int
    pages_per_s: float
    cpu_s_per_1000: float
    peak_rss_mb: float
    warc_bytes_per_page: float | None
    # Printed, not in the JSON rows.
    tree_rss_mb: float = 0.0
    nginx_cpu_s_per_1000: float | None = None
    tree_parts_mb: tuple[float, ...] = ()  # the processes at the tree's peak, largest first

    def json_row(self) -> dict[str, object]:
        row = asdict(self)
        del row["tree_rss_mb"], row["nginx_cpu_s_per_1000"], row["tree_parts_mb"]
        return row


@dataclass(frozen=True)
class Outcome:
    pages: int
    warc_bytes: int | None


def child_env() -> dict[str, str]:
    """The environment of every child: this tree's harvester first on the path."""
    path = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def warc_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*.warc.gz*"))


def count_article_responses(folder: Path) -> int:
    count = 0
    for path in folder.rglob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                count += record.rec_type == "response" and "/view.do?" in uri
    return count


class Bench:
    def __init__(self, site: largesite.SiteInfo, server: Nginx, work: Path) -> None:
        self.site = site
        self.server = server
        self.work = work
        self.env = {**child_env(), "http_proxy": server.proxy}
        for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY"):
            self.env.pop(name, None)

    def _stats_pages(self, path: Path) -> int:
        return int(json.loads(path.read_text())["pages"])

    def command(self, system: str, out: Path) -> tuple[list[str], Callable[[], Outcome]]:
        """The command line of a system, and how to read what it did afterwards."""
        python, stats = sys.executable, out / "stats.json"
        if system == "scrapy-plain":
            return [python, str(BENCH / "plain_spider.py"), "--stats", str(stats)], lambda: Outcome(
                self._stats_pages(stats), None)
        if system == "harvester-extractor-1proc":
            argv = [python, str(BENCH / "extractor_files.py"), str(self.site.folder), "--stats", str(stats)]
            return argv, lambda: Outcome(self._stats_pages(stats), None)
        if system.startswith("harvester-"):
            mode = system.removeprefix("harvester-")
            argv = [python, str(BENCH / "harvester_crawl.py"), "--out", str(out), "--mode", mode, "--stats", str(stats)]
            captures = mode in ("full", "capture")
            return argv, lambda: Outcome(self._stats_pages(stats), warc_size(out / "warc") if captures else None)
        if system == "wget":
            argv = [
                "wget", "--recursive", "--level=inf", "--no-verbose", "--delete-after",
                "--accept-regex", r"/eng/brd/m_5676/(list|view)\.do",
                "--directory-prefix", str(out / "files"), "--warc-file", str(out / "wget"),
                largesite.START_URL,
            ]
            return argv, lambda: Outcome(count_article_responses(out), warc_size(out))
        if system.startswith("trafilatura-"):
            processes = system.removeprefix("trafilatura-").removesuffix("proc")
            argv = [python, str(BENCH / "trafilatura_files.py"), str(self.site.folder), "--processes", processes,
                    "--stats", str(stats)]
            return argv, lambda: Outcome(self._stats_pages(stats), None)
        raise ValueError(f"unknown system {system!r}")

    def run(self, system: str) -> Row:
        # Each run's output stays until the bench ends (its temp folder goes): on this machine's
        # ext4, a file made just after thousands were deleted costs 0.5-0.8 ms of the kernel's CPU
        # instead of 0.1 (0.13 a minute later): a crawl would pay for the clean-up of the one before.
        runs = self.work / "runs"
        runs.mkdir(exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix=f"{system}-", dir=runs))
        argv, outcome_of = self.command(system, out)
        nginx_before = self.server.cpu_seconds()
        usage = measure.run(argv, self.env, out.with_suffix(".log"))
        nginx_cpu = self.server.cpu_seconds() - nginx_before
        try:
            outcome = outcome_of()
        except (OSError, ValueError, KeyError):
            outcome = Outcome(0, None)  # the system left no stats: it failed (its log says why)
        if usage.exit_code != 0 or outcome.pages != self.site.articles:
            tail = out.with_suffix(".log").read_text(errors="replace").splitlines()[-15:]
            print(f"bench: {system} exited with {usage.exit_code} after {outcome.pages} of {self.site.articles}"
                  " article pages; its log ends:", *tail, sep="\n  ", file=sys.stderr)
        pages = max(outcome.pages, 1)
        crawled = system not in OFFLINE
        return Row(
            system=system,
            pages=outcome.pages,
            pages_per_s=round(outcome.pages / usage.wall_s, 1),
            cpu_s_per_1000=round(usage.cpu_s / pages * 1000, 3),
            peak_rss_mb=round(usage.peak_rss_mb, 1),
            warc_bytes_per_page=round(outcome.warc_bytes / pages) if outcome.warc_bytes is not None else None,
            tree_rss_mb=round(usage.tree_rss_mb, 1),
            tree_parts_mb=tuple(round(mb, 1) for mb in usage.tree_parts_mb),
            nginx_cpu_s_per_1000=round(nginx_cpu / pages * 1000, 3) if crawled else None,
        )


def median_row(rows: list[Row]) -> Row:
    def middle(values: list[float | None]) -> float | None:
        present = [value for value in values if value is not None]
        return round(statistics.median(present), 3) if present else None

    fields = {name: middle([getattr(row, name) for row in rows]) for name in asdict(rows[0]) if name not in ("system", "tree_parts_mb")}
    fields["pages"] = int(fields["pages"] or 0)
    return Row(system=rows[0].system, **fields)


@dataclass(frozen=True)
class Ceiling:
    """What the machine could do: every core busy with plain Scrapy's work and the harvester's
    extraction of a page, nothing else (CPU seconds per 1,000 pages are CPU ms per page)."""

    cores: int
    plain_cpu_ms: float
    extractor_cpu_ms: float
    pages_per_s: float
    shares: dict[str, float]  # each harvester crawl's pages/s over the ceiling

    @classmethod
    def of(cls, rows: list[Row]) -> Ceiling | None:
        by_name = {row.system: row for row in rows}
        if not {"scrapy-plain", "harvester-extractor-1proc"} <= by_name.keys():
            return None
        plain, alone = by_name["scrapy-plain"].cpu_s_per_1000, by_name["harvester-extractor-1proc"].cpu_s_per_1000
        cores = os.cpu_count() or 1
        ceiling = cores * 1000 / (plain + alone)
        shares = {name: round(by_name[name].pages_per_s / ceiling, 3) for name in CRAWLS if name in by_name}
        return cls(cores, plain, alone, round(ceiling, 1), shares)


def print_table(rows: list[Row]) -> None:
    print(f"\n{'system':<27}{'pages':>7}{'pages/s':>9}{'CPU s/1000':>12}{'peak RSS MB':>13}"
          f"{'all procs MB':>14}{'WARC B/page':>13}{'nginx CPU s/1000':>18}")
    for row in rows:
        warc = f"{row.warc_bytes_per_page:,.0f}" if row.warc_bytes_per_page is not None else "-"
        nginx_cpu = f"{row.nginx_cpu_s_per_1000:.2f}" if row.nginx_cpu_s_per_1000 is not None else "-"
        print(f"{row.system:<27}{row.pages:>7}{row.pages_per_s:>9.1f}{row.cpu_s_per_1000:>12.2f}"
              f"{row.peak_rss_mb:>13.1f}{row.tree_rss_mb:>14.1f}{warc:>13}{nginx_cpu:>18}")
    ceiling = Ceiling.of(rows)
    if ceiling is not None:
        print(f"\nceiling on {ceiling.cores} cores: {ceiling.cores} x 1000 / ({ceiling.plain_cpu_ms:.2f} + "
              f"{ceiling.extractor_cpu_ms:.2f} ms) = {ceiling.pages_per_s:.1f} pages/s "
              "(scrapy-plain + harvester-extractor-1proc)")
        speed = {row.system: row.pages_per_s for row in rows}
        for system, share in ceiling.shares.items():
            print(f"{system}: {speed[system]:.1f} pages/s = {share:.0%} of the ceiling")


def generator_version() -> str:
    """A digest of what makes the site's pages: a kept site made by other code is made again."""
    sources = [BENCH / "largesite.py", BENCH / "articles.py", REPO / "harvester" / "replica" / "sites" / "mofa.py"]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:12]


def prepare_site(folder: Path, pages: int) -> largesite.SiteInfo:
    marker = folder / f".complete-{pages}-{generator_version()}"
    if marker.exists():
        view_bytes = sum(path.stat().st_size for path in (folder / largesite.BOARD_PATH / "view").iterdir())
        return largesite.SiteInfo(folder, pages, -(-pages // largesite.ROWS_PER_PAGE), view_bytes)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"bench: generating {pages:,} articles in {folder}", file=sys.stderr)
    # In a child process: the bench stays small, so its own memory is in no figure.
    output = subprocess.run([sys.executable, str(BENCH / "largesite.py"), str(folder), str(pages)], env=child_env(),
                            check=True, capture_output=True, text=True).stdout
    articles, list_pages, view_bytes = map(int, output.split())
    marker.touch()
    return largesite.SiteInfo(folder, articles, list_pages, view_bytes)


def memory_check(args: argparse.Namespace, work: Path, site_root: Path) -> int:
    rows = []
    for pages in (args.pages, args.large):
        site = prepare_site(site_root / f"site-{pages}", pages)
        server = Nginx(site.folder, work / f"nginx-{pages}")
        server.start()
        try:
            rows.append(Bench(site, server, work).run("harvester-full"))
        finally:
            server.stop()
    print_table(rows)
    small, large = rows
    growth = large.peak_rss_mb / small.peak_rss_mb - 1
    tree_growth = large.tree_rss_mb / small.tree_rss_mb - 1
    verdict = "within" if max(growth, tree_growth) <= 0.20 else "NOT within"
    print(f"\npeak RSS {small.pages:,} -> {large.pages:,} pages: {growth:+.1%} (largest process), "
          f"{tree_growth:+.1%} (all processes): {verdict} 20%")
    for row in rows:  # what made each tree's peak (forked processes count the pages they share)
        print(f"all processes at their peak, {row.pages:,} pages: " + " + ".join(f"{mb:.1f}" for mb in row.tree_parts_mb) + " MB")
    return 0 if verdict == "within" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int,
                        help="articles on the site (default 10,000; 5,000 for the small crawl of --memory-check)")
    parser.add_argument("--json", type=Path, help="also write the table and the ceiling here as JSON")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each system; figures are medians")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset, in order")
    parser.add_argument("--site", type=Path, help="keep the generated site here and reuse it (default: a temp folder)")
    parser.add_argument("--memory-check", action="store_true",
                        help="harvester-full on --pages and on --large articles: peak RSS must grow < 20%%")
    parser.add_argument("--large", type=int, default=50_000, help="articles of the large crawl of --memory-check")
    args = parser.parse_args()
    args.pages = args.pages or (5_000 if args.memory_check else 10_000)
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown systems: {', '.join(unknown)}")

    with tempfile.TemporaryDirectory(prefix="harvester-bench-") as temp:
        work = Path(temp)
        work.chmod(0o755)  # nginx's workers run as another user (www-data) when the bench runs as root
        site_root = args.site or work
        if args.memory_check:
            return memory_check(args, work, site_root)
        site = prepare_site(site_root / f"site-{args.pages}", args.pages)
        server = Nginx(site.folder, work / "nginx")
        server.start()
        try:
            bench = Bench(site, server, work)
            runs: dict[str, list[Row]] = {system: [] for system in systems}
            for _ in range(args.repeat):
                for system in systems:
                    runs[system].append(bench.run(system))
                    print(f"bench: {runs[system][-1]}", file=sys.stderr)
        finally:
            server.stop()
    rows = [median_row(runs[system]) for system in systems]
    print(f"\n{site.articles:,} article pages of {site.view_bytes / site.articles / 1000:.1f} KB on average, "
          f"{site.list_pages:,} list pages; {os.cpu_count()} CPU cores; medians of {args.repeat} run(s)")
    print_table(rows)
    if args.json:
        ceiling = Ceiling.of(rows)
        report = {"rows": [row.json_row() for row in rows], "ceiling": asdict(ceiling) if ceiling else None}
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
