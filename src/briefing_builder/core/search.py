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
