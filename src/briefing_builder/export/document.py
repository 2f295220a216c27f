"""The document model: a briefing turned, once, into typed blocks that every writer renders.

:func:`build_document` reads a :class:`~briefing_builder.core.briefing.Briefing` and a library and
produces a :class:`Document`: a title block, the contents, the summary, numbered headings, the
officer's paragraphs and lists, each evidence item as a quote with its attribution and citation (or
its numbered note), and the reference list. Each evidence item uses its finding from the library
or, when the library no longer has it, the snapshot saved in the briefing; each source's CSL data
comes from the library or from the briefing's source snapshots. The DOCX and PDF writers only
render these blocks, so both carry the same text.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .. import __version__
from ..core.briefing import DECISIONS, Briefing, EvidenceItem, NoteItem, Section
from ..core.briefing_io import ItemState, item_states, unknown_finding_problems
from ..core.model import Library, Locator, Problem
from ..core.strength import maryland_short
from .citations import (
    MONTHS,
    Citation,
    CitationStyle,
    Reference,
    StyleInfo,
    format_locator,
    get_style,
    short_label,
)
from .inline import (
    Span,
    Spans,
    TextPiece,
    officer_text,
    one_line,
    paragraph_spans,
    plain,
    smart_spans,
    source_note_markers,
    typographic,
)


class ExportError(Exception):
    """An export that cannot be done; ``problems`` name the file and line where there are any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return "\n".join([self.message, *(str(p) for p in self.problems)])


# --- blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    subtitle: str
    author: str
    organisation: str
    date: str  # ISO
    date_text: str  # "23 November 2026"
    version: str
    marking: str
    subject: str
    keywords: tuple[str, ...]
    style: StyleInfo
    generator: str = f"Briefing Builder {__version__}"


@dataclass(frozen=True, slots=True)
class TitleBlock:
    meta: Meta

    @property
    def byline(self) -> str:
        """ "Policy Unit · 23 November 2026 · Version 0.3 draft"."""
        version = self.meta.version
        if version and not version.lower().startswith("version"):
            version = "Version " + version
        return " · ".join(p for p in (self.meta.author, self.meta.date_text, version) if p)


@dataclass(frozen=True, slots=True)
class FrontSheet:
    """A committee paper's front sheet: the meeting's details, then what the committee is asked
    to do. Printed after the title and before the contents, only when the briefing has one."""

    rows: tuple[tuple[str, Spans], ...]  # ("Meeting", "Community Safety Committee"), ...
    recommendations: tuple[Spans, ...]
    heading: str = "Recommendations"
    lead: str = "The Committee is asked to:"

    @staticmethod
    def letter(n: int) -> str:
        """The label of the ``n``-th recommendation (from 1): "a)", "b)", ... "z)", "aa)"."""
        out = ""
        while n > 0:
            n, rem = divmod(n - 1, 26)
            out = chr(ord("a") + rem) + out
        return out + ")"


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int  # 1 for a top-level section
    number: str  # "1.2"; "" for unnumbered headings (Summary, References)
    anchor: str

    @property
    def label(self) -> str:
        return f"{self.number}  {self.text}" if self.number else self.text


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: Spans
    role: str = "body"  # "body", or "lead-in" (the officer's comment before a quote)
    list_kind: str | None = None  # None, "bullet" or "number"
    list_id: int = 0  # items of one list share an id (numbering restarts per list)
    number: str = ""  # "2.3" when paragraphs are numbered and this one carries a number


@dataclass(frozen=True, slots=True)
class Note:
    number: int
    spans: Spans

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"


@dataclass(frozen=True, slots=True)
class Quote:
    """A finding, word for word, with whoever said it and where it comes from."""

    text: Spans
    finding_id: str
    source_id: str
    kind: str
    locator: str
    speaker: str | None = None
    citation: Spans | None = None  # author-date styles: "(Tizard, 2015, section 4)"
    note: Note | None = None  # note styles: the footnote cited at the end of the quote

    @property
    def attribution(self) -> Spans:
        """The line under the quote: "— Alun Michael, South Wales PCC (Tizard, 2015, section 1)"."""
        out: list[Span] = []
        if self.speaker:
            out.append(Span("— " + self.speaker))
        if self.citation:
            if out:
                out.append(Span(" "))
            out.extend(self.citation)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Contents:
    heading: Heading
    entries: tuple[Heading, ...]


