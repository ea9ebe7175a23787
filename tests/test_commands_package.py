"""`harvester package` of a crawl of the replica: `wacz validate` accepts the WACZ, its pages hold
the documents' texts, datapackage.json names the extractor; `--check` finds nothing wrong, and
names the page whose record was damaged in the package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import trafilatura

from tests.conftest import crawl, run_harvester


@pytest.fixture(scope="module")
def packaged(replica: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("package") / "out"
    crawl(out, "mofa_en", proxy=replica)
    wacz = out.parent / "mofa_en.wacz"
    result = run_harvester("package", str(out), "-o", str(wacz), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = len((out / "corpus/manifest.jsonl").read_text("utf-8").splitlines())
    assert f"{rows} pages checked, 0 problems" in result.stdout and not result.stderr
    return out, wacz


def test_wacz_validate_accepts_the_package(packaged: tuple[Path, Path]) -> None:
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(packaged[1])], capture_output=True, text=True)
    assert check.returncode == 0 and "passed WACZ is valid" in check.stdout, check.stdout + check.stderr


def test_pages_hold_the_documents_texts_and_the_package_names_its_extractor(packaged: tuple[Path, Path]) -> None:
    out, wacz = packaged
    with zipfile.ZipFile(wacz) as package:
        lines = [json.loads(line) for line in package.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        datapackage = json.loads(package.read("datapackage.json"))
    assert lines[0] == {"format": "json-pages-1.0", "id": "pages", "title": "Documents", "hasText": True}
    manifest = [json.loads(line) for line in (out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()]
    expected = {row["final_url"]: (out / "corpus" / row["file"]).read_text("utf-8") for row in manifest}
    assert {page["url"]: page["text"] for page in lines[1:]} == expected
    assert datapackage["extras"]["extractor"] == "harvester+trafilatura"
    assert datapackage["extras"]["extractorVersion"] == trafilatura.__version__
    assert datapackage["extras"]["documents"] == len(manifest)


def test_check_names_the_page_whose_record_was_damaged(packaged: tuple[Path, Path], tmp_path: Path) -> None:
    out, wacz = packaged
    row = json.loads((out / "corpus/manifest.jsonl").read_text("utf-8").splitlines()[3])
    # The page's record as the crawl wrote it, found in the package by its bytes.
    with open(out / "warc" / row["warc"]["file"], "rb") as warc:
        warc.seek(row["warc"]["offset"])
        record = warc.read(row["warc"]["length"])
    damaged = tmp_path / "damaged.wacz"
    shutil.copy(wacz, damaged)
    data = damaged.read_bytes()
    assert data.count(record) == 1
    middle = data.index(record) + len(record) // 2
    damaged.write_bytes(data[:middle] + bytes(40) + data[middle + 40 :])
    result = run_harvester("package", "--check", str(damaged))
    assert result.returncode == 1
    assert "1 problem\n" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"harvester package: would not replay: {row['final_url']} ({row['fetched_at']}): ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "no-such.wacz"], "--check wants a WACZ file, not no-such.wacz"),
        ([], "-o FILE.wacz is required"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], message: str) -> None:
    result = run_harvester("package", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
