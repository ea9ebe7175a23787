"""Every command answers bad input with one line that names the problem and the way out, and the
exit code for a refusal (harvester/exitcodes.py), never a traceback. Run in process: each of these
is refused before anything starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harvester import cli, exitcodes


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().err


def a_file(tmp_path: Path) -> str:
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return str(path)


def outputs_without_room(tmp_path: Path) -> str:
    """An output folder with a WARC file, packaged into a folder that cannot be written."""
    (tmp_path / "crawl" / "warc").mkdir(parents=True)
    (tmp_path / "crawl" / "warc" / "x.warc.gz").write_bytes(b"")
    return str(tmp_path / "crawl")


CASES = [
    # (command line, made from tmp_path, what the line says)
    (lambda t: ["crawl", "no_such_site"], "harvester crawl: unknown site no_such_site; `harvester sites` lists them"),
    (lambda t: ["crawl", "mofa_en", "--out", "/proc/harvester-out"], "/proc/harvester-out cannot be written to"),
    (lambda t: ["crawl", "mofa_en", "--out", a_file(t)], "a-file is a file, not a folder: give --out a folder it can write to"),
    (lambda t: ["crawl", "mofa_en", "--out", a_file(t) + "/under"], "lies under a file, not a folder"),
    (lambda t: ["crawl", "mofa_en", "--out", str(t), "-s", "DOWNLOAD_DELAY"], "-s wants NAME=VALUE"),
    (lambda t: ["crawl", "mofa_en", "--out", str(t), "--since", "yesterday-ish"], "--since wants a date such as 2024-05-01"),
    (lambda t: ["crawl", "mofa_en", "--max-pages", "ten"], "argument --max-pages: invalid int value: 'ten' (see `harvester crawl --help`)"),
    (lambda t: ["crawl", "mofa_en", "--out", str(t), "--redis", "redis://127.0.0.1:1/0"], "Redis at redis://127.0.0.1:1/0 does not answer"),
    (lambda t: ["crawl"], "the following arguments are required: SITE (see `harvester crawl --help`)"),
    (lambda t: ["archive", "not-a-url", "--out", str(t)], "harvester archive: not an http(s) URL: 'not-a-url'"),
    (lambda t: ["archive", "http://site.test/", "--out", "/proc/harvester-out"], "give --out a folder it can write to"),
    (lambda t: ["archive", "http://site.test/", "--max-bytes", "lots"], "a size such as 500M or 2G, not 'lots'"),
    (lambda t: ["demo", "--out", "/proc/harvester-out"], "harvester demo: /proc/harvester-out cannot be written to"),
    (lambda t: ["seed", "mofa_en", "--redis", "redis://127.0.0.1:1/0"], "harvester seed: Redis at redis://127.0.0.1:1/0 does not answer"),
    (lambda t: ["seed", "mofa_en"], "the following arguments are required: --redis"),
    (lambda t: ["schedule", "no_such_site", "--out", str(t)], "harvester schedule: unknown site no_such_site"),
    (lambda t: ["schedule", "mofa_en", "--out", str(t), "--every", "7x"], "argument --every: invalid choice: '7x'"),
    (lambda t: ["merge-corpus", str(t / "nothing-here")], "holds no corpus, WARC or state folder: give the output folder of a crawl"),
    (lambda t: ["extract", str(t / "missing.html"), "--url", "https://www.mofa.go.kr/"], "missing.html: No such file or directory"),
    (lambda t: ["extract"], "give PAGE.html and --url URL, or --batch PAGES.jsonl"),
    (lambda t: ["package", str(t), "-o", str(t / "x.wacz")], "no WARC files in"),
    (lambda t: ["package", outputs_without_room(t), "-o", "/proc/harvester.wacz"], "give -o a file in a folder it can write to"),
    (lambda t: ["package"], "-o FILE.wacz is required"),
    (lambda t: ["package", "--check", str(t / "missing.wacz")], "--check wants a WACZ file"),
    (lambda t: ["rebuild", str(t / "missing" / "manifest.jsonl"), "--out", str(t / "new")], "no such manifest"),
    (lambda t: ["rebuild", "--from-warc", str(t / "missing"), "--out", str(t / "new")], "harvester rebuild:"),
    (lambda t: ["verify", str(t / "missing")], "harvester verify: no manifest.jsonl in"),
    (lambda t: ["replica", "--port", "99999"], "a port from 0 to 65535, not '99999'"),
    (lambda t: ["no-such-verb"], "invalid choice: 'no-such-verb'"),
]


@pytest.mark.parametrize(("argv", "says"), CASES, ids=[says[:50] for _, says in CASES])
def test_bad_input_is_refused_in_one_line(argv, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environment = dict(os.environ)
    code, err = run(capsys, *argv(tmp_path))
    assert dict(os.environ) == environment  # nothing started, nothing left behind
    assert code == exitcodes.REFUSED, err
    assert len(err.splitlines()) == 1 and says in err, err
    assert "Traceback" not in err
