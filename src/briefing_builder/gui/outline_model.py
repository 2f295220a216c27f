"""A thin Qt model over the briefing's outline tree, with drag and drop.

Rows under a section are its evidence items and notes first, then its subsections. Every change
goes through :class:`BriefingDocument` so it can be undone; the rules of the outline live in
:mod:`briefing_builder.core.briefing`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from ..core.briefing import Briefing, EvidenceItem, Item, NoteItem, OutlineError, Section
from ..core.briefing_io import ItemState, item_states
from .document import BriefingDocument
from .mime import MIME_TYPE, DragPayload

Node = Section | EvidenceItem | NoteItem
_Index = QModelIndex | QPersistentModelIndex
NodeIdRole = Qt.ItemDataRole.UserRole + 10
NodeKindRole = Qt.ItemDataRole.UserRole + 11
FlagRole = Qt.ItemDataRole.UserRole + 12


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class OutlineModel(QAbstractItemModel):
    def __init__(self, document: BriefingDocument, parent: Any = None) -> None:
        super().__init__(parent)
        self.doc = document
        self._parents: dict[int, Section | None] = {}
        self._states: dict[str, ItemState] = {}
        self._duplicates: set[str] = set()
        self._numbers: dict[str, str] = {}
        self._reindex()
        document.sectionsAboutToBeReplaced.connect(self.beginResetModel)
        document.sectionsReplaced.connect(self._after_reset)
        document.nodeTextChanged.connect(self._node_text_changed)
        document.libraryChanged.connect(self._library_changed)

    # --- bookkeeping -------------------------------------------------------------------------

    @property
    def briefing(self) -> Briefing:
        return self.doc.briefing

    def _reindex(self) -> None:
        self._parents = {}

        def visit(sections: list[Section], parent: Section | None) -> None:
            for s in sections:
                self._parents[id(s)] = parent
                for item in s.items:
                    self._parents[id(item)] = s
                visit(s.sections, s)

        visit(self.briefing.sections, None)
        self._states = item_states(self.briefing, self.doc.library)
        self._duplicates = self.briefing.duplicate_finding_ids()
        self._numbers = self.briefing.numbering()

    def _after_reset(self, _select: list[str]) -> None:
        self._reindex()
        self.endResetModel()

    def _library_changed(self) -> None:
        self.beginResetModel()
        self._reindex()
        self.endResetModel()

    def _node_text_changed(self, node_id: str, _field: str) -> None:
        node = self.briefing.find_node(node_id)
        if node is not None:
            index = self.index_of(node)
            self.dataChanged.emit(index, index)

    # --- tree structure ----------------------------------------------------------------------

    def _children(self, parent: Section | None) -> list[Node]:
        if parent is None:
            return list(self.briefing.sections)
        return [*parent.items, *parent.sections]

    def node(self, index: _Index) -> Node | None:
        if not index.isValid():
            return None
        return index.internalPointer()

    def index_of(self, node: Node | None) -> QModelIndex:
        if node is None:
            return QModelIndex()
        parent = self._parents.get(id(node))
        for row, child in enumerate(self._children(parent)):
            if child is node:
                return self.createIndex(row, 0, node)
        return QModelIndex()

    def index_of_id(self, node_id: str) -> QModelIndex:
        node = self.briefing.find_node(node_id)
        return self.index_of(node) if node is not None else QModelIndex()

    def index(self, row: int, column: int = 0, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        parent_node = self.node(parent)
        if parent.isValid() and not isinstance(parent_node, Section):
            return QModelIndex()
        children = self._children(parent_node)  # type: ignore[arg-type]
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None:
            return QModelIndex()
        return self.index_of(self._parents.get(id(node)))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        node = self.node(parent)
        if parent.isValid() and not isinstance(node, Section):
            return 0
        return len(self._children(node))  # type: ignore[arg-type]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    # --- data --------------------------------------------------------------------------------

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            base
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def evidence_label(self, item: EvidenceItem) -> tuple[str, str]:
        """(quote text, "Short label, locator") from the library, or from the snapshot."""
        finding = self.doc.library.finding(item.finding_id)
        if finding is not None:
            src = self.doc.library.source(finding.source)
            return finding.text, f"{src.short if src else finding.source}, {finding.locator}"
        if item.snapshot is not None:
            return item.snapshot.text, f"{item.snapshot.source}, {item.snapshot.locator}"
        return f"[{item.finding_id}]", "not in the library"

    def flag_text(self, node: Node) -> str:
        if not isinstance(node, EvidenceItem):
            return ""
        flags = []
        state = self._states.get(node.node_id, ItemState.OK)
        if state is ItemState.CHANGED:
            flags.append("the library's wording of this finding has changed since it was added")
        elif state is ItemState.MISSING:
            flags.append("no longer in the library; the saved copy of the quote is used")
        elif state is ItemState.UNKNOWN:
            flags.append("not in the library, and no saved copy: it cannot be exported")
        if node.finding_id in self._duplicates:
            flags.append("this finding is in the briefing more than once")
        return "; ".join(flags)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(node, Section):
                return (
                    f"{self._numbers.get(node.node_id, '')}  {node.heading or '(untitled section)'}"
                )
            if isinstance(node, NoteItem):
                return _excerpt(node.text) or "(empty note)"
            quote, where = self.evidence_label(node)
            lead = f"{_excerpt(node.comment, 80)} " if node.comment else ""
            warn = "⚠ " if self.flag_text(node) else ""
            return f"{warn}{lead}“{_excerpt(quote)}” — {where}"
        if role == Qt.ItemDataRole.EditRole:
            if isinstance(node, Section):
                return node.heading
            if isinstance(node, NoteItem):
                return node.text
            return node.comment
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(node, Section):
                return node.heading
            if isinstance(node, NoteItem):
                return node.text
            quote, where = self.evidence_label(node)
            flag = self.flag_text(node)
            return f"{quote}\n— {where}" + (f"\n\n⚠ {flag}" if flag else "")
        if role == Qt.ItemDataRole.FontRole:
            if isinstance(node, Section):
                font = QFont(QApplication.font())
                font.setBold(True)
                return font
            if isinstance(node, NoteItem):
                font = QFont(QApplication.font())
                font.setItalic(True)
                return font
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and isinstance(node, EvidenceItem)
            and self.flag_text(node)
        ):
            return QBrush(QColor("#b45309"))
        if role == Qt.ItemDataRole.DecorationRole:
            style = QApplication.style()
            if isinstance(node, Section):
                return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
            if isinstance(node, NoteItem):
                return style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
            return style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            kind = {Section: "Section", NoteItem: "Note", EvidenceItem: "Evidence"}[type(node)]
            return f"{kind}: {self.data(index, Qt.ItemDataRole.DisplayRole)}"
        if role == NodeIdRole:
            return node.node_id
        if role == NodeKindRole:
            return {Section: "section", NoteItem: "note", EvidenceItem: "evidence"}[type(node)]
        if role == FlagRole:
            return self.flag_text(node)
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and isinstance(node, Section)
            and self._parents.get(id(node)) is None
        ):
            return QApplication.palette().brush(QPalette.ColorRole.AlternateBase)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self.node(index)
        if node is None or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value)
        if isinstance(node, Section):
            if not text.strip():
                return False  # a section without a heading could not be read back from its file
            self.doc.set_node_text(node.node_id, "heading", text.strip(), "Rename section")
        elif isinstance(node, NoteItem):
            self.doc.set_node_text(node.node_id, "text", text, "Edit note")
        else:
            self.doc.set_node_text(node.node_id, "comment", text, "Edit lead-in comment")
        return True

    # --- drag and drop -----------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        nodes = [n for i in indexes if (n := self.node(i)) is not None]
        # Dragging a section drags its contents with it: leave out nodes inside dragged sections.
        sections = [n for n in nodes if isinstance(n, Section)]
        kept = [n for n in nodes if not any(s is not n and self._is_inside(n, s) for s in sections)]
        findings = [n.finding_id for n in kept if isinstance(n, EvidenceItem)]
        return DragPayload(findings=findings, nodes=[n.node_id for n in kept]).to_mime()

    def _is_inside(self, node: Node, section: Section) -> bool:
        parent = self._parents.get(id(node))
        while parent is not None:
            if parent is section:
                return True
            parent = self._parents.get(id(parent))
        return False

    def drop_target(self, row: int, parent: _Index) -> tuple[Section | None, int, int]:
        """Where a drop lands: (section or None for top level, item row, subsection row)."""
        target = self.node(parent)
        if isinstance(target, (EvidenceItem, NoteItem)):
            section = self._parents[id(target)]
            assert section is not None
            at = next(i for i, x in enumerate(section.items) if x is target) + 1
            return section, at, len(section.sections)
        if isinstance(target, Section):
            n_items = len(target.items)
            if row < 0:
                return target, n_items, len(target.sections)
            return target, min(row, n_items), max(0, row - n_items)
        sections = self.briefing.sections
        if row < 0:
            row = len(sections)
        return None, 0, row

    def _payload_nodes(self, payload: DragPayload) -> list[Node] | None:
        nodes = []
        for nid in payload.nodes:
            node = self.briefing.find_node(nid)
            if node is None:
                return None
            nodes.append(node)
        return nodes

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        payload = DragPayload.from_mime(data)
        if payload is None:
            return False
        if payload.nodes:
            nodes = self._payload_nodes(payload)
            if nodes is None:
                return False
            sections = [n for n in nodes if isinstance(n, Section)]
            items = [n for n in nodes if not isinstance(n, Section)]
            if sections and items:
                return False
            section, _, _ = self.drop_target(row, parent)
            if sections:
                if isinstance(self.node(parent), (EvidenceItem, NoteItem)):
                    return False
                return section is None or not any(s.contains(section) for s in sections)
            return section is not None or bool(self.briefing.sections)
        return all(self.doc.library.finding(fid) is not None for fid in payload.findings)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        payload = DragPayload.from_mime(data)
        assert payload is not None
        section, item_row, section_row = self.drop_target(row, parent)
        if payload.nodes:
            nodes = self._payload_nodes(payload) or []
            if isinstance(nodes[0], Section):
                self.move_sections(
                    [n for n in nodes if isinstance(n, Section)], section, section_row
                )
            else:
                if section is None:
                    section, item_row = self._section_before(section_row)
                self.move_items([n for n in nodes if not isinstance(n, Section)], section, item_row)
            # The move is done here; returning False stops the view from removing the source rows.
            return False
        self.add_findings(
            payload.findings, section, item_row if section is not None else section_row
        )
        return True

    def _section_before(self, top_row: int) -> tuple[Section, int]:
        sections = self.briefing.sections
        target = sections[max(0, min(top_row, len(sections)) - 1)]
        return target, len(target.items)

    # --- edits (each one undo step) ----------------------------------------------------------

    def add_findings(self, finding_ids: list[str], section: Section | None, row: int) -> list[str]:
        """Add findings to a section at an item row; at top level, to the section above ``row``."""
        if not finding_ids:
            return []
        items = [EvidenceItem(fid) for fid in finding_ids]
        ids = [i.node_id for i in items]
        section_id = section.node_id if section is not None else None
        name = f"Add {len(items)} findings" if len(items) > 1 else f"Add finding {finding_ids[0]}"

        def edit(b: Briefing) -> None:
            if section_id is not None:
                target, at = b.find_node(section_id), row
            else:  # dropped between top-level sections: into the section above
                if not b.sections:
                    b.sections.append(Section("Evidence"))
                target = b.sections[max(0, min(row, len(b.sections)) - 1)]
                at = len(target.items)
            assert isinstance(target, Section)
            b.insert_items(target, at, list(items))
            b.refresh_snapshots(self.doc.library)

        self.doc.edit_structure(name, edit, select=ids)
        return ids

    def move_items(self, items: list[Item], section: Section, row: int) -> None:
        ids = [i.node_id for i in items]
        section_id = section.node_id
        anchor = next(
            (x.node_id for x in section.items[row:] if all(x is not i for i in items)), None
        )

        def edit(b: Briefing) -> None:
            moving = [b.find_node(i) for i in ids]
            for m in moving:
                b.remove_item(m)  # type: ignore[arg-type]
            target = b.find_node(section_id)
            assert isinstance(target, Section)
            at = len(target.items)
            if anchor is not None:
                at = next(k for k, x in enumerate(target.items) if x.node_id == anchor)
            b.insert_items(target, at, moving)  # type: ignore[arg-type]

        self.doc.edit_structure("Move items" if len(ids) > 1 else "Move item", edit, select=ids)

    def move_sections(self, sections: list[Section], parent: Section | None, row: int) -> None:
        if parent is not None and any(s.contains(parent) for s in sections):
            raise OutlineError("a section cannot be moved into itself")
        ids = [s.node_id for s in sections]
        parent_id = parent.node_id if parent is not None else None
        siblings = parent.sections if parent is not None else self.briefing.sections
        anchor = next(
            (x.node_id for x in siblings[row:] if all(x is not s for s in sections)), None
        )

        def edit(b: Briefing) -> None:
            moving = [b.find_node(i) for i in ids]
            for m in moving:
                b.remove_section(m)  # type: ignore[arg-type]
            target = b.find_node(parent_id) if parent_id else None
            sibs = b.section_list(target)  # type: ignore[arg-type]
            at = len(sibs)
            if anchor is not None:
                at = next(k for k, x in enumerate(sibs) if x.node_id == anchor)
            for k, m in enumerate(moving):
                b.insert_section(target, at + k, m)  # type: ignore[arg-type]

        self.doc.edit_structure(
            "Move sections" if len(ids) > 1 else "Move section", edit, select=ids
        )

    def add_section(self, parent: Section | None, row: int, heading: str = "New section") -> str:
        section = Section(heading)
        parent_id = parent.node_id if parent is not None else None

        def edit(b: Briefing) -> None:
            b.insert_section(b.find_node(parent_id) if parent_id else None, row, section)  # type: ignore[arg-type]

        self.doc.edit_structure(
            "Add subsection" if parent else "Add section", edit, select=[section.node_id]
        )
        return section.node_id

    def add_note(self, section: Section, row: int, text: str = "") -> str:
        note = NoteItem(text)
        sid = section.node_id

        def edit(b: Briefing) -> None:
            b.insert_items(b.find_node(sid), row, [note])  # type: ignore[arg-type]

        self.doc.edit_structure("Add note", edit, select=[note.node_id])
        return note.node_id

    def delete_nodes(self, nodes: list[Node]) -> None:
        ids = [n.node_id for n in nodes]
        if not ids:
            return

        def edit(b: Briefing) -> None:
            for nid in ids:
                node = b.find_node(nid)
                if isinstance(node, Section):
                    b.remove_section(node)
                elif node is not None:
                    b.remove_item(node)

        # Selected afterwards: the row after the deleted ones (see document._landing).
        self.doc.edit_structure(
            f"Delete {len(ids)} items" if len(ids) > 1 else "Delete", edit, select=ids
        )

    def move_by(self, node: Node, step: int) -> None:
        """Move a node up (-1) or down (+1) among its siblings of the same kind."""
        nid = node.node_id

        def edit(b: Briefing) -> None:
            n = b.find_node(nid)
            if isinstance(n, Section):
                parent = b.parent_of(n)
                sibs = b.section_list(parent)
                i = next(k for k, x in enumerate(sibs) if x is n)
                if not 0 <= i + step < len(sibs):
                    raise OutlineError("already at the end")
                sibs[i], sibs[i + step] = sibs[i + step], sibs[i]
            elif n is not None:
                sec = b.section_of(n)
                i = next(k for k, x in enumerate(sec.items) if x is n)
                if not 0 <= i + step < len(sec.items):
                    raise OutlineError("already at the end")
                sec.items[i], sec.items[i + step] = sec.items[i + step], sec.items[i]

        self.doc.edit_structure("Move up" if step < 0 else "Move down", edit, select=[nid])

    def indent(self, section: Section) -> None:
        nid = section.node_id
        self.doc.edit_structure(
            "Indent section", lambda b: b.indent_section(b.find_node(nid)), select=[nid]
        )

    def outdent(self, section: Section) -> None:
        nid = section.node_id
        self.doc.edit_structure(
            "Outdent section", lambda b: b.outdent_section(b.find_node(nid)), select=[nid]
        )
