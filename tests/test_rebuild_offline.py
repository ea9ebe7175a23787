"""A corpus made again from captures alone: which records are article pages, a revisit read with its
original's body, the numbers conversion records name, stored text against today's extraction,
pages of hosts no profile names, damaged captures; the process pool keeps the order.

The captures are written here, record by record, from the fault site's pages (its real CMS markup);
the expected texts are the site's article data: title, blank line, paragraphs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from harvester.capture.records import Original, RecordFactory
from harvester.capture.reader import warc_files
from harvester.capture.writer import WarcFileWriter, WarcInfo
from harvester.corpus.ids import document_id, file_name
from harvester.corpus.manifest import MANIFEST, Entry, read_manifest
from harvester.corpus.merge import merge
from harvester.corpus.store import Corpus
from harvester.capture.records import WarcRef
from harvester.rebuild.captures import article_pages, scan
from harvester.rebuild.extract import Job, read_pages
from harvester.rebuild.offline import rebuild_from_warcs
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for
from harvester.replica.sites.faults import FaultSite, load
from tests.corpora import check_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "ecounion"
SITE = FaultSite()
ARTICLES = load()[1]


def view(idx: int, host: str = "news.faults.test") -> str:
    return f"https://{host}/news/view.php?idx={idx}"


def expected(idx: int) -> bytes:
    article = ARTICLES[idx]
    return (article.title + "\n\n" + "\n\n".join(article.paragraphs)).encode()


def page_body(idx: int) -> bytes:
    return SITE(ReplicaRequest("GET", "https", "news.faults.test", f"/news/view.php?idx={idx}")).body


def head(body: bytes, status: str = "200 OK", content_type: str = "text/html; charset=UTF-8") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()


class Captures:
    """Writes WARC records the way the crawl's capture does, one file per `Captures`."""

    def __init__(self, folder: Path, prefix: str = "harvester") -> None:
        self.factory = RecordFactory()
        self.writer = WarcFileWriter(folder, prefix, WarcInfo("test", "", "obey", "crawl"), self.factory)
        self.second = 0

    def date(self) -> str:
        self.second += 1
        return f"2026-11-25T10:00:{self.second:02d}.000000Z"

    def response(self, url: str, body: bytes, date: str | None = None, **head_args: str) -> tuple[WarcRef, str]:
        date = date or self.date()
        record = self.factory.response(url, date, "127.0.0.1", head(body, **head_args), body)
        (ref,) = self.writer.write(record)
        return ref, date

    def revisit(self, url: str, body: bytes, original: tuple[str, str, str]) -> WarcRef:
        record = self.factory.revisit(url, self.date(), "127.0.0.1", head(body), self.factory.digest(body), Original(*original))
        (ref,) = self.writer.write(record)
        return ref

    def conversion(self, url: str, text: bytes, refers_to: str, **fields: str) -> None:
        extra = [(f"Harvester-{name.replace('_', '-').title().replace('Uri', 'URI')}", value) for name, value in fields.items()]
        self.writer.write(self.factory.conversion(url, self.date(), text, refers_to, extra))

    def close(self) -> None:
        self.writer.close()


def rows(folder: Path) -> list[dict]:
    return check_corpus(folder)


