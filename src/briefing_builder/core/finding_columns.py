"""The findings' columns of a cache entry, made a run of findings at a time and joined.

A worker process that reads a findings file makes its findings' columns (:func:`run_columns`)
while they are at hand, so that the process writing the cache entry only joins arrays
(:func:`join_columns`) instead of walking 100,000 findings after the last file is read. The
joined arrays are the same, byte for byte, however the findings were cut into runs: names are
coded in order of first use, and the first use across runs is the first use in the first run
that has the name.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from .columns import narrowest
from .model import Finding

STRINGS = ("f.id", "f.value", "f.title", "f.speaker", "f.note")
OPTIONAL = ("f.title", "f.speaker", "f.note")  # absent is not empty: a flag each
CODED = ("f.source", "f.kind", "f.label", "f.file")
RAGGED = ("f.themes", "f.places")
# Each coded field's list of names in the entry's header.
NAMES = {
    "f.source": "sources",
    "f.kind": "kinds",
    "f.label": "labels",
    "f.file": "files",
    "f.themes": "themes",
    "f.places": "places",
}


class RunColumns(NamedTuple):
    """A run of findings' columns: strings as UTF-8 and each one's length in bytes; names as
    codes into the run's own lists (first use first)."""

    size: int
    strings: dict[str, tuple[bytes, np.ndarray]]
    present: dict[str, np.ndarray]  # bool, for OPTIONAL
    names: dict[str, list[str]]  # for CODED and RAGGED
    codes: dict[str, np.ndarray]  # int64, for CODED and RAGGED (flat)
    counts: dict[str, np.ndarray]  # int64: how many values each finding has, for RAGGED
    lines: np.ndarray  # int64
    verified: np.ndarray  # bool


def _utf8(values: list[str]) -> tuple[bytes, np.ndarray]:
    joined = "".join(values)
    if joined.isascii():  # one character, one byte: no string encoded on its own
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        return joined.encode("ascii"), lengths
    encoded = [v.encode("utf-8", "surrogatepass") for v in values]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def _coded(values: Sequence[str]) -> tuple[list[str], np.ndarray]:
    names = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return list(names), np.fromiter(map(names.__getitem__, values), np.int64, len(values))


def run_columns(findings: Sequence[Finding]) -> RunColumns:
    """The columns of ``findings`` (one pass over them, then each field at once)."""
    n = len(findings)
    locators = [f.locator for f in findings]
    optional = {
        "f.title": [loc.title for loc in locators],
        "f.speaker": [f.speaker for f in findings],
        "f.note": [f.note for f in findings],
    }
    strings = {
        "f.id": _utf8([f.id for f in findings]),
        "f.value": _utf8([loc.value for loc in locators]),
        **{name: _utf8([v or "" for v in values]) for name, values in optional.items()},
    }
    present = {
        name: np.fromiter((v is not None for v in values), dtype=bool, count=n)
        for name, values in optional.items()
    }
    names: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for name, values in (
        ("f.source", [f.source for f in findings]),
        ("f.kind", [f.kind for f in findings]),
        ("f.label", [loc.label for loc in locators]),
        ("f.file", [f.file for f in findings]),
    ):
        names[name], codes[name] = _coded(values)
    counts: dict[str, np.ndarray] = {}
    for name, rows in (
        ("f.themes", [f.themes for f in findings]),
        ("f.places", [f.places for f in findings]),
    ):
        counts[name] = np.fromiter(map(len, rows), dtype=np.int64, count=n)
        names[name], codes[name] = _coded(list(chain.from_iterable(rows)))
    lines = np.fromiter((f.line for f in findings), dtype=np.int64, count=n)
    verified = np.fromiter((f.verified for f in findings), dtype=bool, count=n)
    return RunColumns(n, strings, present, names, codes, counts, lines, verified)


def run_ids(columns: RunColumns) -> list[str]:
    """The ids of a run's findings, read back from its column."""
    data, lengths = columns.strings["f.id"]
    if data.isascii():  # every id is (the loader allows a-z, 0-9 and '-'): no bytes decoded apart
        text = data.decode("ascii")
        ends = np.cumsum(lengths).tolist()
        return [text[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    ends = np.cumsum(lengths).tolist()
    return [
        data[a:b].decode("utf-8", "surrogatepass") for a, b in zip([0, *ends], ends, strict=False)
    ]


def join_columns(runs: Sequence[RunColumns]) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """The findings' arrays of ``runs`` in order, and the header's lists of names."""

    def cat(arrays: list[np.ndarray], dtype: type = np.int64) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

    arrays: dict[str, np.ndarray] = {}
    for name in STRINGS:
        data = b"".join(r.strings[name][0] for r in runs)
        arrays[f"{name}.utf8"] = np.frombuffer(data, dtype=np.uint8)
        arrays[f"{name}.ends"] = narrowest(np.cumsum(cat([r.strings[name][1] for r in runs])))
        if name in OPTIONAL:
            arrays[f"{name}.set"] = cat([r.present[name] for r in runs], bool)
    header: dict[str, list[str]] = {}
    for name in (*CODED, *RAGGED):
        known: dict[str, int] = {}
        coded = []
        for r in runs:
            local = r.names[name]
            for v in local:
                known.setdefault(v, len(known))
            recode = np.asarray([known[v] for v in local], dtype=np.int64)
            coded.append(recode[r.codes[name]] if r.codes[name].size else r.codes[name])
        if name in RAGGED:
            arrays[f"{name}.ends"] = narrowest(np.cumsum(cat([r.counts[name] for r in runs])))
        arrays[name] = narrowest(cat(coded))
        header[NAMES[name]] = list(known)
    arrays["f.line"] = narrowest(cat([r.lines for r in runs]))
    arrays["f.verified"] = cat([r.verified for r in runs], bool)
    return arrays, header