@dataclass(frozen=True, slots=True)
class ReferenceList:
    heading: Heading
    entries: tuple[Reference, ...]


ANNEX_QUOTE_WORDS = 40  # a longer quote is shown in the annex by its first 40 words and "…"
CHANGED_FLAG = "Changed in the library since this briefing was saved"
MISSING_FLAG = "No longer in the library: the copy saved in the briefing"
RETIRED_FLAG = "Retired from the library: the copy saved in the briefing"


@dataclass(frozen=True, slots=True)
class AnnexRow:
    """One cited finding, as a committee member reads it in the evidence annex."""

    number: int
    quote: str  # the quote, or its first 40 words and "…"
    source: str  # short author-date label: "Tizard (2015)"
    locator: str  # "section 4", "p. 12"
    cited_in: str  # "Paragraph 2.3", or "2.1 Background" when paragraphs are not numbered
    flag: str  # CHANGED_FLAG, MISSING_FLAG, RETIRED_FLAG or ""
    finding_id: str
    strength: str = ""  # the source's Maryland level, "SMS 3", or "Not rated"


# The annex's columns as shares of the landscape text width, without and with the finding ids;
# a strength column takes its share from the quote's.
ANNEX_WIDTHS = (0.045, 0.445, 0.14, 0.11, 0.13, 0.13)
ANNEX_WIDTHS_IDS = (0.045, 0.335, 0.13, 0.1, 0.12, 0.14, 0.13)
ANNEX_STRENGTH_WIDTH = 0.08
STRENGTH_COLUMN = "Strength"
FLAG_COLUMN = "Wording check"
# Printed under the annex when it has a strength column, for readers who do not know the scale.
STRENGTH_KEY = (
    "Strength: the source’s level on the Maryland Scientific Methods Scale (SMS), which rates how "
    "well a study can show that what was done caused the outcome, from SMS 1 (a link at one "
    "point in time, with no comparison) to SMS 5 (a randomised controlled trial). Not rated: the "
    "evidence library gives no level for the source."
)


@dataclass(frozen=True, slots=True)
class EvidenceAnnex:
    """The annex of the evidence cited: set on landscape pages by both writers, one row per
    quote, its header row repeated on every page. Finding ids only when asked for; the sources'
    evidence strength when any source cited has a Maryland level."""

    heading: Heading
    rows: tuple[AnnexRow, ...]
    show_ids: bool = False
    show_strength: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        strength = (STRENGTH_COLUMN,) if self.show_strength else ()
        cols = ("No.", "Quote", "Source", *strength, "Locator", "Cited in", FLAG_COLUMN)
        return (*cols, "Finding id") if self.show_ids else cols

    def cells(self, row: AnnexRow) -> tuple[str, ...]:
        strength = (row.strength,) if self.show_strength else ()
        out = (str(row.number), row.quote, row.source, *strength, row.locator, row.cited_in)
        out = (*out, row.flag)
        return (*out, row.finding_id) if self.show_ids else out

    @property
    def widths(self) -> tuple[float, ...]:
        """Each column's share of the width, the same in every writer."""
        shares = list(ANNEX_WIDTHS_IDS if self.show_ids else ANNEX_WIDTHS)
        if self.show_strength:
            shares[1] -= ANNEX_STRENGTH_WIDTH
            shares.insert(3, ANNEX_STRENGTH_WIDTH)
        return tuple(shares)

    @property
    def flag_column(self) -> int:
        """The column of the wording check, printed in bold red when a quote changed."""
        return self.columns.index(FLAG_COLUMN)


def annex_quote(text: str, limit: int = ANNEX_QUOTE_WORDS) -> str:
    """``text`` whole when it has at most ``limit`` words, else its first ``limit`` and "…"."""
    words = text.split()
    if len(words) <= limit:
        return " ".join(words)
    return " ".join(words[:limit]).rstrip(",;:.") + "\u2026"


Block = (
    TitleBlock | FrontSheet | Contents | Heading | Paragraph | Quote | ReferenceList | EvidenceAnnex
)


