"""Word-for-word quote matching against a source's plain text.

The rule (``evidence-format.md``): a quote must appear in its source word for word once white
space is folded; words may be left out only with ``…`` or ``[...]``, each remaining part then
found in order.

A source's text is read with :func:`read_source_text`: the one way the loader (to check quotes)
and the app (to show a quote in its source) read it, with the same plain reasons when it cannot be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .files import UnreadableFile, read_regular_file

# A source's plain text: far above any report's text (the bundled ones are under 1 MB).
MAX_TEXT_BYTES = 50 * 1024 * 1024

_OMISSION = re.compile(r"\s*(?:…|\[\.\.\.\]|\[…\])\s*")


def fold_whitespace(text: str) -> str:
    """Collapse every run of white space (no-break spaces and line breaks included) to one space.

    (``str.split`` and the ``\\s`` of a regular expression take the same characters for white
    space; splitting is several times quicker.)"""
    return " ".join(text.split())


def quote_parts(quote: str) -> list[str]:
    """The pieces of a quote between omission marks, white space folded."""
    folded = fold_whitespace(quote)
    if "…" not in folded and "[..." not in folded:  # no omission mark: one piece
        return [folded] if folded else []
    return [p for p in _OMISSION.split(folded) if p]


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

    def find_quote(self, quote: str, near: int = 0) -> tuple[int, int] | None:
        """Folded span (start, end) covering the whole quote, or None if it is not there: the
        first one starting at or after ``near`` if there is one, else the first of all.

        A library's findings mostly follow their source's text, so a checker that passes the
        start of the quote it found last looks at the text between the two quotes, not at all
        the text before them again (at worst, a quote before that point, twice the text)."""
        parts = quote_parts(quote)
        if not parts:
            return None
        if near > 0:
            found = self._find_parts(parts, near)
            if found is not None:
                return found
        return self._find_parts(parts, 0)

    def _find_parts(self, parts: list[str], pos: int) -> tuple[int, int] | None:
        """Each part in turn, the first after the one before, from ``pos``."""
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
    return locate_quotes_parts(source_text, [quote])[0]


def locate_quotes_parts(
    source_text: str, quotes: list[str], folded: FoldedText | None = None
) -> list[list[tuple[int, int]]]:
    """:func:`locate_quote_parts` for many quotes of one text, folding the text once (or given
    it folded already, ``FoldedText.of(source_text, with_offsets=True)``)."""
    if folded is None:
        folded = FoldedText.of(source_text, with_offsets=True)
    return [_original_spans(folded, quote) for quote in quotes]


def _original_spans(folded: FoldedText, quote: str) -> list[tuple[int, int]]:
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


def read_source_text(path: Path | str, *, max_bytes: int | None = None) -> str:
    """The text of a source's plain-text file, which must be UTF-8 (a byte-order mark is allowed).

    Raises :class:`~briefing_builder.core.files.UnreadableFile` with a plain reason that does not
    name the file: missing, not an ordinary file, too large, or not UTF-8 (saying what it looks
    like, so the curator knows what to convert from).
    """
    raw = read_regular_file(path, max_bytes=MAX_TEXT_BYTES if max_bytes is None else max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_not_utf8(raw, exc.start)) from None
    if "\0" in text:  # valid UTF-8, but no text holds NUL: UTF-16 without a byte-order mark
        raise UnreadableFile(_not_utf8(raw, raw.index(b"\0")))
    return text


def _not_utf8(raw: bytes, bad: int) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(raw):
        looks = "it looks like UTF-16, as some Windows programs save 'Unicode' text"
    elif raw.startswith(b"%PDF"):
        return "is a PDF file, not plain text: save the source's text as a UTF-8 .txt file"
    elif b"\0" in raw[:4096]:
        looks = "it looks like a binary file, not text"
    else:
        line = raw[:bad].count(b"\n") + 1
        looks = f"it looks like Latin-1 or Windows-1252: byte 0x{raw[bad]:02X} on line {line}"
    return f"is not UTF-8 text ({looks}); save it as UTF-8"


def _looks_like_utf16(raw: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 without a byte-order mark: every other byte is NUL."""
    head = raw[:4096]
    if len(head) < 4:
        return False
    return head[1::2].count(0) > 0.7 * (len(head) // 2) or head[0::2].count(0) > 0.7 * (
        len(head) // 2
    )
