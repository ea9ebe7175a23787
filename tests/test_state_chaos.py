"""Chaos: a crawl of the replica's two MOFA boards, interrupted again and again at random moments —
SIGKILL or SIGINT, to its process group (as a terminal's Ctrl-C, or a killed session, reaches the
extraction worker too) or to the crawl alone — and resumed each time, ends with the corpus of an
uninterrupted crawl: no document lost, none twice, every text equal. The folder as it is verifies
(`harvester verify --warc`), every WARC file is read whole by warcio and by cdxj-indexer, no
`.open` or temp file is left, and `rebuild --from-warc` gives the crawl's corpus byte for byte.

The moments are drawn from a seeded generator; the seed is printed (run with `-s` to see it, or
read it in a failure's message), and CHAOS_SEED=N runs those moments again.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


from harvester import settings as project_settings
from harvester.capture.writer import repair_folder
from tests.conftest import crawl, crawl_args, harvester_env, run_harvester
from tests.corpora import check_corpus, mofa_urls, warcio_check
from tests.warcs import records

SITES = ("mofa_en", "mofa_ko")
ROUNDS = 10
# One extraction worker: what a group signal reaches beside the crawl, what a kill of the crawl
# alone leaves behind. Paced a little, so that a crawl lasts long enough to be cut anywhere.
SETTINGS = ["EXTRACTION_PROCESSES=1", "DOWNLOAD_DELAY=0.02", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "LOG_LEVEL=INFO"]
KINDS = [(signal.SIGKILL, True), (signal.SIGKILL, False), (signal.SIGINT, True), (signal.SIGINT, False)]


def texts(out: Path) -> dict[str, bytes]:
    """Each document's text by its canonical URL, after checking the corpus is consistent."""
    return {row["canonical_url"]: (out / "corpus" / row["file"]).read_bytes() for row in check_corpus(out / "corpus")}


def interrupted(out: Path, proxy: str, rng: random.Random, kind: tuple[signal.Signals, bool], first: bool) -> str:
    """One run, cut after a random number of documents (and a random instant more); its log."""
    number, group = kind
    args = crawl_args(out, *SITES, settings=SETTINGS, options=[] if first else ["--resume"])
    documents, pause, log = rng.randint(0, 6), rng.uniform(0, 0.2), []
    with subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", *args], env=harvester_env(proxy), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            if ("Spider opened" in line and documents == 0) or (" Document " in line and (documents := documents - 1) == 0):
                time.sleep(pause)
                with contextlib.suppress(ProcessLookupError):  # it may have ended just now
                    (os.killpg if group else os.kill)(process.pid, number)
                break
        log.append(process.stderr.read())
        process.wait(timeout=60)
    return "".join(log) + f"\n[exit {process.returncode}]"