@dataclass(slots=True)
class Document:
    meta: Meta
    blocks: list[Block] = field(default_factory=list)
    # The pages the writer laid out, when it knows them (the PDF writer); Word lays out its own.
    page_count: int | None = None
    # The officer's paragraphs numbered 1.1, 1.2 … per top-level section (``numbering:
    # paragraphs``): only top-level headings then carry numbers, so 1.2 means one thing.
    numbered_paragraphs: bool = False
    # What the export should tell the user about how it was made (a template's font not found).
    warnings: list[str] = field(default_factory=list)

    def headings(self) -> Iterator[Heading]:
        for b in self.blocks:
            if isinstance(b, Heading):
                yield b
            elif isinstance(b, (ReferenceList, EvidenceAnnex)):
                yield b.heading

    def notes(self) -> list[Note]:
        return [b.note for b in self.blocks if isinstance(b, Quote) and b.note is not None]

    def quotes(self) -> list[Quote]:
        return [b for b in self.blocks if isinstance(b, Quote)]

    def references(self) -> tuple[Reference, ...]:
        for b in self.blocks:
            if isinstance(b, ReferenceList):
                return b.entries
        return ()

    def text(self) -> str:
        """The document's words in reading order (notes after the body), for tests and search."""
        out: list[str] = [self.meta.title, self.meta.subtitle]
        for b in self.blocks:
            if isinstance(b, FrontSheet):
                out.extend(f"{label}: {plain(value)}" for label, value in b.rows)
                if b.recommendations:
                    out.extend((b.heading, b.lead))
                    out.extend(
                        f"{b.letter(n)} {plain(r)}"
                        for n, r in enumerate(b.recommendations, start=1)
                    )
            elif isinstance(b, Heading):
                out.append(b.label)
            elif isinstance(b, Paragraph):
                out.append(plain(b.spans))
            elif isinstance(b, Quote):
                out.append(plain(b.text))
                out.append(plain(b.attribution))
            elif isinstance(b, ReferenceList):
                out.append(b.heading.text)
                out.extend(plain(r.spans) for r in b.entries)
        out.extend(f"{n.number} {plain(n.spans)}" for n in self.notes())
        return "\n".join(s for s in out if s)


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Resolved:
    text: str
    source: str
    kind: str
    locator: Locator
    speaker: str | None
    themes: tuple[str, ...]


def _resolve(item: EvidenceItem, library: Library | None) -> _Resolved | None:
    finding = library.finding(item.finding_id) if library is not None else None
    if finding is not None:
        return _Resolved(
            finding.text,
            finding.source,
            finding.kind,
            finding.locator,
            finding.speaker,
            finding.themes,
        )
    snap = item.snapshot
    if snap is not None:
        return _Resolved(snap.text, snap.source, snap.kind, snap.locator, snap.speaker, snap.themes)
    return None


def _source_csl(source_id: str, briefing: Briefing, library: Library | None) -> dict[str, Any]:
    src = library.source(source_id) if library is not None else None
    if src is not None:
        return dict(src.csl)
    snap = briefing.source_snapshots.get(source_id)
    if isinstance(snap, Mapping):
        return dict(snap)
    return {"id": source_id, "type": "document", "title": source_id}


def _levels(sources: Mapping[str, object], library: Library | None) -> dict[str, int]:
    """The Maryland level of each cited source the library rates (a source known only from the
    briefing's snapshot has none)."""
    out: dict[str, int] = {}
    for sid in sources:
        src = library.source(sid) if library is not None else None
        if src is not None and src.strength is not None and src.strength.maryland is not None:
            out[sid] = src.strength.maryland
    return out


def format_date(iso: str) -> str:
    try:
        d = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def front_sheet(briefing: Briefing) -> FrontSheet | None:
    """The front sheet of ``briefing``, or None when none of its fields is set (the export then
    looks exactly as one without)."""
    if not briefing.has_front_sheet():
        return None
    rows: list[tuple[str, Spans]] = []

    def row(label: str, text: str) -> None:
        text = typographic(one_line(text))
        if text:
            rows.append((label, (Span(text),)))

    row("Meeting", briefing.meeting)
    if briefing.meeting_date.strip():
        row("Date", format_date(briefing.meeting_date.strip()))
    row("Agenda item", briefing.agenda_item)
    row("Report of", briefing.report_of)
    row("Contact", briefing.contact)
    decision = DECISIONS.get(briefing.decision, "")
    purpose = typographic(one_line(briefing.purpose))
    if decision or purpose:
        value: list[Span] = []
        if decision:
            value.append(Span(decision, bold=True))
        if purpose:
            value.append(Span((" — " if decision else "") + purpose))
        rows.append(("Purpose", tuple(value)))
    recommendations = tuple(
        paragraph_spans(r, smart=True) for r in briefing.recommendations if r.strip()
    )
    return FrontSheet(tuple(rows), recommendations)


