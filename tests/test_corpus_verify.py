"""`harvester verify`: a crawled corpus passes, with its WARC references; each defect of a corrupted
copy is named, alone — missing file, extra file, edited file, duplicate seq, dangling WARC reference —
with exit status 1."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harvester.corpus.ids import document_id
from harvester.capture.records import WarcRef
from harvester.corpus.store import Corpus
from harvester.corpus.verify import verify
from tests.conftest import crawl, run_harvester
from tests.corpora import lines
from tests.warcs import records


@pytest.fixture(scope="module")
def crawled(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify")
    crawl(out, "mofa_en", proxy=replica)
    return out


@pytest.fixture
def copy(crawled: Path, tmp_path: Path) -> Path:
    shutil.copytree(crawled, tmp_path / "out")
    return tmp_path / "out"


def run_verify(out: Path, warc: bool = True) -> tuple[int, list[str]]:
    """Exit status and the problem lines `harvester verify` prints."""
    result = run_harvester("verify", str(out / "corpus"), *(["--warc", str(out / "warc")] if warc else []))
    assert not result.stderr, result.stderr
    return result.returncode, [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]


def rewrite_manifest(out: Path, change: Callable[[list[dict]], None]) -> list[dict]:
    rows = lines(out / "corpus/manifest.jsonl")
    change(rows)
    (out / "corpus/manifest.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return rows


def test_a_crawled_corpus_passes(crawled: Path) -> None:
    result = run_harvester("verify", str(crawled / "corpus"), "--warc", str(crawled / "warc"))
    documents = len(lines(crawled / "corpus/manifest.jsonl"))
    assert result.returncode == 0, result.stdout
    assert result.stdout == f"{crawled / 'corpus'}: {documents} documents, 0 kept versions, {documents} WARC references\nok\n"


def test_an_output_folder_is_taken_for_its_corpus(crawled: Path) -> None:
    result = run_harvester("verify", str(crawled))
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), result.stdout


def test_a_missing_file_is_named(copy: Path) -> None:
    row = lines(copy / "corpus/manifest.jsonl")[3]
    (copy / "corpus" / row["file"]).unlink()
    assert run_verify(copy) == (1, [f"missing file: {row['file']} (listed at manifest.jsonl:4)"])


def test_an_extra_file_is_named(copy: Path) -> None:
    (copy / "corpus/999_0123456789abcdef.txt").write_text("A stray document", "utf-8")
    assert run_verify(copy) == (1, ["extra file: 999_0123456789abcdef.txt (in no manifest line)"])


def test_an_edited_file_is_named(copy: Path) -> None:
    row = lines(copy / "corpus/manifest.jsonl")[2]
    path = copy / "corpus" / row["file"]
    path.write_bytes(path.read_bytes().replace(b"the", b"teh", 1))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = f"edited file: {row['file']} (its sha256 is {sha[:16]}…, manifest.jsonl:3 says {row['sha256'][:16]}…)"
    assert run_verify(copy) == (1, [expected])


def test_a_duplicate_seq_is_named(copy: Path) -> None:
    """Document 5 renumbered 4, its file renamed to match: only the numbering is wrong."""
    rows = lines(copy / "corpus/manifest.jsonl")
    fourth, fifth = rows[4], rows[5]
    renamed = f"{fourth['seq']:03d}_{fifth['id']}.txt"
    (copy / "corpus" / fifth["file"]).rename(copy / "corpus" / renamed)

    def renumber(rows: list[dict]) -> None:
        rows[5].update(seq=fourth["seq"], file=renamed)

    rewrite_manifest(copy, renumber)
    assert run_verify(copy) == (1, [f"duplicate seq: {fourth['seq']} ({fourth['file']}, {renamed})"])


@pytest.mark.parametrize("defect", ["record id", "offset", "file"])
def test_a_dangling_warc_reference_is_named(copy: Path, defect: str) -> None:
    row = lines(copy / "corpus/manifest.jsonl")[1]
    ref = row["warc"]
    request = next(r for r in records(copy / "warc") if r.type == "request" and r.url == row["final_url"])
    wrong = {
        "record id": {**ref, "record_id": "<urn:uuid:00000000-0000-0000-0000-000000000000>"},
        "offset": {**ref, "offset": request.offset},  # the request record beside it
        "file": {**ref, "file": "harvester-20200101000000000-00001-gone.warc.gz"},
    }[defect]

    def point_elsewhere(rows: list[dict]) -> None:
        rows[1]["warc"] = wrong

    rewrite_manifest(copy, point_elsewhere)
    status, problems = run_verify(copy)
    place = f"{wrong['file']}@{wrong['offset']}"
    detail = {
        "record id": f"{place} holds record {ref['record_id']}, not {wrong['record_id']}",
        "offset": f"{place} holds record {request.headers['WARC-Record-ID']}, not {ref['record_id']}",
        "file": f"{place}: no such WARC file among the captures given",
    }[defect]
    assert (status, problems) == (1, [f"dangling WARC reference: manifest.jsonl:2 {row['file']} ({detail})"])
    # Without the captures, references are not checked.
    assert run_verify(copy, warc=False) == (0, [])


def test_a_reference_to_a_record_of_another_url_is_named(copy: Path) -> None:
    first, second = lines(copy / "corpus/manifest.jsonl")[:2]

    def swap(rows: list[dict]) -> None:
        rows[0]["warc"] = second["warc"]

    rewrite_manifest(copy, swap)
    _, problems = run_verify(copy)
    place = f"{second['warc']['file']}@{second['warc']['offset']}"
    assert problems == [
        f"dangling WARC reference: manifest.jsonl:1 {first['file']} ({place} is a record of {second['final_url']}, not of {first['final_url']})"
    ]


def test_no_manifest_is_refused(tmp_path: Path) -> None:
    result = run_harvester("verify", str(tmp_path))
    assert result.returncode == 2 and "no manifest.jsonl" in result.stderr


# -- versions, ids, numbering (in-process)
def text(title: str) -> bytes:
    return f"{title}\n\nThe body.".encode()


def fields(url: str) -> dict:
    return {
        "url": url, "final_url": url, "canonical_url": url, "site": "mofa_en", "kind": "ministry", "title": "T",
        "published": "2024-01-16", "modified": None, "authors": [], "language": "en",
        "fetched_at": "2026-11-25T10:00:00Z", "warc": None,
    }


@pytest.fixture
def versioned(tmp_path: Path) -> Path:
    """Two documents, the first in its second version."""
    urls = ["https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1", "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=2"]
    corpus = Corpus(tmp_path)
    for url in urls:
        corpus.add(document_id(url), text(url), fields(url))
    corpus.revise(document_id(urls[0]), text("revised"), fields(urls[0]))
    corpus.close()
    return tmp_path


def kinds(folder: Path) -> list[tuple[str, str]]:
    return [(problem.kind, problem.subject) for problem in verify(folder).problems]


def test_a_corpus_with_versions_passes(versioned: Path) -> None:
    result = verify(versioned)
    assert (result.documents, result.versions, result.problems) == (2, 1, [])


def test_an_edited_version_is_named(versioned: Path) -> None:
    (kept,) = versioned.glob("*.v1.txt")
    kept.write_bytes(b"rewritten history")
    assert kinds(versioned) == [("edited file", kept.name)]


def test_a_version_of_no_document_is_named(versioned: Path) -> None:
    rows = lines(versioned / "manifest.jsonl")
    (versioned / "manifest.jsonl").write_text(json.dumps(rows[1]) + "\n", "utf-8")
    (versioned / rows[0]["file"]).unlink()
    assert kinds(versioned) == [("version of no document", "versions.jsonl:1")]


def test_an_id_not_of_its_canonical_url_is_named(versioned: Path) -> None:
    rows = lines(versioned / "manifest.jsonl")
    rows[1]["canonical_url"] += "&x=1"
    (versioned / "manifest.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    assert kinds(versioned) == [("id not of its canonical URL", "manifest.jsonl:2")]


def test_a_null_warc_reference_is_not_a_defect(versioned: Path, tmp_path: Path) -> None:
    """Documents of a crawl without capture have no reference to check."""
    (tmp_path / "warc").mkdir()
    result = verify(versioned, [tmp_path / "warc"])
    assert (result.warc_refs, result.problems) == (0, [])


def test_lines_a_rebuild_kept_are_counted(versioned: Path) -> None:
    rows = lines(versioned / "manifest.jsonl")
    rows[1]["rebuild"] = "gone"
    rows[1]["warc"] = WarcRef("old.warc.gz", 0, 1, "<urn:uuid:1>").__dict__
    (versioned / "manifest.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    result = verify(versioned)
    assert (result.kept, result.problems) == (1, [])
