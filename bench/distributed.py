"""Pages per second of a distributed crawl with 1, 2 and 3 workers, beside one process without Redis.

    python bench/distributed.py [--articles 3000] [--rounds 3] [--workers 1,2,3]

A large copy of MOFA's English press-release board (the replica's markup, harvester.replica.sites.
mofa, with generated articles of 8-14 paragraphs) is written to a temp folder and served by nginx
as http://www.mofa.go.kr, reached as a forward proxy; a redis-server of the bench's own holds the
shared frontier. Each round crawls the whole board with every setup, one after another: `single`
(one process, no Redis: the default crawl) and N workers (`--redis`, N processes started
together on this machine, sharing one output folder; the last one merges the corpus parts). The
crawl is the real `mofa_en` profile, with extraction, capture and corpus on, but for the start
page and canonical URLs in http (nginx does not tunnel https). Reported per run: article
documents / wall time from the first process's start to the last one's end (start-up and the
merge included), the CPU seconds of all the crawl processes per 1000 pages; then the medians and
each setup's ratio to `single`. Needs the Debian packages nginx and redis-server.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from harvester.replica.sites.mofa import ROBOTS_TXT, ROWS_PER_PAGE, Article, Board, list_page, view_page  # noqa: E402
from largesite import BOARD_PATH  # noqa: E402
from nginx import Nginx, free_port  # noqa: E402

START_URL = "http://www.mofa.go.kr/eng/brd/m_5676/list.do"
FIRST_SEQ = 400000
WORDS = (
    "minister foreign affairs talks cooperation peninsula summit bilateral alliance economic security trade"
    " delegation agreement regional partnership dialogue envoy visit conference ministry government"
    " development climate energy humanitarian assistance framework consultation strategic nuclear"
).split()
SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
}
# -- the site
def article(seq: int) -> Article:
    """A press release made up from its number: the same every time."""
    rng = random.Random(seq)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(12, 30))).capitalize() + "."

    day = FIRST_SEQ + 5000 - seq
    return Article(
        seq=seq,
        title=" ".join(rng.choice(WORDS) for _ in range(8)).title(),
        date=time.strftime("%Y-%m-%d", time.gmtime(1_700_000_000 - day * 86400)),
        department="Press Office",
        style=rng.choice(("plain", "se3")),
        paragraphs=tuple(
            f"{n}. " + " ".join(sentence() for _ in range(rng.randrange(2, 6))) for n in range(1, rng.randrange(9, 15))
        ),
        attachments=(),
    )


def generate(folder: Path, articles: int) -> None:
    board = Board("eng", "m_5676", "302", "Press Releases", "Press",
                  tuple(article(FIRST_SEQ + articles - 1 - n) for n in range(articles)))
    # The layout bench/nginx.py serves (that of bench/largesite.py).
    pages = folder / BOARD_PATH
    (pages / "view").mkdir(parents=True)
    (pages / "list").mkdir()
    (folder / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    for index, item in enumerate(board.articles):
        # The article and its neighbours render the same page (previous/next) as the whole board.
        window = replace(board, articles=board.articles[max(0, index - 1) : index + 2])
        (pages / "view" / f"{item.seq}.html").write_text(view_page(window, item), encoding="utf-8")
    for page in range(1, -(-articles // ROWS_PER_PAGE) + 1):
        (pages / "list" / f"{page}.html").write_text(list_page(board, page), encoding="utf-8")


# -- servers
def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: {process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench: {process.args[0]} does not listen on {port}")


def start_redis() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for(port, process)
    return process, port


# -- one worker (a process of its own, as on a machine of its own)
def worker(out: Path, redis_url: str | None) -> None:
    from harvester.commands.crawl import crawl_settings
    from harvester.commands.running import crawl
    from harvester.commands.merge_corpus import merge_if_last
    from harvester.profiles import ListPages, get_profile
    from harvester.profiles.mofa import canonical_url
    from harvester.spiders.profile import ProfileSpider

    def plain_http(url: str) -> str:
        return canonical_url(url).replace("https://", "http://", 1)

    # The real profile, in http; it keeps its name, by which extraction finds its rules.
    profile = replace(
        get_profile("mofa_en"),
        sources=(ListPages(START_URL),),
        article_url=r"^http://www\.mofa\.go\.kr/eng/brd/m_5676/view\.do\?seq=\d+$",
        canonicalize=plain_http,
    )
    settings = crawl_settings(out, [f"{name}={value}" for name, value in SETTINGS.items()], REDIS_URL=redis_url)
    results = crawl([ProfileSpider.for_profile(profile)], settings)
    if results.get("mofa_en", {}).get("finish_reason") != "finished":
        raise SystemExit(f"bench worker: the crawl ended with {results}")
    if redis_url:
        merge_if_last(out)


# -- the runs
@dataclass(frozen=True)
class Run:
    setup: str
    documents: int
    wall: float
    cpu: float


def crawl_with(setup: str, processes: int, redis_url: str | None, proxy: str, work: Path) -> Run:
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), http_proxy=proxy)
    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        env.pop(name, None)
    argv = [sys.executable, __file__, "worker", "--out", str(out)] + (["--redis", redis_url] if redis_url else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    logs = [open(work / f"{setup}-{n}.log", "w") for n in range(processes)]
    children = [subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    codes = [child.wait() for child in children]
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for log in logs:
        log.close()
    if any(codes):
        raise SystemExit(f"bench: {setup} failed ({codes}); see {work}/{setup}-*.log")
    manifest = out / "corpus" / "manifest.jsonl"
    documents = len(manifest.read_text("utf-8").splitlines()) if manifest.exists() else 0
    if documents == 0:
        tail = (work / f"{setup}-0.log").read_text(errors="replace").splitlines()[-80:]
        raise SystemExit("\n  ".join([f"bench: {setup} wrote no documents; its log ends:", *tail]))
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Run(setup, documents, wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("worker")
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--redis")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run, e.g. 1,2,3")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (an empty folder) and leave the logs there")
    args = parser.parse_args()
    if args.command == "worker":
        worker(args.out, args.redis)
        return

    counts = [int(n) for n in args.workers.split(",")]
    setups = ["single", *(f"{n} worker{'s' if n > 1 else ''}" for n in counts)]
    runs: dict[str, list[Run]] = {setup: [] for setup in setups}
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as temp:
        work = Path(args.keep) if args.keep else Path(temp)
        work.chmod(0o755)  # nginx's worker process, run as root, reads the site as `nobody`
        generate(work / "site", args.articles)
        nginx = Nginx(work / "site", work / "nginx")
        nginx.start()
        redis_server, redis_port = start_redis()
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        try:
            print(f"site: {args.articles} articles, {os.cpu_count()} cores; setups: {', '.join(setups)}")
            for round_ in range(1, args.rounds + 1):
                for setup, processes in zip(setups, [1, *counts]):
                    if setup != "single":
                        subprocess.run(["redis-cli", "-p", str(redis_port), "flushall"], check=True, capture_output=True)
                    run = crawl_with(setup, processes, None if setup == "single" else redis_url,
                                     nginx.proxy, work)
                    runs[setup].append(run)
                    print(f"round {round_} {setup:>9}: {run.documents} documents in {run.wall:6.1f} s ="
                          f" {run.documents / run.wall:6.1f} pages/s, {1000 * run.cpu / run.documents:6.1f} CPU s/1000 pages")
        finally:
            nginx.stop()
            redis_server.terminate()
            redis_server.wait(timeout=10)
    print("\nmedians:")
    base = statistics.median(run.documents / run.wall for run in runs["single"])
    for setup in setups:
        rate = statistics.median(run.documents / run.wall for run in runs[setup])
        cpu = statistics.median(1000 * run.cpu / run.documents for run in runs[setup])
        print(f"  {setup:>9}: {rate:6.1f} pages/s ({rate / base:4.2f}x single), {cpu:6.1f} CPU s/1000 pages")


if __name__ == "__main__":
    main()