def resolve_style(
    briefing: Briefing, style: str | None = None, default: str | None = None
) -> CitationStyle:
    """The style to use: the one asked for, else the briefing's, else the app's default."""
    from .citations import DEFAULT_STYLE

    return get_style(style or briefing.style or default or DEFAULT_STYLE)


def build_document(
    briefing: Briefing,
    library: Library | None,
    *,
    style: CitationStyle | str | None = None,
    include_contents: bool = True,
    include_evidence_table: bool = False,
    briefing_file: str = "",
    numbered_paragraphs: bool | None = None,
    annex_ids: bool = False,
) -> Document:
    """Turn a briefing into blocks. Raises :class:`ExportError` when a finding can be found
    neither in the library nor in the briefing's snapshots, or the style id is unknown.

    ``include_evidence_table`` adds the evidence annex (``annex_ids``: with finding ids);
    ``numbered_paragraphs`` None follows the briefing's ``numbering:``."""
    problems = unknown_finding_problems(briefing, library, briefing_file or "the briefing")
    if problems:
        n = len(problems)
        raise ExportError(
            f"{n} finding{'s are' if n != 1 else ' is'} not in the library; nothing was written",
            problems,
        )
    if not isinstance(style, CitationStyle):
        style = resolve_style(briefing, style)

    resolved: dict[str, _Resolved] = {}
    order: list[str] = []
    for item in briefing.evidence_items():
        r = _resolve(item, library)
        assert r is not None  # unknown ids were refused above
        resolved[item.node_id] = r
        order.append(r.source)
    sources = {sid: _source_csl(sid, briefing, library) for sid in dict.fromkeys(order)}
    processor = style.processor(sources, order)

    keywords: dict[str, None] = {}
    for r in resolved.values():
        for t in r.themes:
            theme = library.theme(t) if library is not None else None
            keywords.setdefault(theme.label if theme else t, None)
    title = typographic(one_line(briefing.title)) or "Untitled briefing"
    iso = briefing.effective_date()
    meta = Meta(
        title=title,
        subtitle=typographic(one_line(briefing.subtitle)),
        author=one_line(briefing.author or briefing.organisation),
        organisation=one_line(briefing.organisation),
        date=iso,
        date_text=format_date(iso),
        version=one_line(briefing.version),
        marking=one_line(briefing.printed_marking()).upper(),
        subject=one_line(briefing.subtitle) or "Evidence briefing",
        keywords=tuple(keywords),
        style=style.info,
    )
    if numbered_paragraphs is None:
        numbered_paragraphs = briefing.numbered_paragraphs
    doc = Document(meta, [TitleBlock(meta)], numbered_paragraphs=numbered_paragraphs)
    builder = _Builder(doc, processor, resolved, sources, item_states(briefing, library))
    builder.levels = _levels(sources, library)

    sheet = front_sheet(briefing)
    if sheet is not None:
        doc.blocks.append(sheet)
    if include_contents:
        doc.blocks.append(Contents(Heading("Contents", 1, "", "contents"), ()))
    if briefing.summary.strip():
        doc.blocks.append(Heading("Summary", 1, "", "summary"))
        builder.officer(briefing.summary)
    builder.in_section = True  # the summary's paragraphs come before section 1: not numbered
    numbering = briefing.numbering()
    for section in briefing.sections:
        builder.section(section, numbering, 1)

    if order:
        info = style.info
        doc.blocks.append(
            ReferenceList(
                Heading(info.reference_heading, 1, "", "references"),
                tuple(replace(ref, spans=smart_spans(ref.spans)) for ref in processor.references()),
            )
        )
    if include_evidence_table and builder.rows:
        doc.blocks.append(
            EvidenceAnnex(
                Heading("Annex: evidence cited", 1, "", "evidence"),
                tuple(builder.rows),
                annex_ids,
                show_strength=bool(builder.levels),
            )
        )
        if builder.levels:
            doc.blocks.append(Paragraph((Span(STRENGTH_KEY),)))
    if include_contents:
        entries = tuple(h for h in doc.headings() if h.anchor != "contents" and h.level <= 2)
        at = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Contents))
        doc.blocks[at] = Contents(Heading("Contents", 1, "", "contents"), entries)
    return doc


