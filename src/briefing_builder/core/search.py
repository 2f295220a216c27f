"""Text normalisation and query parsing for free-text search.

Search is case- and accent-insensitive ("maori" finds "Māori"), every word of a query is required
and matches the start of a word ("partner" finds "partnerships"), and a "quoted phrase" must
appear as those words in that order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
TOKEN = re.compile(r"\w+")
_QUERY = re.compile(r'"([^"]*)"?|(\S+)')


def normalise(text: str) -> str:
    """Lower-case, accents removed, compatibility forms folded (ligatures, full-width letters)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text).casefold()


def tokens(text: str) -> list[str]:
    """The words of a text, normalised, in order."""
    return TOKEN.findall(normalise(text))


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
                toks = tuple(tokens(phrase))
                if len(toks) == 1:
                    words.append(toks[0])
                elif toks:
                    phrases.append(toks)
            elif word:
                words.extend(tokens(word))
        return cls(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)))
