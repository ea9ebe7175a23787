"""Date normalisation: any date text a page prints becomes ISO 8601 in the site's timezone.

A page that gives a time gets a full timestamp with its UTC offset; a page that gives only a
day stays date-only. Naive times are taken as the site's local time (KST for every site here).

>>> normalize("2018-06-29 16:22:19")
'2018-06-29T16:22:19+09:00'
>>> normalize("등록 2018-06-29 16:22:19")
'2018-06-29T16:22:19+09:00'
>>> normalize("2017-09-03")
'2017-09-03'
>>> normalize("Fri, 26 Jun 2026 08:00:03 GMT")
'2026-06-26T17:00:03+09:00'
>>> normalize("Jan. 26, 2023")
'2023-01-26'
>>> normalize("April 23, 2025 - 15:44")
'2025-04-23T15:44:00+09:00'
>>> normalize("2024.05.01 09:30")
'2024-05-01T09:30:00+09:00'

AP-style month names (abbreviated with a dot, or spelt out), and a published date printed
together with its update, which is read as the first date:

>>> normalize("Sept. 5, 2024")
'2024-09-05'
>>> normalize("Published : Jul. 21, 2023 - 17:21")
'2023-07-21T17:21:00+09:00'
>>> normalize("Published : Aug 26, 2020 - 15:44\xa0\xa0\xa0Updated : Aug 26, 2020 - 20:36")
'2020-08-26T15:44:00+09:00'
>>> normalize("Updated : Aug 26, 2020 - 20:36")
'2020-08-26T20:36:00+09:00'
>>> normalize("입력 2024.05.01 09:30 수정 2024.05.02 10:00")
'2024-05-01T09:30:00+09:00'
>>> normalize("2025-04-23T15:44:00")
'2025-04-23T15:44:00+09:00'
>>> normalize("no date here") is None
True
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

KST = ZoneInfo("Asia/Seoul")

# Two defaults that differ in every field: a field that comes out different was not on the page.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)

# Labels that sites print before the date; dateutil would try to read them as words.
_LABELS = re.compile(
    r"(등록|입력|수정|승인|작성일|등록일|수정일|기사입력|최종수정|Published|Updated|Date|Posted)\s*[:：]?",
    re.IGNORECASE,
)
# A label that introduces a second, later date ('... Updated : ...').
_LATER_LABEL = re.compile(r"(Updated|Modified|최종수정|수정)\s*[:：]?", re.IGNORECASE)
_DOTTED_DATE = re.compile(r"(\d{4})\.\s?(\d{1,2})\.\s?(\d{1,2})\.?")
_KOREAN_DATE = re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일")


def _clean(text: str) -> str:
    digit = re.search(r"\d", text)
    later = _LATER_LABEL.search(text, digit.start()) if digit else None
    if later:
        text = text[: later.start()]
    text = _LABELS.sub(" ", text)
    text = _KOREAN_DATE.sub(r"\1-\2-\3", text)
    text = _DOTTED_DATE.sub(r"\1-\2-\3", text)
    # AP style "Jan. 26" and the " - " between day and time in Korea Herald datelines.
    text = re.sub(r"\b([A-Z][a-z]{2,3})\.", r"\1", text)
    text = text.replace(" - ", " ")
    return " ".join(text.split())


def parse(text: str, tz: tzinfo = KST) -> tuple[datetime, bool] | None:
    """The datetime in `text` (aware, in `tz`) and whether the page gave a time of day."""
    cleaned = _clean(text)
    if not re.search(r"\d", cleaned):
        return None
    try:
        a = dateparser.parse(cleaned, default=_DEFAULT_A, fuzzy=True)
        b = dateparser.parse(cleaned, default=_DEFAULT_B, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if a.date() != b.date() or a.year < 1900:
        return None
    has_time = (a.hour, a.minute) == (b.hour, b.minute)
    if a.tzinfo is None:
        a = a.replace(tzinfo=tz)
    return a.astimezone(tz), has_time


def normalize(text: str | None, tz: tzinfo = KST) -> str | None:
    """ISO 8601 of the date in `text`: a timestamp with offset, or a bare date; None if none."""
    if not text:
        return None
    parsed = parse(text, tz)
    if parsed is None:
        return None
    moment, has_time = parsed
    if not has_time:
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat()
