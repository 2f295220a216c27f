"""A loaded library and its filter index, kept column by column in a columns file.

What the cache writes and reads (:mod:`.cache`): the library's small parts (title, themes,
sources, problems, the files read) as JSON, every field of the findings as one array, and the
filter index's arrays as they are. Read back, the findings are a :class:`FindingTable`, which
builds a :class:`~.model.Finding` only when one is asked for: opening a library of 100,000
findings from the cache builds none of them until the window shows some.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, overload

import numpy as np

from .columns import Columns, ColumnsError, Packed, packed_arrays, write_columns
from .filtering import FilterIndex
from .finding_columns import NAMES, RunColumns, join_columns
from .model import Finding, Library, Locator, Problem, Source, Theme
from .strength import EvidenceStrength

FORMAT = "briefing-builder library 3"  # 2: retired findings' ids kept; 3: long text compressed


class Unkept(Exception):
    """This library cannot be kept exactly in a columns file (a value JSON cannot hold as it is)."""


def _exact_json(value: Any) -> Any:
    """``value`` if JSON gives it back unchanged (a reference read from YAML may hold a date or a
    number as a key, which would come back as text): else :class:`Unkept`."""
    try:
        again = json.loads(json.dumps(value, ensure_ascii=True))
    except (TypeError, ValueError) as exc:
        raise Unkept(str(exc)) from None
    if again != _listed(value) or _shape(again) != _shape(value):
        raise Unkept("a value would not come back as it is")
    return value


def _listed(value: Any) -> Any:
    """Tuples as lists, as JSON gives them back."""
    if isinstance(value, dict):
        return {k: _listed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_listed(v) for v in value]
    return value


def _shape(value: Any) -> Any:
    """Types as well as values (JSON gives lists for tuples, 1 == 1.0 == True)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shape(v) for v in value]
    return type(value).__name__


