"""The PDF writer: renders a :class:`~.document.Document` as a PDF for a committee pack. With its
helpers for the organisation's template (:mod:`.pdf_template`), for loading fonts
(:mod:`.pdf_fonts`), the only module that imports reportlab.

* Text is set in DejaVu Sans, shipped in ``resources/fonts`` and embedded (subset) in the file, so
  every character of the library prints (≠ ⇒ … curly quotes, ā); a character the font lacks
  prints as U+FFFD rather than an empty box, and invisible format characters are dropped.
* Notes styles get true footnotes at the foot of the page where they are cited: the frame keeps
  room at its bottom for the notes of every paragraph placed on the page (:class:`_NotesFrame`),
  and the notes are drawn there when the page ends. A paragraph whose notes would not fit moves on,
  or splits, with its notes going with its last part (which holds the note mark).
* Contents with page numbers, "Page X of Y", PDF bookmarks, clickable URLs and citation-to-
  reference links. The document is laid out once: the numbers only known at the end (each
  section's page in the contents, the page count) are PDF form XObjects, referenced where they
  print and defined just before the file is saved. The contents' height never depends on them.
* Tagged for screen readers (:mod:`.pdf_tags`): each flowable draws into the structure element
  the story builder made for it, and decoration is marked as artifacts; the tree is added once
  reportlab has written the file.
* Speed: paragraphs reach reportlab as ready-made text fragments, not markup to parse; each
  paragraph's lines are broken once per width (keep-with-next groups measure them too), and
  reportlab's frame copies skip the notes; a 500-finding briefing takes about half a second.
"""

from __future__ import annotations

import copy
import html
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from ..core.paths import resources_dir
from .base import Progress, WriterCapabilities
from .document import (
    Contents,
    Document,
    EvidenceAnnex,
    ExportError,
    FrontSheet,
    Heading,
    Meta,
    Note,
    Paragraph,
    Quote,
    ReferenceList,
    TitleBlock,
)
from .inline import Span, Spans, elide
from .pdf_fonts import load_font
from .pdf_tags import StructElem, Tagger, finish, link_texts, tagger
from .template import Template

log = logging.getLogger(__name__)

CAPABILITIES = WriterCapabilities(
    format="pdf",
    label="PDF",
    suffix=".pdf",
    mime_type="application/pdf",
    editable=False,
    footnotes="page-footnotes",
    contents="page-numbers",
    page_x_of_y=True,
    bookmarks=True,
    embedded_fonts=True,
    evidence_table=True,
    note="Ready for a committee pack: embedded fonts, contents with page numbers, bookmarks.",
)

FONT = "BriefingSans"
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT + "-Bold": "DejaVuSans-Bold.ttf",
    FONT + "-Italic": "DejaVuSans-Oblique.ttf",
    FONT + "-BoldItalic": "DejaVuSans-BoldOblique.ttf",
}
NAVY = colors.HexColor("#1F3A5F")
LINK = "#1F4E79"
GREY = colors.HexColor("#595959")
BAR = colors.HexColor("#8FA9C8")
HEADER_SIZE = 9  # running header and footer: the smallest size that prints clearly
RULE = colors.HexColor("#B8C7DA")

PAGE_W, PAGE_H = A4
LEFT = RIGHT = 25 * mm
TOP, BOTTOM = 30 * mm, 25 * mm
FRAME_W = PAGE_W - LEFT - RIGHT
FRAME_H = PAGE_H - TOP - BOTTOM
# The evidence annex: A4 landscape, same margins.
LAND_W, LAND_H = landscape(A4)
LAND_FRAME_W = LAND_W - LEFT - RIGHT
# Numbered paragraphs: the number hangs in this much space at the left (Word's 709 twips), and
# everything else in the body (lists, quotes) moves in with the text.
HANG = 709 / 20

_glyphs: frozenset[int] = frozenset()


class FontFileError(Exception):
    """A font file reportlab cannot use: ``path``, and reportlab's reason as the message."""

    def __init__(self, path: Path, cause: Exception) -> None:
        super().__init__(str(cause))
        self.path = path


def register_family(name: str, files: dict[str, Path]) -> None:
    """Register ``files`` (each face's name: its font file) as one family called ``name``, whose
    faces are ``name``, ``name-Bold``, ``name-Italic`` and ``name-BoldItalic``."""
    for face, path in files.items():
        try:
            pdfmetrics.registerFont(load_font(face, path))
        except Exception as exc:
            raise FontFileError(path, exc) from exc
    pdfmetrics.registerFontFamily(
        name,
        normal=name,
        bold=name + "-Bold",
        italic=name + "-Italic",
        boldItalic=name + "-BoldItalic",
    )


def register_fonts() -> None:
    """Register the shipped font family once (regular, bold, italic, bold italic)."""
    global _glyphs
    if _glyphs:
        return
    folder = resources_dir() / "fonts"
    try:
        register_family(FONT, {name: folder / file for name, file in FONT_FILES.items()})
    except FontFileError as exc:  # a missing or damaged font file: say which
        log.warning("The PDF font in %s cannot be used", folder, exc_info=True)
        raise ExportError(f"the PDF font in {folder} cannot be used: {exc}") from None
    face = pdfmetrics.getFont(FONT).face
    _glyphs = frozenset(face.charToGlyph)


_seen_chars: set[str] = set()
_char_map: dict[int, str] = {}  # characters the font cannot show → what prints instead


