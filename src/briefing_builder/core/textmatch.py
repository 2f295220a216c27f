"""Word-for-word quote matching against a source's plain text.

The rule (``evidence-format.md``): a quote must appear in its source word for word once white
space is folded; words may be left out only with ``…`` or ``[...]``, each remaining part then
found in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WS = re.compile(r"\s+")
_OMISSION = re.compile(r"\s*(?:…|\[\.\.\.\]|\[…\])\s*")


def fold_whitespace(text: str) -> str:
    """Collapse every run of white space (no-break spaces and line breaks included) to one space."""
    return _WS.sub(" ", text).strip()


def quote_parts(quote: str) -> list[str]:
    """The pieces of a quote between omission marks, white space folded."""
    return [p for p in _OMISSION.split(fold_whitespace(quote)) if p]


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A source text with white space folded, and a map back to the original offsets."""

    folded: str
    offsets: tuple[int, ...] | None = None  # original index of each folded character

    @classmethod
    def of(cls, text: str, *, with_offsets: bool = False) -> FoldedText:
        if not with_offsets:
            return cls(fold_whitespace(text))
        out: list[str] = []
        offsets: list[int] = []
        last_space = True  # drop leading white space
        for i, ch in enumerate(text):
            if ch.isspace():
                if not last_space:
                    out.append(" ")
                    offsets.append(i)
                last_space = True
            else:
                out.append(ch)
                offsets.append(i)
                last_space = False
        if out and out[-1] == " ":
            out.pop()
            offsets.pop()
        return cls("".join(out), tuple(offsets))

    def find_quote(self, quote: str) -> tuple[int, int] | None:
        """Folded span (start, end) covering the whole quote, or None if it is not there."""
        parts = quote_parts(quote)
        if not parts:
            return None
        pos = 0
        start = -1
        for part in parts:
            i = self.folded.find(part, pos)
            if i < 0:
                return None
            if start < 0:
                start = i
            pos = i + len(part)
        return start, pos

    def contains_quote(self, quote: str) -> bool:
        return self.find_quote(quote) is not None


def locate_quote(source_text: str, quote: str) -> tuple[int, int] | None:
    """Span of a quote in the original (unfolded) source text, for highlighting it in context."""
    folded = FoldedText.of(source_text, with_offsets=True)
    span = folded.find_quote(quote)
    if span is None or folded.offsets is None:
        return None
    start, end = span
    return folded.offsets[start], folded.offsets[end - 1] + 1


def locate_quote_parts(source_text: str, quote: str) -> list[tuple[int, int]]:
    """Spans of each part of a quote (between omission marks) in the original source text."""
    folded = FoldedText.of(source_text, with_offsets=True)
    if folded.offsets is None:
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in quote_parts(quote):
        i = folded.folded.find(part, pos)
        if i < 0:
            return []
        pos = i + len(part)
        spans.append((folded.offsets[i], folded.offsets[pos - 1] + 1))
    return spans
