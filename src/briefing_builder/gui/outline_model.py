"""A thin Qt model over the briefing's outline tree, with drag and drop.

Rows under a section are its evidence items and notes first, then its subsections. Every change
goes through :class:`BriefingDocument` so it can be undone; the rules of the outline live in
:mod:`briefing_builder.core.briefing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLineEdit, QStyle, QStyledItemDelegate, QWidget

from ..core.briefing import (
    Briefing,
    Change,
    EvidenceItem,
    FindingSnapshot,
    Item,
    NoteItem,
    OutlineError,
    OutlineObserver,
    Section,
)
from ..core.briefing_io import ItemState, item_states
from ..core.model import Finding
from .document import BriefingDocument
from .highlight import plain_tooltip
from .mime import MIME_TYPE, DragPayload

Node = Section | EvidenceItem | NoteItem
_Index = QModelIndex | QPersistentModelIndex
NodeIdRole = Qt.ItemDataRole.UserRole + 10
NodeKindRole = Qt.ItemDataRole.UserRole + 11
FlagRole = Qt.ItemDataRole.UserRole + 12
NodeRole = Qt.ItemDataRole.UserRole + 13  # the core's node itself
# What an editor starts from: a section's heading, a note's text, an item's lead-in (Qt's items
# keep one text for display and editing, and the display line says more).
EditTextRole = Qt.ItemDataRole.UserRole + 14


# Asked for every row at every repaint: built once.
_NODE_FLAGS = (
    Qt.ItemFlag.ItemIsDropEnabled
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEditable
    | Qt.ItemFlag.ItemIsDragEnabled
)
# Items and notes are leaves. Saying so matters: without it QTreeView's expandAll() marks every
# leaf expanded, holding a persistent index for each that every insert and remove must walk.
_LEAF_FLAGS = _NODE_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class OutlineModel(QStandardItemModel):
    """The outline as a tree of Qt's own items, kept in step with the core's tree.

    The view asks a model for every unfolded row each time rows come or go; answered from
    Python that is thousands of calls an edit, and an edit in a long briefing took several
    frames. Here the view's questions (index, parent, rows, flags, and the text, icon and font
    it paints) are answered by Qt's C++ items, and Python only changes the items an edit
    touches: the core's notifications say which.
    """

    def __init__(self, document: BriefingDocument, parent: Any = None) -> None:
        super().__init__(parent)
        self.doc = document
        self._parents: dict[int, Section | None] = {}
        self._items: dict[int, QStandardItem] = {}
        self._roles: dict[int, dict[int, Any]] = {}
        self._states: dict[str, ItemState] = {}
        self._duplicates: set[str] = set()
        self._numbers: dict[str, str] = {}
        self._icons: dict[type, QIcon] = {}
        self.invisibleRootItem().setFlags(Qt.ItemFlag.ItemIsDropEnabled)
        self._rebuild()
        document.observers.append(_ModelEar(self))
        document.outlineEdited.connect(self._refresh_after_edit)
        document.sectionsReplaced.connect(self._reset)
        document.nodeTextChanged.connect(self._node_text_changed)
        document.libraryChanged.connect(self._reset)

    # --- bookkeeping -------------------------------------------------------------------------

    @property
    def briefing(self) -> Briefing:
        return self.doc.briefing

    def _rebuild(self) -> None:
        """Items for the whole outline (a new briefing, a new library): one reset."""
        self.beginResetModel()
        self._parents, self._items, self._roles = {}, {}, {}
        self._states = item_states(self.briefing, self.doc.library)
        self._duplicates = self.briefing.duplicate_finding_ids()
        self._numbers = self.briefing.numbering()
        root = self.invisibleRootItem()
        # Signals held back: the reset tells the views everything at once.
        blocked = self.blockSignals(True)
        try:
            root.removeRows(0, root.rowCount())
            rows = [self._build(s, None) for s in self.briefing.sections]
            if rows:
                root.appendRows(rows)
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    def _reset(self, *_args: Any) -> None:
        self._rebuild()

    def _build(self, node: Node, parent: Section | None) -> QStandardItem:
        """A new item (and items for everything inside it) showing ``node``."""
        self._parents[id(node)] = parent
        item = QStandardItem()
        item.setFlags(_NODE_FLAGS if isinstance(node, Section) else _LEAF_FLAGS)
        roles = self._role_values(node)
        for role, value in roles.items():
            item.setData(value, role)
        self._roles[id(node)] = roles
        self._items[id(node)] = item
        if isinstance(node, Section):
            children = [self._build(i, node) for i in node.items]
            children += [self._build(sub, node) for sub in node.sections]
            if children:
                item.appendRows(children)
        return item

    def _forget(self, node: Node) -> None:
        self._parents.pop(id(node), None)
        self._items.pop(id(node), None)
        self._roles.pop(id(node), None)
        if isinstance(node, Section):
            for child in (*node.items, *node.sections):
                self._forget(child)

    def _refresh(self, node: Node) -> None:
        """Give a node's item its current text, flags and tooltip (one dataChanged)."""
        item = self._items.get(id(node))
        if item is None:
            return
        old = self._roles.get(id(node), {})
        new = self._role_values(node)
        changed = {r: v for r, v in new.items() if r not in old or old[r] != v}
        changed.update({r: None for r in old if r not in new})
        if changed:
            self._roles[id(node)] = new
            self.setItemData(item.index(), changed)

    def _parent_item(self, section: Section | None) -> QStandardItem | None:
        return self.invisibleRootItem() if section is None else self._items.get(id(section))

    def _refresh_after_edit(self) -> None:
        """After an edit: repaint the headings whose numbers changed and the items whose flags
        (changed in the library, in the briefing twice) changed; nothing else."""
        numbers = self.briefing.numbering()
        states = item_states(self.briefing, self.doc.library)
        duplicates = self.briefing.duplicate_finding_ids()
        stale: list[Node] = [
            s
            for s in self.briefing.all_sections()
            if numbers[s.node_id] != self._numbers.get(s.node_id)
        ]
        ok = ItemState.OK
        for item in self.briefing.evidence_items():
            was = (self._states.get(item.node_id, ok), item.finding_id in self._duplicates)
            if was != (states[item.node_id], item.finding_id in duplicates):
                stale.append(item)
        self._numbers, self._states, self._duplicates = numbers, states, duplicates
        for node in stale:
            self._refresh(node)

    # --- rows, from the core's notifications (made after the core has changed) ----------------

    def _model_row(self, node: Node, parent: Section | None, row: int) -> int:
        """The core's row (among items, or among subsections) as a row of this model."""
        if isinstance(node, Section) and parent is not None:
            return len(parent.items) + row
        return row

    def _inserted(self, node: Node, parent: Section | None, row: int) -> None:
        holder = self._parent_item(parent)
        if holder is not None:
            holder.insertRow(self._model_row(node, parent, row), self._build(node, parent))

    def _removed(self, node: Node, parent: Section | None, row: int) -> None:
        holder = self._parent_item(parent)
        self._forget(node)
        if holder is not None:
            holder.removeRow(self._model_row(node, parent, row))

    def _moved(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        # Qt's item model has no move: the row is taken out and put back, items and all. The
        # view keeps the officer's folds by node (see OutlineView), and the edit reselects.
        source, target = self._parent_item(old), self._parent_item(new)
        if source is None or target is None:
            return
        taken = source.takeRow(self._model_row(node, old, old_row))
        self._parents[id(node)] = new
        target.insertRow(self._model_row(node, new, new_row), taken)
        if (old is None) != (new is None):
            self._refresh(node)  # a top-level section is shaded

    def _node_text_changed(self, node_id: str, _field: str) -> None:
        node = self.briefing.find_node(node_id)
        if node is not None:
            self._refresh(node)

    # --- tree structure ----------------------------------------------------------------------

    def node(self, index: _Index) -> Node | None:
        if not index.isValid():
            return None
        return index.data(NodeRole)

    def index_of(self, node: Node | None) -> QModelIndex:
        if node is None:
            return QModelIndex()
        item = self._items.get(id(node))
        return item.index() if item is not None else QModelIndex()

    def index_of_id(self, node_id: str) -> QModelIndex:
        node = self.briefing.find_node(node_id)
        return self.index_of(node) if node is not None else QModelIndex()

    def evidence_label(self, item: EvidenceItem) -> tuple[str, str]:
        """(quote text, "Short label, locator") from the library, or from the snapshot."""
        finding = self.doc.library.finding(item.finding_id)
        if finding is not None:
            src = self.doc.library.source(finding.source)
            return finding.text, f"{src.short if src else finding.source}, {finding.locator}"
        if item.snapshot is not None:
            return item.snapshot.text, f"{item.snapshot.source}, {item.snapshot.locator}"
        return f"[{item.finding_id}]", "not in the library"

    def detail_of(self, node: Node) -> tuple[Finding | None, str, str, str]:
        """What the detail pane shows for a row: (finding, lead-in, title, text)."""
        if isinstance(node, Section):
            number = self._numbers.get(node.node_id, "")
            return None, "", f"{number} {node.heading}", node.text
        if isinstance(node, NoteItem):
            return None, "", "Your note", node.text
        finding = self.doc.library.finding(node.finding_id)
        if finding is not None:
            return finding, node.comment, "", ""
        quote, where = self.evidence_label(node)
        lead = f"{node.comment.strip()}\n\n" if node.comment.strip() else ""
        return None, "", where, f"{lead}“{quote}”\n\n⚠ {self.flag_text(node)}"

    def short_source(self, item: EvidenceItem) -> str:
        finding = self.doc.library.finding(item.finding_id)
        if finding is not None:
            src = self.doc.library.source(finding.source)
            return src.short if src else finding.source
        return item.snapshot.source if item.snapshot is not None else "not in the library"

    def _tooltip_parts(self, node: Node) -> list[str]:
        if isinstance(node, Section):
            return [node.heading, node.text]
        if isinstance(node, NoteItem):
            return [node.text]
        quote, where = self.evidence_label(node)
        flag = self.flag_text(node)
        return [node.comment, f"“{quote}”\n— {where}", f"⚠ {flag}" if flag else ""]

    def flag_text(self, node: Node) -> str:
        if not isinstance(node, EvidenceItem):
            return ""
        flags = []
        state = self._states.get(node.node_id, ItemState.OK)
        if state is ItemState.CHANGED:
            flags.append("the library's wording of this finding has changed since it was added")
        elif state is ItemState.MISSING:
            flags.append("no longer in the library; the saved copy of the quote is used")
        elif state is ItemState.RETIRED:
            flags.append("retired from the library; the saved copy of the quote is used")
        elif state is ItemState.UNKNOWN:
            flags.append("not in the library, and no saved copy: it cannot be exported")
        if node.finding_id in self._duplicates:
            flags.append("this finding is in the briefing more than once")
        return "; ".join(flags)

    def display_text(self, node: Node) -> str:
        """The row's one line: a section's number and heading, a note's first words, an
        evidence item's source and the first words of its quote."""
        if isinstance(node, Section):
            number = self._numbers.get(node.node_id, "")
            heading = node.heading or "(untitled section)"
            return f"{number}  {heading}" + ("  · has text" if node.text.strip() else "")
        if isinstance(node, NoteItem):
            return _excerpt(node.text, 90) or "(empty note)"
        # Short enough to scan: the source and the quote's first words; all in the tooltip.
        quote, _where = self.evidence_label(node)
        warn = "⚠ " if self.flag_text(node) else ""
        lead = "  · lead-in" if node.comment.strip() else ""
        return f"{warn}{self.short_source(node)}: “{_first_words(quote, 10)}”{lead}"

    def _icon(self, kind: type) -> QIcon:
        icon = self._icons.get(kind)
        if icon is None:
            pixmap = {
                Section: QStyle.StandardPixmap.SP_DirIcon,
                NoteItem: QStyle.StandardPixmap.SP_FileDialogDetailedView,
                EvidenceItem: QStyle.StandardPixmap.SP_FileIcon,
            }[kind]
            icon = self._icons[kind] = QApplication.style().standardIcon(pixmap)
        return icon

    def _role_values(self, node: Node) -> dict[int, Any]:
        """Everything the view may ask of a node's row, by role."""
        R = Qt.ItemDataRole
        display = self.display_text(node)
        kind = {Section: "section", NoteItem: "note", EvidenceItem: "evidence"}[type(node)]
        flag = self.flag_text(node)
        values: dict[int, Any] = {
            R.DisplayRole: display,
            EditTextRole: node.heading
            if isinstance(node, Section)
            else node.text
            if isinstance(node, NoteItem)
            else node.comment,
            R.ToolTipRole: plain_tooltip(self._tooltip_parts(node)),
            R.DecorationRole: self._icon(type(node)),
            R.AccessibleTextRole: f"{kind.capitalize()}: {display}",
            NodeRole: node,
            NodeIdRole: node.node_id,
            NodeKindRole: kind,
            FlagRole: flag,
        }
        if isinstance(node, Section):
            font = QFont(QApplication.font())
            font.setBold(True)
            values[R.FontRole] = font
            if self._parents.get(id(node)) is None:
                values[R.BackgroundRole] = QApplication.palette().brush(
                    QPalette.ColorRole.AlternateBase
                )
        elif isinstance(node, NoteItem):
            font = QFont(QApplication.font())
            font.setItalic(True)
            values[R.FontRole] = font
        elif flag:
            values[R.ForegroundRole] = QBrush(QColor("#b45309"))
        return values

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self.node(index)
        if node is None or role != Qt.ItemDataRole.EditRole:
            return False  # the items' other roles are set by this model only (_refresh)
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

    # --- edits (each one undo step, made by the core's operations) ---------------------------

    def describe(self, node: Node) -> str:
        """A few words that name a node for the officer (undo steps, messages): never its id."""
        if isinstance(node, Section):
            return f"‘{_excerpt(node.heading, 40)}’"
        text = node.text if isinstance(node, NoteItem) else self.evidence_label(node)[0]
        return f"‘{_first_words(text)}’"

    def describe_section(self, section: Section) -> str:
        """A section as a place: its number and heading."""
        return f"‘{self._numbers.get(section.node_id, '')} {_excerpt(section.heading, 40)}’"

    def add_findings(self, finding_ids: list[str], section: Section | None, row: int) -> list[str]:
        """Add findings to a section at an item row; at top level, to the section above ``row``."""
        if not finding_ids:
            return []
        library = self.doc.library
        items = []
        for fid in finding_ids:
            finding = library.finding(fid)
            items.append(
                EvidenceItem(fid, snapshot=FindingSnapshot.of(finding) if finding else None)
            )
            src = library.source(finding.source) if finding else None
            if src is not None:
                self.briefing.source_snapshots[src.id] = dict(src.csl)
        ids = [i.node_id for i in items]
        name = f"Add {len(items)} findings" if len(items) > 1 else f"Add {self.describe(items[0])}"
        b = self.briefing

        def edit(ear: OutlineObserver) -> Change:
            change = Change()
            target, at = section, row
            if target is None:  # dropped between top-level sections: into the section above
                if not b.sections:
                    change.extend(b.insert_section(None, 0, Section("Evidence"), ear))
                target = b.sections[max(0, min(row, len(b.sections)) - 1)]
                at = len(target.items)
            change.extend(b.insert_items(target, at, items, ear))
            return change

        self.doc.edit_outline(name, edit, select=ids)
        return ids

    def move_items(self, items: list[Item], section: Section, row: int) -> None:
        if len(items) == 1:
            name = f"Move {self.describe(items[0])} to {self.describe_section(section)}"
        else:
            name = f"Move {len(items)} items to {self.describe_section(section)}"
        self.doc.edit_outline(
            name,
            lambda ear: self.briefing.move_items(items, section, row, ear),
            select=[i.node_id for i in items],
        )

    def move_sections(self, sections: list[Section], parent: Section | None, row: int) -> None:
        name = (
            f"Move section {self.describe(sections[0])}"
            if len(sections) == 1
            else f"Move {len(sections)} sections"
        )
        self.doc.edit_outline(
            name,
            lambda ear: self.briefing.move_sections(sections, parent, row, ear),
            select=[s.node_id for s in sections],
        )

    def move_into(self, nodes: list[Node], section: Section) -> None:
        """Move items and sections to the end of a section ("Move to section…")."""
        what = (
            self.describe(nodes[0])
            if len(nodes) == 1
            else f"{len(nodes)} items"
            if not any(isinstance(n, Section) for n in nodes)
            else f"{len(nodes)} items and sections"
        )
        if len(nodes) == 1 and isinstance(nodes[0], Section):
            what = f"section {what}"
        self.doc.edit_outline(
            f"Move {what} to {self.describe_section(section)}",
            lambda ear: self.briefing.move_into(nodes, section, ear),
            select=[n.node_id for n in nodes],
        )

    def add_section(self, parent: Section | None, row: int, heading: str = "New section") -> str:
        section = Section(heading)
        self.doc.edit_outline(
            "Add subsection" if parent else "Add section",
            lambda ear: self.briefing.insert_section(parent, row, section, ear),
            select=[section.node_id],
        )
        return section.node_id

    def add_note(self, section: Section, row: int, text: str = "") -> str:
        note = NoteItem(text)
        self.doc.edit_outline(
            "Add note",
            lambda ear: self.briefing.insert_items(section, row, [note], ear),
            select=[note.node_id],
        )
        return note.node_id

    def insert_copies(
        self,
        nodes: Sequence[Node],
        section: Section | None,
        item_row: int,
        section_row: int,
        name: str,
    ) -> list[str]:
        """Insert nodes (new copies, from a paste): items at ``item_row`` of ``section``, sections
        at ``section_row`` among its subsections (or at the top level when it is None)."""
        items = [n for n in nodes if not isinstance(n, Section)]
        sections = [n for n in nodes if isinstance(n, Section)]
        b = self.briefing
        if items and section is None:
            raise OutlineError("items belong in a section")

        def edit(ear: OutlineObserver) -> Change:
            change = Change()
            if items:
                assert section is not None
                change.extend(b.insert_items(section, item_row, items, ear))
            if sections:
                change.extend(b.insert_sections(section, section_row, sections, ear))
            return change

        ids = [n.node_id for n in nodes]
        self.doc.edit_outline(name, edit, select=ids)
        return ids

    def delete_nodes(self, nodes: list[Node]) -> None:
        if not nodes:
            return
        if len(nodes) > 1:
            name = f"Delete {len(nodes)} items"
        elif isinstance(nodes[0], Section):
            name = f"Delete section {self.describe(nodes[0])}"
        elif isinstance(nodes[0], NoteItem):
            name = f"Delete note {self.describe(nodes[0])}"
        else:
            name = f"Delete {self.describe(nodes[0])}"
        # Selected afterwards: the row after the deleted ones (see document._landing).
        self.doc.edit_outline(
            name,
            lambda ear: self.briefing.remove_nodes(nodes, ear),
            select=[n.node_id for n in nodes],
        )

    def move_by(self, node: Node, step: int) -> None:
        """Move a node up (-1) or down (+1) among its siblings of the same kind."""
        self.doc.edit_outline(
            "Move up" if step < 0 else "Move down",
            lambda ear: self.briefing.move_by(node, step, ear),
            select=[node.node_id],
        )

    def indent(self, section: Section) -> None:
        self.doc.edit_outline(
            "Indent section",
            lambda ear: self.briefing.indent_section(section, ear),
            select=[section.node_id],
        )

    def outdent(self, section: Section) -> None:
        self.doc.edit_outline(
            "Outdent section",
            lambda ear: self.briefing.outdent_section(section, ear),
            select=[section.node_id],
        )


class OutlineDelegate(QStyledItemDelegate):
    """Starts an editor from the node's own text (heading, note, lead-in), not the row's line."""

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        text = index.data(EditTextRole)
        if isinstance(editor, QLineEdit) and isinstance(text, str):
            editor.setText(text)
        else:
            super().setEditorData(editor, index)


class _ModelEar(OutlineObserver):
    """Turns the document's notifications into the model's row signals."""

    def __init__(self, model: OutlineModel) -> None:
        self.model = model

    def inserted(self, node: Node, parent: Section | None, row: int) -> None:
        self.model._inserted(node, parent, row)

    def removed(self, node: Node, parent: Section | None, row: int) -> None:
        self.model._removed(node, parent, row)

    def moved(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        self.model._moved(node, old, old_row, new, new_row)


def _first_words(text: str, words: int = 5) -> str:
    """The first few words of a quote or note, enough to recognise it."""
    parts = text.split()
    if len(parts) <= words:
        return _excerpt(" ".join(parts), 60)
    return _excerpt(" ".join(parts[:words]), 60).rstrip(",;:.…–- ") + "…"