def test_a_crawl_cut_at_random_moments_and_resumed_is_the_uninterrupted_one(
    replica: str, tmp_path: Path, uninterrupted_mofa: dict[str, bytes]
) -> None:
    seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1 << 32))
    print(f"chaos seed {seed} (CHAOS_SEED={seed} repeats it)")
    rng = random.Random(seed)
    kinds = [KINDS[round % len(KINDS)] for round in range(ROUNDS)]
    rng.shuffle(kinds)
    for round, kind in enumerate(kinds):
        killed_before = running_jobs(tmp_path)
        log = interrupted(tmp_path, replica, rng, kind, first=round == 0)
        where = f"seed {seed}, round {round}, {kind[0].name} to the {'group' if kind[1] else 'crawl'}:\n{log[-3000:]}"
        if kind[0] == signal.SIGINT:
            # Stopped gracefully (or done already, when the signal came as the last site ended),
            # and the folder whole as it is; what a kill leaves half done, the next start repairs.
            assert log.endswith(("[exit 3]", "[exit 0]")), where
            assert "Traceback" not in log, where
            # No job of a site this run started is left marked running; the job of a site an earlier
            # kill cut, which this run stopped before reaching, keeps its mark for the next start.
            left = running_jobs(tmp_path)
            assert not left & started(log) and left <= killed_before, where
            assert not list((tmp_path / "warc").glob("*.open")), where
            check_corpus(tmp_path / "corpus")

    crawl(tmp_path, *SITES, proxy=replica, settings=SETTINGS, options=["--resume"])
    # Not a document lost, none twice, every text the uninterrupted crawl's.
    assert texts(tmp_path) == uninterrupted_mofa, f"seed {seed}"
    assert set(uninterrupted_mofa) == mofa_urls("m_5676", "m_4080")
    verified = run_harvester("verify", str(tmp_path / "corpus"), "--warc", str(tmp_path / "warc"))
    assert verified.returncode == 0 and verified.stdout.strip().endswith("ok"), verified.stdout + f"\nseed {seed}"
    leftovers = [path for path in tmp_path.rglob("*") if path.name.endswith((".open", ".tmp"))]
    assert not leftovers, f"seed {seed}: {leftovers}"
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    warcio_check(tmp_path / "warc")
    for warc in warcs:
        indexed = subprocess.run(["cdxj-indexer", str(warc)], capture_output=True, text=True)
        assert indexed.returncode == 0 and indexed.stdout, f"seed {seed}: {warc.name}: {indexed.stderr}"
        # The crawls' own index of each file (one a kill kept from being written, the next crawl wrote).
        index = (tmp_path / "warc/indexes" / warc.name.removesuffix(".warc.gz")).with_suffix(".cdxj")
        assert sorted(index.read_text("utf-8").splitlines()) == sorted(indexed.stdout.splitlines()), f"seed {seed}"

    # The captures alone give the corpus again, byte for byte (a page fetched twice around a kill
    # included: its document's capture and conversion record are the ones the manifest names).
    rebuilt = tmp_path / "rebuilt"
    result = run_harvester("rebuild", "--from-warc", str(tmp_path / "warc"), "--out", str(rebuilt), "--jobs", "1")
    assert result.returncode == 0, result.stderr[-3000:] + f"\nseed {seed}"
    assert files(rebuilt / "corpus") == files(tmp_path / "corpus"), f"seed {seed}"
    assert json.loads((tmp_path / "crawl-report.json").read_text("utf-8"))["sites"]


def running_jobs(out: Path) -> set[str]:
    """The sites whose job is marked as being crawled."""
    return {marker.parent.name for marker in (out / "state/jobs").rglob(".running")}


def started(log: str) -> set[str]:
    """The sites a run started, by its summary: all of them unless it stopped during or before one."""
    stop = re.search(r"stopped \(\w+\) (during|before) (\w+)", log)
    if stop is None:
        return set(SITES)
    at = SITES.index(stop.group(2))
    return set(SITES[: at + 1 if stop.group(1) == "during" else at])


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_a_kill_between_a_document_and_its_conversion_record_is_made_good(replica: str, tmp_path: Path) -> None:
    """Killed right after a document is listed, before its conversion record is written: the
    resumed crawl finds the document unchanged and writes the record then, so that the captures
    alone give the corpus again, byte for byte."""
    extensions = {**project_settings.EXTENSIONS, "tests.killswitch.KillSwitch": 0}
    settings = ["KILL_AT=listed:5", f"EXTENSIONS={json.dumps(extensions)}", "EXTRACTION_PROCESSES=0"]
    killed = run_harvester(*crawl_args(tmp_path, "mofa_en", settings=settings), proxy=replica)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    listed = check_corpus(tmp_path / "corpus")
    assert len(listed) == 5
    # The kill came where it was meant to: the captures as the next start repairs them lack the
    # last document's record.
    captures = tmp_path / "captures_at_the_kill"
    shutil.copytree(tmp_path / "warc", captures)
    repair_folder(captures)
    assert listed[-1]["canonical_url"] not in conversion_records(captures)

    crawl(tmp_path, "mofa_en", proxy=replica, settings=["EXTRACTION_PROCESSES=0"], options=["--resume"])
    rows = check_corpus(tmp_path / "corpus")
    assert rows[:5] == listed
    # Every document has its record now (a record the digest index had not stored yet when the
    # kill came may be written twice: the same text, number and version).
    assert set(conversion_records(tmp_path / "warc")) == {row["canonical_url"] for row in rows}
    rebuilt = tmp_path / "rebuilt"
    result = run_harvester("rebuild", "--from-warc", str(tmp_path / "warc"), "--out", str(rebuilt), "--jobs", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert files(rebuilt / "corpus") == files(tmp_path / "corpus")


def conversion_records(folder: Path) -> Counter[str]:
    """How many conversion records each canonical URL has in the folder's WARC files."""
    return Counter(
        record.headers["Harvester-Canonical-URI"] for record in records(folder) if record.type == "conversion"
    )
