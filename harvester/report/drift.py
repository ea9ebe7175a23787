"""The drift alarm: per site, the signs that its profile's rules no longer fit its pages, counted as
the `drift` object of the site's report, and a warning when they are too many.

The signs of an article read through a profile: fields generic extraction gave because the rules
found nothing (`fallback`: title, body, published, authors), sanity checks it fails
(extraction/sanity.py: a title that is the site's name, a body much shorter than the page's
text, a publication date after the capture or before 1990), and a page of the site that made no
document because neither the rules nor generic extraction found its article (`no_article`).
Each is counted, with the first EXAMPLES URLs, so memory stays flat. When the share of articles
that show any sign passes the threshold (and at least MIN_FLAGGED do: one odd page is no trend),
the profile looks out of date: `out_of_date` in the report, one warning in the log with examples,
and the exit code the exit-code table gives for it (summary.py).

`DriftAlarm` is the crawl's extension (settings: REPORT_ENABLED, REPORT_DRIFT_THRESHOLD): it counts
the crawl's articles as they leave the pipelines and leaves the site's `drift` object in the stats
under `report/drift`, for the crawl report. A rebuild counts with `Drift` itself.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from harvester.extraction.render import SOURCED_FIELDS, Document
from harvester.extraction.sanity import CHECKS, capture_time, date_checks
from harvester.items import ArticlePage

logger = logging.getLogger(__name__)

STATS_KEY = "report/drift"
EXAMPLES = 5
MIN_FLAGGED = 2
NO_ARTICLE = "no_article"
# Why a profiled page made no document when neither its rules nor generic extraction found the
# article (extraction reasons, as counted under `extraction/failed/<reason>`).
NO_ARTICLE_REASONS = frozenset({"no_article_title_or_body", "no_article_title", "trafilatura_found_no_article"})


@dataclass
class Drift:
    """The signs of drift counted on one site's articles."""

    articles: int = 0
    flagged: int = 0  # articles that show at least one sign
    fallback: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, url: str, fallback: tuple[str, ...] = (), checks: tuple[str, ...] = ()) -> None:
        """One article read through a profile, the fields that came from generic extraction, the
        checks it fails."""
        self.articles += 1
        self.flagged += bool(fallback or checks)
        self.fallback.update(fallback)
        self.checks.update(checks)
        for sign in (*fallback, *checks):
            shown = self.examples.setdefault(sign, [])
            if len(shown) < EXAMPLES:
                shown.append(url)

    def add_document(self, url: str, document: Document, fetched_at: str) -> None:
        """A document, if a profile read it; its dates checked against its capture's."""
        if document.profile is None:
            return
        captured = capture_time(fetched_at)
        checks = document.checks + (date_checks(document.published, captured) if captured else ())
        self.add(url, document.fallback, checks)

    def add_no_document(self, url: str, reason: str) -> None:
        """A profiled page that made no document, for `reason` (an extraction reason key)."""
        if reason in NO_ARTICLE_REASONS:
            self.add(url, checks=(NO_ARTICLE,))

    @property
    def share(self) -> float:
        return self.flagged / self.articles if self.articles else 0.0

    def out_of_date(self, threshold: float) -> bool:
        return self.flagged >= MIN_FLAGGED and self.share > threshold

    def section(self, threshold: float) -> dict[str, Any]:
        """The site's `drift` object, for its report."""
        return {
            "articles": self.articles,
            "flagged": self.flagged,
            "share": round(self.share, 3),
            "fallback": {name: self.fallback[name] for name in SOURCED_FIELDS},
            "checks": {name: self.checks[name] for name in (*CHECKS, NO_ARTICLE)},
            "examples": {sign: list(urls) for sign, urls in self.examples.items()},
            "out_of_date": self.out_of_date(threshold),
        }


def empty_section() -> dict[str, Any]:
    """The `drift` object of a site of which nothing was counted."""
    return Drift().section(threshold=1.0)


def signs(section: dict[str, Any]) -> str:
    """'fallback body 6, checks short_body 1'"""
    parts = [
        f"{kind} " + ", ".join(f"{name} {count}" for name, count in section[kind].items() if count)
        for kind in ("fallback", "checks")
        if any(section[kind].values())
    ]
    return "; ".join(parts) or "none"


def summary(site: str, section: dict[str, Any]) -> str:
    """'ecounion: 6 of 8 articles read by generic extraction or failing checks (fallback body 6);
    the profile looks out of date'"""
    verdict = "; the profile looks out of date" if section["out_of_date"] else ""
    return (
        f"{site}: {section['flagged']} of {section['articles']} articles read by generic extraction"
        f" or failing checks ({signs(section)}){verdict}"
    )


def warning(site: str, section: dict[str, Any], threshold: float) -> str:
    """The log's warning for a site whose profile looks out of date, with examples."""
    examples = "; ".join(f"{sign}: {' '.join(urls)}" for sign, urls in section["examples"].items())
    return (
        f"{site}: the profile looks out of date: {section['flagged']} of {section['articles']} articles"
        f" ({section['share']:.0%}, more than {threshold:.0%}) were read by generic extraction or failed"
        f" sanity checks ({signs(section)}); e.g. {examples}"
    )


def drift_threshold(settings: Any) -> float:
    """REPORT_DRIFT_THRESHOLD, a share of a site's articles; ValueError for anything else."""
    try:
        threshold = float(settings.get("REPORT_DRIFT_THRESHOLD"))
    except (TypeError, ValueError):
        threshold = -1.0
    if not 0 <= threshold <= 1:
        given = settings.get("REPORT_DRIFT_THRESHOLD")
        raise ValueError(f"REPORT_DRIFT_THRESHOLD is a share of a site's articles, 0 to 1, not {given!r}")
    return threshold


class DriftAlarm:
    def __init__(self, crawler: Crawler, threshold: float) -> None:
        self.crawler = crawler
        self.threshold = threshold
        self.drift = Drift()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DriftAlarm:
        settings = crawler.settings
        if not settings.getbool("REPORT_ENABLED"):
            raise NotConfigured
        alarm = cls(crawler, drift_threshold(settings))
        crawler.signals.connect(alarm.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(alarm.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(alarm.spider_closed, signal=signals.spider_closed)
        return alarm

    # Only a site's articles, as its spider fetched them: an archive crawl's pages (any page of a
    # host, read with the rules of the profile that names the host) say nothing of the profile.
    def item_scraped(self, item: Any) -> None:
        if isinstance(item, ArticlePage) and item.site and item.document is not None:
            self.drift.add_document(item.final_url, item.document, item.fetched_at)

    def item_dropped(self, item: Any) -> None:
        if isinstance(item, ArticlePage) and item.site and item.document is None and item.skipped:
            self.drift.add_no_document(item.final_url, item.skipped)

    def spider_closed(self, spider: Spider) -> None:
        section = self.drift.section(self.threshold)
        self.crawler.stats.set_value(STATS_KEY, section)
        if section["out_of_date"]:
            logger.warning("%s", warning(spider.name, section, self.threshold), extra={"spider": spider})
