"""The briefing: a plain tree of sections, evidence items and the officer's notes.

The Qt outline model adapts this tree and every undoable edit calls one of its operations, so the
rules (a section cannot move into itself, items live in sections) are enforced in one place and
tested without a display.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import Finding, Library, Locator

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
)
MARKINGS: tuple[str, ...] = ("", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")


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
    style: str | None = None
    max_pages: int | None = None  # the length the briefing must keep to, if any ("max-pages:")
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

    def insert_section(self, parent: Section | None, row: int, section: Section) -> None:
        siblings = self.section_list(parent)
        if parent is not None and section.contains(parent):
            raise OutlineError("a section cannot be moved into itself")
        siblings.insert(_clamp(row, len(siblings)), section)

    def remove_section(self, section: Section) -> tuple[Section | None, int]:
        parent = self.parent_of(section)
        siblings = self.section_list(parent)
        row = _index_of(siblings, section)
        del siblings[row]
        return parent, row

    def move_section(self, section: Section, new_parent: Section | None, row: int) -> None:
        if new_parent is not None and section.contains(new_parent):
            raise OutlineError("a section cannot be moved into itself")
        old_parent = self.parent_of(section)
        old_row = _index_of(self.section_list(old_parent), section)
        if old_parent is new_parent and old_row < row:
            row -= 1  # the row was counted with the section still in place
        self.remove_section(section)
        self.insert_section(new_parent, row, section)

    def insert_items(self, section: Section, row: int, items: list[Item]) -> None:
        row = _clamp(row, len(section.items))
        section.items[row:row] = items

    def remove_item(self, item: Item) -> tuple[Section, int]:
        section = self.section_of(item)
        row = _index_of(section.items, item)
        del section.items[row]
        return section, row

    def move_item(self, item: Item, section: Section, row: int) -> None:
        old_section = self.section_of(item)
        old_row = _index_of(old_section.items, item)
        if old_section is section and old_row < row:
            row -= 1
        self.remove_item(item)
        self.insert_items(section, row, [item])

    def indent_section(self, section: Section) -> None:
        """Make a section the last subsection of the section above it."""
        parent = self.parent_of(section)
        siblings = self.section_list(parent)
        row = _index_of(siblings, section)
        if row == 0:
            raise OutlineError("there is no section above to indent under")
        self.move_section(section, siblings[row - 1], len(siblings[row - 1].sections))

    def outdent_section(self, section: Section) -> None:
        """Make a subsection a sibling of its parent, just after it."""
        parent = self.parent_of(section)
        if parent is None:
            raise OutlineError("a top-level section cannot be outdented")
        grandparent = self.parent_of(parent)
        row = _index_of(self.section_list(grandparent), parent)
        self.move_section(section, grandparent, row + 1)


def _clamp(row: int, size: int) -> int:
    return size if row < 0 or row > size else row


def _index_of(seq: list[Any], obj: Any) -> int:
    for i, x in enumerate(seq):
        if x is obj:
            return i
    raise OutlineError("not found in the outline")
