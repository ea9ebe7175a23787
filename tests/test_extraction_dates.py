from __future__ import annotations

import doctest

import pytest

from harvester.extraction import dates


def test_doctests() -> None:
    assert doctest.testmod(dates).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-06-29 16:22:19", "2018-06-29T16:22:19+09:00"),
        ("입력 2024.03.05 07:41", "2024-03-05T07:41:00+09:00"),
        ("2017-09-03", "2017-09-03"),
        ("2017년 9월 3일", "2017-09-03"),
        ("Published : Aug 26, 2020 - 15:44", "2020-08-26T15:44:00+09:00"),
        ("Oct. 13, 2022", "2022-10-13"),
        ("Tue, 14 Jul 2026 07:52:44 GMT", "2026-07-14T16:52:44+09:00"),
        ("2018-10-29T10:00:00+00:00", "2018-10-29T19:00:00+09:00"),
        ("", None),
        ("hit 1936", None),
    ],
)
def test_normalize(text: str, expected: str | None) -> None:
    assert dates.normalize(text) == expected
