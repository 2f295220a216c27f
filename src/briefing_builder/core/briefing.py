"""The briefing: a plain tree of sections, evidence items and the officer's notes.

The Qt outline model adapts this tree and every undoable edit calls one of its operations, so the
rules (a section cannot move into itself, items live in sections) are enforced in one place and
tested without a display.
"""

from __future__ import annotations

import copy
import datetime as _dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Finding, Library, Locator

# The fields of the committee front sheet; the sheet is printed when any of them is set.
FRONT_SHEET_FIELDS: tuple[str, ...] = (
    "meeting",
    "meeting_date",
    "agenda_item",
    "report_of",
    "contact",
    "purpose",
    "decision",
    "recommendations",
)
# The briefing's own words and details, editable in the app's "Briefing details" tab.
METADATA_FIELDS: tuple[str, ...] = (
    "title",
    "subtitle",
    "author",
    "organisation",
    "date",
    "version",
    "marking",
    "summary",
    "style",
    "max_pages",
    "marking_descriptor",
    *FRONT_SHEET_FIELDS,
)
# Government Security Classifications: the classification, then (for OFFICIAL-SENSITIVE) an
# optional descriptor saying why the material is sensitive. A marking not in this list is kept
# as typed, for bodies that use a scheme of their own.
MARKINGS: tuple[str, ...] = ("", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
MARKING_DESCRIPTORS: tuple[str, ...] = ("", "COMMERCIAL", "LOCSEN", "PERSONAL")
# What the paper asks of the committee: the value written in the file, and how it is printed.
DECISIONS: dict[str, str] = {"decision": "For decision", "information": "For information"}


def full_marking(marking: str, descriptor: str = "") -> str:
    """The marking as printed: "OFFICIAL-SENSITIVE PERSONAL", or a body's own marking as typed.

    A descriptor is printed after the classification; an empty marking stays empty (a descriptor
    alone is not a marking)."""
    marking = " ".join(marking.split())
    descriptor = " ".join(descriptor.split())
    if not marking:
        return ""
    return f"{marking} {descriptor}" if descriptor else marking


def new_id() -> str:
    return uuid.uuid4().hex[:10]


@dataclass
class FindingSnapshot:
    """What a briefing keeps of a finding, so it opens and exports without its library."""

    text: str
    source: str
    kind: str
    locator: Locator
    speaker: str | None = None
    themes: tuple[str, ...] = ()

    @classmethod
    def of(cls, finding: Finding) -> FindingSnapshot:
        return cls(
            text=finding.text,
            source=finding.source,
            kind=finding.kind,
            locator=finding.locator,
            speaker=finding.speaker,
            themes=finding.themes,
        )


@dataclass
class EvidenceItem:
    """A finding placed in the briefing, with the officer's optional lead-in comment."""

    finding_id: str
    comment: str = ""
    snapshot: FindingSnapshot | None = None
    node_id: str = field(default_factory=new_id)
    line: int = 0  # where it was read from, for error messages


@dataclass
class NoteItem:
    """A paragraph of the officer's own commentary."""

    text: str
    node_id: str = field(default_factory=new_id)
    line: int = 0


Item = EvidenceItem | NoteItem


@dataclass
class Section:
    heading: str
    text: str = ""
    items: list[Item] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    node_id: str = field(default_factory=new_id)
    line: int = 0

    def walk(self) -> Iterator[Section]:
        yield self
        for sub in self.sections:
            yield from sub.walk()

    def contains(self, other: Section) -> bool:
        """True when ``other`` is this section or one of its descendants."""
        return any(s is other for s in self.walk())


class OutlineError(ValueError):
    """An outline edit that the rules forbid (e.g. a section into itself)."""


@dataclass
class Briefing:
    title: str = "Untitled briefing"
    subtitle: str = ""
    author: str = ""
    organisation: str = ""
    date: str = ""  # ISO date; empty means "today" when exported
    version: str = ""
    marking: str = ""
    summary: str = ""
    library: str | None = None  # a library folder, relative to the briefing file
    template: str | None = None  # the organisation's .docx/.dotx, relative to the briefing file
    style: str | None = None
    max_pages: int | None = None  # the length the briefing must keep to, if any ("max-pages:")
    # "numbering: paragraphs": the officer's paragraphs are numbered 1.1, 1.2 … in the export.
    numbered_paragraphs: bool = False
    marking_descriptor: str = ""  # e.g. "PERSONAL", printed after an OFFICIAL-SENSITIVE marking
    # The committee front sheet (all optional; see FRONT_SHEET_FIELDS).
    meeting: str = ""
    meeting_date: str = ""  # ISO date
    agenda_item: str = ""
    report_of: str = ""
    contact: str = ""
    purpose: str = ""
    decision: str = ""  # "", or a key of DECISIONS
    recommendations: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # Snapshots of the CSL data of cited sources, by source id.
    source_snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The line of each top-level key in the file it was read from (for messages), e.g. "style".
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    # --- reading -----------------------------------------------------------------------------

    def all_sections(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()

    def evidence_items(self) -> Iterator[EvidenceItem]:
        for s in self.all_sections():
            for item in s.items:
                if isinstance(item, EvidenceItem):
                    yield item

    def finding_ids(self) -> list[str]:
        return [e.finding_id for e in self.evidence_items()]

    def duplicate_finding_ids(self) -> set[str]:
        counts: dict[str, int] = {}
        for fid in self.finding_ids():
            counts[fid] = counts.get(fid, 0) + 1
        return {fid for fid, n in counts.items() if n > 1}

    def has_front_sheet(self) -> bool:
        """True when any front-sheet field is set: only then is the sheet printed."""
        return any(
            (
                any(r.strip() for r in self.recommendations)
                if key == "recommendations"
                else str(getattr(self, key)).strip()
            )
            for key in FRONT_SHEET_FIELDS
        )

    def printed_marking(self) -> str:
        return full_marking(self.marking, self.marking_descriptor)

    def effective_date(self) -> str:
        return self.date or _dt.date.today().isoformat()

    def parent_of(self, section: Section) -> Section | None:
        for s in self.all_sections():
            if any(sub is section for sub in s.sections):
                return s
        return None

    def section_list(self, parent: Section | None) -> list[Section]:
        return self.sections if parent is None else parent.sections

    def section_of(self, item: Item) -> Section:
        for s in self.all_sections():
            if any(i is item for i in s.items):
                return s
        raise OutlineError("that item is not in this briefing")

    def find_node(self, node_id: str) -> Section | Item | None:
        for s in self.all_sections():
            if s.node_id == node_id:
                return s
            for item in s.items:
                if item.node_id == node_id:
                    return item
        return None

    def numbering(self) -> dict[str, str]:
        """Heading numbers by section node id: "1", "1.2", ..."""
        out: dict[str, str] = {}

        def visit(sections: list[Section], prefix: str) -> None:
            for n, s in enumerate(sections, start=1):
                number = f"{prefix}{n}"
                out[s.node_id] = number
                visit(s.sections, number + ".")

        visit(self.sections, "")
        return out

    # --- snapshots ---------------------------------------------------------------------------

    def refresh_snapshots(self, library: Library) -> None:
        """Record the current library text and source data of every finding used."""
        for item in self.evidence_items():
            finding = library.finding(item.finding_id)
            if finding is not None:
                item.snapshot = FindingSnapshot.of(finding)
                src = library.source(finding.source)
                if src is not None:
                    self.source_snapshots[src.id] = dict(src.csl)
        used = {e.snapshot.source for e in self.evidence_items() if e.snapshot}
        self.source_snapshots = {k: v for k, v in self.source_snapshots.items() if k in used}

    # --- editing: every undoable outline edit goes through these ---------------------------
    #
    # Each operation checks its rules first (an OutlineError leaves the tree untouched), then
    # makes its change as a few primitive steps (insert, remove, move one node), telling the
    # observer before and after each one, and returns a Change that can undo and redo itself
    # exactly, without copying the tree.

    def locate(self, node: Node) -> tuple[Section | None, int]:
        """Where a node sits: its section (None: top level) and its row among that section's
        items (for an item) or subsections (for a section)."""
        if isinstance(node, Section):
            parent = self.parent_of(node)
            return parent, _index_of(self.section_list(parent), node)
        section = self.section_of(node)
        return section, _index_of(section.items, node)

    def _siblings(self, node: Node, parent: Section | None) -> list[Any]:
        if isinstance(node, Section):
            return self.section_list(parent)
        if parent is None:
            raise OutlineError("items belong in a section")
        return parent.items

    def apply(self, step: Step, observer: OutlineObserver | None = None) -> Step:
        """Make one primitive change and return the step that undoes it."""
        obs = observer or _QUIET
        if isinstance(step, Insert):
            siblings = self._siblings(step.node, step.parent)
            row = _clamp(step.row, len(siblings))
            obs.about_to_insert(step.node, step.parent, row)
            siblings.insert(row, step.node)
            obs.inserted(step.node, step.parent, row)
            return Remove(step.node)
        if isinstance(step, Remove):
            parent, row = self.locate(step.node)
            obs.about_to_remove(step.node, parent, row)
            del self._siblings(step.node, parent)[row]
            obs.removed(step.node, parent, row)
            return Insert(step.node, parent, row)
        parent, row = self.locate(step.node)
        new_row = _clamp(
            step.row,
            len(self._siblings(step.node, step.parent)) - (1 if step.parent is parent else 0),
        )
        obs.about_to_move(step.node, parent, row, step.parent, new_row)
        del self._siblings(step.node, parent)[row]
        self._siblings(step.node, step.parent).insert(new_row, step.node)
        obs.moved(step.node, parent, row, step.parent, new_row)
        return Move(step.node, parent, row)

    def insert_items(
        self,
        section: Section,
        row: int,
        items: Sequence[Item],
        observer: OutlineObserver | None = None,
    ) -> Change:
        change = Change()
        row = _clamp(row, len(section.items))
        for k, item in enumerate(items):
            change.run(self, Insert(item, section, row + k), observer)
        return change

    def insert_sections(
        self,
        parent: Section | None,
        row: int,
        sections: list[Section],
        observer: OutlineObserver | None = None,
    ) -> Change:
        if parent is not None and any(s.contains(parent) for s in sections):
            raise OutlineError("a section cannot be moved into itself")
        change = Change()
        row = _clamp(row, len(self.section_list(parent)))
        for k, section in enumerate(sections):
            change.run(self, Insert(section, parent, row + k), observer)
        return change

    def insert_section(
        self,
        parent: Section | None,
        row: int,
        section: Section,
        observer: OutlineObserver | None = None,
    ) -> Change:
        return self.insert_sections(parent, row, [section], observer)

    def remove_nodes(
        self, nodes: Sequence[Node], observer: OutlineObserver | None = None
    ) -> Change:
        """Remove nodes (a section with everything in it); nodes inside removed sections go with
        them."""
        for node in nodes:
            self.locate(node)  # each must be in the briefing
        sections = [n for n in nodes if isinstance(n, Section)]
        change = Change()
        for node in _outermost(self, nodes, sections):
            change.run(self, Remove(node), observer)
        return change

    def remove_item(self, item: Item, observer: OutlineObserver | None = None) -> Change:
        return self.remove_nodes([item], observer)

    def remove_section(self, section: Section, observer: OutlineObserver | None = None) -> Change:
        return self.remove_nodes([section], observer)

    def move_items(
        self,
        items: Sequence[Item],
        section: Section,
        row: int,
        observer: OutlineObserver | None = None,
    ) -> Change:
        """Move items, in order, to ``row`` of a section's items, the row counted with the
        moving items still in place (as the officer sees it when dropping)."""
        for item in items:
            self.locate(item)
        anchor = next((x for x in section.items[max(row, 0) :] if not _among(x, items)), None)
        change = Change()
        for item in items:
            at = len(section.items) if anchor is None else _index_of(section.items, anchor)
            if _among(item, section.items) and _index_of(section.items, item) < at:
                at -= 1
            change.run(self, Move(item, section, at), observer)
        return change

    def move_sections(
        self,
        sections: list[Section],
        parent: Section | None,
        row: int,
        observer: OutlineObserver | None = None,
    ) -> Change:
        """Move sections, in order, to ``row`` among ``parent``'s subsections (None: the top
        level), the row counted with the moving sections still in place."""
        if parent is not None and any(s.contains(parent) for s in sections):
            raise OutlineError("a section cannot be moved into itself")
        for section in sections:
            self.locate(section)
        siblings = self.section_list(parent)
        anchor = next((x for x in siblings[max(row, 0) :] if not _among(x, sections)), None)
        change = Change()
        for section in sections:
            at = len(siblings) if anchor is None else _index_of(siblings, anchor)
            if _among(section, siblings) and _index_of(siblings, section) < at:
                at -= 1
            change.run(self, Move(section, parent, at), observer)
        return change

    def move_item(
        self, item: Item, section: Section, row: int, observer: OutlineObserver | None = None
    ) -> Change:
        return self.move_items([item], section, row, observer)

    def move_section(
        self,
        section: Section,
        new_parent: Section | None,
        row: int,
        observer: OutlineObserver | None = None,
    ) -> Change:
        return self.move_sections([section], new_parent, row, observer)

    def move_into(
        self, nodes: Sequence[Node], section: Section, observer: OutlineObserver | None = None
    ) -> Change:
        """Move nodes to the end of a section: items after its items, sections as its last
        subsections (the "Move to section" command)."""
        sections = [n for n in nodes if isinstance(n, Section)]
        if any(s.contains(section) for s in sections):
            raise OutlineError("a section cannot be moved into itself")
        items = [n for n in _outermost(self, nodes, sections) if not isinstance(n, Section)]
        change = self.move_items(items, section, len(section.items), observer)
        more = self.move_sections(
            [s for s in _outermost(self, sections, sections) if isinstance(s, Section)],
            section,
            len(section.sections),
            observer,
        )
        change.extend(more)
        return change

    def move_by(self, node: Node, step: int, observer: OutlineObserver | None = None) -> Change:
        """Move a node up (-1) or down (+1) among its siblings of the same kind."""
        parent, row = self.locate(node)
        if not 0 <= row + step < len(self._siblings(node, parent)):
            raise OutlineError("already at the end")
        return Change().run(self, Move(node, parent, row + step), observer)

    def indent_section(self, section: Section, observer: OutlineObserver | None = None) -> Change:
        """Make a section the last subsection of the section above it."""
        parent, row = self.locate(section)
        if row == 0:
            raise OutlineError("there is no section above to indent under")
        above = self.section_list(parent)[row - 1]
        return Change().run(self, Move(section, above, len(above.sections)), observer)

    def outdent_section(self, section: Section, observer: OutlineObserver | None = None) -> Change:
        """Make a subsection a sibling of its parent, just after it."""
        parent, _row = self.locate(section)
        if parent is None:
            raise OutlineError("a top-level section cannot be outdented")
        grandparent, row = self.locate(parent)
        return Change().run(self, Move(section, grandparent, row + 1), observer)


Node = Section | EvidenceItem | NoteItem


@dataclass(eq=False)
class Insert:
    """Put ``node`` at ``row`` of ``parent``'s items or subsections (by the node's kind)."""

    node: Node
    parent: Section | None
    row: int


@dataclass(eq=False)
class Remove:
    node: Node


@dataclass(eq=False)
class Move:
    """Take ``node`` out and put it at ``row`` of ``parent`` (the row counted without it)."""

    node: Node
    parent: Section | None
    row: int


Step = Insert | Remove | Move


@dataclass(eq=False)
class Change:
    """The primitive steps an edit made, and their inverses: redo and undo replay them exactly
    (the tree is in the same state each time, so rows still mean the same places)."""

    steps: list[Step] = field(default_factory=list)
    inverse: list[Step] = field(default_factory=list)  # in the order to apply them

    def run(self, briefing: Briefing, step: Step, observer: OutlineObserver | None) -> Change:
        self.inverse.insert(0, briefing.apply(step, observer))
        self.steps.append(step)
        return self

    def extend(self, other: Change) -> None:
        self.steps.extend(other.steps)
        self.inverse[:0] = other.inverse

    def redo(self, briefing: Briefing, observer: OutlineObserver | None = None) -> None:
        for step in self.steps:
            briefing.apply(step, observer)

    def undo(self, briefing: Briefing, observer: OutlineObserver | None = None) -> None:
        for step in self.inverse:
            briefing.apply(step, observer)

    def nodes(self) -> list[Node]:
        """The nodes the edit was about, each once, in order."""
        out: list[Node] = []
        for step in self.steps:
            if not _among(step.node, out):
                out.append(step.node)
        return out


class OutlineObserver:
    """Told before and after each primitive change, e.g. by a view's model. Rows are as in
    :class:`Insert` and :class:`Move`: among the parent's items or subsections, by the node's
    kind. This base class ignores everything."""

    def about_to_insert(self, node: Node, parent: Section | None, row: int) -> None:
        pass

    def inserted(self, node: Node, parent: Section | None, row: int) -> None:
        pass

    def about_to_remove(self, node: Node, parent: Section | None, row: int) -> None:
        pass

    def removed(self, node: Node, parent: Section | None, row: int) -> None:
        pass

    def about_to_move(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        pass

    def moved(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        pass


_QUIET = OutlineObserver()


def copy_with_new_ids(node: Node) -> Node:
    """A copy of a node (a section with everything in it) whose nodes all have new ids, as a
    paste makes: the copy is a new place in the outline, not the same one twice."""
    twin = copy.deepcopy(node)
    if isinstance(twin, Section):
        for s in twin.walk():
            s.node_id = new_id()
            for item in s.items:
                item.node_id = new_id()
    else:
        twin.node_id = new_id()
    return twin


def _among(node: object, nodes: Sequence[Any]) -> bool:
    return any(n is node for n in nodes)


def _outermost(
    briefing: Briefing, nodes: Sequence[Node], sections: Sequence[Section]
) -> list[Node]:
    """``nodes`` without those inside one of ``sections`` (they go wherever their section goes)."""
    out: list[Node] = []
    for node in nodes:
        if _among(node, out):
            continue
        parent = (
            briefing.section_of(node) if not isinstance(node, Section) else briefing.parent_of(node)
        )
        inside = False
        while parent is not None:
            if _among(parent, sections):
                inside = True
                break
            parent = briefing.parent_of(parent)
        if not inside:
            out.append(node)
    return out


def _clamp(row: int, size: int) -> int:
    return size if row < 0 or row > size else row


def _index_of(seq: list[Any], obj: Any) -> int:
    for i, x in enumerate(seq):
        if x is obj:
            return i
    raise OutlineError("not found in the outline")