def write_library(
    out: IO[bytes],
    key: Any,
    library: Library,
    index: FilterIndex,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Write ``library`` and ``index`` under ``key`` (which :func:`read_library` compares).
    :class:`Unkept` when a value could not be read back exactly; nothing useful is written then."""
    findings = library.findings
    if isinstance(findings, FindingTable):  # the columns are there already (see finding_table)
        arrays, names = findings.arrays()
    else:
        # Each run of findings' columns, made by the worker process that read it, or here.
        columns, names = join_columns(index.finding_columns(findings))
        packed = index.runs and all(r.texts is not None for r in index.runs)
        texts = [] if packed else [f.text for f in findings]
        arrays = dict(columns)
        arrays.update(packed_arrays("f.text", index.packed(texts, "texts")))
    if cancelled is not None and cancelled():
        return
    index_meta, index_arrays = index.to_columns()
    arrays.update(index_arrays)
    meta = {
        "format": FORMAT,
        "key": _exact_json(key),
        "root": str(library.root),
        "title": library.title,
        "description": library.description,
        "themes": [[t.id, t.label, t.description] for t in library.themes],
        "sources": [
            [
                s.id,
                _exact_json(s.csl),
                s.short,
                None if s.text_path is None else str(s.text_path),
                None if s.page_labels is None else list(s.page_labels),
                None if s.strength is None else s.strength.to_json(),
            ]
            for s in library.sources
        ],
        "retired": sorted(library.retired_ids),
        "problems": [[p.file, p.line, p.message, p.warning] for p in library.problems],
        "read_files": {k: list(v) for k, v in library.read_files.items()},
        "names": names,
        "index": index_meta,
    }
    _exact_json(index_meta)
    write_columns(out, meta, arrays)


def read_library(
    fh: IO[bytes], accept_key: Callable[[Any], bool]
) -> tuple[Library, FilterIndex] | None:
    """The library and index in ``fh``, if its key is one ``accept_key`` takes; None if not.
    :class:`ColumnsError` (or a ``KeyError``/``TypeError``/``ValueError`` from a header of the
    wrong shape) when the file is damaged."""
    cols = Columns(fh)
    meta = cols.meta
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    if not accept_key(meta["key"]):
        return None
    table = FindingTable(cols, meta["names"])
    library = Library(
        root=Path(meta["root"]),
        title=str(meta["title"]),
        description=str(meta["description"]),
        themes=[Theme(str(i), str(label), str(d)) for i, label, d in meta["themes"]],
        sources=[
            Source(
                str(i),
                dict(csl),
                str(short),
                None if path is None else Path(path),
                None if labels is None else tuple(_string_list(labels)),
                EvidenceStrength.from_json(strength),
            )
            for i, csl, short, path, labels, strength in meta["sources"]
        ],
        retired_ids=frozenset(_string_list(meta["retired"])),
        findings=table,
        problems=[Problem(str(f), line, str(m), bool(w)) for f, line, m, w in meta["problems"]],
        read_files={str(k): tuple(v) for k, v in meta["read_files"].items()},
    )
    return library, FilterIndex.from_columns(library, meta["index"], cols)


def finding_table(runs: Sequence[tuple[RunColumns, Packed]]) -> FindingTable:
    """The findings of consecutive runs (each one's columns and compressed texts, made by the
    worker process that read its file) as the table a cache entry gives: the runs' arrays are
    joined once, viewed by the table and written as they are into the entry."""
    arrays, names = join_columns([columns for columns, _ in runs])
    arrays.update(packed_arrays("f.text", [texts for _, texts in runs]))
    return FindingTable(Columns.of({}, arrays), names)


def _string_list(value: object) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ColumnsError("a list of names is not a list of strings")
    return value


def _named(codes: np.ndarray, names: list[str]) -> list[str]:
    """The name of each code (checked to be one when the file was opened)."""
    named: list[str] = np.asarray(names, dtype=object)[codes].tolist()
    return named


Record = tuple[
    str, str, str, str, str | None, list[str], list[str], str, str, str | None
]  # id, source, kind, text, speaker, themes, places, locator label, value and title


def records(findings: Sequence[Finding], rows: Sequence[int]) -> Iterator[Record]:
    """The listed fields of the findings at ``rows``: from the columns when the findings are a
    :class:`FindingTable` (read from the cache), else from the findings themselves."""
    if isinstance(findings, FindingTable):
        yield from findings.records(rows)
        return
    for i in rows:
        f = findings[i]
        loc = f.locator
        yield (f.id, f.source, f.kind, f.text, f.speaker, list(f.themes), list(f.places),
               loc.label, loc.value, loc.title)  # fmt: skip


class FindingTable(Sequence[Finding]):
    """The findings of a library from the cache: each built when first asked for, then kept."""

    def __init__(self, cols: Columns, names: dict[str, Any]) -> None:
        self._cols = cols
        self._names = {key: _string_list(names[key]) for key in NAMES.values()}
        self._sources = _string_list(names["sources"])
        self._kinds = _string_list(names["kinds"])
        self._labels = _string_list(names["labels"])
        self._files = _string_list(names["files"])
        self._themes = _string_list(names["themes"])
        self._places = _string_list(names["places"])
        self._id = cols.strings("f.id")
        n = len(self._id)
        self._text = cols.strings("f.text")
        self._value = cols.strings("f.value")
        self._title, self._title_set = cols.strings("f.title"), cols.array("f.title.set", "|b1")
        self._speaker = cols.strings("f.speaker")
        self._speaker_set = cols.array("f.speaker.set", "|b1")
        self._note, self._note_set = cols.strings("f.note"), cols.array("f.note.set", "|b1")
        self._source = cols.codes("f.source", len(self._sources))
        self._kind = cols.codes("f.kind", len(self._kinds))
        self._label = cols.codes("f.label", len(self._labels))
        self._file = cols.codes("f.file", len(self._files))
        self._line = cols.integers("f.line")
        self._verified = cols.array("f.verified", "|b1")
        self._theme_codes = cols.codes("f.themes", len(self._themes))
        self._theme_ends = self._ends(cols, "f.themes.ends", self._theme_codes.size, n)
        self._place_codes = cols.codes("f.places", len(self._places))
        self._place_ends = self._ends(cols, "f.places.ends", self._place_codes.size, n)
        columns: list[Any] = [
            self._text,
            self._value,
            self._title,
            self._title_set,
            self._speaker,
            self._speaker_set,
            self._note,
            self._note_set,
            self._source,
            self._kind,
            self._label,
            self._file,
            self._line,
            self._verified,
        ]
        if any(len(c) != n for c in columns):
            raise ColumnsError("the findings' columns are not all as long")
        self._made: list[Finding | None] = [None] * n
        self._lists: tuple[list[Any], ...] | None = None

    @staticmethod
    def _ends(cols: Columns, name: str, total: int, n: int) -> np.ndarray:
        ends = cols.integers(name)
        steps = np.diff(ends.astype(np.int64), prepend=0)
        if ends.size != n or (n and (int(ends[-1]) != total or bool((steps < 0).any()))):
            raise ColumnsError(f"array {name!r} does not divide its values among the findings")
        return ends

    def __len__(self) -> int:
        return len(self._made)

    def arrays(self) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
        """The findings' arrays and their lists of names, as a cache entry keeps them."""
        return self._cols.named("f."), self._names

    @overload
    def __getitem__(self, i: int) -> Finding: ...

    @overload
    def __getitem__(self, i: slice) -> list[Finding]: ...

    def __getitem__(self, i: int | slice) -> Finding | list[Finding]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        made = self._made[i]
        if made is None:
            made = self._made[i] = self._make(i if i >= 0 else len(self) + i)
        return made

    def __iter__(self) -> Iterator[Finding]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def _fields(self) -> tuple[list[Any], ...]:
        """The findings' short fields as lists, names in place of codes, made when the first
        finding is built (about 15 ms at 100,000): a number read from a numpy array one at a
        time costs more than the rest of a finding."""
        if self._lists is None:
            self._lists = (
                _named(self._source, self._sources),
                _named(self._kind, self._kinds),
                _named(self._label, self._labels),
                _named(self._file, self._files),
                self._line.tolist(),
                self._verified.tolist(),
                self._title_set.tolist(),
                self._speaker_set.tolist(),
                self._note_set.tolist(),
                [0, *self._theme_ends.tolist()],
                _named(self._theme_codes, self._themes),
                [0, *self._place_ends.tolist()],
                _named(self._place_codes, self._places),
            )
        return self._lists

    def _make(self, i: int) -> Finding:
        fields = self._fields()
        source, kind, label, file, line, verified, title_set, speaker_set, note_set = fields[:9]
        theme_ends, themes, place_ends, places = fields[9:]
        return Finding(
            self._id[i],
            source[i],
            kind[i],
            self._text[i],
            Locator(label[i], self._value[i], self._title[i] if title_set[i] else None),
            tuple(themes[theme_ends[i] : theme_ends[i + 1]]),
            tuple(places[place_ends[i] : place_ends[i + 1]]),
            self._speaker[i] if speaker_set[i] else None,
            self._note[i] if note_set[i] else None,
            file[i],
            line[i],
            verified[i],
        )

    # --- what a library works out from its findings, without building them -----------------

    def summary(self) -> tuple[dict[str, int], dict[str, int], int]:
        """(position of each id, how many findings name each place, how many are verified)."""
        position = {fid: i for i, fid in enumerate(self._id)}
        counts = np.bincount(self._place_codes, minlength=len(self._places)).tolist()
        places = {name: n for name, n in zip(self._places, counts, strict=True) if n}
        return position, places, int(np.count_nonzero(self._verified))

    def of_source(self, source_id: str) -> list[Finding]:
        """The findings of one source, in library order."""
        try:
            code = self._sources.index(source_id)
        except ValueError:
            return []
        return [self[i] for i in np.flatnonzero(self._source == code).tolist()]

    def ids(self) -> Sequence[str]:
        return self._id

    def records(self, rows: Sequence[int]) -> Iterator[Record]:
        """The listed fields of the findings at ``rows``, read from the columns: no finding is
        built or kept (a command listing tens of thousands of findings reads each once)."""
        fields = self._fields()
        source, kind, label = fields[:3]
        title_set, speaker_set = fields[6:8]
        theme_ends, themes, place_ends, places = fields[9:]
        for i in rows:
            yield (
                self._id[i],
                source[i],
                kind[i],
                self._text[i],
                self._speaker[i] if speaker_set[i] else None,
                themes[theme_ends[i] : theme_ends[i + 1]],
                places[place_ends[i] : place_ends[i + 1]],
                label[i],
                self._value[i],
                self._title[i] if title_set[i] else None,
            )
