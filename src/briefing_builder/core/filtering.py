"""Filtering findings: the filter as a value, and an index that answers it with facet counts.

The index keeps each facet as compact numpy arrays and the words of every finding as a sorted
posting list, so a filter with facet counts for every value costs a few milliseconds at 100,000
findings (see ``benchmarks/``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Literal

import numpy as np

from .columns import (
    Columns,
    ColumnsError,
    Packed,
    Postings,
    narrowest,
    pack_strings,
    packed_arrays,
    posting_arrays,
    string_arrays,
)
from .finding_columns import RunColumns, run_columns
from .index_parts import IndexPart, Run, index_part, join_parts
from .model import KIND_LABELS, KINDS, Finding, Library
from .search import Query, joined_tokens, tokens
from .strength import NOT_RATED, strength_value, strength_values

FACETS: tuple[str, ...] = ("themes", "sources", "kinds", "places", "strength")
MAX_PREFIX_FORMS = 50  # hyphenated words a phrase's last word (a prefix) is tried as
MAX_NEEDLES = 64  # forms of one phrase looked for
PART_SIZE = 4096  # findings indexed at a time in this process (between checkpoints)
ThemeMode = Literal["any", "all"]


@dataclass(frozen=True, slots=True)
class Filter:
    """What the officer has asked to see. Empty sets mean "no constraint"."""

    themes: frozenset[str] = frozenset()
    theme_mode: ThemeMode = "any"
    sources: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    text: str = ""
    # Maryland levels of the findings' sources, "1" to "5", or "none" for not rated.
    strength: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.themes
            or self.sources
            or self.kinds
            or self.places
            or self.strength
            or self.text.strip()
        )

    def values(self, facet: str) -> frozenset[str]:
        return getattr(self, facet)

    def with_values(self, facet: str, values: Iterable[str]) -> Filter:
        if facet not in FACETS:
            raise ValueError(f"unknown facet {facet!r}")
        return replace(self, **{facet: frozenset(values)})  # type: ignore[arg-type]  # facet checked above

    def toggled(self, facet: str, value: str) -> Filter:
        current = self.values(facet)
        return self.with_values(facet, current - {value} if value in current else current | {value})

    def with_text(self, text: str) -> Filter:
        return replace(self, text=text)

    def with_theme_mode(self, mode: ThemeMode) -> Filter:
        if mode not in ("any", "all"):
            raise ValueError(f"theme mode must be 'any' or 'all', not {mode!r}")
        return replace(self, theme_mode=mode)

    def cleared(self) -> Filter:
        return Filter(theme_mode=self.theme_mode)

    def to_dict(self) -> dict[str, Any]:
        return {
            "themes": sorted(self.themes),
            "theme_mode": self.theme_mode,
            "sources": sorted(self.sources),
            "kinds": sorted(self.kinds),
            "places": sorted(self.places),
            "strength": sorted(self.strength),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filter:
        mode = data.get("theme_mode", "any")
        return cls(
            themes=frozenset(data.get("themes", ())),
            theme_mode=mode if mode in ("any", "all") else "any",
            sources=frozenset(data.get("sources", ())),
            kinds=frozenset(data.get("kinds", ())),
            places=frozenset(data.get("places", ())),
            text=str(data.get("text", "")),
            strength=frozenset(data.get("strength", ())),
        )

    def describe(self, library: Library) -> str:
        """The filter in words, for the summary above the findings list."""
        if self.is_empty:
            return "All findings"
        parts: list[str] = []
        if self.themes:
            labels = _labels(self.themes, lambda t: th.label if (th := library.theme(t)) else t)
            joiner = " or " if self.theme_mode == "any" else " and "
            parts.append("on " + joiner.join(labels))
        if self.sources:
            labels = _labels(self.sources, lambda s: src.short if (src := library.source(s)) else s)
            parts.append("from " + " or ".join(labels))
        if self.kinds:
            parts.append(
                "of kind "
                + " or ".join(_labels(self.kinds, lambda k: (KIND_LABELS.get(k) or k).lower()))
            )
        if self.places:
            parts.append("about " + " or ".join(sorted(self.places, key=str.casefold)))
        if self.strength:
            # Strongest first, "not rated" last, as the filter lists them.
            levels = sorted((v for v in self.strength if v.isdigit()), key=int, reverse=True)
            said = [f"at Maryland level {' or '.join(levels)}"] if levels else []
            if NOT_RATED in self.strength:
                said.append("not rated")
            parts.append("with evidence " + " or ".join(said))
        if self.text.strip():
            parts.append(f"matching “{self.text.strip()}”")
        return "Findings " + ", ".join(parts)


def _labels(values: Iterable[str], label: Any) -> list[str]:
    return sorted((label(v) for v in values), key=str.casefold)


@dataclass(frozen=True)
class QueryResult:
    """Matching findings (positions in library order) and facet counts for every value."""

    indices: np.ndarray
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.indices.size)


class _Values:
    """A facet's values and their integer codes."""

    def __init__(self, values: Iterable[str]) -> None:
        self.names: list[str] = list(values)
        self.codes: dict[str, int] = {v: i for i, v in enumerate(self.names)}