def test_article_pages_are_found_and_other_records_are_not(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    captures.response("https://news.faults.test/robots.txt", b"User-agent: *\n", content_type="text/plain")
    captures.response("https://news.faults.test/news/list.php?mcode=m247tk9", b"<html>list</html>")
    captures.response(view(1001), page_body(1001))
    captures.response(view(1002), b"<html>Not Found</html>", status="404 Not Found")
    captures.response("https://news.faults.test/data/design/logo.png", b"\x89PNG", content_type="image/png")
    captures.close()
    pages = article_pages(scan(warc_files([tmp_path / "warc"])))
    assert [(page.final_url, page.site, page.kind, page.canonical_url) for page in pages] == [(view(1001), "faults", "news", view(1001))]


def test_documents_are_made_in_capture_order_with_the_crawls_fields(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    refs = {idx: captures.response(view(idx), page_body(idx)) for idx in (1003, 1001, 1002)}
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    manifest = rows(tmp_path / "corpus")
    assert [(row["seq"], row["canonical_url"]) for row in manifest] == [(0, view(1003)), (1, view(1001)), (2, view(1002))]
    for row in manifest:
        idx = int(row["url"].rsplit("=", 1)[1])
        ref, date = refs[idx]
        assert (tmp_path / "corpus" / row["file"]).read_bytes() == expected(idx)
        assert row["id"] == document_id(view(idx))
        assert row["warc"] == ref.__dict__
        assert row["fetched_at"] == date[:19] + "Z"
        assert (row["site"], row["kind"], row["title"], row["authors"], row["language"], row["charset"]) == (
            "faults", "news", ARTICLES[idx].title, [ARTICLES[idx].reporter], "ko", "utf-8"
        )
        assert row["published"] == ARTICLES[idx].date.replace(" ", "T") + "+09:00"
    assert (result.pages, result.documents, result.versions, result.unchanged) == (3, 3, 0, 0)


def test_a_revisit_is_read_with_its_originals_body(tmp_path: Path) -> None:
    """A page fetched again unchanged is a revisit: the same document, nothing new. A page whose
    first capture is a revisit of another URL's identical payload is a document of its own."""
    captures = Captures(tmp_path / "warc")
    body = page_body(1001)
    first, date = captures.response(view(1001), body)
    captures.revisit(view(1001), body, (view(1001), date, first.record_id))
    mobile = captures.revisit(view(1001, host="m.faults.test"), body, (view(1001), date, first.record_id))
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    manifest = rows(tmp_path / "corpus")
    assert [row["canonical_url"] for row in manifest] == [view(1001), view(1001, host="m.faults.test")]
    assert manifest[1]["warc"] == mobile.__dict__
    assert (tmp_path / "corpus" / manifest[1]["file"]).read_bytes() == expected(1001)
    assert (result.documents, result.unchanged) == (2, 1)


def test_a_revisit_without_its_original_fails_and_is_reported(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    captures.revisit(view(1001), page_body(1001), (view(1001), "2026-01-01T00:00:00Z", "<urn:uuid:elsewhere>"))
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    assert result.documents == 0 and result.no_document == {"unreadable": 1}
    (failure,) = result.failed
    assert failure["url"] == view(1001) and "original record is not in the captures" in failure["error"]


def test_conversion_records_give_numbers_versions_and_the_requested_url(tmp_path: Path) -> None:
    """Numbers named by conversion records are kept; a page without one takes the next number after
    them; a changed text of a known document is its next version."""
    captures = Captures(tmp_path / "warc")
    redirected, _ = captures.response(view(1002), page_body(1002))
    captures.conversion(view(1002), expected(1002), redirected.record_id, seq="7", version="1", site="faults", kind="news",
                        canonical_uri=view(1002), requested_uri="http://news.faults.test/news/view.php?idx=1002&mcode=m247tk9")
    plain, _ = captures.response(view(1001), page_body(1001))
    captures.conversion(view(1001), expected(1001), plain.record_id, seq="3", version="1", site="faults", kind="news", canonical_uri=view(1001))
    captures.response(view(1003), page_body(1003))  # no conversion record: a number after 7
    changed = page_body(1001).replace("2등급".encode(), "1등급".encode())
    again, _ = captures.response(view(1001), changed)
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    manifest = {row["canonical_url"]: row for row in rows(tmp_path / "corpus")}
    assert {url: row["seq"] for url, row in manifest.items()} == {view(1002): 7, view(1001): 3, view(1003): 8}
    assert manifest[view(1002)]["url"] == "http://news.faults.test/news/view.php?idx=1002&mcode=m247tk9"
    assert (manifest[view(1001)]["version"], manifest[view(1001)]["warc"]) == (2, again.__dict__)
    assert (tmp_path / "corpus/003_" f"{document_id(view(1001))}.v1.txt").read_bytes() == expected(1001)
    assert (result.documents, result.versions) == (3, 1)


def test_a_number_two_documents_claim_goes_to_the_first(tmp_path: Path) -> None:
    """WARCs of two corpora, each with a document number 0: the second gets the next free number."""
    for name, idx in (("a", 1001), ("b", 1002)):
        captures = Captures(tmp_path / "warc", prefix=name)
        ref, _ = captures.response(view(idx), page_body(idx))
        captures.conversion(view(idx), expected(idx), ref.record_id, seq="0", site="faults", kind="news", canonical_uri=view(idx))
        captures.close()
    rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    assert [(row["seq"], row["canonical_url"]) for row in rows(tmp_path / "corpus")] == [(0, view(1001)), (1, view(1002))]


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """A capture whose conversion record holds the text an older extractor made of it: with the
    site's navigation line it left in."""
    captures = Captures(tmp_path / "warc")
    ref, _ = captures.response(view(1001), page_body(1001))
    older = expected(1001).replace(b"\n\n", "\n\nHOME > 환경\n\n".encode(), 1)
    captures.conversion(view(1001), older, ref.record_id, seq="0", site="faults", kind="news", canonical_uri=view(1001),
                        published="2025-01-08T22:27:09+09:00", language="ko", authors=json.dumps(["김하늘"]))
    captures.close()
    return tmp_path


def test_todays_text_is_compared_with_the_stored_one(stale: Path) -> None:
    result = rebuild_from_warcs(warc_files([stale / "warc"]), stale / "corpus")
    (row,) = rows(stale / "corpus")
    assert (stale / "corpus" / row["file"]).read_bytes() == expected(1001)
    ((seq, doc_id, url, diff),) = result.text_changed
    # The line and the blank line after it.
    assert (seq, doc_id, url, diff.summary) == (0, document_id(view(1001)), view(1001), "+0 -2 lines")
    assert "-HOME > 환경" in diff.diff


def test_the_stored_text_is_taken_as_it_is_when_asked(stale: Path) -> None:
    result = rebuild_from_warcs(warc_files([stale / "warc"]), stale / "corpus", use_stored=True)
    (row,) = rows(stale / "corpus")
    assert (stale / "corpus" / row["file"]).read_bytes().split(b"\n\n")[1] == "HOME > 환경".encode()
    assert (row["title"], row["published"], row["authors"], row["language"], row["charset"]) == (
        ARTICLES[1001].title, "2025-01-08T22:27:09+09:00", ["김하늘"], "ko", "utf-8"
    )
    assert result.text_changed == []


def test_a_page_of_an_unknown_host_is_a_document_if_it_shows_a_known_cms(tmp_path: Path) -> None:
    """An ecounion.co.kr page (다다미디어 CMS) under a host no profile names, as `harvester archive`
    captures it: read with the CMS family's rules; a plain page of that host is no article."""
    url = "https://www.news21tongsin.co.kr/news/view.php?idx=254012"
    ecounion = site_for("ecounion")(ReplicaRequest("GET", "https", "www.ecounion.co.kr", "/news/view.php?idx=8847")).body
    captures = Captures(tmp_path / "warc")
    captures.response(url, ecounion)
    captures.response("https://www.news21tongsin.co.kr/about.html", b"<html><body><p>About us</p></body></html>")
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    (row,) = rows(tmp_path / "corpus")
    assert (row["canonical_url"], row["site"], row["kind"]) == (url, None, None)
    assert (tmp_path / "corpus" / row["file"]).read_bytes() == (FIXTURES / "ecounion_8847_2018_07_02.txt").read_bytes()
    assert (result.pages, result.no_document) == (1, {})


ECOUNION = "https://www.ecounion.co.kr/news/view.php?idx=8847"


def test_an_old_capture_is_read_with_the_rules_of_its_day(tmp_path: Path) -> None:
    """The same article captured in 2018, on the paper's older template, and today: each capture is
    read with the rules the profile has for its WARC-Date, and the two texts are two versions of
    one document; nothing fell back."""
    old = (FIXTURES / "ecounion_8847_2018_07_02_old_template.html").read_bytes()
    new = site_for("ecounion")(ReplicaRequest("GET", "https", "www.ecounion.co.kr", "/news/view.php?idx=8847")).body
    captures = Captures(tmp_path / "warc")
    captures.response(ECOUNION, old, date="2018-07-02T12:00:00.000000Z")
    captures.response(ECOUNION, new)
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    (row,) = rows(tmp_path / "corpus")
    (kept,) = [json.loads(line) for line in (tmp_path / "corpus/versions.jsonl").read_text("utf-8").splitlines()]
    assert (tmp_path / "corpus" / kept["file"]).read_bytes() == (FIXTURES / "ecounion_8847_2018_07_02_old_template.txt").read_bytes()
    assert (tmp_path / "corpus" / row["file"]).read_bytes() == (FIXTURES / "ecounion_8847_2018_07_02.txt").read_bytes()
    assert (kept["fetched_at"], kept["published"], row["version"]) == ("2018-07-02T12:00:00Z", "2018-07-02T11:40:05+09:00", 2)
    assert "fallback" not in kept and "fallback" not in row
    drift = result.report()["drift"]
    assert (drift["ecounion"]["articles"], drift["ecounion"]["flagged"], drift["ecounion"]["out_of_date"]) == (2, 0, False)


def test_a_rebuild_reports_drift_as_a_crawl_does(tmp_path: Path) -> None:
    """Captures of a template the profile does not know (the fault site's body renamed on most
    pages): the rebuild's report counts them per site, with examples, and says the profile looks
    out of date."""
    captures = Captures(tmp_path / "warc")
    for idx in (1001, 1002, 1003, 1004, 1005):
        body = page_body(idx)
        captures.response(view(idx), body.replace(b'<div id="viewContent">', b'<div id="articleView">') if idx != 1005 else body)
    captures.close()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus", drift_threshold=0.5)
    drift = result.report()["drift"]["faults"]
    assert (drift["articles"], drift["flagged"], drift["fallback"]["body"], drift["out_of_date"]) == (5, 4, 4, True)
    assert drift["examples"] == {"body": [view(idx) for idx in (1001, 1002, 1003, 1004)]}
    assert result.out_of_date() == ["faults"]
    assert rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "again", drift_threshold=0.8).out_of_date() == []


def test_a_damaged_warc_file_gives_what_precedes_the_damage(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    captures.response(view(1001), page_body(1001))
    end, _ = captures.response(view(1002), page_body(1002))
    captures.close()
    (path,) = warc_files([tmp_path / "warc"])
    with open(path, "r+b") as handle:
        handle.seek(end.offset + 20)
        handle.write(b"\x00" * 40)
    result = rebuild_from_warcs([path], tmp_path / "corpus")
    assert [row["canonical_url"] for row in rows(tmp_path / "corpus")] == [view(1001)]
    (problem,) = result.problems
    assert path.name in problem


def test_truncated_and_empty_warc_files_are_reported_and_the_rest_is_kept(tmp_path: Path) -> None:
    first = Captures(tmp_path / "warc", prefix="a")
    first.response(view(1001), page_body(1001))
    cut, _ = first.response(view(1002), page_body(1002))
    first.close()
    second = Captures(tmp_path / "warc", prefix="b")
    second.response(view(1003), page_body(1003))
    second.close()
    empty = tmp_path / "warc" / "c.warc.gz"
    empty.write_bytes(b"")
    truncated = tmp_path / "warc" / cut.file
    truncated.write_bytes(truncated.read_bytes()[: cut.offset + cut.length // 2])
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus")
    assert result.problems == [f"{truncated}: truncated: the record at offset {cut.offset} is cut short", f"{empty}: empty file"]
    found = rows(tmp_path / "corpus")
    assert [row["canonical_url"] for row in found] == [view(1001), view(1003)]
    assert [(tmp_path / "corpus" / row["file"]).read_bytes() for row in found] == [expected(1001), expected(1003)]


def test_a_page_past_the_time_limit_fails_alone_and_the_others_keep_their_order(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    ids = [1001, 1002, 1003, 1004, 1005, 1006] * 2
    refs = [captures.response(view(idx), page_body(idx))[0] for idx in ids]
    captures.close()
    # Reading a named pipe nobody writes to never returns: a page that holds its worker forever.
    never = tmp_path / "never.warc.gz"
    os.mkfifo(never)
    jobs = [Job(tmp_path / "warc" / ref.file, ref.offset, None, "faults", False, None, False) for ref in refs]
    # In the first batch of pages handed to a worker, with pages before and after it.
    jobs.insert(3, Job(never, 0, None, "faults", False, None, False))
    results = list(read_pages(jobs, workers=2, timeout=1))
    texts = [expected(idx) for idx in ids]
    assert [result.text for result in results] == texts[:3] + [None] + texts[3:]
    assert (results[3].skipped, results[3].error) == ("timeout", "extraction took more than 1 s")
    assert all(result.skipped is None for result in results[:3] + results[4:])


def test_the_pool_returns_what_one_process_does_in_the_same_order(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    ids = [1001, 1002, 1003, 1004, 1005, 1006] * 5
    refs = [captures.response(view(idx), page_body(idx))[0] for idx in ids]
    captures.close()
    jobs = [Job(tmp_path / "warc" / ref.file, ref.offset, None, "faults", False, None, False) for ref in refs]
    alone = list(read_pages(jobs, workers=0))
    pooled = list(read_pages(jobs, workers=2))
    assert pooled == alone
    assert [result.text for result in pooled] == [expected(idx) for idx in ids]
    # The body comes back once, as the text; the document has the fields.
    assert all(result.document.body == () and result.document.title for result in pooled)


def test_the_rebuilds_cpu_time_counts_its_workers(tmp_path: Path) -> None:
    captures = Captures(tmp_path / "warc")
    for idx in [1001, 1002, 1003, 1004, 1005, 1006] * 8:
        captures.response(view(idx), page_body(idx))
    captures.close()
    before = time.process_time()
    result = rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "corpus", workers=1)
    own = time.process_time() - before
    # The worker extracted every page: its CPU is in the figure, beside this process's own.
    assert result.cpu_seconds > own + 0.01
    assert result.report()["cpu_seconds"] == round(result.cpu_seconds, 3)


def test_a_number_clash_takes_the_next_after_the_highest_in_a_rebuild_as_in_a_merge(tmp_path: Path) -> None:
    """One rule (Corpus.store): documents numbered 0 and 5; a third that brings 0 gets 6, not 1."""
    captures = Captures(tmp_path / "warc")
    for idx, seq in ((1001, "0"), (1002, "5")):
        ref, _ = captures.response(view(idx), page_body(idx))
        captures.conversion(view(idx), expected(idx), ref.record_id, seq=seq, site="faults", kind="news", canonical_uri=view(idx))
    captures.close()
    later = Captures(tmp_path / "warc", prefix="later")
    ref, _ = later.response(view(1003), page_body(1003))
    later.conversion(view(1003), expected(1003), ref.record_id, seq="0", site="faults", kind="news", canonical_uri=view(1003))
    later.close()
    rebuild_from_warcs(warc_files([tmp_path / "warc"]), tmp_path / "rebuilt")
    rebuilt = [(row["seq"], row["canonical_url"]) for row in rows(tmp_path / "rebuilt")]
    assert rebuilt == [(0, view(1001)), (5, view(1002)), (6, view(1003))]

    # The same documents merged: a corpus holding 0 and 5, another corpus whose document has 0.
    for name, keep in (("first", {0, 5}), ("second", {6})):
        corpus = Corpus(tmp_path / name)
        for line in read_manifest(tmp_path / "rebuilt" / MANIFEST):
            if line.seq in keep:
                corpus.put(Entry(**{**vars(line), "seq": line.seq % 6, "file": file_name(line.seq % 6, line.id)}),
                           (tmp_path / "rebuilt" / line.file).read_bytes())
        corpus.close()
    merge(tmp_path / "first", [tmp_path / "second"])
    assert [(row["seq"], row["canonical_url"]) for row in rows(tmp_path / "first")] == rebuilt
