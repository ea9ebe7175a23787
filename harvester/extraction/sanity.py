"""Sanity checks of a document a profile's rules read: signs that the rules no longer fit the site
(counted per site by the drift alarm, harvester/report/drift.py).

Checks of the page run where the page is read, in the extractor (`page_checks`): the title is the
site's name; the body is much shorter than the text the page shows. Checks against the capture run
where its date is known, in the crawl process and in a rebuild (`date_checks`), so that
`extract()` stays a function of the page: the publication date is after the capture, or before
1990.

>>> page_checks("The Korea Herald", ["One line."], 5000, ("The Korea Herald",))
('title_is_site_name', 'short_body')
>>> page_checks("Seoul opens pop-up libraries", ["A paragraph. " * 40], 3000, ("The Korea Herald",))
()
>>> captured = datetime(2026, 5, 1, 3, 0, tzinfo=timezone.utc)
>>> date_checks("2026-05-01T15:00:00+09:00", captured), date_checks("1970-01-01", captured)
(('date_after_capture',), ('date_before_1990',))
>>> date_checks("2026-05-01", captured), date_checks(None, captured)
((), ())
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from lxml.etree import _Element

TITLE_IS_SITE_NAME = "title_is_site_name"
SHORT_BODY = "short_body"
DATE_AFTER_CAPTURE = "date_after_capture"
DATE_BEFORE_1990 = "date_before_1990"
CHECKS = (TITLE_IS_SITE_NAME, SHORT_BODY, DATE_AFTER_CAPTURE, DATE_BEFORE_1990)

# A body with less than this share of the characters the page shows is much shorter than it...
SHORT_SHARE = 0.04
# ...on a page that shows at least this many (a bare page with a short notice is no sign).
SHORT_PAGE = 3000
# No web page was published before.
EARLIEST = date(1990, 1, 1)
# A timestamp this much after the capture is still the site's clock, not a wrong date.
CLOCK_SKEW = timedelta(hours=1)
# A date without a time may be a day ahead of the capture's UTC date in the site's zone.
ZONE_AHEAD = timedelta(hours=14)
_HIDDEN = ("script", "style", "noscript", "template")


def _letters(text: str) -> int:
    """Characters that are not white space."""
    return len(text) - sum(text.count(space) for space in " \n\t\r\xa0")


def visible_length(root: _Element) -> int:
    """Characters (white space left out) of the text the page's body shows a reader."""
    top = root.find("body")
    top = root if top is None else top
    # One C-level pass for the whole text, less what scripts and styles hold.
    hidden = sum(_letters(element.text_content()) for element in top.iter(*_HIDDEN))
    return _letters(top.text_content()) - hidden


def _name(text: str) -> str:
    return " ".join(text.split()).casefold().strip(" -|:·")


def page_checks(title: str, body: Iterable[str], visible: int, site_names: Iterable[str]) -> tuple[str, ...]:
    """The page checks a document fails: its title is one of the site's names; its body holds
    under SHORT_SHARE of the `visible` characters the page shows."""
    failed = []
    names = {_name(name) for name in site_names if name and name.strip()}
    if _name(title) in names:
        failed.append(TITLE_IS_SITE_NAME)
    if visible >= SHORT_PAGE and sum(_letters(block) for block in body) < SHORT_SHARE * visible:
        failed.append(SHORT_BODY)
    return tuple(failed)


def date_checks(published: str | None, captured: datetime) -> tuple[str, ...]:
    """The checks a document's publication date (ISO 8601, a day or a timestamp with its offset)
    fails against its capture's time (aware)."""
    if not published:
        return ()
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return ()
    if moment.date() < EARLIEST:
        return (DATE_BEFORE_1990,)
    if moment.tzinfo is None:
        later = moment.date() > (captured + ZONE_AHEAD).date()
    else:
        later = moment > captured + CLOCK_SKEW
    return (DATE_AFTER_CAPTURE,) if later else ()


def capture_time(fetched_at: str) -> datetime | None:
    """The capture's time from its ISO 8601 form ('2026-05-01T03:00:00Z'); None if unreadable.

    >>> capture_time("2026-05-01T03:00:00Z")
    datetime.datetime(2026, 5, 1, 3, 0, tzinfo=datetime.timezone.utc)
    """
    try:
        moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
