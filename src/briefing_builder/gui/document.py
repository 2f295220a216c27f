"""The open briefing: its tree, file, library, undo stack, and the undoable edits on it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core.briefing import METADATA_FIELDS, Briefing, Section
from ..core.model import Library


class BriefingDocument(QObject):
    """Owns the briefing being edited. Every change goes through the undo stack."""

    metadataChanged = Signal(str)  # field name
    sectionsAboutToBeReplaced = Signal()
    sectionsReplaced = Signal(list)  # node ids to select afterwards
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

    def set_metadata(self, field: str, value: str | int) -> None:
        if field not in METADATA_FIELDS:
            raise ValueError(field)
        old = getattr(self.briefing, field) or ""
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

    def edit_structure(self, name: str, edit: Any, select: list[str] | None = None) -> None:
        """Run ``edit(briefing)`` as one named undo step. An OutlineError leaves nothing changed."""
        # The edit runs on a copy: the live tree changes only inside the command, between the
        # model's reset signals, so views never see a half-edited outline.
        before = copy.deepcopy(self.briefing.sections)
        trial = copy.copy(self.briefing)
        trial.sections = copy.deepcopy(before)
        edit(trial)
        after = trial.sections
        self.briefing.source_snapshots = trial.source_snapshots
        self.undo_stack.push(_StructureCommand(self, name, before, after, select or []))

    def _set_sections(self, sections: list[Section], select: list[str]) -> None:
        self.sectionsAboutToBeReplaced.emit()
        self.briefing.sections = copy.deepcopy(sections)
        self.sectionsReplaced.emit(select)


class _MetadataCommand(QUndoCommand):
    _ID = 100

    def __init__(self, doc: BriefingDocument, field: str, old: str | int, new: str | int) -> None:
        super().__init__(f"Edit {field.replace('_', ' ')}")
        self.doc, self.field, self.old, self.new = doc, field, old, new

    def id(self) -> int:
        return self._ID + METADATA_FIELDS.index(self.field)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _MetadataCommand) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def _apply(self, value: str | int) -> None:
        empty = None if self.field in ("style", "max_pages") else ""
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


class _StructureCommand(QUndoCommand):
    def __init__(
        self,
        doc: BriefingDocument,
        name: str,
        before: list[Section],
        after: list[Section],
        select: list[str],
    ) -> None:
        super().__init__(name)
        self.doc, self.before, self.after, self.select = doc, before, after, select

    def redo(self) -> None:
        self.doc._set_sections(self.after, _landing(self.select, self.before, self.after))

    def undo(self) -> None:
        # Undoing an add goes back to the row it was added after.
        select = _landing(self.select, self.after, self.before, back_first=True)
        self.doc._set_sections(self.before, select)


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


def _landing(
    ids: list[str], was: list[Section], now: list[Section], *, back_first: bool = False
) -> list[str]:
    """What to select after an edit took the outline from ``was`` to ``now``: the nodes the edit
    was about, where they still are; else, where they were, the next row (or first the one
    before, ``back_first``), or the section around them (so after Delete, or undoing an Add, the
    officer is still somewhere)."""
    here = _rows(now)
    kept = [i for i in ids if i in here]
    if kept or not ids:
        return kept
    there = _rows(was)
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
