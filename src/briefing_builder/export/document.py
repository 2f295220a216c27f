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
from ..core.briefing_io import unknown_finding_problems
from ..core.model import KIND_LABELS, Library, Locator, Problem
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


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    number: int
    finding_id: str
    source: str
    location: str
    kind: str
    section: str


@dataclass(frozen=True, slots=True)
class EvidenceTable:
    heading: Heading
    rows: tuple[EvidenceRow, ...]
    columns: tuple[str, ...] = ("No.", "Finding", "Source", "Location in source", "Kind", "Section")


Block = (
    TitleBlock | FrontSheet | Contents | Heading | Paragraph | Quote | ReferenceList | EvidenceTable
)


@dataclass(slots=True)
class Document:
    meta: Meta
    blocks: list[Block] = field(default_factory=list)
    # The pages the writer laid out, when it knows them (the PDF writer); Word lays out its own.
    page_count: int | None = None

    def headings(self) -> Iterator[Heading]:
        for b in self.blocks:
            if isinstance(b, Heading):
                yield b
            elif isinstance(b, (ReferenceList, EvidenceTable)):
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
) -> Document:
    """Turn a briefing into blocks. Raises :class:`ExportError` when a finding can be found
    neither in the library nor in the briefing's snapshots, or the style id is unknown."""
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
    doc = Document(meta, [TitleBlock(meta)])
    builder = _Builder(doc, processor, resolved, sources)

    sheet = front_sheet(briefing)
    if sheet is not None:
        doc.blocks.append(sheet)
    if include_contents:
        doc.blocks.append(Contents(Heading("Contents", 1, "", "contents"), ()))
    if briefing.summary.strip():
        doc.blocks.append(Heading("Summary", 1, "", "summary"))
        builder.officer(briefing.summary)
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
            EvidenceTable(Heading("Annex: evidence cited", 1, "", "evidence"), tuple(builder.rows))
        )
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
    ) -> None:
        self.doc = doc
        self.processor = processor
        self.resolved = resolved
        self.sources = sources
        self.note_count = 0
        self.list_count = 0
        self.rows: list[EvidenceRow] = []
        self.labels: dict[str, str] = {}

    def officer(self, text: str, role: str = "body") -> None:
        previous_kind: str | None = None
        for piece in officer_text(text):
            self._piece(piece, role, previous_kind)
            previous_kind = piece.list_kind

    def _piece(self, piece: TextPiece, role: str, previous_kind: str | None) -> None:
        if piece.list_kind and piece.list_kind != previous_kind:
            self.list_count += 1
        self.doc.blocks.append(
            Paragraph(piece.spans, role, piece.list_kind, self.list_count if piece.list_kind else 0)
        )

    def section(self, section: Section, numbering: dict[str, str], level: int) -> None:
        number = numbering.get(section.node_id, "")
        heading = typographic(one_line(section.heading)) or "Untitled section"
        self.doc.blocks.append(Heading(heading, level, number, "sec-" + number.replace(".", "-")))
        if section.text.strip():
            self.officer(section.text)
        for item in section.items:
            if isinstance(item, NoteItem):
                self.officer(item.text)
            elif isinstance(item, EvidenceItem):
                self.evidence(item, number)
        for sub in section.sections:
            self.section(sub, numbering, level + 1)

    def evidence(self, item: EvidenceItem, section_number: str) -> None:
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
        self.rows.append(
            EvidenceRow(
                len(self.rows) + 1,
                item.finding_id,
                label,
                location,
                KIND_LABELS.get(r.kind, r.kind),
                section_number,
            )
        )
