"""Make, edit and retire findings: word for word and correctly located by construction.

A finding made from a selection in a source's text is found in that text with the loader's own
matcher (:mod:`..core.textmatch`), so it passes ``check`` by construction; its locator is derived
from where it stands (the printed page label, the numbered section and its heading, the heading,
or the slide and its title). A new finding is *appended* to ``findings/<source>.yaml`` as text, so
every byte already in the file stays as it was; it is read back before the write to be sure it
parses as that one new finding. Every write goes through :func:`.writes.write_checked`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import textwrap
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core import yamlio
from ..core.files import UnreadableFile
from ..core.loader import ID_PATTERN, findings_files
from ..core.model import KINDS, LOCATOR_LABELS, Library, Locator, Source
from ..core.pages import page_index, page_label
from ..core.reading import HEADING, Layout, Piece, layout_text
from ..core.textmatch import FoldedText, fold_whitespace, quote_parts, read_source_text
from ..core.yamlio import YamlProblem, load_yaml_text
from .writes import (
    ConflictError,
    CurationError,
    Written,
    current_library,
    decode,
    encode,
    error_counts,
    key_ranges,
    plain_data,
    read_for_edit,
    read_only_reason,
    refuse_if_read_only,
    tail_start,
    write_checked,
)

__all__ = [
    "AmbiguousPassage",
    "ConflictError",
    "CurationError",
    "Located",
    "Written",
    "add_finding",
    "derive_locator",
    "edit_finding",
    "locate_passage",
    "next_finding_id",
    "passage_from_ranges",
    "passage_ranges",
    "propose_speaker",
    "read_only_reason",
    "remove_added_finding",
    "restore_finding",
    "retire_finding",
]

OMISSION = " … "
MAX_OCCURRENCES = 200  # a passage found more often than this is not a passage but a word
WRAP = 96  # the house width of findings files
# The order of a finding's keys in the house style (docs/evidence-format.md).
KEY_ORDER = ("id", "source", "kind", "text", "speaker", "locator", "themes", "places", "note")
_ITEM = re.compile(r"^(?P<indent>[ ]*)- ", re.M)
_ID_LINE = re.compile(
    r"""^[ \t]*(?:#[ \t]*)?(?:-[ \t]+)?id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.M
)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$", re.S)


class AmbiguousPassage(CurationError):
    """The passage stands in the text more than once; ``occurrences`` says where each is."""

    def __init__(self, message: str, occurrences: list[Located], text_path: Path | None) -> None:
        super().__init__(message)
        self.occurrences = occurrences
        self.text_path = text_path


@dataclass(frozen=True)
class Located:
    """One occurrence of a passage in a source text."""

    parts: tuple[tuple[int, int], ...]  # (start, end) offsets in the source text, one per part
    page: int | None  # 0-based page (form feeds before it); None when the text has no pages
    page_label: str | None  # printed page label (page-labels:), else str(page + 1)
    section: str | None  # section number where known ("3.1")
    heading: str | None  # nearest heading text above the passage
    line: int  # 1-based line of the text file

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def where(self) -> str:
        """Where it is, for a message: "page 3, line 40"."""
        return (
            f"page {self.page_label}, line {self.line}" if self.page_label else f"line {self.line}"
        )


# --- passages ------------------------------------------------------------------------------


