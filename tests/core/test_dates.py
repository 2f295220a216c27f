"""Reading the dates an officer types into the briefing's date field."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing_builder.core.dates import parse_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31 January 2026", D(2026, 1, 31)),
        ("31 jan 2026", D(2026, 1, 31)),
        ("31st Jan. 2026", D(2026, 1, 31)),
        ("January 31, 2026", D(2026, 1, 31)),
        ("  3 Sept 2026 ", D(2026, 9, 3)),
        ("31/01/2026", D(2026, 1, 31)),
        ("5/3/2026", D(2026, 3, 5)),
        ("05.03.2026", D(2026, 3, 5)),
        ("5-3-2026", D(2026, 3, 5)),
        ("2026-01-31", D(2026, 1, 31)),
        ("29 February 2028", D(2028, 2, 29)),
    ],
)
def test_whole_dates_are_read(text: str, expected: D) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3",
        "31 January",
        "31 January 20",
        "31/1/26",  # the year is written in full, not guessed
        "30 February 2026",
        "29 February 2026",
        "2026-13-01",
        "31 Febtober 2026",
        "3 ma 2026",
        "31 January 2026 at noon",
        "tomorrow",
    ],
)
def test_anything_else_is_not_a_date(text: str) -> None:
    assert parse_date(text) is None


def test_numbers_month_first_for_a_month_first_locale() -> None:
    assert parse_date("5/3/2026", day_first=False) == D(2026, 5, 3)
    assert parse_date("1/31/2026", day_first=False) == D(2026, 1, 31)
    assert parse_date("31/01/2026", day_first=False) is None
    # ISO and month names read the same either way.
    assert parse_date("2026-03-05", day_first=False) == D(2026, 3, 5)
    assert parse_date("5 March 2026", day_first=False) == D(2026, 3, 5)
