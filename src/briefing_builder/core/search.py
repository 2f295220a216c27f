"""Text normalisation and query parsing for free-text search.

Search is case- and accent-insensitive ("maori" finds "Māori"), every word of a query is required
and matches the start of a word ("partner" finds "partnerships"), and a "quoted phrase" must
appear as those words in that order.

Hyphenated and unhyphenated spellings find each other: a hyphenated word is indexed both as its
parts and joined ("co-operation": "co", "operation" and "cooperation"), and a hyphenated query
word is searched for joined, so "co-operation" and "cooperation" both find both spellings, and
"co-operation" no longer means "co" and "operation" anywhere in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
TOKEN = re.compile(r"\w+")
_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
#: A word with its hyphenated parts: "co-operation", "face-to-face".
# Possessive (no backtracking), from word starts only: as fast as splitting into words.
WORD = re.compile(rf"(?<!\w)\w++(?:[{_HYPHENS}]\w++)*")
COMPOUND = re.compile(rf"(?<!\w)\w++(?:[{_HYPHENS}]\w++)+")
_HYPHEN = re.compile(rf"[{_HYPHENS}]")
_QUERY = re.compile(r'"([^"]*)"?|(\S+)')


def normalise(text: str) -> str:
    """Lower-case, accents removed, compatibility forms folded (ligatures, full-width letters)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("\u00ad", ""))  # soft hyphens go
    return _COMBINING.sub("", text).casefold()


def tokens(text: str) -> list[str]:
    """The words of a text, normalised, in order; hyphenated words in their parts."""
    return TOKEN.findall(normalise(text))


def joined_tokens(text: str) -> list[str]:
    """The words of a text, normalised, in order; hyphenated words joined ("cooperation")."""
    return [join_hyphens(w) for w in WORD.findall(normalise(text))]


def index_words(text: str) -> tuple[list[str], list[str]]:
    """A text's words (hyphenated ones in their parts) and its hyphenated words as written,
    normalised: "Co-operation works" gives (["co", "operation", "works"], ["co-operation"])."""
    norm = normalise(text)
    parts = TOKEN.findall(norm)
    if "-" in norm or "\u2010" in norm or "\u2011" in norm:
        return parts, COMPOUND.findall(norm)
    return parts, []


def join_hyphens(word: str) -> str:
    """ "co-operation" -> "cooperation" """
    return _HYPHEN.sub("", word)


def split_hyphens(word: str) -> str:
    """ "co-operation" -> "co operation" (as the word appears among a text's tokens)"""
    return _HYPHEN.sub(" ", word)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: words that must all appear, and phrases that must appear as written."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    @classmethod
    def parse(cls, text: str) -> Query:
        words: list[str] = []
        phrases: list[tuple[str, ...]] = []
        # Curly quotes typed or pasted by the user count as straight ones.
        text = text.replace("“", '"').replace("”", '"')
        for match in _QUERY.finditer(text):
            phrase, word = match.groups()
            if phrase is not None:
                toks = tuple(joined_tokens(phrase))
                if len(toks) == 1:
                    words.append(toks[0])
                elif toks:
                    phrases.append(toks)
            elif word:
                words.extend(joined_tokens(word))
        return cls(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)))


# --- where a query matches, for highlighting -------------------------------------------------

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Token:
    """A word of a text (a hyphenated word's part), normalised, and where it starts."""

    norm: str
    start: int  # offset of its first character in the normalised text


def _normalised_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """The text as :func:`normalise` reads it, and where in the text each of its characters
    starts and ends.

    Normalising one character at a time gives the same letters as normalising the whole text
    (the combining marks that canonical reordering would move are removed anyway), and keeps
    the way back to the text as written: "ﬁ" reads "fi" and "ß" reads "ss", both from one
    character; a letter's end takes in the accents written after it ("e" + U+0301), which
    read as nothing."""
    if text.isascii():
        at = list(range(len(text)))
        return text.lower(), at, [i + 1 for i in at]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        norm = normalise(ch)
        if not norm:
            if ends and ends[-1] == i:
                ends[-1] = i + 1
            continue
        out.append(norm)
        starts.extend([i] * len(norm))
        ends.extend([i + 1] * len(norm))
    return "".join(out), starts, ends


def hit_spans(text: str, query: str | Query) -> list[Span]:
    """The parts of ``text`` that ``query`` matches, as (start, end) character offsets, sorted and
    merged, for highlighting what the search found.

    The rules are the filter's: a word matches the start of a word ("partner" marks "partner" in
    "partnerships"), a hyphenated word read joined ("cooperation" marks "co-operation", and
    "co-operation" marks "cooperation"), and a quoted phrase its words in order, the last one as
    a start ("joined-up working", "joined up working"). Case, accents and compatibility forms are
    folded as the filter folds them. A query that matched only the speaker or the source's title
    marks nothing in the quote.
    """
    parsed = query if isinstance(query, Query) else Query.parse(query)
    if parsed.empty or not text:
        return []
    norm, starts, ends = _normalised_with_offsets(text)
    toks = [_Token(m.group(), m.start()) for m in TOKEN.finditer(norm)]  # hyphenated in parts
    compounds = [(m.start(), m.end()) for m in COMPOUND.finditer(norm)]
    found: list[Span] = []  # in normalised offsets
    for word in parsed.words:
        found.extend(_word_hits(norm, toks, compounds, word))
    for phrase in parsed.phrases:
        found.extend(_phrase_hits(norm, toks, phrase))
    return _merge([(starts[s], ends[e - 1]) for s, e in found if e > s])


def _end_of_letters(norm: str, start: int, letters: int) -> int:
    """Where, from ``start``, the text has shown ``letters`` letters, hyphens not counted."""
    seen = 0
    i = start
    while i < len(norm) and seen < letters:
        if norm[i] not in _HYPHENS:
            seen += 1
        i += 1
    return i


def _word_hits(norm: str, toks: list[_Token], compounds: list[Span], word: str) -> list[Span]:
    hits = [(t.start, t.start + len(word)) for t in toks if t.norm.startswith(word)]
    for start, end in compounds:
        if join_hyphens(norm[start:end]).startswith(word):
            hits.append((start, _end_of_letters(norm, start, len(word))))
    return hits


def _phrase_hits(norm: str, toks: list[_Token], phrase: tuple[str, ...]) -> list[Span]:
    """A phrase's words at consecutive words of the text. As in the filter, a phrase word may
    read as consecutive words: "joinedup" over "joined-up" and "joined up" alike."""
    hits: list[Span] = []
    last = len(phrase) - 1
    for first in range(len(toks)):
        at = first
        end = -1
        for k, word in enumerate(phrase):
            at, end = _match_word(toks, at, word, prefix=k == last)
            if at < 0:
                break
        if at >= 0:
            hits.append((toks[first].start, end))
    return hits


def _match_word(toks: list[_Token], at: int, word: str, *, prefix: bool) -> tuple[int, int]:
    """Match ``word`` at token ``at``, whole (or as a start, for a phrase's last word), alone or
    over consecutive tokens: the token after it and where the match ends, or (-1, -1)."""
    rest = word
    i = at
    while i < len(toks):
        tok = toks[i]
        if tok.norm == rest or (prefix and tok.norm.startswith(rest)):
            return i + 1, tok.start + len(rest)
        if not rest.startswith(tok.norm):
            break
        rest = rest[len(tok.norm) :]
        i += 1
    return -1, -1


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