class FilterIndex:
    """Answers :class:`Filter` queries over one loaded library."""

    _postings: np.ndarray | Postings  # built: a plain array; from the cache: 16-bit spans
    _offsets: np.ndarray

    def __init__(
        self,
        library: Library,
        *,
        checkpoint: Callable[[int, int], None] | None = None,
        parts: Sequence[IndexPart] | None = None,
    ) -> None:
        """``checkpoint(done, total)`` is called as the findings are indexed: a loader's progress,
        and its chance to stop a build nobody wants any more (by raising).

        ``parts`` are the findings' index worked out already, a run of findings each (by the
        loader's worker processes, as they read the files): they are joined, not rebuilt."""
        n = len(library.findings)
        self.library = library
        self.size = n
        self.themes = _Values(t.id for t in library.themes)
        self.sources = _Values(s.id for s in library.sources)
        self.kinds = _Values(KINDS)
        self.places = _Values(library.places)
        if parts is None:
            parts = self._parts(checkpoint)
        elif sum(p.size for p in parts) != n:
            raise ValueError("the index parts do not cover the library's findings")
        joined = join_parts(parts, self.places.codes, checkpoint)
        self.source_code = joined.source_code
        self._strength_codes()
        self.kind_code = joined.kind_code
        self.theme_doc, self.theme_val = joined.theme_doc, joined.theme_val
        self.place_doc, self.place_val = joined.place_doc, joined.place_val
        self.theme_masks = self._value_masks(self.theme_doc, self.theme_val, len(self.themes.names))
        self.place_masks = self._value_masks(self.place_doc, self.place_val, len(self.places.names))
        self._source_words = self._titles_words()
        self._doc_words: Sequence[str] = joined.doc_words
        self._vocab: Sequence[str] = joined.vocab
        self._postings = joined.postings
        self._offsets = joined.offsets
        # Hyphenated words, joined, and how their parts read among the tokens:
        # "cooperation" -> ["co operation"]. A phrase with a joined word is looked for with its
        # parts too ('"co-operation between"' finds "co-operation between").
        self._compounds = joined.compounds
        self._compound_names = sorted(joined.compounds)
        # What the parts compressed for the cache entry; dropped once it is written.
        self.runs: list[Run] | None = joined.runs

    # --- kept in the cache ------------------------------------------------------------------

    def to_columns(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What :meth:`from_columns` needs, as JSON-able names and plain arrays."""
        meta = {
            "themes": self.themes.names,
            "sources": self.sources.names,
            "places": self.places.names,
            "source_words": self._source_words,
            "compounds": self._compounds,
        }
        arrays = {
            "ix.source_code": narrowest(self.source_code),
            "ix.kind_code": narrowest(self.kind_code),
            "ix.theme_doc": narrowest(self.theme_doc),
            "ix.theme_val": narrowest(self.theme_val),
            "ix.place_doc": narrowest(self.place_doc),
            "ix.place_val": narrowest(self.place_val),
            **posting_arrays("ix.postings", self._postings, self._offsets, self.size),
            **string_arrays("ix.vocab", self._vocab),
            **packed_arrays("ix.doc_words", self.packed(self._doc_words, "words")),
        }
        return meta, arrays

    def packed(self, values: Sequence[str], which: str) -> list[Packed]:
        """``values`` (one per finding: their texts, or their words) compressed run by run, as
        the parts compressed them (``which``: "texts" or "words"); compressed here where a part
        did not (read in this process, or the index read from the cache)."""
        out: list[Packed] = []
        for run, (a, b) in self._runs():
            done: Packed | None = getattr(run, which)
            out.append(done if done is not None else pack_strings(values[a:b]))
        return out

    def finding_columns(self, findings: Sequence[Finding]) -> list[RunColumns]:
        """The columns of ``findings`` (the library's) run by run, as the parts made them;
        made here where a part did not."""
        return [
            run.columns if run.columns is not None else run_columns(findings[a:b])
            for run, (a, b) in self._runs()
        ]

    def _runs(self) -> list[tuple[Run, tuple[int, int]]]:
        runs = self.runs or [Run(self.size, None, None, None)]
        ends = np.cumsum([0, *(r.size for r in runs)]).tolist()
        return list(zip(runs, pairwise(ends), strict=True))

    @classmethod
    def from_columns(cls, library: Library, meta: dict[str, Any], cols: Columns) -> FilterIndex:
        """The index as :meth:`to_columns` kept it, viewed in place: nothing rebuilt from the
        texts. Every code and offset is checked (:class:`ColumnsError` if one is wrong)."""
        self = cls.__new__(cls)
        n = len(library.findings)
        self.library = library
        self.size = n
        self.themes = _Values(_names(meta["themes"]))
        self.sources = _Values(_names(meta["sources"]))
        self.kinds = _Values(KINDS)
        self.places = _Values(_names(meta["places"]))
        if [t.id for t in library.themes] != self.themes.names or [
            s.id for s in library.sources
        ] != self.sources.names:
            raise ColumnsError("the index does not belong to this library")
        self.source_code = cols.codes("ix.source_code", len(self.sources.names))
        self.kind_code = cols.codes("ix.kind_code", len(KINDS))
        self.theme_doc = cols.codes("ix.theme_doc", n)
        self.theme_val = cols.codes("ix.theme_val", len(self.themes.names))
        self.place_doc = cols.codes("ix.place_doc", n)
        self.place_val = cols.codes("ix.place_val", len(self.places.names))
        # Searched again and again: every block, once inflated, is kept.
        self._doc_words = cols.strings("ix.doc_words", kept_blocks=None)
        vocab = cols.strings("ix.vocab")
        self._vocab = vocab
        self._postings = cols.postings("ix.postings", n, len(vocab))
        self._offsets = self._postings.offsets  # each span's, which the postings read
        sizes = (self.source_code, self.kind_code, self._doc_words)
        if any(len(a) != n for a in sizes) or len(self.theme_doc) != len(self.theme_val):
            raise ColumnsError("the index's arrays do not match the library's findings")
        if len(self.place_doc) != len(self.place_val):
            raise ColumnsError("the index's arrays do not match each other")
        words = meta["source_words"]
        if not (isinstance(words, list) and len(words) == len(self.sources.names)):
            raise ColumnsError("the index's source titles do not match its sources")
        self._source_words = _names(words)
        compounds = meta["compounds"]
        if not isinstance(compounds, dict):
            raise ColumnsError("the index's hyphenated words are not a mapping")
        self._compounds = {str(k): _names(v) for k, v in compounds.items()}
        self._compound_names = sorted(self._compounds)
        self.runs = None
        self.theme_masks = self._value_masks(self.theme_doc, self.theme_val, len(self.themes.names))
        self.place_masks = self._value_masks(self.place_doc, self.place_val, len(self.places.names))
        self._strength_codes()
        return self

    def warm(self, stopped: Callable[[], bool] | None = None) -> None:
        """Ready now what the first phrase search would otherwise wait for: an index read from
        the cache inflates the words it keeps compressed (see :mod:`.columns`). Meant for a
        background thread, once the library is in use; ``stopped()`` ends it early."""
        warm = getattr(self._doc_words, "warm", None)
        if warm is not None:
            warm(stopped)

    # --- construction -----------------------------------------------------------------------

    def _strength_codes(self) -> None:
        """Each finding's evidence strength, from its source's: worked out from the sources (a
        few hundred) and the findings' source codes, so the cache needs no column of its own."""
        levels: list[int | None] = []
        for sid in self.sources.names:
            src = self.library.source(sid)
            levels.append(src.strength.maryland if src and src.strength else None)
        self.strength = _Values(strength_values({n for n in levels if n is not None}))
        of_source = np.asarray(
            [self.strength.codes[strength_value(n)] for n in levels], dtype=np.int32
        )
        self.strength_code = (
            of_source[self.source_code] if of_source.size else np.zeros(self.size, np.int32)
        )

    def _value_masks(self, docs: np.ndarray, vals: np.ndarray, count: int) -> list[np.ndarray]:
        masks = []
        order = np.argsort(vals, kind="stable")
        bounds = np.searchsorted(vals[order], np.arange(count + 1))
        for v in range(count):
            mask = np.zeros(self.size, dtype=bool)
            mask[docs[order[bounds[v] : bounds[v + 1]]]] = True
            masks.append(mask)
        return masks

    def _parts(self, checkpoint: Callable[[int, int], None] | None) -> list[IndexPart]:
        """The findings indexed here, a slice at a time (so a loader can follow and stop it)."""
        findings = self.library.findings
        themes, sources = self.themes.names, self.sources.names
        parts = []
        n = len(findings)
        for start in range(0, n, PART_SIZE):
            if checkpoint is not None:
                checkpoint(start, n)
            parts.append(index_part(findings[start : start + PART_SIZE], themes, sources))
        return parts

    def _titles_words(self) -> list[str]:
        """Each source's title and short label as words, in the order of the source codes."""
        source_words: dict[str, str] = {}
        for src in self.library.sources:
            title = f"{src.title} {src.short}"
            # Both forms, one per line, so a phrase is found in either and never across them.
            source_words[src.id] = f"{' '.join(tokens(title))}\n {' '.join(joined_tokens(title))}"
        return [source_words[s] for s in self.sources.names]

    # --- queries ----------------------------------------------------------------------------

    def _word_mask(self, word: str) -> np.ndarray:
        """Findings with a word starting with ``word`` in their text, speaker or source title."""
        lo = bisect.bisect_left(self._vocab, word)
        hi = bisect.bisect_left(self._vocab, word + "\U0010ffff", lo)
        mask = np.zeros(self.size, dtype=bool)
        if isinstance(self._postings, Postings):  # as the cache keeps them
            self._postings.mark(mask, lo, hi)
        else:
            mask[self._postings[self._offsets[lo] : self._offsets[hi]]] = True
        matching_sources = [
            code for code, words in enumerate(self._source_words) if _has_prefix(words, word)
        ]
        if matching_sources:
            mask |= np.isin(self.source_code, matching_sources)
        return mask

    def _text_mask(self, query: Query, within: np.ndarray | None = None) -> np.ndarray | None:
        """Findings matching the text. A phrase is checked word for word only ``within`` (the
        findings any count or the list could show, given the facets), the costly part."""
        if query.empty:
            return None
        mask = np.ones(self.size, dtype=bool)
        for word in query.words:
            mask &= self._word_mask(word)
        for phrase in query.phrases:
            for k, word in enumerate(phrase):
                # A phrase's short last word ("a", "th"), a prefix of a large part of the
                # vocabulary, narrows little and costs much: the check below covers it.
                if k == len(phrase) - 1 and k > 0 and len(word) <= 2:
                    continue
                mask &= self._word_mask(word)
            if within is not None:
                mask &= within
            self._check_phrase(mask, self._needles(phrase))
        return mask

    def _check_phrase(self, mask: np.ndarray, needles: list[str]) -> None:
        """Clear ``mask`` where no form of the phrase is in the words, nor the source's title."""
        candidates = np.flatnonzero(mask)
        if not candidates.size:
            return
        rows = candidates.tolist()
        take = getattr(self._doc_words, "take", None)  # a column from the cache: in one pass
        words = take(rows) if take is not None else [self._doc_words[i] for i in rows]
        needle = needles[0]
        found = np.fromiter((needle in w for w in words), dtype=bool, count=len(rows))
        for n in needles[1:]:
            missing = np.flatnonzero(~found).tolist()
            if not missing:
                break
            hits = [k for k in missing if n in words[k]]
            if hits:
                found[hits] = True
        # The source's title and short label count as the finding's words.
        in_sources = [
            code
            for code, title in enumerate(self._source_words)
            if any(n in " " + title for n in needles)
        ]
        if in_sources:
            found |= np.isin(self.source_code[candidates], in_sources)
        mask[candidates[~found]] = False

    def _needles(self, phrase: tuple[str, ...]) -> list[str]:
        """The phrase as it may read among a text's tokens: as typed, and with each hyphenated
        word in its parts ("joinedup working": also "joined up working"). The last word is a
        prefix, so "joined-u" reads as "joined u" too."""
        options: list[list[str]] = []
        last = len(phrase) - 1
        for k, word in enumerate(phrase):
            forms = [word, *self._compounds.get(word, ())]
            if k == last:
                at = bisect.bisect_left(self._compound_names, word)
                for name in self._compound_names[at : at + MAX_PREFIX_FORMS]:
                    if not name.startswith(word):
                        break
                    forms.extend(_prefix_of(split, len(word)) for split in self._compounds[name])
            options.append(list(dict.fromkeys(forms)))
        needles = [""]
        for forms in options:
            needles = [f"{n} {form}" for n in needles for form in forms][:MAX_NEEDLES]
        return needles

    def _facet_masks(self, flt: Filter) -> dict[str, np.ndarray | None]:
        masks: dict[str, np.ndarray | None] = {f: None for f in FACETS}
        if flt.themes:
            codes = [self.themes.codes[t] for t in flt.themes if t in self.themes.codes]
            if flt.theme_mode == "all":
                mask = np.ones(self.size, dtype=bool)
                if len(codes) < len(flt.themes):
                    mask[:] = False
                for c in codes:
                    mask &= self.theme_masks[c]
            else:
                mask = np.zeros(self.size, dtype=bool)
                for c in codes:
                    mask |= self.theme_masks[c]
            masks["themes"] = mask
        if flt.sources:
            masks["sources"] = np.isin(
                self.source_code,
                [self.sources.codes[s] for s in flt.sources if s in self.sources.codes],
            )
        if flt.kinds:
            masks["kinds"] = np.isin(
                self.kind_code, [self.kinds.codes[k] for k in flt.kinds if k in self.kinds.codes]
            )
        if flt.places:
            mask = np.zeros(self.size, dtype=bool)
            for p in flt.places:
                if p in self.places.codes:
                    mask |= self.place_masks[self.places.codes[p]]
            masks["places"] = mask
        if flt.strength:
            masks["strength"] = np.isin(
                self.strength_code,
                [self.strength.codes[v] for v in flt.strength if v in self.strength.codes],
            )
        return masks

    def query(self, flt: Filter, *, facets: bool = True) -> QueryResult:
        """Findings matching ``flt`` and, for each facet value, how many findings it would show.

        Facet counts follow the usual rule of filter panels: a facet's counts are taken under
        every other part of the filter, so choosing one source still shows how many findings
        each other source has. With themes in "all of" mode, theme counts are taken under the
        whole filter, because ticking one more theme narrows the list.
        """
        masks = self._facet_masks(flt)
        text_mask = self._text_mask(Query.parse(flt.text), self._could_show(masks))
        base = np.ones(self.size, dtype=bool) if text_mask is None else text_mask

        def combine(skip: str | None) -> np.ndarray:
            out = base.copy()
            for name, mask in masks.items():
                if mask is not None and name != skip:
                    out &= mask
            return out

        full = combine(None)
        result = QueryResult(np.flatnonzero(full))
        if not facets:
            return result
        theme_base = full if flt.theme_mode == "all" else combine("themes")
        result.facets["themes"] = self._multi_counts(
            theme_base, self.theme_doc, self.theme_val, self.themes
        )
        result.facets["places"] = self._multi_counts(
            combine("places"), self.place_doc, self.place_val, self.places
        )
        result.facets["sources"] = self._single_counts(
            combine("sources"), self.source_code, self.sources
        )
        result.facets["kinds"] = self._single_counts(combine("kinds"), self.kind_code, self.kinds)
        result.facets["strength"] = self._single_counts(
            combine("strength"), self.strength_code, self.strength
        )
        return result

    def _could_show(self, masks: dict[str, np.ndarray | None]) -> np.ndarray | None:
        """Findings that pass every facet but at most one: the only ones the list or a facet's
        counts (taken under the other facets) can include. None when that is all of them."""
        active = [m for m in masks.values() if m is not None]
        if len(active) < 2:  # one facet's counts are taken under no facet at all
            return None
        passed = np.zeros(self.size, dtype=np.int8)
        for m in active:
            passed += m
        return passed >= len(active) - 1

    def _single_counts(
        self, mask: np.ndarray, codes: np.ndarray, values: _Values
    ) -> dict[str, int]:
        counts = np.bincount(codes[mask], minlength=len(values.names))
        return dict(zip(values.names, counts.tolist(), strict=True))

    def _multi_counts(
        self, mask: np.ndarray, docs: np.ndarray, vals: np.ndarray, values: _Values
    ) -> dict[str, int]:
        counts = np.bincount(vals[mask[docs]], minlength=len(values.names))
        return dict(zip(values.names, counts.tolist(), strict=True))


def _names(value: object) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ColumnsError("a list of names in the index is not a list of strings")
    return value


def _has_prefix(words: str, prefix: str) -> bool:
    return words.startswith(prefix) or f" {prefix}" in words


def _prefix_of(spaced: str, length: int) -> str:
    """The start of a hyphenated word's parts ("joined up") that spells ``length`` letters."""
    seen = 0
    for end, ch in enumerate(spaced):
        if ch != " ":
            seen += 1
            if seen == length:
                return spaced[: end + 1]
    return spaced
