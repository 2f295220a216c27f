"""Reading a date the officer typed: "31 January 2026", "31 Jan 2026", "31/01/2026", "2026-01-31".

Numbers are read day first (the British order) unless ``day_first`` is False (a US locale's
"1/31/2026"); the year is written in full, so "31/1/26" is not guessed at. An ISO date
(YYYY-MM-DD) is always year, month, day.
"""

from __future__ import annotations

import datetime as _dt
import re

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

DATE_HINT = "a date such as 31 January 2026, 31/01/2026 or 2026-01-31"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


def _month(word: str) -> int | None:
    """1-12 for a month's name or its abbreviation of three letters or more ("Sept" too)."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def _date(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, day_first: bool = True) -> _dt.date | None:
    """The date ``text`` names, or None if it is not a whole, real date."""
    text = text.strip().lower()
    if m := _ISO.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.fullmatch(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        day, month = (first, second) if day_first else (second, first)
        return _date(year, month, day)
    # "31 January 2026", "31st Jan. 2026", "January 31, 2026"
    parts = _ORDINAL.sub(r"\1", text).replace(",", " ").replace(".", " ").split()
    if len(parts) != 3 or not parts[2].isdigit() or len(parts[2]) != 4:
        return None
    day_text, name = (parts[0], parts[1]) if parts[0].isdigit() else (parts[1], parts[0])
    month_number = _month(name)
    if month_number is None or not day_text.isdigit() or len(day_text) > 2:
        return None
    return _date(int(parts[2]), month_number, int(day_text))