def passage_from_ranges(source_text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """The words of the selected ranges, white space folded, joined with " … " (ranges sorted).

    Words are left out of a finding only by selecting several ranges, never by typing. The
    source's Markdown marks are not words (see :func:`passage_ranges`), so a selection across
    them still gives a passage the loader's check finds word for word and the export prints
    without a stray mark."""
    parts = []
    for start, end in passage_ranges(source_text, ranges):
        part = fold_whitespace(source_text[start:end])
        if part:
            parts.append(part)
    return OMISSION.join(parts)


def passage_ranges(source_text: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of the source text a selection of ``ranges`` quotes, marks handled as the
    reader shows them (:func:`..core.reading.layout_text`):

    - a ``**bold**`` run partly selected is taken whole, marks and all, so the quote carries
      both marks and prints the run bold (dropping a mark would make the quote differ from
      the text, and one mark alone would print as asterisks);
    - a list item's bullet (``- ``) is left out at either end of a part; between two items it
      stays, as it stands on the page (the quote is word for word, and no words are left out
      there, so no " … " either);
    - a heading's mark (``# ``), or a ``**`` that pairs with nothing, is left out: the range
      is split around it, so the parts join with " … ";
    - a heading inside a selection that runs on past it is left out the same way: the
      locator names the section, the quote keeps to the text (a heading selected on its own
      is kept).

    Every span is verbatim source text, in order, so the loader's matcher finds the passage."""
    n = len(source_text)
    cleaned = sorted((max(0, a), min(n, b)) for a, b in ranges if min(n, b) > max(0, a))
    if not cleaned:
        return []
    layout, runs, kinds = _marks(source_text)
    widened: list[tuple[int, int]] = []
    for start, end in cleaned:
        for a, b in runs:
            if a < start < b:
                start = a
            if a < end < b:
                end = b
        if widened and start < widened[-1][1]:  # two parts now share a bold run: one part
            widened[-1] = (widened[-1][0], max(end, widened[-1][1]))
        else:
            widened.append((start, end))
    out: list[tuple[int, int]] = []
    for start, end in widened:
        out.extend(_split_at_marks(source_text, layout, kinds, start, end))
    return out


@functools.lru_cache(maxsize=4)
def _marks(text: str) -> tuple[Layout, list[tuple[int, int]], bytearray]:
    """The text as the reader lays it out, its bold runs and which characters are not marks:
    worked out once per text, not on every change to a selection (do not modify them)."""
    layout = layout_text(text)
    runs = _bold_runs(text, layout)
    return layout, runs, _kinds(text, layout, runs)


def _bold_runs(text: str, layout: Layout) -> list[tuple[int, int]]:
    """Each bold run as the reader shows it, with its two ``**`` marks: (start, end)."""
    runs: list[tuple[int, int]] = []
    mark = len("**")
    for block in layout.blocks:
        first: Piece | None = None
        last: Piece | None = None
        for piece in (*block.pieces, None):
            if piece is not None and piece.bold:
                if first is None:
                    first = piece
                last = piece
                continue
            if first is not None and last is not None:
                a, b = first.start - mark, last.end + mark
                if text[a : first.start] == "**" and text[last.end : b] == "**":
                    runs.append((a, b))
            first = last = None
    return runs


# What each character of a source text is to a quote (see :func:`_kinds`).
_MARK, _TEXT, _BULLET = 0, 1, 2


def _kinds(text: str, layout: Layout, runs: list[tuple[int, int]]) -> bytearray:
    """For each character of the text: text a quote may hold (shown by the reader, white space,
    or a bold run's own mark), a list item's bullet (held only between words, where it reads as
    the separator it is on the page), or a mark a quote never holds (a heading's ``#``, a
    ``**`` that pairs with nothing)."""
    kinds = bytearray(_TEXT if ch.isspace() else _BULLET for ch in text)
    for block in layout.blocks:
        for piece in block.pieces:
            kinds[piece.start : piece.end] = bytes([_TEXT]) * (piece.end - piece.start)
    for a, b in runs:
        kinds[a : a + 2] = kinds[b - 2 : b] = bytes([_TEXT, _TEXT])
    for i, ch in enumerate(text):
        if ch == "#" and kinds[i] == _BULLET:
            kinds[i] = _MARK
    paired = {i for a, b in runs for i in (a, b - 2)}
    for m in re.finditer(r"\*\*", text):  # shown as typed, but no pair: a stray mark
        if m.start() not in paired and kinds[m.start()] == _TEXT:
            kinds[m.start() : m.end()] = bytes([_MARK, _MARK])
    return kinds


def _split_at_marks(
    text: str, layout: Layout, kinds: bytearray, start: int, end: int
) -> list[tuple[int, int]]:
    """The range's spans between the marks (and headings) it crosses, each without a bullet
    or white space at either end; empty ones left out."""
    drop = [k == _MARK for k in kinds[start:end]]
    blocks = [
        (b.pieces[0].start, b.pieces[-1].end, b.kind == HEADING)
        for b in layout.blocks
        if b.pieces and b.pieces[0].start < end and start < b.pieces[-1].end
    ]
    if len(blocks) > 1:  # a heading is left out only of a selection that runs past it
        for a, b, heading in blocks:
            if heading:
                for i in range(max(a, start), min(b, end)):
                    drop[i - start] = True

    def edge(i: int) -> bool:
        return text[i].isspace() or kinds[i] == _BULLET

    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        while i < end and (drop[i - start] or edge(i)):
            i += 1
        j = i
        while j < end and not drop[j - start]:
            j += 1
        k = j
        while k > i and edge(k - 1):
            k -= 1
        if k > i:
            spans.append((i, k))
        i = j
    return spans


def locate_passage(
    source_text: str, passage: str, *, page_labels: Sequence[str] | None = None
) -> list[Located]:
    """Every occurrence of the passage (white space folded; " … " / "[...]" parts in order), as
    the loader's check finds quotes; at most :data:`MAX_OCCURRENCES`."""
    parts = quote_parts(passage)
    if not parts:
        return []
    folded = FoldedText.of(source_text).folded
    found: list[list[tuple[int, int]]] = []
    i = folded.find(parts[0])
    while i >= 0 and len(found) < MAX_OCCURRENCES:
        spans = [(i, i + len(parts[0]))]
        pos = spans[0][1]
        for part in parts[1:]:
            j = folded.find(part, pos)
            if j < 0:
                break
            spans.append((j, j + len(part)))
            pos = j + len(part)
        if len(spans) < len(parts):
            break  # later starts cannot find the rest either
        found.append(spans)
        i = folded.find(parts[0], i + 1)
    if not found:
        return []
    wanted = sorted({n for spans in found for a, b in spans for n in (a, b - 1)})
    original = _original_offsets(source_text, wanted)
    heads = _headings(source_text)
    paged = "\f" in source_text
    return [
        _located(
            source_text,
            tuple((original[a], original[b - 1] + 1) for a, b in spans),
            heads,
            paged,
            page_labels,
        )
        for spans in found
    ]


_WS = re.compile(r"\s+")


def _original_offsets(text: str, folded_offsets: list[int]) -> dict[int, int]:
    """Where characters of the folded text (:func:`fold_whitespace`) stand in the original: one
    pass over the runs of white space, stopping after the last offset asked for (a map of every
    character, as the reader builds, would cost far more on a long text)."""
    out: dict[int, int] = {}
    targets = iter(folded_offsets)
    target = next(targets, None)
    removed = 0  # characters of the original folded away before the current point
    for run in _WS.finditer(text):
        if target is None:
            break
        a, b = run.span()
        if a == 0:  # leading white space is dropped
            removed = b
            continue
        at = a - removed  # the run's single space in the folded text
        while target is not None and target <= at:
            out[target] = target + removed if target < at else a
            target = next(targets, None)
        removed += b - a - 1
    while target is not None:
        out[target] = target + removed
        target = next(targets, None)
    return out


def _located(
    text: str,
    parts: tuple[tuple[int, int], ...],
    heads: _Headings,
    paged: bool,
    labels: Sequence[str] | None,
) -> Located:
    start = parts[0][0]
    section, _, heading = heads.context(start)
    return Located(
        parts=parts,
        page=page_index(text, start) if paged else None,
        page_label=page_label(text, start, labels) if paged else None,
        section=section,
        heading=heading,
        line=text.count("\n", 0, start) + 1,
    )


# --- headings and locators -----------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    start: int
    level: int
    number: str | None
    title: str
    marked: bool  # a "# Markdown" heading: its level is the document's own


class _Headings:
    """The headings of a text in order, to find the section and heading above any offset."""

    def __init__(self, text: str) -> None:
        layout = layout_text(text)
        self.items: list[_Heading] = []
        self.blocks: list[int] = []  # start of every paragraph and list item
        for block in layout.blocks:
            start = block.pieces[0].start
            if block.kind != HEADING:
                self.blocks.append(start)
                continue
            line_start = text.rfind("\n", 0, start) + 1
            marked = text[line_start:start].lstrip().startswith("#")
            shown = fold_whitespace(block.text)
            m = _NUMBERED.match(shown)
            number, title = (m.group(1), m.group(2)) if m else (None, shown)
            self.items.append(_Heading(start, block.level, number, title, marked))
        self.starts = [h.start for h in self.items]

    def above(self, offset: int) -> list[_Heading]:
        return self.items[: bisect_right(self.starts, offset)]

    def context(self, offset: int) -> tuple[str | None, str | None, str | None]:
        """(section number, its heading's title, the nearest heading) above ``offset``.

        The nearest numbered heading gives the section, unless a Markdown heading of its level
        or above comes after it (an unnumbered annex after section 7 is not in section 7)."""
        above = self.above(offset)
        if not above:
            return None, None, None
        nearest = above[-1].title
        for h in reversed(above):
            if h.number is not None:
                return h.number, h.title, nearest
            if h.marked and h.level == 1:
                break
        return None, None, nearest

    def paragraph(self, offset: int) -> int:
        """The number (from 1) of the paragraph or list item holding ``offset``."""
        return max(1, bisect_right(self.blocks, offset))


@functools.lru_cache(maxsize=4)
def _headings(text: str) -> _Headings:
    return _Headings(text)


def _is_slides(source: Source) -> bool:
    kind = " ".join(str(source.csl.get(k, "")) for k in ("genre", "medium")).casefold()
    return any(word in kind for word in ("slide", "presentation", "powerpoint"))


def derive_locator(source: Source, source_text: str, located: Located) -> dict[str, str]:
    """{label, value[, title]}: the printed page label for paginated texts; the section number
    and its heading where the text numbers its headings; else the heading itself. A slide deck
    gives the slide (its page) and the slide's title. With no heading at all, the paragraph."""
    start = located.start
    heads = _headings(source_text)
    paged = "\f" in source_text
    if _is_slides(source):
        if paged:
            out = {"label": "slide", "value": page_label(source_text, start, source.page_labels)}
            page = page_index(source_text, start)
            on_page = [h for h in heads.above(start) if page_index(source_text, h.start) == page]
            if on_page:
                out["title"] = on_page[-1].title
            return out
        above = heads.above(start)
        if above:
            return {"label": "slide", "value": above[-1].title}
    if paged:
        return {"label": "page", "value": page_label(source_text, start, source.page_labels)}
    section, title, heading = heads.context(start)
    if section is not None:
        out = {"label": "section", "value": section}
        if title:
            out["title"] = title
        return out
    if heading:
        return {"label": "section", "value": heading}
    return {"label": "paragraph", "value": str(heads.paragraph(start))}


# --- speakers ------------------------------------------------------------------------------

_CLOSING = "\"'’”»)]."
_AFTER = re.compile(r"""[\s"'’”».,;:!?]*\((?P<who>[^()\n]{2,80})\)""")
_OPENING = "\"'‘“«"
_QUOTE_END = re.compile(r"""["'’”»][ \t]*\((?P<who>[^()\n]{2,80})\)[ \t]*$""")
_SOURCE_NOTE = re.compile(
    r"\s*\[[^\]\n]*?\bby\s+(?P<who>[^\]\n]+?)(?:(?:\s+[-–—]|[-–—]\s+)[^\]\n]*)?\][ \t]*(?:\n|$)"
)
_LABELS = (
    "interviewee|respondent|participant|speaker|witness|contributor|officer|"
    "practitioner|submission|source"
)
_LABEL_LINE = re.compile(
    rf"""[ \t\-–•*]*(?P<who>(?:{_LABELS})\b[^:\n]{{0,40}}?"""
    r"""(?::[ \t]*[^\s:"“‘'][^\n:"“‘']{0,60}?)?)[ \t]*[:–—-]?[\s"“‘']*$""",
    re.I,
)


def propose_speaker(source_text: str, start: int, end: int) -> str | None:
    """Who the text next to the passage says is speaking, or None.

    An attribution in brackets just after it (``… less.' (B02 Police)`` → "B02 Police"), a note
    on its own line after its paragraph (``[extract from submission by Barnardo's - Appendix
    B.1]``), or a label just before it on the same or the previous line
    (``Interviewee: Manchester``)."""
    line_end = source_text.find("\n", end)
    line_end = len(source_text) if line_end < 0 else line_end
    m = _AFTER.match(source_text, end, min(len(source_text), end + 200))
    if m is None:  # the quotation the passage is part of ends later on its line
        m = _QUOTE_END.search(source_text, end, line_end)
    if m and re.search(r"[A-Za-z]", m["who"]):
        who = m["who"].strip()
        # "(Home Affairs Committee, 2011)" cites a document; it does not name a speaker.
        citation = re.search(r"\b(1[5-9]|20)\d\d[a-z]?(?:[:,]\s*p+\.?\s*\d+.*)?$", who)
        if not who.endswith(".") and len(who.split()) <= 10 and citation is None:
            return who
    # A note on its own line after the paragraph: "[extract from submission by NAME - ...]".
    para_end = source_text.find("\n\n", end, end + 5000)
    if para_end >= 0:
        m = _SOURCE_NOTE.match(source_text, para_end, min(len(source_text), para_end + 400))
        if m:
            return re.sub(r"^the\s+", "", fold_whitespace(m["who"]))
    line_start = source_text.rfind("\n", 0, start) + 1
    before = source_text[max(line_start, start - 200) : start]
    candidates = [before]
    # The label may stand on the line before the quotation the passage starts or is part of.
    if not before.strip() or before.lstrip()[:1] in _OPENING:
        prev_start = source_text.rfind("\n", 0, max(0, line_start - 1)) + 1
        candidates.append(source_text[max(prev_start, line_start - 200) : line_start])
    for text in candidates:
        m = _LABEL_LINE.match(text.rstrip("\n"))
        if m:
            return fold_whitespace(m["who"]).rstrip(" :–—-")
    return None


# --- ids -----------------------------------------------------------------------------------


def _ids_written(root: Path) -> set[str]:
    """Every finding id written in the findings files (retired, commented out or in a file with
    errors included): an id ever used is never given again."""
    ids: set[str] = set()
    for path in findings_files(root)[0]:
        try:
            text = path.read_bytes().decode("utf-8-sig", "replace")
        except OSError:
            continue
        ids.update(_ID_LINE.findall(text))
    return ids


def next_finding_id(root: Path, source_id: str) -> str:
    """<source>-NNN, the next number after every id ever used (retired ones included)."""
    pattern = re.compile(rf"^{re.escape(source_id)}-(\d+)$")
    numbers = [m.group(1) for i in _ids_written(Path(root)) if (m := pattern.match(i))]
    width = max([3, *(len(n) for n in numbers)])
    last = max((int(n) for n in numbers), default=0)
    return f"{source_id}-{last + 1:0{width}d}"


# --- writing a new finding -----------------------------------------------------------------


def _dump(value: Any, style: str | None) -> str:
    dumped = yaml.safe_dump(
        value, allow_unicode=True, width=1_000_000, default_flow_style=True, default_style=style
    )
    return dumped.removesuffix("\n").removesuffix("\n...").removesuffix("...").rstrip("\n")


def _scalar(value: str, *, flow: bool = False) -> str:
    """One YAML scalar on one line, plain where YAML reads it back as the same text, else in
    double quotes (the house style: ``value: "3.1"``), with escapes for line breaks."""
    if "\n" not in value and value.isprintable():
        plain = _dump([value], None)[1:-1] if flow else _dump(value, None)
        if not plain.startswith(("'", '"')):
            return plain
    return _dump([value], '"')[1:-1] if flow else _dump(value, '"')


def _flow(value: list[Any] | dict[str, Any]) -> str:
    """A list or mapping on one line, in flow style (``[a, b]``, ``{label: page, value: "3"}``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(str(v), flow=True)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_scalar(str(v), flow=True) for v in value) + "]"


def _text_lines(text: str, indent: str) -> list[str]:
    """The quote as a folded block scalar (``>-``) wrapped at the house width, or one
    double-quoted line when a block scalar could not hold it."""
    wrapped = textwrap.wrap(
        text, width=WRAP - len(indent), break_long_words=False, break_on_hyphens=False
    )
    if text.isprintable() and wrapped and " ".join(wrapped) == text:
        return ["text: >-", *(indent + line for line in wrapped)]
    return [f"text: {_scalar(text)}"]


def finding_lines(entry: Mapping[str, Any], indent: str = "") -> list[str]:
    """The finding as block YAML in the house style of docs/evidence-format.md."""
    lines: list[str] = []
    inner = indent + "  "
    for key, value in entry.items():
        lead = f"{indent}- " if not lines else inner
        if key == "text":
            first, *rest = _text_lines(str(value), inner + "  ")
            lines.append(lead + first)
            lines.extend(rest)
        elif isinstance(value, (list, tuple, Mapping)):
            plain = dict(value) if isinstance(value, Mapping) else list(value)
            lines.append(f"{lead}{key}: {_flow(plain)}")
        else:
            lines.append(f"{lead}{key}: {_scalar(str(value))}")
    return lines


def header_comment(source: Source, root: Path) -> str:
    """The comment a new findings file starts with: what it holds and where from."""
    title = fold_whitespace(source.title or source.short or source.id)
    text = ""
    if source.text_path is not None:
        try:
            text = f" from {Path(source.text_path).relative_to(root).as_posix()}"
        except ValueError:  # a text outside the library (the loader reports it)
            text = f" from {Path(source.text_path).name}"
    return (
        f"# Findings from {source.short}: {title}.\n"
        f"# Each text is word for word{text}; ids are never reused.\n"
    )


def _appended(old: str, lines: list[str]) -> str:
    """``old`` with the entry appended, nothing else changed: one blank line before it when the
    file separates its findings so, the file's own line ends (CR LF stays CR LF)."""
    eol = "\r\n" if "\r\n" in old else "\n"
    text = old if (not old or old.endswith("\n")) else old + eol
    if text.strip() and not text.endswith(eol + eol):
        plain = text.replace("\r\n", "\n")
        # Findings separated by blank lines (the house style), or a header comment before them.
        if "\n\n" in plain or not _ITEM.search(plain):
            text += eol
    return text + eol.join(lines) + eol


def _item_indent(old: str) -> str:
    items = [m.group("indent") for m in _ITEM.finditer(old.replace("\r\n", "\n"))]
    return min(items, key=len) if items else ""


def _parse_list(text: str, path: Path) -> list[Any]:
    try:
        data = load_yaml_text(text) if text.strip() else None
    except YamlProblem as exc:
        line = f":{exc.line}" if exc.line else ""
        raise CurationError(
            f"{path}{line}: {exc.message}; fix it before adding to it (nothing was written)."
        ) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise CurationError(
            f"{path} should be a list of findings, so nothing can be added to it (nothing was "
            "written)."
        )
    return list(data)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [_written(v).strip() for v in value if _written(v).strip()]


def _source_text(lib: Library, source: Source) -> str:
    if source.text_path is None:
        raise CurationError(
            f"{lib.root / 'sources.yaml'}: source '{source.id}' has no text (no 'text:' key), so "
            "a passage cannot be found in it; add its text first."
        )
    try:
        return read_source_text(source.text_path)
    except UnreadableFile as exc:
        raise CurationError(f"{source.text_path} {exc.message}; nothing was written.") from None


def _entry(lib: Library, finding: Mapping[str, Any], fid: str | None) -> dict[str, Any]:
    """The finding's keys checked against the library, in the house order (locator and id may
    still be missing)."""
    root = lib.root
    sid = str(finding.get("source") or "").strip()
    if not sid:
        raise CurationError("Say which source the finding is from; nothing was written.")
    if lib.source(sid) is None:
        raise CurationError(
            f"{root / 'sources.yaml'}: there is no source '{sid}' in this library; nothing was "
            "written."
        )
    kind = str(finding.get("kind") or "quote")
    if kind not in KINDS:
        raise CurationError(
            f"'{kind}' is not a kind of finding (one of: {', '.join(KINDS)}); nothing was written."
        )
    themes = _as_list(finding.get("themes"))
    if not themes:
        raise CurationError("A finding needs at least one theme; nothing was written.")
    unknown = [t for t in themes if lib.theme(t) is None]
    if unknown:
        known = ", ".join(t.id for t in lib.themes) or "none"
        raise CurationError(
            f"{root / 'library.yaml'}: there is no theme "
            + ", ".join(f"'{t}'" for t in unknown)
            + f" (the themes are: {known}); nothing was written."
        )
    if len(set(themes)) != len(themes):
        themes = list(dict.fromkeys(themes))
    entry: dict[str, Any] = {"id": fid, "source": sid, "kind": kind, "text": None}
    for key in ("speaker", "locator"):
        if finding.get(key):
            entry[key] = finding[key]
    entry["themes"] = themes
    places = _as_list(finding.get("places"))
    if places:
        entry["places"] = list(dict.fromkeys(places))
    note = str(finding.get("note") or "").strip()
    if note:
        entry["note"] = note
    if isinstance(entry.get("speaker"), str):
        entry["speaker"] = fold_whitespace(entry["speaker"]) or None
        if entry["speaker"] is None:
            del entry["speaker"]
    return entry


def _check_locator(value: Any) -> dict[str, str]:
    if isinstance(value, Locator):
        value = {"label": value.label, "value": value.value, "title": value.title}
    if not isinstance(value, Mapping):
        raise CurationError("The locator should say a label and a value; nothing was written.")
    out = {k: str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}
    if set(out) - {"label", "value", "title"}:
        raise CurationError("A locator has only a label, a value and a title; nothing was written.")
    if out.get("label") not in LOCATOR_LABELS or not out.get("value"):
        raise CurationError(
            f"A locator needs a label (one of: {', '.join(LOCATOR_LABELS)}) and a value; "
            "nothing was written."
        )
    return {k: out[k] for k in ("label", "value", "title") if k in out}


def add_finding(root: Path | str, finding: Mapping[str, Any]) -> Written:
    """Append a finding to ``findings/<source>.yaml`` (created, with a header comment, if it is
    missing). ``finding`` has source, text, kind, themes and optionally id, places, speaker,
    note, locator and occurrence (which occurrence of the text, from 1, when it stands in the
    source more than once). The id is :func:`next_finding_id` when absent; the locator is
    derived from where the text stands when absent. Raises :class:`CurationError` (or
    :class:`AmbiguousPassage`); nothing is written then."""
    root = Path(root)
    refuse_if_read_only(root)
    lib = current_library(root)
    baseline = error_counts(lib)
    entry = _entry(lib, finding, None)
    source = lib.source(entry["source"])
    assert source is not None  # checked by _entry
    passage = str(finding.get("text") or "")
    if not quote_parts(passage):
        raise CurationError("The finding has no text: select the words it quotes.")
    source_text = _source_text(lib, source)
    found = locate_passage(source_text, passage, page_labels=source.page_labels)
    if not found:
        raise CurationError(
            f"{source.text_path}: the text is not in this source word for word (only white "
            "space may differ; mark left-out words with …); nothing was written."
        )
    occurrence = finding.get("occurrence")
    if occurrence is None:
        if len(found) > 1:
            many = "" if len(found) < MAX_OCCURRENCES else " or more"
            raise AmbiguousPassage(
                f"{source.text_path}: these words appear {len(found)}{many} times in the source ("
                + "; ".join(f"{n}: {loc.where()}" for n, loc in enumerate(found[:20], 1))
                + ("; …" if len(found) > 20 else "")
                + "); say which occurrence is meant, or select more words. Nothing was written.",
                found,
                source.text_path,
            )
        located = found[0]
    else:
        try:
            n = int(occurrence)
        except (TypeError, ValueError):
            n = 0
        if not 1 <= n <= len(found):
            raise CurationError(
                f"{source.text_path}: these words appear "
                f"{'once' if len(found) == 1 else f'{len(found)} times'} in the source, so there "
                f"is no occurrence {occurrence}; nothing was written."
            )
        located = found[n - 1]
    # A passage typed with "[...]" is stored with the house's omission mark.
    entry["text"] = OMISSION.join(quote_parts(passage))
    locator = finding.get("locator") or derive_locator(source, source_text, located)
    entry["locator"] = _check_locator(locator)
    fid = str(finding.get("id") or "").strip() or next_finding_id(root, source.id)
    if not ID_PATTERN.match(fid):
        raise CurationError(f"The id '{fid}' may use only a-z, 0-9 and '-'; nothing was written.")
    if fid in _ids_written(root):
        raise CurationError(
            f"The id '{fid}' is already used (ids are never reused, retired ones included); "
            "nothing was written."
        )
    entry["id"] = fid
    entry = {k: entry[k] for k in KEY_ORDER if entry.get(k) is not None}

    path = root / "findings" / f"{source.id}.yaml"
    before = read_for_edit(path)
    old = decode(before, path) if before is not None else header_comment(source, root)
    old_items = _parse_list(old, path)
    new = _appended(old, finding_lines(entry, _item_indent(old)))
    items = _parse_list(new, path)
    if len(items) != len(old_items) + 1 or plain_data(items[-1]) != plain_data(entry):
        raise CurationError(
            f"{path} is not laid out as a plain list of findings at its end, so the finding "
            "cannot be appended safely; add it by hand (nothing was written)."
        )
    first_new_line = new.count("\n") - len(finding_lines(entry)) + 1
    checked = write_checked(
        root, path, before, encode(new, before), baseline, undone="the finding was not added"
    )
    warnings = [
        p
        for p in checked.problems
        if p.warning and p.file == str(path) and (p.line or 0) >= first_new_line
    ]
    return Written(path, fid, None, warnings)


# --- undoing an add ------------------------------------------------------------------------


def _find(root: Path, finding_id: str) -> tuple[Path, bytes, str, list[Any], int]:
    """The findings file holding the finding: (path, bytes, text, its items, the index)."""
    for path in findings_files(root)[0]:
        raw = read_for_edit(path)
        if raw is None:
            continue
        text = decode(raw, path)
        if finding_id not in text:
            continue
        try:
            items = load_yaml_text(text, numbers_as_written=True)
        except YamlProblem as exc:
            raise CurationError(
                f"{path}:{exc.line or 1}: {exc.message}; nothing was written."
            ) from None
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and str(item.get("id")) == finding_id:
                return path, raw, text, items, i
    raise CurationError(
        f"There is no finding '{finding_id}' in {root / 'findings'}; nothing was written."
    )


def remove_added_finding(root: Path | str, finding_id: str) -> Written:
    """Take out a finding :func:`add_finding` appended (for undo): it must still be the last in
    its file; its lines, and the blank line before them, are removed. A file that then holds only
    the header comment :func:`add_finding` wrote is removed, when other findings files remain."""
    root = Path(root)
    refuse_if_read_only(root)
    path, raw, text, items, i = _find(root, finding_id)
    if i != len(items) - 1:
        raise ConflictError(
            f"{path}: finding '{finding_id}' is no longer the last in its file (it was changed "
            "since it was added), so it was not taken out."
        )
    lib = current_library(root)
    baseline = error_counts(lib)
    item = items[i]
    start_line = getattr(item, "line", 0)
    lines = text.splitlines(keepends=True)
    k = start_line - 1
    if not (0 <= k < len(lines)) or not lines[k].lstrip().startswith("-"):
        raise CurationError(
            f"{path}:{start_line}: finding '{finding_id}' is not laid out as it was added, so it "
            "cannot be taken out automatically; nothing was written."
        )
    kept = "".join(lines[:k])
    eol = "\r\n" if "\r\n" in text else "\n"
    while kept.endswith(eol + eol):
        kept = kept[: -len(eol)]
    source = lib.source(str(item.get("source")))
    after: bytes | None = encode(kept, raw)
    if (
        source is not None
        and kept.replace("\r\n", "\n") == header_comment(source, root)
        and len(findings_files(root)[0]) > 1
    ):
        after = None
    if _parse_list(kept, path) != items[:-1]:
        raise CurationError(
            f"{path}: the finding '{finding_id}' cannot be taken out safely; nothing was written."
        )
    write_checked(
        root, path, raw, after, baseline, undone=f"finding '{finding_id}' was not taken out"
    )
    return Written(path, finding_id, None, [])


# --- editing and retiring ------------------------------------------------------------------

EDITABLE = ("themes", "kind", "places", "speaker", "note", "locator")
RETIRED = "retired"
RETIRED_REASON = "retired-reason"
# Where a key not yet in a finding goes: after the last of these it has.
_ORDER = ("id", RETIRED, RETIRED_REASON, *KEY_ORDER[1:])


def _normal(key: str, value: Any) -> Any:
    """A value as compared and stored: lists of text, a locator's text fields, text; None for
    nothing (an absent key, an empty list or text)."""
    if value is None:
        return None
    if key in ("themes", "places"):
        items = _as_list(value)
        return list(dict.fromkeys(items)) or None
    if key == "locator":
        if not isinstance(value, Mapping):
            return value
        return {
            k: _written(value[k]).strip()
            for k in ("label", "value", "title")
            if value.get(k) is not None and _written(value[k]).strip()
        } or None
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str) and value == value.strip():
        return value or None  # as read: a quoted value keeps its quotes when put back (undo)
    text = _written(value).strip()
    return text or None


def _written(value: Any) -> str:
    """A value as text; a number as the file wrote it (``3.10``, not 3.1), as the loader reads."""
    return str(getattr(value, "written", None) or value)


def _checked_changes(lib: Library, changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise CurationError(
            f"Only {', '.join(EDITABLE)} of a finding can be changed here, not "
            + ", ".join(f"'{k}'" for k in unknown)
            + "; nothing was written."
        )
    out = {k: _normal(k, v) for k, v in changes.items()}
    if "themes" in out:
        if not out["themes"]:
            raise CurationError("A finding needs at least one theme; nothing was written.")
        unknown = [t for t in out["themes"] if lib.theme(t) is None]
        if unknown:
            raise CurationError(
                f"{lib.root / 'library.yaml'}: there is no theme "
                + ", ".join(f"'{t}'" for t in unknown)
                + "; nothing was written."
            )
    if "kind" in out and out["kind"] not in KINDS:
        raise CurationError(
            f"'{out['kind']}' is not a kind of finding (one of: {', '.join(KINDS)}); nothing was "
            "written."
        )
    if "locator" in out:
        out["locator"] = _check_locator(out["locator"])
    speaker = out.get("speaker")
    if speaker is not None and fold_whitespace(speaker) != speaker:
        out["speaker"] = fold_whitespace(speaker)
    return out


def _set(item: Any, key: str, old: Any, value: Any) -> None:
    """Set ``key`` of a round-trip mapping to ``value`` (None: remove it), writing it as the
    file wrote the value it replaces, and keeping the comments and blank line after the finding
    in their place when the last key changes."""
    keys = list(item)
    last = keys[-1] if keys else None
    if value is None:
        if key not in item:
            return
        del item[key]
        if key == last and item and key in item.ca.items:
            item.ca.items[list(item)[-1]] = item.ca.items.pop(key)
        return
    if key in ("themes", "places"):
        new: Any = (
            yamlio.block_list(value)
            if (old is not None and not yamlio.is_flow(old))
            else (yamlio.flow_list(value))
        )
    elif key == "locator":
        fields = dict(value)
        olds = old if isinstance(old, Mapping) else {}
        for k, v in fields.items():
            fields[k] = yamlio.styled_like(olds.get(k), v) if k in olds else v
        if "value" in fields and not isinstance(olds.get("value"), str):
            fields["value"] = yamlio.double_quoted(fields["value"])  # "3.10" stays text
        new = yamlio.flow_map(fields) if (old is None or yamlio.is_flow(old)) else fields
    else:
        new = yamlio.styled_like(old, value)
    if key in item:
        item[key] = new
        return
    at = 0
    for i, k in enumerate(keys):
        if k in _ORDER and _ORDER.index(k) < _ORDER.index(key):
            at = i + 1
    item.insert(at, key, new)
    if at == len(keys) and last is not None and last in item.ca.items:
        item.ca.items[key] = item.ca.items.pop(last)


def _rewrite(
    root: Path,
    finding_id: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None,
    *,
    retired: bool,
    undone: str,
    retiring: bool = False,
) -> Written:
    """Change keys of one finding in its file: the round trip rewrites that finding, whose new
    lines are spliced into the file's own text, so every other line stays byte for byte."""
    root = Path(root)
    refuse_if_read_only(root)
    path, raw, text, items, i = _find(root, finding_id)
    item = items[i]
    is_retired = item.get(RETIRED) is not None
    if is_retired != retired:
        state = "retired" if is_retired else "not retired"
        raise ConflictError(
            f"{path}:{item.line}: finding '{finding_id}' is {state}, so {undone}; reload and "
            "try again."
        )
    eol = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    all_lines = plain.splitlines(keepends=True)
    # Only the finding's own lines (to the next finding) go through the round trip: a file of
    # thousands of findings is not parsed twice by a pure-Python reader for one edit.
    first = item.line - 1
    last = items[i + 1].line - 1 if i + 1 < len(items) else len(all_lines)
    block = "".join(all_lines[first:last])
    try:
        trip = yamlio.RoundTrip(block)
    except YamlProblem:
        trip = None
    seq = trip.data if trip is not None else None
    if not isinstance(seq, list) or len(seq) != 1 or seq[0].get("id") != finding_id:
        raise CurationError(
            f"{path}:{item.line}: finding '{finding_id}' is not laid out one key a line, so it "
            f"cannot be changed here; {undone}. Change it by hand."
        )
    entry = seq[0]
    # Compared as the loader reads them (an unquoted 3.10 is "3.10"); handed back for undo as the
    # round trip read them, so a quoted value is put back in its quotes.
    current = {k: _normal(k, item.get(k)) for k in changes}
    as_read = {k: _normal(k, entry.get(k)) for k in changes}
    before = {k: as_read[k] if as_read[k] == current[k] else current[k] for k in changes}
    if expected is not None:
        differ = [k for k, v in expected.items() if _normal(k, item.get(k)) != _normal(k, v)]
        if differ:
            raise ConflictError(
                f"{path}:{item.line}: finding '{finding_id}' was changed by someone else since "
                f"it was shown ({', '.join(differ)}), so {undone}. Reload and try again."
            )
    lib = current_library(root)
    baseline = error_counts(lib)
    new_values = dict(changes) if retiring else _checked_changes(lib, changes)
    # Only what differs is written: a key given unchanged keeps its lines as they are.
    new_values = {k: v for k, v in new_values.items() if current.get(k) != _normal(k, v)}
    if not new_values:
        return Written(path, finding_id, before, [])
    assert trip is not None
    old_keys = {k: entry.lc.key(k)[0] for k in entry}
    for key, value in new_values.items():
        _set(entry, key, entry.get(key), value)
    dumped = trip.dump()
    try:
        again = yamlio.RoundTrip(dumped).data
    except YamlProblem:
        again = None
    if not isinstance(again, list) or len(again) != 1:
        raise CurationError(f"{path}: the finding could not be rewritten safely; {undone}.")
    old_lines = block.splitlines(keepends=True)
    new_lines = dumped.splitlines(keepends=True)
    new_keys = {k: again[0].lc.key(k)[0] for k in again[0]}
    # Keys not changed keep their own lines; the blank lines and comments after the finding stay.
    old_tail = tail_start(old_lines, 0, len(old_lines))
    new_tail = tail_start(new_lines, 0, len(new_lines))
    old_ranges, new_ranges = key_ranges(old_keys, old_tail), key_ranges(new_keys, new_tail)
    lines = all_lines[:first]
    for key, (a, b) in new_ranges.items():
        if key not in new_values and key in old_ranges:
            a0, b0 = old_ranges[key]
            lines += old_lines[a0:b0]
        else:
            lines += new_lines[a:b]
    spliced = "".join(lines + old_lines[old_tail:] + all_lines[last:])
    if eol != "\n":
        spliced = spliced.replace("\n", eol)
    # Read back as the loader reads: the other findings as they were, this one as intended.
    intended = plain_data(item)
    for key, value in new_values.items():
        if value is None:
            intended.pop(key, None)
        else:
            intended[key] = value
    try:
        check = load_yaml_text(spliced, numbers_as_written=True)
    except YamlProblem:
        check = None
    if (
        not isinstance(check, list)
        or len(check) != len(items)
        or any(
            plain_data(a) != plain_data(b)
            for j, (a, b) in enumerate(zip(check, items, strict=True))
            if j != i
        )
        or {k: _normal(k, v) for k, v in plain_data(check[i]).items()}
        != {k: _normal(k, v) for k, v in intended.items()}
    ):
        raise CurationError(
            f"{path}:{item.line}: finding '{finding_id}' could not be rewritten safely (its "
            f"layout is unusual); change it by hand. {undone[0].upper()}{undone[1:]}."
        )
    checked = write_checked(root, path, raw, encode(spliced, raw), baseline, undone=undone)
    warnings = [p for p in checked.problems if p.warning and f"'{finding_id}'" in p.message]
    return Written(path, finding_id, before, warnings)


def edit_finding(
    root: Path | str,
    finding_id: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None = None,
) -> Written:
    """Set (or, with the value None, remove) keys of a finding: themes, kind, places, speaker,
    note, locator. ``expected``: the values the caller showed; if the file now differs, a
    :class:`ConflictError` and nothing is written. ``Written.before`` holds the previous values
    of the changed keys, so ``edit_finding(root, id, before, expected=changes)`` undoes it.
    Every other finding's lines stay byte for byte as they were."""
    return _rewrite(
        Path(root), finding_id, changes, expected, retired=False, undone="nothing was changed"
    )


def retire_finding(root: Path | str, finding_id: str, reason: str | None = None) -> Written:
    """Retire a finding: it stays in its file with ``retired: <today>`` (and ``retired-reason:``)
    and leaves the library, and its id is never used again. Briefings citing it keep their
    copy of it."""
    changes: dict[str, Any] = {RETIRED: _dt.date.today()}
    reason = fold_whitespace(reason or "")
    changes[RETIRED_REASON] = reason or None
    return _rewrite(
        Path(root),
        finding_id,
        changes,
        None,
        retired=False,
        undone="it was not retired",
        retiring=True,
    )


def restore_finding(root: Path | str, finding_id: str) -> Written:
    """Bring a retired finding back into the library (the undo of :func:`retire_finding`)."""
    return _rewrite(
        Path(root),
        finding_id,
        {RETIRED: None, RETIRED_REASON: None},
        None,
        retired=True,
        undone="it was not restored",
        retiring=True,
    )
