"""Inline text for the export: runs of text with bold, italic and links, made safe for any writer.

Every piece of text that reaches a writer passes through :func:`clean` first, so hostile input
(control characters that XML forbids, stray carriage returns, tabs) can never break a .docx or a
PDF. Officer's text and quotes may carry Markdown ``**bold**`` and ``*italic*`` markers (some source
texts print them); they become bold or italic runs, never literal asterisks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

# XML 1.0 forbids C0 controls other than tab/newline/CR, lone surrogates and U+FFFE/U+FFFF; C1
# controls are legal but print as boxes, so they go too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0]*\n[ \t\u00a0]*")
# ``**bold**`` or ``*italic*``: the marker hugs its words (so "5 * 3" and a lone "*" stay as typed)
# and an italic marker is not inside a word ("a*b*c" stays as typed).
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<bold>.+?)(?<=\S)\*\*"
    r"|(?<![*\w])\*(?=[^\s*])(?P<italic>[^*]+?)(?<=[^\s*])\*(?![*\w])",
    re.DOTALL,
)


def clean(text: str) -> str:
    """Text that every XML writer and every PDF font accepts; line breaks become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = _FORBIDDEN.sub("", text)
    return text.replace("\t", " ")


def one_line(text: str) -> str:
    """Text for a single line (a heading, a title): runs of white space become one space."""
    return " ".join(clean(text).split())


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text. ``link`` is an external URL, or ``#anchor`` for a place in the document."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    superscript: bool = False


Spans = tuple[Span, ...]


def plain(spans: Iterable[Span]) -> str:
    return "".join(s.text for s in spans)


def with_bold(text: str, *, italic: bool = False) -> Spans:
    """Split ``**bold**`` and ``*italic*`` markers out of ``text`` (already cleaned); unmatched
    markers stay as typed. Italic inside italic text sets the words upright, as print does."""
    out: list[Span] = []
    pos = 0
    for m in _EMPHASIS.finditer(text):
        if m.start() > pos:
            out.append(Span(text[pos : m.start()], italic=italic))
        if m.group("bold") is not None:
            out.extend(
                Span(s.text, bold=True, italic=s.italic)
                for s in with_bold(m.group("bold"), italic=italic)
            )
        else:
            out.append(Span(m.group("italic"), italic=not italic))
        pos = m.end()
    if pos < len(text):
        out.append(Span(text[pos:], italic=italic))
    return tuple(s for s in out if s.text)


def elide(text: str, fits: Callable[[str], bool]) -> str:
    """``text``, or as many whole words of it as fit followed by "…" (a running header must
    never wrap or cut a word); a single word too long for the space is cut within itself."""
    if fits(text):
        return text
    words = text.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if not fits(candidate.rstrip(",;:–—-") + "…"):
            break
        kept = candidate
    if kept:
        return kept.rstrip(" ,;:–—-") + "…"
    while text and not fits(text + "…"):
        text = text[:-1]
    return text + "…"


_OPEN_DOUBLE = re.compile(r'(^|[\s(\[{\u2014\u2013/-])"')
_OPEN_SINGLE = re.compile(r"(^|[\s(\[{\u2014\u2013/-])'")


def typographic(text: str) -> str:
    """The officer's typed straight quotes as curly ones, as a word processor would set them:
    "partnership" → “partnership”, Board's → Board’s. Quotes from sources are never changed."""
    if '"' not in text and "'" not in text:
        return text
    text = _OPEN_DOUBLE.sub("\\1\u201c", text).replace('"', "\u201d")
    return _OPEN_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")


def smart_spans(spans: Iterable[Span]) -> Spans:
    """Straight quotes and apostrophes in names and citations set curly ("Barnardo's" →
    "Barnardo’s"), as the officer's text is; a URL's text is left exactly as it is."""
    return tuple(
        s if s.link and not s.link.startswith("#") else replace(s, text=typographic(s.text))
        for s in spans
    )


# A source's own footnote marker printed inline: "demands.[15]" or "advantage' [9] ." — after
# some text, one to three digits in square brackets (a space before it, or before the punctuation
# that follows it, is the text extraction's and goes).
_SOURCE_NOTE = re.compile(r"(?<=\S) ?\[(\d{1,3})\](?: (?=[.,;:!?]))?")


def source_note_markers(spans: Iterable[Span]) -> Spans:
    """A quote's own footnote markers ("[15]") as the superscript numbers the source printed,
    not as bracketed text; the rule is the same in every format."""
    out: list[Span] = []
    for s in spans:
        if s.link or s.superscript or "[" not in s.text:
            out.append(s)
            continue
        pos = 0
        for m in _SOURCE_NOTE.finditer(s.text):
            if m.start() > pos:
                out.append(replace(s, text=s.text[pos : m.start()]))
            out.append(replace(s, text=m.group(1), superscript=True))
            pos = m.end()
        if pos < len(s.text):
            out.append(replace(s, text=s.text[pos:]))
    return tuple(out)


def paragraph_spans(text: str, *, smart: bool = False) -> Spans:
    """One paragraph of running text: line breaks are soft (a space), as in Markdown. ``smart``
    sets the officer's own straight quotes as curly ones."""
    text = " ".join(clean(text).split())
    return with_bold(typographic(text) if smart else text)


@dataclass(frozen=True, slots=True)
class TextPiece:
    """A paragraph of the officer's text, or one item of a list."""

    spans: Spans
    list_kind: str | None = None  # None, "bullet" or "number"


_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def officer_text(text: str) -> list[TextPiece]:
    """The officer's own words: paragraphs split on blank lines; ``- item`` and ``1. item`` lines
    become list items (a line that is not an item continues the item above)."""
    pieces: list[TextPiece] = []
    for block in re.split(r"\n\s*\n", _SPACES.sub("\n", clean(text).strip())):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if not (_BULLET.match(lines[0]) or _NUMBERED.match(lines[0])):
            pieces.append(TextPiece(paragraph_spans(" ".join(lines), smart=True)))
            continue
        current: list[str] = []
        kind = ""
        for ln in lines:
            m_b, m_n = _BULLET.match(ln), _NUMBERED.match(ln)
            if m_b or m_n:
                if current:
                    pieces.append(TextPiece(paragraph_spans(" ".join(current), smart=True), kind))
                kind = "bullet" if m_b else "number"
                current = [(m_b or m_n).group(1)]  # type: ignore[union-attr]
            else:
                current.append(ln)
        if current:
            pieces.append(TextPiece(paragraph_spans(" ".join(current), smart=True), kind))
    return pieces
