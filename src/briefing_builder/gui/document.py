"""The open briefing: its tree, file, library, undo stack, and the undoable edits on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core.briefing import (
    METADATA_FIELDS,
    Briefing,
    Change,
    Node,
    OutlineObserver,
    Section,
)
from ..core.model import Library


class BriefingDocument(QObject):
    """Owns the briefing being edited. Every change goes through the undo stack."""

    metadataChanged = Signal(str)  # field name
    sectionsAboutToBeReplaced = Signal()
    sectionsReplaced = Signal(list)  # node ids to select afterwards
    outlineEdited = Signal()  # after an outline edit, its undo or redo: renumber, re-flag
    selectRequested = Signal(list)  # node ids to select after an outline edit, undo or redo
    nodeTextChanged = Signal(str, str)  # node id, field
    libraryChanged = Signal()
    pathChanged = Signal()

    def __init__(
        self, library: Library, briefing: Briefing | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.briefing = briefing or Briefing(sections=[Section("Introduction")])
        self.library = library
        self.path: Path | None = None
        self.file_hash: str | None = None
        self.undo_stack = QUndoStack(self)
        # Told of each insert, remove and move as it happens (the outline's Qt model).
        self.observers: list[OutlineObserver] = []
        self._fanout = _Fanout(self.observers)

    # --- state -----------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_library(self, library: Library) -> None:
        self.library = library
        self.libraryChanged.emit()

    def replace(self, briefing: Briefing, path: Path | None, file_hash: str | None) -> None:
        """Load another briefing (New / Open / Recover): clears undo history."""
        self.sectionsAboutToBeReplaced.emit()
        self.briefing = briefing
        self.path = path
        self.file_hash = file_hash
        self.undo_stack.clear()
        self.sectionsReplaced.emit([])
        for field in METADATA_FIELDS:
            self.metadataChanged.emit(field)
        self.pathChanged.emit()

    def mark_saved(self, path: Path, file_hash: str) -> None:
        self.path = path
        self.file_hash = file_hash
        self.undo_stack.setClean()
        self.pathChanged.emit()

    # --- undoable edits ----------------------------------------------------------------------

    def set_metadata(self, field: str, value: str | int | list[str]) -> None:
        if field not in METADATA_FIELDS:
            raise ValueError(field)
        old = getattr(self.briefing, field)
        if not isinstance(old, list):
            old = old or ""
        if old == value:
            return
        self.undo_stack.push(_MetadataCommand(self, field, old, value))

    def set_node_text(self, node_id: str, field: str, value: str, label: str) -> None:
        node = self.briefing.find_node(node_id)
        if node is None:
            return
        old = getattr(node, field)
        if old == value:
            return
        self.undo_stack.push(_NodeTextCommand(self, node_id, field, old, value, label))

    def edit_outline(
        self,
        name: str,
        edit: Callable[[OutlineObserver], Change],
        select: list[str] | None = None,
    ) -> Change:
        """Make ``edit(observer)`` (a core outline operation) one named undo step. An
        OutlineError from it leaves nothing changed and no undo step."""
        there = _rows(self.briefing.sections)
        change = edit(self._fanout)
        if change.steps:
            ids = select if select is not None else [n.node_id for n in change.nodes()]
            self.undo_stack.push(_OutlineCommand(self, name, change, ids, there))
        return change

    def _outline_edited(self, select: list[str]) -> None:
        self.outlineEdited.emit()
        self.selectRequested.emit(select)


class _Fanout(OutlineObserver):
    """Passes each notification on to every observer of the document."""

    def __init__(self, observers: list[OutlineObserver]) -> None:
        self.observers = observers

    def about_to_insert(self, node: Node, parent: Section | None, row: int) -> None:
        for o in self.observers:
            o.about_to_insert(node, parent, row)

    def inserted(self, node: Node, parent: Section | None, row: int) -> None:
        for o in self.observers:
            o.inserted(node, parent, row)

    def about_to_remove(self, node: Node, parent: Section | None, row: int) -> None:
        for o in self.observers:
            o.about_to_remove(node, parent, row)

    def removed(self, node: Node, parent: Section | None, row: int) -> None:
        for o in self.observers:
            o.removed(node, parent, row)

    def about_to_move(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        for o in self.observers:
            o.about_to_move(node, old, old_row, new, new_row)

    def moved(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        for o in self.observers:
            o.moved(node, old, old_row, new, new_row)


class _MetadataCommand(QUndoCommand):
    _ID = 100

    def __init__(
        self,
        doc: BriefingDocument,
        field: str,
        old: str | int | list[str],
        new: str | int | list[str],
    ) -> None:
        super().__init__(f"Edit {field.replace('_', ' ')}")
        self.doc, self.field, self.old, self.new = doc, field, old, new

    def id(self) -> int:
        return self._ID + METADATA_FIELDS.index(self.field)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _MetadataCommand) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def _apply(self, value: str | int | list[str]) -> None:
        empty: list[str] | str | None = None if self.field in ("style", "max_pages") else ""
        if self.field == "recommendations":
            value, empty = list(value) if isinstance(value, list) else [], []
        setattr(self.doc.briefing, self.field, value or empty)
        self.doc.metadataChanged.emit(self.field)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class _NodeTextCommand(QUndoCommand):
    _ID = 200

    def __init__(
        self, doc: BriefingDocument, node_id: str, field: str, old: str, new: str, label: str
    ) -> None:
        super().__init__(label)
        self.doc, self.node_id, self.field, self.old, self.new = doc, node_id, field, old, new

    def id(self) -> int:
        return self._ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _NodeTextCommand):
            return False
        if other.node_id != self.node_id or other.field != self.field:
            return False
        self.new = other.new
        return True

    def _apply(self, value: str) -> None:
        node = self.doc.briefing.find_node(self.node_id)
        if node is not None:
            setattr(node, self.field, value)
            self.doc.nodeTextChanged.emit(self.node_id, self.field)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class _OutlineCommand(QUndoCommand):
    """Replays the primitive steps of one outline edit, or their inverses: no copies of the tree."""

    def __init__(
        self,
        doc: BriefingDocument,
        name: str,
        change: Change,
        select: list[str],
        there: dict[str, tuple[list[str], str | None]],
    ) -> None:
        super().__init__(name)
        self.doc, self.change, self.select = doc, change, select
        self._there: dict[str, tuple[list[str], str | None]] | None = there  # done already

    def redo(self) -> None:
        there = self._there
        if there is None:
            there = _rows(self.doc.briefing.sections)
            self.change.redo(self.doc.briefing, self.doc._fanout)
        self._there = None
        now = _rows(self.doc.briefing.sections)
        self.doc._outline_edited(_landing(self.select, there, now))

    def undo(self) -> None:
        there = _rows(self.doc.briefing.sections)
        self.change.undo(self.doc.briefing, self.doc._fanout)
        now = _rows(self.doc.briefing.sections)
        # Undoing an add goes back to the row it was added after.
        self.doc._outline_edited(_landing(self.select, there, now, back_first=True))


def _rows(sections: list[Section]) -> dict[str, tuple[list[str], str | None]]:
    """Each node id: its siblings' ids as the outline shows them (items, then subsections), and
    its parent section's id."""
    out: dict[str, tuple[list[str], str | None]] = {}

    def visit(siblings: list[Section], parent: str | None) -> None:
        ids = [s.node_id for s in siblings]
        for s in siblings:
            out[s.node_id] = (ids, parent)
        for s in siblings:
            children = [*(i.node_id for i in s.items), *(c.node_id for c in s.sections)]
            for item in s.items:
                out[item.node_id] = (children, s.node_id)
            if s.sections:
                visit(s.sections, s.node_id)
                for c in s.sections:
                    out[c.node_id] = (children, s.node_id)

    visit(sections, None)
    return out


_Rows = dict[str, tuple[list[str], str | None]]


def _landing(ids: list[str], there: _Rows, here: _Rows, *, back_first: bool = False) -> list[str]:
    """What to select after an edit took the outline from rows ``there`` to rows ``here`` (see
    :func:`_rows`, taken before and after): the nodes the edit
    was about, where they still are; else, where they were, the next row (or first the one
    before, ``back_first``), or the section around them (so after Delete, or undoing an Add, the
    officer is still somewhere)."""
    kept = [i for i in ids if i in here]
    if kept or not ids:
        return kept
    for nid in ids:
        if nid not in there:
            continue
        siblings, parent = there[nid]
        at = siblings.index(nid)
        after, before = siblings[at + 1 :], siblings[:at][::-1]
        for other in [*before, *after] if back_first else [*after, *before]:
            if other in here:
                return [other]
        while parent is not None:
            if parent in here:
                return [parent]
            parent = there[parent][1]
    return []
