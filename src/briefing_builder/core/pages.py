"""Printed page labels of a source: which label each page of its text carries.

A source's text separates its pages with form feeds (``\\f``), so the page of any character is the
number of form feeds before it. What that page is *called* is what the document prints: a report
whose front matter runs i-vi and whose page 1 is the seventh page of the PDF is cited as page 1.
A source keeps those labels in ``sources.yaml`` as ``page-labels:``, a list of single labels and
ranges written with an en dash, one entry a run of pages (the form is short for a long report)::

    page-labels: [Cover, i–vi, 1–212, A1–A12]

A range runs in one numbering: decimal or roman (lower or upper case) after an optional prefix
that both ends share (``A1–A12``). Only an en dash makes a range, so a label such as ``3-1``
(chapter 3, page 1) is one label. Without ``page-labels`` the pages are 1, 2, 3...
"""

from __future__ import annotations

import re
from collections.abc import Sequence

RANGE_DASH = "–"
MAX_PAGES = 100_000  # far beyond any report: a typo such as 1–1000000 is refused, not expanded

_DECIMAL = re.compile(r"^(?P<prefix>.*?)(?P<n>\d+)$", re.S)
_ROMAN_LOWER = re.compile(r"^(?P<prefix>.*?)(?P<n>[ivxlcdm]+)$", re.S)
_ROMAN_UPPER = re.compile(r"^(?P<prefix>.*?)(?P<n>[IVXLCDM]+)$", re.S)
_ROMAN_VALUES = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


class PageLabelError(ValueError):
    """A ``page-labels`` entry that cannot be read, in words for the curator."""


def to_roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN_VALUES:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def from_roman(s: str) -> int | None:
    """The value of a lower-case roman numeral written the usual way, else None."""
    total, i = 0, 0
    for value, letters in _ROMAN_VALUES:
        while s.startswith(letters, i):
            total += value
            i += len(letters)
    return total if i == len(s) and total and to_roman(total) == s else None


def _numbered(label: str) -> tuple[str, str, int] | None:
    """(prefix, numbering, number) of a label that ends in a number: ``decimal``, ``roman``
    (lower case) or ``ROMAN``."""
    if m := _DECIMAL.match(label):
        return m["prefix"], "decimal", int(m["n"])
    if m := _ROMAN_LOWER.match(label):
        n = from_roman(m["n"])
        if n is not None:
            return m["prefix"], "roman", n
    if m := _ROMAN_UPPER.match(label):
        n = from_roman(m["n"].lower())
        if n is not None:
            return m["prefix"], "ROMAN", n
    return None


def _format(prefix: str, numbering: str, n: int) -> str:
    if numbering == "decimal":
        return f"{prefix}{n}"
    roman = to_roman(n)
    return prefix + (roman if numbering == "roman" else roman.upper())


def _successor(a: str, b: str) -> bool:
    """Whether ``b`` is the label after ``a`` in one numbering."""
    na, nb = _numbered(a), _numbered(b)
    return (
        na is not None
        and nb is not None
        and na[:2] == nb[:2]
        and nb[2] == na[2] + 1
        and _format(*nb) == b
        and _format(*na) == a
    )


def expand_page_labels(entries: Sequence[str]) -> list[str]:
    """Every page's label from the written entries; :class:`PageLabelError` says what is wrong."""
    labels: list[str] = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            raise PageLabelError("a page label is empty")
        if RANGE_DASH in entry:
            first, _, last = (part.strip() for part in entry.partition(RANGE_DASH))
            a, b = _numbered(first), _numbered(last)
            if a is not None and b is not None and a[:2] == b[:2]:
                if b[2] < a[2]:
                    raise PageLabelError(f"the range '{entry}' runs backwards")
                if len(labels) + b[2] - a[2] + 1 > MAX_PAGES:
                    raise PageLabelError(f"more than {MAX_PAGES:,} pages")
                labels.extend(_format(a[0], a[1], n) for n in range(a[2], b[2] + 1))
                continue
            if a is not None or b is not None:
                raise PageLabelError(
                    f"'{entry}' is not a range: both ends need the same prefix and numbering "
                    "(e.g. 1–20, i–vi, A1–A12)"
                )
        labels.append(entry)
        if len(labels) > MAX_PAGES:
            raise PageLabelError(f"more than {MAX_PAGES:,} pages")
    return labels


def compress_page_labels(labels: Sequence[str]) -> list[str]:
    """The shortest entries that expand to ``labels`` (runs of three or more become ranges)."""
    out: list[str] = []
    i = 0
    while i < len(labels):
        j = i
        while j + 1 < len(labels) and _successor(labels[j], labels[j + 1]):
            j += 1
        if j - i >= 2:
            out.append(f"{labels[i]}{RANGE_DASH}{labels[j]}")
        else:
            out.extend(labels[i : j + 1])
        i = j + 1
    return out


def is_plain_numbering(labels: Sequence[str]) -> bool:
    """Whether the labels are just 1, 2, 3... (nothing worth recording)."""
    return all(label == str(n) for n, label in enumerate(labels, 1))


def page_count(text: str) -> int:
    """Pages in a source text: one more than its form feeds."""
    return text.count("\f") + 1


def page_index(text: str, offset: int) -> int:
    """The page (from 0) of the text's character at ``offset``."""
    return text.count("\f", 0, max(0, offset))


def page_label(text: str, offset: int, labels: Sequence[str] | None) -> str:
    """The printed label of the page holding the character at ``offset``."""
    i = page_index(text, offset)
    if labels and i < len(labels):
        return labels[i]
    return str(i + 1)