class _Builder:
    def __init__(
        self,
        doc: Document,
        processor: Any,
        resolved: dict[str, _Resolved],
        sources: dict[str, dict[str, Any]],
        states: dict[str, ItemState],
    ) -> None:
        self.doc = doc
        self.processor = processor
        self.resolved = resolved
        self.sources = sources
        self.states = states
        self.note_count = 0
        self.list_count = 0
        self.rows: list[AnnexRow] = []
        self.levels: dict[str, int] = {}  # the Maryland level of each cited source rated
        self.labels: dict[str, str] = {}
        self.in_section = False  # past the summary: paragraphs may be numbered
        self.top_number = ""  # the top-level section's number: "2"
        self.paragraph_count = 0  # the officer's numbered paragraphs so far in that section
        self.last_paragraph = ""  # the number of the paragraph a quote sits in: "2.3"

    def officer(self, text: str, role: str = "body") -> None:
        previous_kind: str | None = None
        for piece in officer_text(text):
            self._piece(piece, role, previous_kind)
            previous_kind = piece.list_kind

    def _piece(self, piece: TextPiece, role: str, previous_kind: str | None) -> None:
        if piece.list_kind and piece.list_kind != previous_kind:
            self.list_count += 1
        number = ""
        # A numbered paragraph is one of the officer's own paragraphs or lead-ins; a list's items
        # and the quotes belong to the paragraph before them, as in a committee report.
        if self.doc.numbered_paragraphs and self.in_section and not piece.list_kind:
            self.paragraph_count += 1
            number = self.last_paragraph = f"{self.top_number}.{self.paragraph_count}"
        self.doc.blocks.append(
            Paragraph(
                piece.spans,
                role,
                piece.list_kind,
                self.list_count if piece.list_kind else 0,
                number,
            )
        )

    def section(self, section: Section, numbering: dict[str, str], level: int) -> None:
        number = numbering.get(section.node_id, "")
        heading = typographic(one_line(section.heading)) or "Untitled section"
        shown = number
        # A quote that opens a section (or sub-section) with no lead-in is cited by the section.
        self.last_paragraph = ""
        if self.doc.numbered_paragraphs:
            if level == 1:
                self.top_number, self.paragraph_count = number, 0
            else:
                shown = ""  # "1.2" names a paragraph here, not a sub-section
        self.doc.blocks.append(Heading(heading, level, shown, "sec-" + number.replace(".", "-")))
        cited_in = f"{shown}\u2002{heading}" if shown else heading
        if section.text.strip():
            self.officer(section.text)
        for item in section.items:
            if isinstance(item, NoteItem):
                self.officer(item.text)
            elif isinstance(item, EvidenceItem):
                self.evidence(item, cited_in)
        for sub in section.sections:
            self.section(sub, numbering, level + 1)

    def evidence(self, item: EvidenceItem, section_label: str) -> None:
        r = self.resolved[item.node_id]
        if item.comment.strip():
            self.officer(item.comment, role="lead-in")
        citation: Citation = self.processor.cite(r.source, r.locator)
        note = None
        inline: Spans | None = None
        if citation.is_note:
            self.note_count += 1
            note = Note(self.note_count, smart_spans(citation.spans))
        else:
            inline = smart_spans(citation.spans)
        text = source_note_markers(paragraph_spans(r.text)) or (Span("[no text]", italic=True),)
        speaker = typographic(one_line(r.speaker or "")) or None
        location = format_locator(r.locator)
        self.doc.blocks.append(
            Quote(text, item.finding_id, r.source, r.kind, location, speaker, inline, note)
        )
        label = self.labels.get(r.source)
        if label is None:
            label = self.labels[r.source] = short_label(
                self.sources.get(r.source, {"title": r.source})
            )
        if self.doc.numbered_paragraphs and self.last_paragraph:
            cited_in = f"Paragraph {self.last_paragraph}"
        else:
            cited_in = section_label
        state = self.states.get(item.node_id)
        flag = {
            ItemState.CHANGED: CHANGED_FLAG,
            ItemState.MISSING: MISSING_FLAG,
            ItemState.RETIRED: RETIRED_FLAG,
        }.get(state or ItemState.OK, "")
        self.rows.append(
            AnnexRow(
                len(self.rows) + 1,
                annex_quote(plain(text)),
                label,
                location,
                cited_in,
                flag,
                item.finding_id,
                maryland_short(self.levels.get(r.source)),
            )
        )
