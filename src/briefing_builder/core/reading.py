"""A source's text laid out for reading, and where each of its findings stands in it.

Source texts are plain text saved from reports and slide decks: paragraphs between blank lines,
headings on lines of their own (``# Markdown`` ones, numbered ones such as ``3.1 Range of
partners``, short unpunctuated titles), bullet lines and ``**bold**``. :func:`layout_text` turns
that into blocks to show as headings, paragraphs and list items, and keeps a map from every
character of the original text to its place in the laid-out text, so that a quote found in the
original (:mod:`.textmatch`) is highlighted where it is shown.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from .files import UnreadableFile
from .model import Finding, Library
from .textmatch import FoldedText, locate_quotes_parts, read_source_text

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"

_MARKDOWN_HEADING = re.compile(r"#{1,6}(?=\s)")
_BULLET = re.compile(r"[-*•▪◦‣●○■□–]\s+")
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)\.?\s+\S")
_BOLD = "**"
# A title stands alone, is short and does not end like a sentence or a clause.
_MAX_TITLE = 80
_MAX_FIRST_TITLE = 160  # a document's first line is often its long title
_MAX_TITLE_WORDS = 14
_SENTENCE_END = tuple(".,;:!")
_TWO_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the original text shown unchanged: ``start``-``end`` in the original, ``at`` in
    the laid-out text."""

    start: int
    end: int
    at: int
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A heading (``level`` 1-3), a paragraph (level 0) or a list item (nesting ``level`` 1-2)."""

    kind: str
    level: int
    text: str
    at: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """The laid-out text: its blocks joined by line breaks, with the map back to the original."""

    source: str
    blocks: tuple[Block, ...]
    text: str
    _pieces: tuple[Piece, ...]
    _starts: tuple[int, ...]

    def position(self, offset: int) -> int:
        """Where the original text's character at ``offset`` is shown; a character that is not
        shown (a mark such as ``**``, a bullet, a blank line) gives the next one that is."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._pieces[i].end:
            p = self._pieces[i]
            return p.at + offset - p.start
        if i + 1 < len(self._pieces):
            return self._pieces[i + 1].at
        return len(self.text)

    def end_position(self, end: int) -> int:
        """Where a span of the original text ending (exclusive) at ``end`` ends when shown."""
        i = bisect_right(self._starts, end - 1) - 1
        if i < 0:
            return 0
        p = self._pieces[i]
        return p.at + min(end, p.end) - p.start

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the original text, as shown (never reversed)."""
        a = self.position(start)
        return a, max(a, self.end_position(end))

    def original_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The inverse of :meth:`span`: what a selection of the shown text (``start``-``end``,
        exclusive) covers in the original text, from its first shown character to its last.
        What the layout adds (the space joining a paragraph's lines, the break between blocks)
        maps to the original text's own white space there. None when nothing shown is
        selected (only layout white space)."""
        if not self._pieces or end <= start:
            return None
        ats = [p.at for p in self._pieces]
        # The first piece that ends after ``start``, and the last that begins before ``end``.
        first = max(0, bisect_right(ats, start) - 1)
        if start >= self._pieces[first].at + self._pieces[first].end - self._pieces[first].start:
            first += 1
        last = bisect_right(ats, end - 1) - 1
        if first >= len(self._pieces) or last < first:
            return None
        a, b = self._pieces[first], self._pieces[last]
        orig_start = a.start + max(0, start - a.at)
        orig_end = b.start + min(end - b.at, b.end - b.start)
        return (orig_start, orig_end) if orig_end > orig_start else None


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # of its content: indentation and any heading or bullet mark left out
    end: int  # trailing white space left out
    indent: int
    bullet: bool = False
    markdown_level: int = 0


def _lines(text: str) -> list[_Line | None]:
    """Each line's content, or None for a blank line."""
    out: list[_Line | None] = []
    pos = 0
    for raw in text.split("\n"):
        body = raw.rstrip()
        stripped = body.lstrip()
        if not stripped:
            out.append(None)
        else:
            indent = len(body) - len(stripped)
            start = pos + indent
            end = pos + len(body)
            if m := _MARKDOWN_HEADING.match(stripped):
                rest = stripped[m.end() :].lstrip()
                level = len(m.group())
                if rest:
                    out.append(_Line(end - len(rest), end, indent, markdown_level=level))
                else:
                    out.append(None)
            elif m := _BULLET.match(stripped):
                out.append(_Line(start + m.end(), end, indent, bullet=True))
            else:
                out.append(_Line(start, end, indent))
        pos += len(raw) + 1
    return out


def _groups(lines: list[_Line | None]) -> list[list[_Line]]:
    """Lines grouped into blocks: a blank line, a heading mark or a bullet starts a new one."""
    groups: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if (
            line is None
            or line.bullet
            or line.markdown_level
            or (current and current[0].markdown_level)
        ):
            if current:
                groups.append(current)
            current = []
        if line is not None:
            current.append(line)
    if current:
        groups.append(current)
    return groups