def _printable(text: str) -> str:
    """Drop invisible format characters the font cannot show; replace other missing glyphs."""
    if text.isascii():
        return text
    new = set(text) - _seen_chars
    if new:
        for ch in new:
            if ord(ch) in _glyphs or ch == "\n":
                continue
            category = unicodedata.category(ch)
            if category in ("Zl", "Zp"):
                _char_map[ord(ch)] = " "
            elif category in ("Cf", "Mn"):
                _char_map[ord(ch)] = ""
            else:
                _char_map[ord(ch)] = "\ufffd"
        _seen_chars.update(new)
    return text.translate(_char_map) if _char_map else text


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (``html.escape``: the module reportlab's parser loads
    anyway, where ``xml.sax.saxutils`` would load urllib, http and ssl for one function)."""
    return html.escape(text, quote=False)


def _attr(value: str) -> str:
    return escape(value).replace('"', "&quot;")


_URL_BREAK = re.compile(r"(?<=[/.\-?&])(?=.)")


def _url_lines(url: str, width: float, size: float) -> list[str]:
    """``url`` in pieces no wider than ``width``, each ending after / . - ? or &: reportlab
    would cut a URL longer than the line mid-word (or, asked to split URIs, let it overflow)."""
    pieces = _URL_BREAK.split(url)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and text_width(current + piece, size) > width:
            lines.append(current)
            current = ""
        current += piece
    if current:
        lines.append(current)
    return lines


def markup(
    spans: Spans, *, link_colour: bool = True, url_width: tuple[float, float] | None = None
) -> str:
    """Reportlab paragraph markup for spans: every ``<`` and ``&`` of the text escaped.
    ``url_width`` (line width, font size): a URL longer than the line breaks only after
    / . - ? or &, never mid-word."""
    out = []
    for s in spans:
        text = escape(_printable(s.text))
        if (
            url_width
            and s.link
            and not s.link.startswith("#")
            and text_width(s.text, url_width[1]) > url_width[0]
        ):
            text = "<br/>".join(escape(_printable(t)) for t in _url_lines(s.text, *url_width))
        if s.superscript:
            text = f"<super>{text}</super>"
        if s.italic:
            text = f"<i>{text}</i>"
        if s.bold:
            text = f"<b>{text}</b>"
        if s.link:
            colour = f' color="{LINK}"' if link_colour and not s.link.startswith("#") else ""
            text = f'<a href="{_attr(s.link)}"{colour}>{text}</a>'
        out.append(text)
    return "".join(out)


_TAG = "\x00"  # stands where the markup has a tag: not white space, and never in the text
_ENTITY = re.compile(r"([&<>])")
# A run's format: (bold, italic, superscript, link), the link being None (not a link), "in"
# (a place in the document) or "out" (a URL, coloured as such where asked).
_Format = tuple[bool, bool, bool, str | None]
_PLAIN: _Format = (False, False, False, None)


def _template_frag(style: ParagraphStyle, fmt: _Format, link_colour: bool) -> Any:
    """The fragment reportlab's parser makes of one run of text in ``fmt`` for ``style``, parsed
    once per style and kept on it (the styles are made afresh for each export)."""
    cache: dict[tuple[_Format, bool], Any] = style.__dict__.setdefault("_bb_frags", {})
    key = (fmt, link_colour and fmt[3] == "out")
    frag = cache.get(key)
    if frag is None:
        bold, italic, superscript, link = fmt
        href = None if link is None else "#x" if link == "in" else "x:"
        span = Span("x", bold=bold, italic=italic, superscript=superscript, link=href)
        text = markup((span,), link_colour=link_colour)
        _, frags, _ = ParaParser().parse(text, style)
        if not frags or len(frags) != 1 or frags[0].text != "x" or frags[0].us_lines:
            raise ValueError(f"unexpected fragments for {text!r}")
        frag = cache[key] = frags[0]
    return frag


def _frags(
    spans: Spans,
    style: ParagraphStyle,
    link_colour: bool = True,
    url_width: tuple[float, float] | None = None,
) -> list[Any] | None:
    """The fragments reportlab's parser would make of ``markup(spans, ...)``, made without
    parsing it (parsing the markup was a third of the layout): the same runs of text, with white
    space cleaned as reportlab cleans it, the same attributes. None when a span needs the parser
    (a URL broken into lines)."""
    text = []
    regions: list[tuple[_Format, str | None]] = [(_PLAIN, None)]  # between one tag and the next
    for s in spans:
        if _TAG in s.text:
            return None
        link = None
        if s.link:
            link = "in" if s.link.startswith("#") else "out"
            if url_width and link == "out" and text_width(s.text, url_width[1]) > url_width[0]:
                return None
        fmt = (s.bold, s.italic, s.superscript, link)
        if fmt == _PLAIN:
            text.append(_printable(s.text))
        else:
            text += (_TAG, _printable(s.text), _TAG)
            regions += ((fmt, s.link), (_PLAIN, None))
    parts = cleanBlockQuotedText("".join(text)).split(_TAG)
    if len(parts) != len(regions):
        return None
    # As parsed: the fragments outside links share one empty list of links; each link's
    # fragments share theirs, which holds the link's number in the paragraph and its target.
    outside: list[Any] = []
    lines: list[Any] = []
    links = 0
    frags = []
    for part, (fmt, href) in zip(parts, regions, strict=True):
        targets: list[Any] = outside
        if href is not None:
            targets = [(links, href.strip())]
            links += 1
        if not part:
            continue
        template = _template_frag(style, fmt, link_colour)
        # The parser makes a fragment of each character it reads as an entity (&amp; &lt; &gt;).
        pieces = _ENTITY.split(part) if ("&" in part or "<" in part or ">" in part) else (part,)
        for piece in pieces:
            if piece:
                frags.append(template.clone(text=piece, link=targets, us_lines=lines))
    textTransformFrags(frags, style)
    return frags


def _para(
    spans: Spans,
    style: ParagraphStyle,
    *,
    bulletText: str | None = None,
    link_colour: bool = True,
    url_width: tuple[float, float] | None = None,
) -> _Para:
    """A paragraph of ``spans``, as ``_Para(markup(spans, ...), style, bulletText)`` makes it."""
    frags = _frags(spans, style, link_colour, url_width)
    if frags is None:
        text = markup(spans, link_colour=link_colour, url_width=url_width)
        return _Para(text, style, bulletText=bulletText)
    return _Para("", style, bulletText=bulletText, frags=frags)


# --- styles -----------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "Body",
        fontName=FONT,
        fontSize=11,
        leading=15.5,
        spaceAfter=6,
        bulletFontName=FONT,
        bulletFontSize=10,
        textColor=colors.HexColor("#1A1A1A"),
        splitLongWords=1,
        allowWidows=0,
    )
    s = {"body": base}
    s["lead-in"] = ParagraphStyle("LeadIn", parent=base, spaceAfter=4, keepWithNext=1)
    s["bullet"] = ParagraphStyle("Bullet", parent=base, leftIndent=16, bulletIndent=4, spaceAfter=3)
    s["number"] = ParagraphStyle("Number", parent=base, leftIndent=18, bulletIndent=0, spaceAfter=3)
    s["organisation"] = ParagraphStyle(
        "Organisation", parent=base, fontName=FONT + "-Bold", fontSize=9, textColor=GREY
    )
    s["title"] = ParagraphStyle(
        "Title",
        parent=base,
        fontName=FONT + "-Bold",
        fontSize=22,
        leading=27,
        textColor=NAVY,
        spaceBefore=2,
        spaceAfter=6,
    )
    s["subtitle"] = ParagraphStyle(
        "Subtitle", parent=base, fontSize=13, leading=17, textColor=colors.HexColor("#404040")
    )
    s["byline"] = ParagraphStyle("Byline", parent=base, fontSize=10, textColor=GREY, spaceAfter=4)
    for level, (size, before, after) in {
        1: (16, 16, 6),
        2: (13, 12, 4),
        3: (11.5, 10, 3),
    }.items():
        s[f"h{level}"] = ParagraphStyle(
            f"Heading{level}",
            parent=base,
            fontName=FONT + "-Bold",
            fontSize=size,
            leading=size * 1.3,
            textColor=NAVY,
            spaceBefore=before,
            spaceAfter=after,
            keepWithNext=1,
            leftIndent=0,
        )
        s[f"h{level}n"] = ParagraphStyle(
            f"Heading{level}Numbered",
            parent=s[f"h{level}"],
            leftIndent={1: 24, 2: 30, 3: 38}[level],
            bulletIndent=0,
            bulletFontName=FONT + "-Bold",
            bulletFontSize=size,
        )
    s["quote"] = ParagraphStyle(
        "Quote",
        parent=base,
        fontSize=11,
        leading=15.5,
        leftIndent=16,
        rightIndent=8,
        spaceBefore=3,
        spaceAfter=2,
        textColor=colors.HexColor("#262626"),
    )
    s["quote"].bb_bar = BAR
    s["attribution"] = ParagraphStyle(
        "Attribution",
        parent=s["quote"],
        fontSize=10,
        leading=13.5,
        spaceBefore=0,
        spaceAfter=11,
        textColor=GREY,
    )
    s["attribution"].bb_bar = BAR
    s["quote-last"] = ParagraphStyle("QuoteLast", parent=s["quote"], spaceAfter=11)
    s["quote-last"].bb_bar = BAR
    s["reference"] = ParagraphStyle(
        "Reference",
        parent=base,
        fontSize=11,
        leading=15,
        leftIndent=18,
        firstLineIndent=-18,
        spaceAfter=6,
        # A URL too long for the line breaks after a "/" (or at a hyphen it has), never
        # mid-word: reportlab splits URIs itself, without inserting spaces.
    )
    s["contents"] = ParagraphStyle("Contents1", parent=base, spaceAfter=0, endDots=" . ")
    s["contents2"] = ParagraphStyle(
        "Contents2", parent=s["contents"], leftIndent=14, fontSize=11, leading=15
    )
    s["page"] = ParagraphStyle(
        "ContentsPage", parent=s["contents"], alignment=TA_RIGHT, endDots=None
    )
    s["page2"] = ParagraphStyle(
        "ContentsPage2", parent=s["contents2"], alignment=TA_RIGHT, endDots=None, leftIndent=0
    )
    s["note"] = ParagraphStyle(
        "Note",
        parent=base,
        fontSize=9,
        leading=11.5,
        leftIndent=14,
        bulletIndent=0,
        bulletFontSize=9,
        spaceAfter=1.5,
    )
    s["body-marking"] = ParagraphStyle(
        "BodyMarking", parent=base, fontName=FONT + "-Bold", alignment=TA_CENTER, spaceAfter=8
    )
    s["front-label"] = ParagraphStyle(
        "FrontLabel", parent=base, fontName=FONT + "-Bold", spaceAfter=0
    )
    s["front-value"] = ParagraphStyle("FrontValue", parent=base, spaceAfter=0)
    s["front-heading"] = ParagraphStyle(
        "FrontHeading", parent=base, fontName=FONT + "-Bold", spaceBefore=12, keepWithNext=1
    )
    s["front-lead"] = ParagraphStyle("FrontLead", parent=base, keepWithNext=1)
    s["recommendation"] = ParagraphStyle(
        "Recommendation",
        parent=base,
        leftIndent=28,
        bulletIndent=7,
        bulletFontSize=11,
        spaceAfter=3,
    )
    s["cell"] = ParagraphStyle("Cell", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0)
    s["cell-head"] = ParagraphStyle("CellHead", parent=s["cell"], fontName=FONT + "-Bold")
    s["cell-flag"] = ParagraphStyle(
        "CellFlag", parent=s["cell"], fontName=FONT + "-Bold", textColor=colors.HexColor("#8A1C1C")
    )
    return s


NUMBERED_SHIFT = ("body", "lead-in", "bullet", "number", "quote", "attribution", "quote-last")


def numbered_styles(styles: dict[str, ParagraphStyle]) -> dict[str, ParagraphStyle]:
    """The styles with the body moved in by :data:`HANG`: a paragraph's number hangs in the
    space at the left, and its lists and quotes line up with its text."""
    out = dict(styles)
    for key in NUMBERED_SHIFT:
        old = styles[key]
        new = ParagraphStyle(
            old.name + "Numbered",
            parent=old,
            leftIndent=old.leftIndent + HANG,
            bulletIndent=old.bulletIndent + (HANG if key in ("bullet", "number") else 0),
            bulletFontSize=old.fontSize,
        )
        bar = getattr(old, "bb_bar", None)
        if bar is not None:
            new.bb_bar = bar
        out[key] = new
    return out


# --- flowables --------------------------------------------------------------------------------


class _Para(RLParagraph):
    """A paragraph that may carry a bar at its left (quotes) and footnotes (note styles)."""

    bb_notes: tuple[Note, ...] = ()
    bb_mark: Note | None = None  # the note mark printed after the last word
    bb_heading: Heading | None = None
    bb_elem: StructElem | None = None  # the structure element whose content this draws
    bb_label: StructElem | None = None  # the element of its bullet or number, if any
    _bb_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # A paragraph's lines depend on the width only; keep-with-next groups and the frame both
        # wrap each paragraph, so breaking the lines once per width halves the layout work.
        if self._bb_width == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        w, h = super().wrap(availWidth, availHeight)
        self._bb_width = availWidth
        return w, h

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if len(parts) > 1:
            for p in parts:
                p.bb_notes = ()
                p.bb_mark = None
                p.bb_heading = None
            parts[-1].bb_notes = self.bb_notes
            parts[-1].bb_mark = self.bb_mark
            parts[0].bb_heading = self.bb_heading
            for p in parts:
                p.bb_elem, p.bb_label = self.bb_elem, self.bb_label
            # Only the last part may keep with what follows: the parts take the style's
            # keep-with-next otherwise, and reportlab then regroups a part taller than the frame
            # with the next part for ever (a heading longer than a page).
            keep = self.getKeepWithNext()
            for p in parts:
                p.__dict__["keepWithNext"] = 0
            parts[-1].__dict__["keepWithNext"] = keep
        return parts

    def _draw_mark(self, note: Note) -> None:
        """The superscript note number after the last word. Drawn here rather than written into
        the text: a mark in the text makes every quote a multi-style paragraph, whose line
        breaking costs reportlab three times as much."""
        style = self.style
        lines = self.blPara.lines
        last = lines[-1]
        extra = last.extraSpace if hasattr(last, "extraSpace") else last[0]
        indent = style.leftIndent + (style.firstLineIndent if len(lines) == 1 else 0)
        x = indent + (self.width - indent - style.rightIndent) - extra + 0.6
        y = self.height - style.fontSize - (len(lines) - 1) * style.leading + style.fontSize * 0.38
        size = style.fontSize * 0.68
        text = str(note.number)
        canv = self.canv
        canv.saveState()
        canv.setFont(FONT, size)
        canv.setFillColor(style.textColor)
        canv.drawString(x, y, text)
        canv.restoreState()

    def draw(self) -> None:
        if getattr(self.canv, "bb_layout_only", False):
            return  # only the pages are wanted (heading_pages): nothing is drawn
        tags = tagger(self.canv)
        bar = getattr(self.style, "bb_bar", None)
        if bar is not None:
            canv = self.canv
            with tags.artifact(canv):
                canv.saveState()
                canv.setStrokeColor(bar)
                canv.setLineWidth(2.2)
                x = self.style.leftIndent - 9
                below = self.style.spaceAfter if self.style.spaceAfter < 6 else 0
                canv.line(x, -below, x, self.height)
                canv.restoreState()
        with tags.content(self.canv, self.bb_elem, self.bb_label if self.bulletText else None):
            super().draw()
        if self.bb_mark is not None and getattr(self, "blPara", None) is not None:
            mark = self.bb_elem.add("Reference") if self.bb_elem and tags.enabled else None
            with tags.content(self.canv, mark):
                self._draw_mark(self.bb_mark)


class _Rule(HRFlowable):
    """A horizontal rule: decoration, not content."""

    def draw(self) -> None:
        with tagger(self.canv).artifact(self.canv):
            super().draw()


def _table_render(table: Any, cmd: str, *args: Any) -> None:
    """Reportlab's table drawing callback: backgrounds and lines are artifacts, and so is a
    header row repeated at the top of a continuation page (the first one is the header)."""
    canv = table.canv
    tags = tagger(canv)
    if cmd in ("startBG", "startLines") or (cmd == "startRow" and args[0] < table.bb_repeated):
        tags.begin_artifact(canv)
        table._bb_artifact = True
    elif cmd in ("endBG", "endLines", "endRow") and table.__dict__.pop("_bb_artifact", False):
        tags.end_artifact(canv)


class _Table(Table):
    """A table whose cells draw into their own structure elements (TH, TD, TOCI)."""

    bb_repeated = 0  # leading rows that repeat the header of an earlier part

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("renderCB", _table_render)
        super().__init__(*args, **kwargs)
        # Reportlab's default cell font is Helvetica, which is not embedded and has no Unicode
        # map: PDF/UA allows neither, even for a font only selected, never shown.
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            parts[0].bb_repeated = self.bb_repeated
            repeat = self.repeatRows
            parts[1].bb_repeated = repeat if isinstance(repeat, int) else len(repeat)
        return parts


@dataclass
class _Layout:
    """What the layout learns: the page each section starts on, and how many pages there are."""

    heading_pages: dict[str, int] = field(default_factory=dict)
    page_count: int = 0


class _NotesFrame(Frame):
    """A frame that keeps room at its foot for the footnotes of what it holds."""

    def __init__(self, *args: Any, note_style: ParagraphStyle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.note_style = note_style
        self.page_notes: list[tuple[RLParagraph, float]] = []
        self.note_cache: dict[int, tuple[RLParagraph, float]] = {}
        # Each note's structure elements (its number, its text), made where it is cited.
        self.note_tags: dict[int, tuple[StructElem, StructElem]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> _NotesFrame:
        # Reportlab copies the frame to measure keep-with-next groups; the notes themselves need
        # no copying (a deep copy of every note paragraph used to cost a third of the layout).
        clone = copy.copy(self)
        clone.page_notes = list(self.page_notes)
        return clone

    def _reset(self) -> None:
        super()._reset()
        self._y1p = self._y1 + self._bottomPadding
        self.page_notes = []

    def _note_paras(self, notes: tuple[Note, ...]) -> tuple[list[tuple[RLParagraph, float]], float]:
        paras = []
        height = 0.0 if self.page_notes else 10.0  # the separator rule above the first note
        for note in notes:
            cached = self.note_cache.get(note.number)
            if cached is None:
                # No link from the mark to its note: the note is at the foot of the same page.
                p = _para(
                    note.spans,
                    self.note_style,
                    bulletText=str(note.number),
                    url_width=(self._aW - self.note_style.leftIndent, self.note_style.fontSize),
                )
                _, h = p.wrap(self._aW, PAGE_H)
                cached = self.note_cache[note.number] = (p, h)
            p, h = cached
            p.bb_label, p.bb_elem = self.note_tags.get(note.number, (None, None))
            paras.append((p, h))
            height += h + self.note_style.spaceAfter
        return paras, height

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        notes = getattr(flowable, "bb_notes", ())
        if not notes:
            return super().add(flowable, canv, trySplit)
        paras, height = self._note_paras(notes)
        saved = self._y1p
        self._y1p = saved + height
        try:
            added = super().add(flowable, canv, trySplit)
        except Exception:
            self._y1p = saved
            raise
        if added:
            self.page_notes.extend(paras)
        else:
            self._y1p = saved
        return added

    def split(self, flowable: Any, canv: Any) -> list[Any]:
        notes = getattr(flowable, "bb_notes", ())
        if not notes:
            return super().split(flowable, canv)
        _, height = self._note_paras(notes)
        saved = self._y1p
        self._y1p = saved + height  # the part that keeps the note mark must leave room for it
        try:
            parts = super().split(flowable, canv)
        finally:
            self._y1p = saved
        if len(parts) == 1 and parts[0] is flowable:
            return []  # it only fits without its notes: move it on whole
        return parts

    def draw_notes(self, canv: Any) -> None:
        if not self.page_notes:
            return
        x = self._x1 + self._leftPadding
        y = self._y1 + self._bottomPadding
        total = sum(h + self.note_style.spaceAfter for _, h in self.page_notes)
        top = y + total + 4
        with tagger(canv).artifact(canv):
            canv.saveState()
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.6)
            canv.line(x, top, x + 55 * mm, top)
            canv.restoreState()
        cursor = top - 4
        for p, h in self.page_notes:
            cursor -= h
            p.drawOn(canv, x, cursor)
            cursor -= self.note_style.spaceAfter
        self.page_notes = []


class _Doc(BaseDocTemplate):
    def __init__(self, fh: IO[bytes], meta: Meta, styles: dict[str, Any]) -> None:
        super().__init__(
            fh,
            pagesize=(PAGE_W, PAGE_H),
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords="; ".join(meta.keywords),  # theme names contain commas
            creator=meta.generator,
            producer=meta.generator,
            lang="en-GB",
            allowSplitting=1,
            initialFontName=FONT,
            initialFontSize=11,
            initialLeading=15.5,
        )
        self.meta = meta
        self.layout = _Layout()
        self.ref_forms: dict[str, str] = {}  # section anchor → the form with its page number
        self.tagger = Tagger()
        self.notes_frame = _NotesFrame(
            LEFT,
            BOTTOM,
            FRAME_W,
            PAGE_H - TOP - BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
            note_style=styles["note"],
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    id="page",
                    frames=[self.notes_frame],
                    onPage=self._decorate,
                    onPageEnd=self._page_end,
                    pagesize=(PAGE_W, PAGE_H),
                ),
                PageTemplate(
                    id="landscape",
                    frames=[
                        Frame(
                            LEFT,
                            BOTTOM,
                            LAND_FRAME_W,
                            LAND_H - TOP - BOTTOM,
                            leftPadding=0,
                            rightPadding=0,
                            topPadding=0,
                            bottomPadding=0,
                            id="annex",
                        )
                    ],
                    onPage=self._decorate,
                    pagesize=(LAND_W, LAND_H),
                ),
            ]
        )

    def handle_documentBegin(self) -> None:
        self.canv.bb_before_save = self._define_forms
        if self.meta.marking:
            pdf = self.canv._doc
            pdf.info = _ClassifiedInfo.of(pdf.info, self.meta.marking)
        if not getattr(self.canv, "bb_layout_only", False):
            self.canv.bb_tagger = self.tagger
        super().handle_documentBegin()

    def handle_pageBegin(self) -> None:
        # The running header and footer, "Page X of Y" and the marking are page furniture.
        with tagger(self.canv).artifact(self.canv, "Pagination"):
            super().handle_pageBegin()

    def _define_forms(self, canv: Any) -> None:
        """Now that every page is laid out: the numbers that pages refer to as forms."""
        total = self.layout.page_count
        for n in range(1, total + 1):
            canv.beginForm(f"bbpage{n}", lowerx=-200, lowery=-4, upperx=2, uppery=12)
            canv.setFont(FONT, HEADER_SIZE)
            canv.setFillColor(GREY)
            canv.drawRightString(0, 0, f"Page {n} of {total}")
            canv.endForm()
        for anchor, form in self.ref_forms.items():
            canv.beginForm(form, lowerx=-60, lowery=-4, upperx=2, uppery=14)
            canv.setFont(FONT, 10)
            canv.setFillColor(colors.HexColor("#1A1A1A"))
            canv.drawRightString(0, 0, str(self.layout.heading_pages.get(anchor, "")))
            canv.endForm()

    def _decorate(self, canv: Any, doc: Any) -> None:
        meta = self.meta
        page_w, page_h = canv._pagesize  # the annex's pages are landscape
        frame_w = page_w - LEFT - RIGHT
        canv.saveState()
        if self.page == 1:
            canv.addPageLabel(0, "D", 1)
            canv.showOutline()
        if meta.marking:
            canv.setFont(FONT + "-Bold", 9.5)
            canv.setFillColor(colors.black)
            canv.drawCentredString(page_w / 2, page_h - 12 * mm, _printable(meta.marking))
            canv.drawCentredString(page_w / 2, 9 * mm, _printable(meta.marking))
        canv.setFont(FONT, HEADER_SIZE)
        canv.setFillColor(GREY)
        top_line = page_h - 19 * mm
        right = _printable(meta.organisation or meta.author)
        right_w = canv.stringWidth(right, FONT, HEADER_SIZE) if right else 0
        title = _fit(_printable(meta.title), frame_w - right_w - 12, canv, HEADER_SIZE)
        canv.drawString(LEFT, top_line, title)
        if right:
            canv.drawRightString(page_w - RIGHT, top_line, right)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(LEFT, top_line - 3, page_w - RIGHT, top_line - 3)
        bottom_line = 16 * mm
        canv.line(LEFT, bottom_line + 9, page_w - RIGHT, bottom_line + 9)
        version = meta.version
        if version and not version.lower().startswith("version"):
            version = "Version " + version
        left = " · ".join(p for p in (meta.date_text, version) if p)
        canv.drawString(LEFT, bottom_line, _fit(_printable(left), frame_w - 80, canv, HEADER_SIZE))
        # "Page X of Y" is a form filled in when the last page is known: one layout pass.
        canv.saveState()
        canv.translate(page_w - RIGHT, bottom_line)
        canv.doForm(f"bbpage{self.page}")
        canv.restoreState()
        canv.restoreState()

    def _page_end(self, canv: Any, doc: Any) -> None:
        self.notes_frame.draw_notes(canv)

    def afterFlowable(self, flowable: Any) -> None:
        heading = getattr(flowable, "bb_heading", None)
        if heading is None:
            return
        self.layout.heading_pages[heading.anchor] = self.page
        # By level, not by number: with numbered paragraphs sub-sections are unnumbered.
        level = max(heading.level, 1) - 1
        title = f"{heading.number} {heading.text}" if heading.number else heading.text
        self.canv.addOutlineEntry(_printable(title), heading.anchor, level=level, closed=False)

    def handle_pageEnd(self) -> None:
        super().handle_pageEnd()
        self.layout.page_count = self.page


class _ClassifiedInfo(PDFInfo):
    """The document information with the marking as a custom ``/Classification`` entry, which
    records-management and labelling tools read (reportlab writes only the standard keys)."""

    classification = ""

    @classmethod
    def of(cls, info: PDFInfo, classification: str) -> _ClassifiedInfo:
        out = cls()
        out.__dict__.update(info.__dict__)
        out.classification = classification
        return out

    def format(self, document: Any) -> bytes:
        d = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Producer": PDFString(self.producer),
            "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
            "Classification": PDFString(self.classification),
        }
        d["ModDate"] = d["CreationDate"] = PDFDate(
            ts=document._timeStamp, dateFormatter=self._dateFormatter
        )
        return PDFDictionary(d).format(document)


def text_width(text: str, size: float) -> float:
    """Points ``text`` takes in the shipped regular font at ``size`` (the Word writer sizes its
    running header with it, as its styles name the same family)."""
    register_fonts()
    return float(stringWidth(text, FONT, size))


def _fit(text: str, width: float, canv: Any, size: float) -> str:
    """``text`` elided at a word boundary to fit ``width``, measured in the font itself."""
    return elide(text, lambda t: canv.stringWidth(t, FONT, size) <= width)


# --- the story ------------------------------------------------------------------------------


class _FormCanvas(Canvas):
    """A canvas that lets the document define its late forms just before saving."""

    bb_before_save: Any = None

    def save(self) -> None:
        if self.bb_before_save is not None:
            self.bb_before_save(self)
        super().save()

    # Each link annotation gets a Link element in the structure of what is being drawn.
    def linkRect(self, contents: str, destinationname: str, *args: Any, **kwargs: Any) -> Any:
        result = super().linkRect(contents, destinationname, *args, **kwargs)
        if kwargs.get("addtopage", 1) and (len(args) < 2 or args[1]):
            tagger(self).link(self, "#" + destinationname)
        return result

    def linkURL(self, url: str, *args: Any, **kwargs: Any) -> Any:
        result = super().linkURL(url, *args, **kwargs)
        tagger(self).link(self, url)
        return result


class _LayoutCanvas(_FormCanvas):
    """For a layout whose pages are wanted but not its PDF: paragraphs skip their drawing (most
    of a layout's time after line breaking) and nothing is saved."""

    bb_layout_only = True

    def save(self) -> None:
        pass


class _PageRef(Flowable):
    """The page number of a section in the contents: a form, drawn once the number is known."""

    def __init__(self, anchor: str, style: ParagraphStyle, owner: dict[str, str]) -> None:
        super().__init__()
        self.anchor = anchor
        self.style = style
        self.form = owner.setdefault(anchor, f"bbref{len(owner) + 1}")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.style.leading

    bb_elem: StructElem | None = None

    def draw(self) -> None:
        canv = self.canv
        with tagger(canv).content(canv, self.bb_elem):
            canv.saveState()
            canv.translate(self.width, self.style.leading - self.style.fontSize)
            if self.style.fontSize != 10:
                canv.scale(self.style.fontSize / 10, self.style.fontSize / 10)
            canv.doForm(self.form)
            canv.restoreState()
            canv.linkRect("", self.anchor, (0, 0, self.width, self.style.leading), relative=1)


class _KeepWithNotes(KeepTogether):
    """A keep-with-next group that also needs room for the footnotes its members place at the
    foot of the page: without it a heading and lead-in fit, their quote's note does not, and they
    are stranded at the foot of one page while the quote starts the next."""

    def __init__(self, flowables: list[Flowable], notes_height: float) -> None:
        super().__init__(flowables)
        self.bb_notes_height = notes_height

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        w, h = super().wrap(aW, aH)
        self._H += self.bb_notes_height
        return w, h


def _keep_with_next(
    story: list[Flowable], notes_height: Callable[[tuple[Note, ...]], float] | None = None
) -> list[Flowable]:
    """Group each run of keep-with-next flowables (a heading, a lead-in) with the flowable after
    it, as reportlab would do on the fly. A group too tall to sit comfortably on a page (a heading
    before a 10,000-character quote) is not kept whole, which would leave most of a page blank:
    it only asks for room for its small members and three lines of the last."""
    out: list[Flowable] = []
    i, n = 0, len(story)
    while i < n:
        j = i
        while j < n and story[j].getKeepWithNext() and not isinstance(story[j], KeepTogether):
            j += 1
        if j == i:
            out.append(story[i])
            i += 1
            continue
        if j < n and not isinstance(story[j], KeepTogether):
            j += 1
        group = story[i:j]
        # The grouping is done here: no member may keep reportlab's own keep-with-next, which
        # loops for ever on a keep-with-next paragraph taller than the frame at the story's end.
        for f in group:
            f.__dict__["keepWithNext"] = 0
        i = j
        if len(group) == 1:
            out.append(group[0])
            continue
        heights = [f.wrap(FRAME_W, FRAME_H)[1] + f.getSpaceBefore() for f in group]
        notes = tuple(n for f in group for n in getattr(f, "bb_notes", ()))
        extra = notes_height(notes) if notes and notes_height else 0.0
        if sum(heights) + extra < FRAME_H * 0.6:
            out.append(_KeepWithNotes(group, extra) if extra else KeepTogether(group))
            continue
        last = group[-1]
        leading = getattr(getattr(last, "style", None), "leading", 14)
        out.append(CondPageBreak(sum(heights[:-1]) + 3 * leading + last.getSpaceBefore()))
        out.extend(group)
    return out


CONTENTS_ENTRY_MAX = 300  # characters of a heading shown in the contents


def _cut(text: str) -> str:
    """``text`` cut at a word boundary to about CONTENTS_ENTRY_MAX characters, with an ellipsis."""
    head = text[:CONTENTS_ENTRY_MAX]
    space = head.rfind(" ")
    return (head[:space] if space > CONTENTS_ENTRY_MAX // 2 else head).rstrip() + "\u2026"


class _StoryBuilder:
    """The flowables for a document."""

    def __init__(
        self, document: Document, styles: dict[str, ParagraphStyle], forms: dict[str, str]
    ) -> None:
        self.doc = document
        self.s = numbered_styles(styles) if document.numbered_paragraphs else styles
        self.forms = forms
        self.frame: _NotesFrame | None = None  # when set, notes are measured once, there
        self.story: list[Flowable] = []
        self.list_counters: dict[int, int] = {}
        self.tags = Tagger()  # the document's structure, made in reading order
        self._list: tuple[tuple[str | None, int], StructElem] | None = None

    def build(self) -> list[Flowable]:
        for block in self.doc.blocks:
            if self._list is not None and not (
                isinstance(block, Paragraph) and block.list_kind is not None
            ):
                self._list = None
            if isinstance(block, TitleBlock):
                self.title_block(block)
            elif isinstance(block, FrontSheet):
                self.front_sheet(block)
            elif isinstance(block, Contents):
                self.contents(block)
            elif isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Quote):
                self.quote(block)
            elif isinstance(block, ReferenceList):
                self.references(block)
            elif isinstance(block, EvidenceAnnex):
                self.evidence_annex(block)
        self.story = _keep_with_next(self.story, self._notes_height)
        return self.story

    def _notes_height(self, notes: tuple[Note, ...]) -> float:
        """The height ``notes`` take at a page's foot, with the rule above them (the most they
        can take: on a page with notes already the rule is there)."""
        if self.frame is not None and not self.frame.page_notes:
            # The frame keeps each note's paragraph, measured, for placing it: one measure each.
            return self.frame._note_paras(notes)[1]
        style = self.s["note"]
        height = 10.0
        for note in notes:
            width = (FRAME_W - style.leftIndent, style.fontSize)
            p = _para(note.spans, style, bulletText=str(note.number), url_width=width)
            height += p.wrap(FRAME_W, PAGE_H)[1] + style.spaceAfter
        return height

    def _tag(self, para: Any, tag: str, parent: StructElem | None = None, spans: Spans = ()) -> Any:
        """``para`` draws the content of a new ``tag`` element (in the document by default)."""
        para.bb_elem = (parent or self.tags.root).add(tag, links=link_texts(spans))
        return para

    def title_block(self, block: TitleBlock) -> None:
        meta = block.meta
        self.body_marking(meta.marking)
        if meta.organisation:
            self.story.append(
                self._tag(
                    _para((Span(meta.organisation.upper()),), self.s["organisation"]),
                    "P",
                )
            )
        self.story.append(self._tag(_para((Span(meta.title),), self.s["title"]), "P"))
        if meta.subtitle:
            self.story.append(self._tag(_para((Span(meta.subtitle),), self.s["subtitle"]), "P"))
        if block.byline:
            self.story.append(Spacer(1, 4))
            self.story.append(self._tag(_para((Span(block.byline),), self.s["byline"]), "P"))
        self.story.append(
            _Rule(width="100%", thickness=0.8, color=BAR, spaceBefore=4, spaceAfter=10)
        )

    def body_marking(self, marking: str) -> None:
        """The marking at the top of the first page's text too: screen readers skip the
        running header, where it is drawn on every page."""
        if marking:
            self.story.append(self._tag(_para((Span(marking),), self.s["body-marking"]), "P"))

    def front_sheet(self, block: FrontSheet) -> None:
        """The meeting's details as a two-column table, then "Recommendations — The Committee is
        asked to:" and the recommendations lettered a), b), ..."""
        if block.rows:
            # A table of label and value: each label is the header of its row.
            details = self.tags.root.add("Table")
            rows = []
            for label, value in block.rows:
                row = details.add("TR")
                head = self._tag(_para((Span(label),), self.s["front-label"]), "TH", row)
                head.bb_elem.attributes = {"O": "Table", "Scope": "Row"}
                rows.append(
                    [head, self._tag(_para(value, self.s["front-value"]), "TD", row, value)]
                )
            table = _Table(rows, colWidths=[38 * mm, FRAME_W - 38 * mm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEF2F7")),
                        ("LINEABOVE", (0, 0), (-1, 0), 0.5, BAR),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.5, BAR),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 4),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            self.story.append(table)
        if block.recommendations:
            self.story.append(
                self._tag(_para((Span(block.heading),), self.s["front-heading"]), "P")
            )
            self.story.append(self._tag(_para((Span(block.lead),), self.s["front-lead"]), "P"))
            recommendations = self.tags.root.add("L")
            for n, spans in enumerate(block.recommendations, start=1):
                item = recommendations.add("LI")
                para = _para(spans, self.s["recommendation"], bulletText=block.letter(n))
                para.bb_label = item.add("Lbl")
                self.story.append(self._tag(para, "LBody", item, spans))
        self.story.append(Spacer(1, 10))

    def heading(self, h: Heading) -> None:
        level = min(max(h.level, 1), 3)
        text = f'<a name="{_attr(h.anchor)}"/>' + markup((Span(h.text),))
        if h.number:
            p = _Para(text, self.s[f"h{level}n"], bulletText=h.number)
        else:
            p = _Para(text, self.s[f"h{level}"])
        p.bb_heading = h
        self.story.append(self._tag(p, f"H{level}"))

    def contents(self, block: Contents) -> None:
        if not block.entries:
            return
        self.story.append(CondPageBreak(120))
        self.heading(block.heading)
        self.story[-1].__dict__["keepWithNext"] = 0  # a long contents may run on to a new page
        self.story.append(self.contents_table(block, self.tags.root.add("TOC")))
        self.story.append(Spacer(1, 6))

    def contents_table(self, block: Contents, toc: StructElem | None = None) -> Flowable:
        rows = []
        for h in block.entries:
            # A table row cannot break across pages: an entry is cut to a few lines (a heading
            # as long as a page is printed whole where it stands).
            text_ = h.text if len(h.text) <= CONTENTS_ENTRY_MAX else _cut(h.text)
            label = f"{h.number}\u2002{text_}" if h.number else text_
            style = self.s["contents"] if h.level <= 1 else self.s["contents2"]
            entry = _para((Span(label, link="#" + h.anchor),), style, link_colour=False)
            page_style = self.s["page"] if h.level <= 1 else self.s["page2"]
            page = _PageRef(h.anchor, page_style, self.forms)
            if toc is not None:
                ref = toc.add("TOCI").add("Reference", links={"#" + h.anchor: label})
                entry.bb_elem = page.bb_elem = ref
            rows.append([entry, page])
        table = _Table(rows, colWidths=[FRAME_W - 30, 30], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        return table

    def paragraph(self, p: Paragraph) -> None:
        spans = p.spans
        if p.list_kind == "bullet":
            self.story.append(self._item(_para(spans, self.s["bullet"], bulletText="•"), p))
        elif p.list_kind == "number":
            n = self.list_counters.get(p.list_id, 0) + 1
            self.list_counters[p.list_id] = n
            self.story.append(self._item(_para(spans, self.s["number"], bulletText=f"{n}."), p))
        else:
            style = self.s["lead-in" if p.role == "lead-in" else "body"]
            # A numbered paragraph's number hangs at the left margin, its text indented.
            para = _para(spans, style, bulletText=p.number or None)
            self.story.append(self._tag(para, "P", spans=spans))

    def _item(self, para: _Para, p: Paragraph) -> _Para:
        """A list item: L (one per list), LI, its label (the bullet or number) and its body."""
        key = (p.list_kind, p.list_id)
        if self._list is None or self._list[0] != key:
            self._list = (key, self.tags.root.add("L"))
        item = self._list[1].add("LI")
        para.bb_label = item.add("Lbl")
        return self._tag(para, "LBody", item, p.spans)

    def quote(self, q: Quote) -> None:
        attribution = q.attribution
        quote = self.tags.root.add("BlockQuote")
        para = self._tag(
            _para(q.text, self.s["quote" if attribution else "quote-last"]), "P", quote, q.text
        )
        if q.note is not None:
            para.bb_notes = (q.note,)
            para.bb_mark = q.note
        if attribution and sum(len(s.text) for s in q.text) < 1200:
            para.keepWithNext = 1
        self.story.append(para)
        if attribution:
            self.story.append(
                self._tag(
                    _para(attribution, self.s["attribution"], link_colour=False),
                    "P",
                    quote,
                    attribution,
                )
            )
        if q.note is not None and self.frame is not None:
            # The note follows what cites it in the reading order, wherever it prints.
            note = self.tags.root.add("Note", id=q.note.anchor)
            self.frame.note_tags[q.note.number] = (
                note.add("Lbl"),
                note.add("P", links=link_texts(q.note.spans)),
            )

    def references(self, block: ReferenceList) -> None:
        self.heading(block.heading)
        for ref in block.entries:
            style = self.s["reference"]
            width = FRAME_W - style.leftIndent
            text = f'<a name="{_attr(ref.anchor)}"/>' + markup(
                ref.spans, url_width=(width, style.fontSize)
            )
            self.story.append(self._tag(_Para(text, self.s["reference"]), "P", spans=ref.spans))

    def evidence_annex(self, block: EvidenceAnnex) -> None:
        """The annex on landscape pages: one row per quote cited, the header row repeated on
        every page."""
        self.story.append(NextPageTemplate("landscape"))
        self.story.append(PageBreak())
        self.heading(block.heading)
        self.story[-1].__dict__["keepWithNext"] = 0  # the table follows on the same page
        cell, head, flag = self.s["cell"], self.s["cell-head"], self.s["cell-flag"]
        table_elem = self.tags.root.add("Table")
        header = table_elem.add("TR")
        rows: list[list[Flowable]] = [
            [self._tag(_Para(escape(c), head), "TH", header) for c in block.columns]
        ]
        for th in header.kids:
            th.attributes = {"O": "Table", "Scope": "Column"}  # type: ignore[union-attr]
        for r in block.rows:
            row = table_elem.add("TR")
            rows.append(
                [
                    self._tag(
                        _para((Span(v),), flag if i == block.flag_column else cell),
                        "TD",
                        row,
                    )
                    for i, v in enumerate(block.cells(r))
                ]
            )
        table = _Table(
            rows, colWidths=[w * LAND_FRAME_W for w in block.widths], repeatRows=1, hAlign="LEFT"
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE4EE")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 8))  # before the key to the strength column, if any


def heading_pages(document: Document, template: Template | None = None) -> dict[str, int]:
    """The page each heading starts on, by anchor, in this layout: the Word writer stores them as
    its contents' page numbers (same typeface, sizes and margins; a template's page and margins),
    which LibreOffice shows as they are and Word recomputes on opening."""
    from . import pdf_template

    register_fonts()
    # The annex comes last and starts a page: its rows move no heading, so they are not laid
    # out (they were half the time of a 400-finding Word export).
    document = replace(
        document,
        blocks=[
            replace(b, rows=()) if isinstance(b, EvidenceAnnex) else b for b in document.blocks
        ],
    )
    with pdf_template.applied(template.look if template is not None else None):
        styles = _styles()
        doc = _Doc(io.BytesIO(), document.meta, styles)
        try:
            builder = _StoryBuilder(document, styles, doc.ref_forms)
            builder.frame = doc.notes_frame
            doc.build(builder.build(), canvasmaker=_LayoutCanvas)
        except Exception:  # no layout: the numbers stay empty until Word updates them
            log.warning("The contents' page numbers could not be laid out", exc_info=True)
            return {}
    return dict(doc.layout.heading_pages)


def write_pdf(
    document: Document, out: IO[bytes], template: Template | None = None
) -> Iterator[Progress]:
    """Lay ``document`` out and write it to ``out`` (in ``template``'s look, if given), yielding
    progress.

    One layout pass: the numbers that depend on the whole layout (the contents' page numbers and
    "of Y") are PDF forms, referenced where they print and filled in once the last page is done."""
    from . import pdf_template

    register_fonts()
    yield Progress(0, 3, "Preparing the PDF")
    buf = io.BytesIO()
    look = template.look if template is not None else None
    with pdf_template.applied(look):
        styles = _styles()
        doc = _Doc(buf, document.meta, styles)
        pdf_template.add_logo(doc, look.logo if look else None)
        try:
            builder = _StoryBuilder(document, styles, doc.ref_forms)
            builder.frame = doc.notes_frame
            builder.tags = doc.tagger
            story = builder.build()
            yield Progress(1, 3, "Laying out pages")
            doc.build(story, canvasmaker=_FormCanvas)
        except ExportError:
            raise
        except Exception as exc:  # a layout reportlab cannot do: report, never a traceback
            log.warning("The PDF could not be laid out", exc_info=True)
            raise ExportError(f"the PDF could not be laid out: {exc}") from exc
    document.page_count = doc.layout.page_count
    yield Progress(2, 3, "Writing the PDF")
    meta = document.meta
    out.write(
        finish(
            buf.getvalue(),
            doc.tagger,
            title=meta.title,
            author=meta.author,
            producer=meta.generator,
        )
    )
    yield Progress(3, 3, "PDF written")
