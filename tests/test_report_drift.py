"""The drift alarm: signs that a site's profile no longer fits its pages are counted per site with a
few examples, and a share of them over REPORT_DRIFT_THRESHOLD makes the profile look out of date
(the report's `drift`, one warning, the exit code)."""

from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from harvester import exitcodes
from harvester.extraction.render import Document
from harvester.items import ArticlePage
from harvester.report.drift import EXAMPLES, Drift, DriftAlarm
from harvester.report.summary import exit_code, site_section
from tests.conftest import crawl, running_replica
from tests.site_documents import read_manifest

CAPTURED = "2026-05-01T03:00:00Z"


def document(fallback: tuple[str, ...] = (), checks: tuple[str, ...] = (), published: str | None = "2026-04-30",
             profile: str | None = "ecounion") -> Document:
    return Document("제목", ("본문.",), published=published, profile=profile, fallback=fallback, checks=checks)


def page(n: int, doc: Document | None = None, skipped: str | None = None, site: str | None = "ecounion") -> ArticlePage:
    url = f"https://www.ecounion.co.kr/news/view.php?idx={n}"
    return ArticlePage(url, url, url, site, "news", b"", "utf-8", CAPTURED, document=doc, skipped=skipped)


def test_signs_are_counted_per_kind_with_a_few_examples() -> None:
    drift = Drift()
    for n in range(8):
        drift.add_document(f"u{n}", document(fallback=("body",)), CAPTURED)
    drift.add_document("u8", document(checks=("short_body",)), CAPTURED)
    drift.add_document("u9", document(published="2026-05-02T15:00:00+09:00"), CAPTURED)  # after the capture
    drift.add_document("u10", document(), CAPTURED)
    drift.add_document("u11", document(profile=None, fallback=("title",)), CAPTURED)  # generic: no profile to judge
    drift.add_no_document("u12", "no_article_title_or_body")
    drift.add_no_document("u13", "bot_wall")  # the site's wall, not its markup
    section = drift.section(threshold=0.2)
    assert (section["articles"], section["flagged"], section["share"]) == (12, 11, 0.917)
    assert section["fallback"] == {"title": 0, "body": 8, "published": 0, "authors": 0}
    assert section["checks"] == {"title_is_site_name": 0, "short_body": 1, "date_after_capture": 1,
                                 "date_before_1990": 0, "no_article": 1}
    assert section["examples"] == {"body": [f"u{n}" for n in range(EXAMPLES)], "short_body": ["u8"],
                                   "date_after_capture": ["u9"], "no_article": ["u12"]}
    assert section["out_of_date"]


@pytest.mark.parametrize(
    ("flagged", "articles", "threshold", "out_of_date"),
    [(2, 10, 0.2, False), (3, 10, 0.2, True), (1, 1, 0.2, False), (2, 2, 0.2, True), (5, 10, 0.5, False), (0, 0, 0.0, False)],
)
def test_out_of_date_past_the_threshold_and_one_page_is_no_trend(flagged: int, articles: int, threshold: float, out_of_date: bool) -> None:
    drift = Drift()
    for n in range(articles):
        drift.add(f"u{n}", fallback=("body",) if n < flagged else ())
    assert drift.section(threshold)["out_of_date"] is out_of_date


def alarm(threshold: float | str = 0.2) -> DriftAlarm:
    crawler = get_crawler(Spider, {"REPORT_ENABLED": True, "REPORT_DRIFT_THRESHOLD": threshold})
    crawler.spider = Spider("ecounion")
    return DriftAlarm.from_crawler(crawler)


def test_the_crawls_articles_make_the_report_and_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    extension = alarm()
    send = extension.crawler.signals.send_catch_log
    for n in range(6):
        send(signals.item_scraped, item=page(n, document(fallback=("body",))), response=None, spider=extension.crawler.spider)
    for n in range(6, 8):
        send(signals.item_scraped, item=page(n, document()), response=None, spider=extension.crawler.spider)
    send(signals.item_dropped, item=page(8, skipped="no_article_title_or_body"), response=None, exception=None,
         spider=extension.crawler.spider)
    # A page of an archive crawl (no site) says nothing of a profile.
    send(signals.item_dropped, item=page(9, skipped="no_article_title_or_body", site=None), response=None, exception=None,
         spider=extension.crawler.spider)
    with caplog.at_level(logging.WARNING, logger="harvester.report.drift"):
        extension.spider_closed(extension.crawler.spider)
    section = site_section({**extension.crawler.stats.get_stats(), "finish_reason": "finished"})
    assert (section["drift"]["articles"], section["drift"]["flagged"], section["drift"]["fallback"]["body"]) == (9, 7, 6)
    assert section["drift"]["checks"]["no_article"] == 1 and section["drift"]["out_of_date"]
    assert exit_code(section) == exitcodes.DRIFT
    [warning] = [record.getMessage() for record in caplog.records]
    assert warning.startswith("ecounion: the profile looks out of date: 7 of 9 articles (78%, more than 20%)")
    assert "e.g. body: https://www.ecounion.co.kr/news/view.php?idx=0 " in warning