def _segments(text: str, lines: list[_Line]) -> list[tuple[int, int, bool, int]]:
    """(start, end, bold, line number) runs of the block's lines, ``**`` marks taken out when
    they pair up."""
    marks = sum(text.count(_BOLD, ln.start, ln.end) for ln in lines)
    pairs = marks > 0 and marks % 2 == 0
    out: list[tuple[int, int, bool, int]] = []
    bold = False
    for n, ln in enumerate(lines):
        pos = ln.start
        while pairs:
            i = text.find(_BOLD, pos, ln.end)
            if i < 0:
                break
            if i > pos:
                out.append((pos, i, bold, n))
            bold = not bold
            pos = i + len(_BOLD)
        if pos < ln.end:
            out.append((pos, ln.end, bold, n))
    return out


def _heading_level(shown: str, lines: list[_Line], first: bool) -> int:
    """The heading level of a block that reads as a heading, else 0."""
    if lines[0].markdown_level:
        return min(lines[0].markdown_level, 3)
    if lines[0].bullet or len(lines) > 2:
        return 0
    if shown.endswith(_SENTENCE_END) or len(shown.split()) > _MAX_TITLE_WORDS:
        return 0
    if m := _NUMBERED.match(shown):
        depth = m.group(1).count(".") + 1
        return min(depth, 3) if len(shown) <= _MAX_TITLE + 20 and len(lines) == 1 else 0
    if len(shown) > (_MAX_FIRST_TITLE if first else _MAX_TITLE) or _TWO_SENTENCES.search(shown):
        return 0
    if not (shown[0].isupper() or shown[0] in "‘'\"“("):
        return 0
    return 1 if first else 2


def layout_text(text: str) -> Layout:
    """The text as headings, paragraphs and list items (see the module's description)."""
    blocks: list[Block] = []
    pieces: list[Piece] = []
    at = 0
    list_indent: int | None = None
    for lines in _groups(_lines(text)):
        block_pieces: list[Piece] = []
        parts: list[str] = []
        length = 0
        last_line = -1
        for start, end, bold, n in _segments(text, lines):
            if last_line >= 0 and n != last_line:
                parts.append(" ")
                length += 1
            last_line = n
            block_pieces.append(Piece(start, end, at + length, bold))
            chunk = text[start:end]
            parts.append(chunk)
            length += len(chunk)
        shown = "".join(parts)
        if not shown:
            continue
        if lines[0].bullet:
            if list_indent is None:
                list_indent = lines[0].indent
            kind, level = ITEM, 2 if lines[0].indent > list_indent else 1
        else:
            list_indent = None
            level = _heading_level(shown, lines, first=not blocks)
            kind = HEADING if level else PARAGRAPH
        blocks.append(Block(kind, level, shown, at, tuple(block_pieces)))
        pieces += block_pieces
        at += len(shown) + 1  # the line break between blocks
    laid_out = "\n".join(b.text for b in blocks)
    return Layout(text, tuple(blocks), laid_out, tuple(pieces), tuple(p.start for p in pieces))


# --- the findings of a source --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a finding's quote stands in its source's text: one span per part between omission
    marks, in the original text; none when the quote is not found there."""

    finding: Finding
    spans: tuple[tuple[int, int], ...]

    @property
    def found(self) -> bool:
        return bool(self.spans)


@dataclass
class Located:
    """The quotes located in one source text so far, by quote: kept while the text is shown, so
    that a new library (after a curation write) locates only the quotes it has not seen. Each
    quote is located on its own, so a kept answer is the one locating it again gives."""

    text: str
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    folded: FoldedText | None = None

    def of(self, quotes: list[str]) -> list[tuple[tuple[int, int], ...]]:
        new = list(dict.fromkeys(q for q in quotes if q not in self.spans))
        if new:
            if self.folded is None:
                self.folded = FoldedText.of(self.text, with_offsets=True)
            for quote, spans in zip(
                new, locate_quotes_parts(self.text, new, self.folded), strict=True
            ):
                self.spans[quote] = tuple(spans)
        return [self.spans[q] for q in quotes]


def passages(text: str, findings: list[Finding], located: Located | None = None) -> list[Passage]:
    """Every finding's passage, in the order they stand in the text; findings whose quote is not
    in it come last, in the order given. ``located``: the quotes of ``text`` located before."""
    if located is None or located.text != text:
        located = Located(text)
    spans = located.of([f.text for f in findings])
    out = [Passage(f, s) for f, s in zip(findings, spans, strict=True)]
    found = sorted((p for p in out if p.found), key=lambda p: (p.spans[0][0], p.spans[-1][1]))
    return found + [p for p in out if not p.found]


def findings_of(library: Library, source_id: str) -> list[Finding]:
    return library.findings_of(source_id)


class TextUnavailable(Exception):
    """Why a source's text cannot be shown, in words for the officer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_for_reading(library: Library, source_id: str) -> str:
    """The source's text, read as the loader reads it; :class:`TextUnavailable` says why not."""
    src = library.source(source_id)
    if src is None:
        raise TextUnavailable("This finding's source is not in the library's list of sources.")
    title = f"“{src.title or src.short}”"
    if src.text_path is None:
        reported = [
            p
            for p in library.errors
            if f"source '{source_id}'" in p.message and "text" in p.message
        ]
        if reported:
            raise TextUnavailable(
                f"The text of {title} could not be read when the library was opened:\n{reported[0]}"
            )
        raise TextUnavailable(
            f"{title} has no text in this library, so its findings cannot be read in context."
        )
    try:
        return read_source_text(src.text_path)
    except UnreadableFile as exc:
        raise TextUnavailable(
            f"The text of {title} cannot be read: {Path(src.text_path).name} {exc.message}."
        ) from None
