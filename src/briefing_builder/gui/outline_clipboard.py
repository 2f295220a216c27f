"""Cut, Copy and Paste of outline items, and "Move to section…": moving things between sections
from the keyboard alone.

The clipboard holds the app's own MIME type (the node ids, and whether they were cut) and a
plain-text rendering (quote — source), so a paste into a word processor reads well. Cut rows stay
where they are until pasted; the paste then moves them, as one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from ..core.briefing import EvidenceItem, Node, NoteItem, OutlineError, Section, copy_with_new_ids
from .mime import DragPayload
from .outline_panel import BriefingPanel


class OutlineClipboard:
    """The outline's Edit → Cut / Copy / Paste / Move to section… commands."""

    def __init__(self, panel: BriefingPanel, status: QStatusBar) -> None:
        self.panel, self.status = panel, status

    # --- what is selected ----------------------------------------------------------------------

    def selected(self) -> list[Node]:
        """The selected nodes in outline order, without those inside a selected section."""
        model, view = self.panel.model, self.panel.view
        rows = view.selectionModel().selectedRows() or (
            [view.currentIndex()] if view.currentIndex().isValid() else []
        )
        chosen = {id(n): n for i in rows if (n := model.node(i)) is not None}
        out: list[Node] = []
        inside: set[int] = set()
        for section in model.briefing.all_sections():
            if id(section) in inside or id(section) in chosen:
                if id(section) in chosen and id(section) not in inside:
                    out.append(section)
                for s in section.walk():
                    inside.add(id(s))
                continue
            out.extend(i for i in section.items if id(i) in chosen)
        return out

    def _say(self, text: str) -> None:
        self.status.showMessage(text, 5000)

    # --- clipboard -----------------------------------------------------------------------------

    def copy(self, cut: bool = False) -> None:
        nodes = self.selected()
        if not nodes:
            return
        findings = [
            e.finding_id
            for n in nodes
            for e in ([n] if isinstance(n, EvidenceItem) else _evidence_in(n))
        ]
        mime = DragPayload(findings=findings, nodes=[n.node_id for n in nodes], cut=cut).to_mime()
        mime.setText(self.plain_text(nodes))
        QGuiApplication.clipboard().setMimeData(mime)
        what = _count(nodes)
        self._say(f"Cut {what}: paste to move it" if cut else f"Copied {what}")

    def cut(self) -> None:
        self.copy(cut=True)

    def plain_text(self, nodes: list[Node]) -> str:
        """Readable text for other programs: quotes with their source, notes, headings."""
        model = self.panel.model
        lines: list[str] = []

        def item_text(item: EvidenceItem | NoteItem) -> str:
            if isinstance(item, NoteItem):
                return item.text
            quote, where = model.evidence_label(item)
            lead = f"{item.comment.strip()} " if item.comment.strip() else ""
            return f"{lead}“{quote}” — {where}"

        def section_text(section: Section) -> None:
            lines.append(section.heading)
            if section.text.strip():
                lines.append(section.text)
            lines.extend(item_text(i) for i in section.items)
            for sub in section.sections:
                section_text(sub)

        for node in nodes:
            if isinstance(node, Section):
                section_text(node)
            else:
                lines.append(item_text(node))
        return "\n\n".join(lines)

    def paste(self) -> None:
        payload = DragPayload.from_mime(QGuiApplication.clipboard().mimeData())
        if payload is None:
            self._say("Nothing to paste: cut or copy outline items first")
            return
        model = self.panel.model
        briefing = model.briefing
        nodes = [briefing.find_node(nid) for nid in payload.nodes]
        section, item_row, section_parent, section_row = self._paste_place()
        try:
            if payload.nodes and all(n is not None for n in nodes):
                found: list[Node] = [n for n in nodes if n is not None]
                if payload.cut:
                    self._paste_move(found, section, item_row, section_parent, section_row)
                    # Moved: what is on the clipboard now is a copy of them.
                    mime = DragPayload(payload.findings, payload.nodes).to_mime()
                    mime.setText(self.plain_text(found))
                    QGuiApplication.clipboard().setMimeData(mime)
                    return
                copies = [copy_with_new_ids(n) for n in found]
                items = [c for c in copies if not isinstance(c, Section)]
                sections = [c for c in copies if isinstance(c, Section)]
                if items and section is None:
                    raise OutlineError("add a section first, to paste items into")
                name = f"Paste {_words(model, copies)}"
                if items:
                    assert section is not None
                    model.insert_copies(items, section, item_row, 0, name)
                if sections:
                    model.insert_copies(sections, section_parent, 0, section_row, name)
            elif payload.findings:
                model.add_findings(payload.findings, section, item_row)
        except OutlineError as exc:
            self._say(str(exc).capitalize())

    def _paste_move(
        self,
        nodes: list[Node],
        section: Section | None,
        item_row: int,
        section_parent: Section | None,
        section_row: int,
    ) -> None:
        model = self.panel.model
        items = [n for n in nodes if not isinstance(n, Section)]
        sections = [n for n in nodes if isinstance(n, Section)]
        if items and sections:
            raise OutlineError("paste items and sections separately")
        if items:
            if section is None:
                raise OutlineError("add a section first, to paste items into")
            model.move_items(items, section, item_row)
        else:
            model.move_sections(sections, section_parent, section_row)

    def _paste_place(self) -> tuple[Section | None, int, Section | None, int]:
        """Where a paste lands: items after the current item, or at the end of the current
        section's items; sections after the current section (or the current item's section)."""
        model = self.panel.model
        briefing = model.briefing
        node = model.node(self.panel.view.currentIndex())
        if node is None:
            last = briefing.sections[-1] if briefing.sections else None
            return last, len(last.items) if last else 0, None, len(briefing.sections)
        if isinstance(node, Section):
            section, item_row = node, len(node.items)
            anchor = node
        else:
            section = briefing.section_of(node)
            item_row = next(i for i, x in enumerate(section.items) if x is node) + 1
            anchor = section
        parent, row = briefing.locate(anchor)
        return section, item_row, parent, row + 1

    # --- move to section -----------------------------------------------------------------------

    def move_to_section(self, parent: QWidget | None = None) -> None:
        nodes = self.selected()
        if not nodes:
            self._say("Select the items to move first")
            return
        dialog = MoveToSectionDialog(self.panel, nodes, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        try:
            self.panel.model.move_into(nodes, dialog.chosen)
        except OutlineError as exc:
            self._say(str(exc).capitalize())


class MoveToSectionDialog(QDialog):
    """The sections by number and heading; type to filter, arrows to choose, Enter to move."""

    def __init__(self, panel: BriefingPanel, nodes: list[Node], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Move to section")
        self.chosen: Section | None = None
        model = panel.model
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter the sections")
        self.filter.setAccessibleName("Filter sections")
        self.list = QListWidget()
        self.list.setAccessibleName("Sections")
        label = QLabel(f"Move {_words(model, nodes)} to the end of:")
        label.setWordWrap(True)
        numbers = model.briefing.numbering()
        moving = [n for n in nodes if isinstance(n, Section)]
        self._sections: list[Section] = []
        for section in model.briefing.all_sections():
            if any(m.contains(section) for m in moving):
                continue  # a section cannot go into itself
            number = numbers[section.node_id]
            indent = "    " * number.count(".")
            entry = QListWidgetItem(f"{indent}{number}  {section.heading}")
            entry.setData(Qt.ItemDataRole.UserRole, len(self._sections))
            self.list.addItem(entry)
            self._sections.append(section)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Move")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.list.itemActivated.connect(lambda _i: self.accept())
        self.filter.installEventFilter(self)
        self.list.setCurrentRow(0)
        self.filter.setFocus()
        self.resize(420, 360)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for row in range(self.list.count()):
            entry = self.list.item(row)
            hide = not all(w in entry.text().lower() for w in words)
            entry.setHidden(hide)
            if not hide and first is None:
                first = row
        if first is not None:
            self.list.setCurrentRow(first)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # Up and Down in the filter box move through the list, so typing and choosing flow.
        keys = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        if (
            obj is self.filter
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in keys
        ):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(obj, event)

    def accept(self) -> None:
        entry = self.list.currentItem()
        if entry is None or entry.isHidden():
            return
        self.chosen = self._sections[entry.data(Qt.ItemDataRole.UserRole)]
        super().accept()


def _evidence_in(node: Node) -> list[EvidenceItem]:
    if not isinstance(node, Section):
        return []
    return [i for s in node.walk() for i in s.items if isinstance(i, EvidenceItem)]


def _count(nodes: list[Node]) -> str:
    if len(nodes) == 1:
        return "1 section" if isinstance(nodes[0], Section) else "1 item"
    return f"{len(nodes)} items"


def _words(model: object, nodes: list[Node]) -> str:
    from .outline_model import OutlineModel

    assert isinstance(model, OutlineModel)
    if len(nodes) == 1:
        prefix = "section " if isinstance(nodes[0], Section) else ""
        return prefix + model.describe(nodes[0])
    return f"{len(nodes)} items"
