"""Search hits marked in text: one colour, as HTML for rich text and as formats for a layout.

Spans come from :func:`briefing_builder.core.search.hit_spans`, in Python character offsets;
Qt counts in UTF-16 code units, so anything beyond the Basic Multilingual Plane is converted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from PySide6.QtGui import QColor, QTextCharFormat, QTextLayout

from ..core.search import Span

#: A soft yellow that reads as "marked" on white and on the selection colour alike.
HIT_BACKGROUND = "#fde68a"
HIT_FOREGROUND = "#111111"
HIT_STYLE = f"background-color:{HIT_BACKGROUND}; color:{HIT_FOREGROUND}"
#: Tooltips are wrapped to this many characters a line.
TOOLTIP_CHARS = 64


def hit_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(HIT_BACKGROUND))
    fmt.setForeground(QColor(HIT_FOREGROUND))
    return fmt


def utf16(text: str, index: int) -> int:
    """A Python offset in ``text`` as Qt counts it."""
    if text.isascii():
        return index
    return len(text[:index].encode("utf-16-le")) // 2


def hit_ranges(text: str, spans: Sequence[Span], offset: int = 0) -> list[QTextLayout.FormatRange]:
    """Formats marking ``spans`` of ``text`` for a QTextLayout whose text has ``offset`` code
    units before ``text`` (an opening quotation mark, say)."""
    fmt = hit_format()
    ranges = []
    for start, end in spans:
        r = QTextLayout.FormatRange()
        r.start = offset + utf16(text, start)
        r.length = utf16(text, end) - utf16(text, start)
        r.format = fmt
        ranges.append(r)
    return ranges


def hit_html(text: str, spans: Sequence[Span]) -> str:
    """``text`` escaped for rich text, with ``spans`` marked."""
    out: list[str] = []
    at = 0
    for start, end in spans:
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        out.append(escape(text[at:start]))
        out.append(f"<span style='{HIT_STYLE}'>{escape(text[start:end])}</span>")
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


_WORD = re.compile(r"\S+")


def wrap_lines(text: str, width: int) -> list[Span]:
    """Where to break ``text`` into lines of at most ``width`` characters, at spaces (a longer
    word gets a line of its own), as spans of ``text``: so marks can follow the text onto its
    lines."""
    lines: list[Span] = []
    start = end = -1
    for m in _WORD.finditer(text):
        if start < 0:
            start, end = m.start(), m.end()
        elif m.end() - start <= width:
            end = m.end()
        else:
            lines.append((start, end))
            start, end = m.start(), m.end()
    if start >= 0:
        lines.append((start, end))
    return lines


def wrapped_hit_html(text: str, spans: Sequence[Span], width: int) -> str:
    """``text`` wrapped to ``width`` characters, lines joined by ``<br>``, ``spans`` marked."""
    out = []
    for start, end in wrap_lines(text, width):
        line_spans = [
            (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
        ]
        out.append(hit_html(text[start:end], line_spans))
    return "<br>".join(out)


def tooltip_html(lines: Sequence[str]) -> str:
    """Rich-text tooltip paragraphs from HTML lines already wrapped (see :func:`wrapped_hit_html`).
    Lines are broken here, not by the tooltip: Qt would narrow a short tooltip on its own and
    leave a long one a single line across the screen."""
    return "".join(f"<p style='white-space:pre; margin:2px 0'>{line}</p>" for line in lines)


def plain_tooltip(parts: Sequence[str]) -> str:
    """A tooltip of plain-text parts (each may hold line breaks), wrapped; empty parts left out."""
    lines = [
        wrapped_hit_html(line, [], TOOLTIP_CHARS)
        for part in parts
        for line in part.strip().splitlines()
        if line.strip()
    ]
    return tooltip_html(lines)
