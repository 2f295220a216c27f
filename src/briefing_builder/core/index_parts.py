"""The filter index worked out a slice of findings at a time, and the slices joined.

Indexing a finding's words is most of the cost of a filter index (about 3.5 s at 100,000
findings, walked one finding at a time). A slice — one findings file, read by a worker process
while it parses that file — is indexed here with a few passes over the whole slice's text, into
plain arrays and strings that cross between processes cheaply. Joining slices is then a matter of
offsetting row numbers and concatenating arrays, so the process that opens the library never walks
its findings for the index.

However the findings are cut into slices, the joined index is the same: every row number, word
and posting list, in the same order (a test builds it both ways and compares).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from .columns import Packed, pack_strings
from .finding_columns import RunColumns, run_columns
from .model import KINDS, Finding
from .search import _HYPHENS, join_hyphens, normalise, split_hyphens

_SEP = "\x00"  # between the findings of a slice: not a word character, nor a hyphen
_SEP_BYTES = _SEP.encode()
_UTF8, _AS_IS = "utf-8", "surrogatepass"
# Within a run of word characters and hyphens, as COMPOUND reads it: word parts joined by single
# hyphens (no byte of a character beyond ASCII is a hyphen's).
_COMPOUND_BYTES = re.compile(rb"[^-]+(?:-[^-]+)+")
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD_CHAR = re.compile(r"\w")
_ASCII_WORD = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
# Bytes to keep: ASCII word characters, hyphens, the separator, and every byte of a character
# beyond ASCII (those that are neither word characters nor hyphens are spaces by then).
_KEEP = _ASCII_WORD | {ord("-"), 0}
_SPACES = bytes(b if b in _KEEP or b >= 0x80 else 0x20 for b in range(256))
_BITMAP_MAX = 1 << 25  # (word, finding) pairs of a part told apart with a flag each
_HYPHEN_CHARS = _HYPHENS[1:]  # beyond ASCII
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}


class IndexPart(NamedTuple):
    """The index of a run of consecutive findings, rows counted from its first (0).

    Facet values are codes: sources and themes into the library's lists (known before any
    findings file is read), places into the part's own ``place_names``.
    """

    size: int
    source_code: np.ndarray  # int32, one per finding
    kind_code: np.ndarray  # int32, one per finding, into KINDS
    theme_doc: np.ndarray  # int32 rows ...
    theme_val: np.ndarray  # ... and the theme each has
    place_doc: np.ndarray  # int32 rows ...
    place_val: np.ndarray  # ... and the place each names, into place_names
    place_names: tuple[str, ...]
    doc_words: str  # each finding's words, " word word", the findings separated by NUL
    vocab: tuple[str, ...]  # the words (and hyphenated words joined), in first-seen order
    word_counts: np.ndarray  # int64: how many findings have each word of vocab
    postings: np.ndarray  # int32 rows with each word, word by word, rows in ascending order
    compounds: tuple[tuple[str, str], ...]  # ("cooperation", "co operation"), first seen first
    # Made by a worker process for the cache entry (None when not asked for): the findings'
    # texts and their words (as in doc_words) compressed, and their other fields as columns, so
    # the cache entry's writer only joins them.
    texts: Packed | None = None
    words: Packed | None = None
    columns: RunColumns | None = None  # the findings' other columns


def index_part(
    findings: Sequence[Finding],
    theme_ids: Sequence[str],
    source_ids: Sequence[str],
    *,
    packed: bool = False,
) -> IndexPart:
    """Index ``findings``, whose themes and sources are among ``theme_ids`` and ``source_ids``
    (the library's, in its order: the codes are positions in them). ``packed``: also make
    their columns of the cache entry (texts and words compressed, the other fields as arrays:
    :func:`.columns.pack_strings`, :func:`.finding_columns.run_columns`), in a worker
    process, where it runs alongside the other files' parsing rather than after it."""
    n = len(findings)
    source_of = {s: i for i, s in enumerate(source_ids)}
    theme_of = {t: i for i, t in enumerate(theme_ids)}
    source_code = np.fromiter((source_of[f.source] for f in findings), dtype=np.int32, count=n)
    kind_code = np.fromiter((_KIND_CODE[f.kind] for f in findings), dtype=np.int32, count=n)
    themes = [f.themes for f in findings]
    places = [f.places for f in findings]
    place_of = {p: i for i, p in enumerate(dict.fromkeys(chain.from_iterable(places)))}
    theme_doc, theme_val = _pairs(themes, theme_of)
    place_doc, place_val = _pairs(places, place_of)
    texts = [f"{f.text} {f.speaker}" if f.speaker else f.text for f in findings]
    words = _words(texts)
    packs: tuple[Packed | None, Packed | None, RunColumns | None] = (None, None, None)
    if packed:
        doc_words = words[0].split(_SEP) if n else []
        packs = (
            pack_strings([f.text for f in findings]),
            pack_strings(doc_words),
            run_columns(findings),
        )
    return IndexPart(
        n,
        source_code,
        kind_code,
        theme_doc,
        theme_val,
        place_doc,
        place_val,
        tuple(place_of),
        *words,
        *packs,
    )


def _words(
    texts: list[str],
) -> tuple[str, tuple[str, ...], np.ndarray, np.ndarray, tuple[tuple[str, str], ...]]:
    """(doc_words, vocab, word_counts, postings, compounds) of ``texts``, in whole-slice passes:
    the words found as :func:`.search.index_words` finds them, one text at a time."""
    n = len(texts)
    if not n:
        empty = np.zeros(0, dtype=np.int32)
        return "", (), empty.astype(np.int64), empty, ()
    folded = [t.lower() if t.isascii() else normalise(t) for t in texts]
    norm = _SEP.join(folded)
    if norm.count(_SEP) != n - 1:  # a text with a NUL in it (not a word character): a space
        norm = _SEP.join(t.replace(_SEP, " ") for t in folded)
    spaced = _spaced(norm)
    flat = spaced.replace(b"-", b" ").split()  # the words, and the separators between findings
    # Each finding's words as the phrase check reads them: " word word".
    doc_words = _SEP.join(
        [" " + p.strip(" ") for p in b" ".join(flat).decode(_UTF8, _AS_IS).split(_SEP)]
    )
    # Every word as a code, with the finding it is in; the separator first, so it is code 0.
    codes_of = {w: i for i, w in enumerate(dict.fromkeys([_SEP_BYTES, *flat]))}
    codes = np.fromiter(map(codes_of.__getitem__, flat), dtype=np.int64, count=len(flat))
    starts = codes == 0
    rows = np.cumsum(starts)
    codes, rows = codes[~starts], rows[~starts]
    compounds: dict[tuple[str, str], None] = {}
    if b"-" in spaced:
        # Hyphenated words also count joined ("co-operation": "cooperation"), in their finding.
        found, found_rows = _hyphenated(spaced)
        code_of: dict[bytes, int] = {}
        for word in dict.fromkeys(found):
            text = word.decode(_UTF8, _AS_IS)
            joined = join_hyphens(text)
            compounds.setdefault((joined, split_hyphens(text)))
            code_of[word] = codes_of.setdefault(joined.encode(_UTF8, _AS_IS), len(codes_of))
        extra = np.fromiter(map(code_of.__getitem__, found), dtype=np.int64, count=len(found))
        codes = np.concatenate((codes, extra))
        rows = np.concatenate((rows, np.asarray(found_rows, dtype=np.int64)))
    # Each (word, finding) once, word by word, findings in order within a word.
    pairs = _distinct((codes - 1) * n + rows, (len(codes_of) - 1) * n)
    vocab = tuple(w.decode(_UTF8, _AS_IS) for w in codes_of)[1:]
    counts = np.bincount(pairs // n, minlength=len(vocab)).astype(np.int64)
    return doc_words, vocab, counts, (pairs % n).astype(np.int32), tuple(compounds)


def _pairs(
    values: list[tuple[str, ...]], code_of: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(row, code) of each value of each finding, row by row."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    rows = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
    flat = map(code_of.__getitem__, chain.from_iterable(values))
    return rows, np.fromiter(flat, dtype=np.int32, count=int(lengths.sum()))


def _spaced(norm: str) -> bytes:
    r"""Normalised text in UTF-8 with every character a space but word characters (``\w``, as
    ``TOKEN`` reads them), hyphens (all as ``-``) and the separators between findings, which
    stand alone between spaces: what is left between spaces is words, hyphenated or not.

    Splitting bytes is many times quicker than a regular expression over the text. The few
    distinct characters beyond ASCII are looked at one by one, the ASCII ones by a byte table.
    """
    for ch in set(_BEYOND_ASCII.findall(norm)):
        if ch in _HYPHEN_CHARS:
            norm = norm.replace(ch, "-")
        elif not _WORD_CHAR.match(ch):
            norm = norm.replace(ch, " ")
    data = norm.encode(_UTF8, _AS_IS).translate(_SPACES)
    return data.replace(_SEP_BYTES, b" \x00 ")


def _hyphenated(spaced: bytes) -> tuple[list[bytes], list[int]]:
    """The hyphenated words of :func:`_spaced` text, as ``COMPOUND`` finds them, and the row
    (finding) of each: looked for only around its hyphens."""
    words: list[bytes] = []
    rows: list[int] = []
    row = counted = 0
    at = spaced.find(b"-")
    while at >= 0:
        start = spaced.rfind(b" ", 0, at) + 1
        end = spaced.find(b" ", at)
        if end < 0:
            end = len(spaced)
        row += spaced.count(_SEP_BYTES, counted, start)
        counted = start
        word = spaced[start:end]
        if b"--" in word or word.startswith(b"-") or word.endswith(b"-"):
            for part in _COMPOUND_BYTES.findall(word):
                words.append(part)
                rows.append(row)
        else:  # the usual case: one hyphenated word
            words.append(word)
            rows.append(row)
        at = spaced.find(b"-", end)
    return words, rows


def _distinct(keys: np.ndarray, limit: int) -> np.ndarray:
    """``keys`` (each in 0..limit-1) sorted, each once."""
    if limit <= _BITMAP_MAX:  # a flag per possible key: no sorting at all
        seen = np.zeros(limit, dtype=bool)
        seen[keys] = True
        return np.flatnonzero(seen)
    return np.unique(keys)


class Run(NamedTuple):
    """A part's findings as the cache entry keeps them: how many, their texts and words
    already compressed, and their other columns (None: made when the entry is written)."""

    size: int
    texts: Packed | None
    words: Packed | None
    columns: RunColumns | None


class JoinedIndex(NamedTuple):
    """The parts joined: the arrays of a :class:`~.filtering.FilterIndex`."""

    source_code: np.ndarray
    kind_code: np.ndarray
    theme_doc: np.ndarray
    theme_val: np.ndarray
    place_doc: np.ndarray
    place_val: np.ndarray
    doc_words: list[str]
    vocab: list[str]  # sorted
    postings: np.ndarray  # int32, word by word
    offsets: np.ndarray  # int64: where each word's postings start, and the end
    compounds: dict[str, list[str]]  # joined word -> its forms in parts, sorted
    runs: list[Run]  # each part's size and what it packed for the cache entry


def join_parts(
    parts: Sequence[IndexPart],
    place_codes: Mapping[str, int],
    checkpoint: Callable[[int, int], None] | None = None,
) -> JoinedIndex:
    """One index of ``parts`` in order, the rows of each following the last's; places coded by
    ``place_codes`` (the library's). ``checkpoint(done, total)`` is called between parts."""
    total = len(parts)
    sizes = np.fromiter((p.size for p in parts), dtype=np.int64, count=total)
    base = np.concatenate(([0], np.cumsum(sizes)[:-1])) if total else sizes
    vocab = sorted({w for p in parts for w in p.vocab})
    rank = {w: i for i, w in enumerate(vocab)}
    # Each part's words as positions in the joined vocabulary, and where its postings go.
    ranks = [np.fromiter(map(rank.__getitem__, p.vocab), np.int64, len(p.vocab)) for p in parts]
    counts = np.zeros(len(vocab), dtype=np.int64)
    for p, r in zip(parts, ranks, strict=True):
        np.add.at(counts, r, p.word_counts)
    offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    postings = np.empty(int(offsets[-1]), dtype=np.int32)
    filled = offsets[:-1].copy()  # where each word's next postings go
    for done, (p, r, at) in enumerate(zip(parts, ranks, base.tolist(), strict=True)):
        if checkpoint is not None:
            checkpoint(done, total)
        if not p.postings.size:
            continue
        local = np.concatenate(([0], np.cumsum(p.word_counts)[:-1]))
        shift = np.repeat(filled[r] - local, p.word_counts)
        postings[shift + np.arange(p.postings.size)] = p.postings + at
        filled[r] += p.word_counts
    compounds: dict[str, set[str]] = {}
    for p in parts:
        for joined, split in p.compounds:
            compounds.setdefault(joined, set()).add(split)
    doc_words: list[str] = []
    for p in parts:
        if p.size:
            doc_words.extend(p.doc_words.split(_SEP))

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)

    place_val = [
        np.asarray([place_codes[name] for name in p.place_names], dtype=np.int32)[p.place_val]
        if p.place_val.size
        else p.place_val
        for p in parts
    ]
    shifted = list(zip(parts, base.tolist(), strict=True))
    return JoinedIndex(
        cat([p.source_code for p in parts]),
        cat([p.kind_code for p in parts]),
        cat([(p.theme_doc + at).astype(np.int32) for p, at in shifted]),
        cat([p.theme_val for p in parts]),
        cat([(p.place_doc + at).astype(np.int32) for p, at in shifted]),
        cat(place_val),
        doc_words,
        vocab,
        postings,
        offsets,
        {w: sorted(forms) for w, forms in compounds.items()},
        [Run(p.size, p.texts, p.words, p.columns) for p in parts],
    )