def test_a_site_that_fits_its_profile_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    extension = alarm()
    send = extension.crawler.signals.send_catch_log
    for n in range(5):
        send(signals.item_scraped, item=page(n, document(checks=("short_body",) if n == 0 else ())), response=None,
             spider=extension.crawler.spider)
    with caplog.at_level(logging.WARNING, logger="harvester.report.drift"):
        extension.spider_closed(extension.crawler.spider)
    section = site_section({**extension.crawler.stats.get_stats(), "finish_reason": "finished"})
    assert (section["drift"]["flagged"], section["drift"]["out_of_date"]) == (1, False)
    assert exit_code(section) == exitcodes.OK and not caplog.records


def test_settings() -> None:
    with pytest.raises(NotConfigured):
        DriftAlarm.from_crawler(get_crawler(Spider, {"REPORT_ENABLED": False}))
    for wrong in (20, "a fifth"):
        with pytest.raises(ValueError, match=f"REPORT_DRIFT_THRESHOLD is a share of a site's articles, 0 to 1, not {wrong!r}"):
            alarm(threshold=wrong)


# -- a crawl of a site whose template changed
ECOUNION = "https://www.ecounion.co.kr/news/view.php?idx={}"
RENAMED = (8831, 8836, 8842, 8847, 8853, 8858)  # of the paper's 8 articles
BODY, NEW_BODY = '<div id="viewContent" class="article-body">', '<div id="articleView" class="article-body">'


def rename_body(proxy: str, url: str) -> None:
    """The replica's admin hook serves the page with its body container renamed."""
    order = {"url": url, "action": "change", "old": BODY, "new": NEW_BODY}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"https": proxy, "http": proxy}))
    request = urllib.request.Request("http://www.ecounion.co.kr/__replica__/page", json.dumps(order).encode(), method="POST")
    with opener.open(request, timeout=30) as answer:
        assert answer.status == 200


def test_a_crawl_of_a_site_whose_template_changed_warns_and_exits_with_the_drift_code(tmp_path: Path) -> None:
    with running_replica() as proxy:
        for idx in RENAMED:
            rename_body(proxy, ECOUNION.format(idx))
        result = crawl(tmp_path, "ecounion", proxy=proxy, expect=exitcodes.DRIFT)
    drift = json.loads((tmp_path / "crawl-report.json").read_text("utf-8"))["sites"]["ecounion"]["drift"]
    assert (drift["articles"], drift["flagged"], drift["out_of_date"]) == (8, 6, True)
    assert drift["fallback"] == {"title": 0, "body": 6, "published": 0, "authors": 0}
    assert not any(drift["checks"].values())
    # The first pages that fell back, in the order the crawl read them.
    assert list(drift["examples"]) == ["body"] and len(set(drift["examples"]["body"])) == EXAMPLES
    assert set(drift["examples"]["body"]) <= {ECOUNION.format(idx) for idx in RENAMED}
    # One warning, with examples; the summary line says it; the manifest says which field fell back.
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line and "looks out of date" in line]
    assert len(warnings) == 1 and f"e.g. body: {drift['examples']['body'][0]} " in warnings[0]
    assert result.stdout.splitlines()[0].endswith("; the profile looks out of date: 6 of 8 articles (fallback body 6)")
    rows = {row["canonical_url"]: row for row in read_manifest(tmp_path)}
    assert {url for url, row in rows.items() if row.get("fallback") == ["body"]} == {ECOUNION.format(i) for i in RENAMED}
    # The renamed page still gives the whole article: its caption and its subtitle line.
    text = (tmp_path / "corpus" / rows[ECOUNION.format(8847)]["file"]).read_text("utf-8")
    assert "서울 시내 도로를 달리는 경유 화물차. (사진=일간환경연합 DB)" in text and "미세먼지 저감 위해 추경 예산 투입" in text
