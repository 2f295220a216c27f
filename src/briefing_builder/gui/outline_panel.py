"""The briefing side of the window: its details (title, marking, ...) and its outline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core.briefing import MARKING_DESCRIPTORS, MARKINGS, EvidenceItem, NoteItem, Section
from ..core.wording import count_label, first_words
from .date_field import DateField
from .document import BriefingDocument
from .drag_image import start_drag
from .front_sheet_form import FrontSheetGroup
from .outline_model import NodeIdRole, OutlineDelegate, OutlineModel
from .shortcuts import DOCUMENT_UNDO


class OutlineView(QTreeView):
    """The outline tree: drop findings in, drag to rearrange, F2 to edit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        # One line a row (the full text is in the tooltip and the detail pane): uniform heights
        # let the view place a row without measuring every row above it, so edits stay quick
        # in a long briefing.
        self.setWordWrap(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setAccessibleName("Briefing outline")
        self.setItemDelegate(OutlineDelegate(self))
        # The sections the officer folded, by node id: a section's row is put back afresh when
        # it moves, is undone or the briefing reloads, and keeps its fold by this.
        self._folded: set[str] = set()
        self.collapsed.connect(lambda i: self._folded.add(i.data(NodeIdRole)))
        self.expanded.connect(lambda i: self._folded.discard(i.data(NodeIdRole)))

    def drag_label(self, nodes: list[Any]) -> str:
        """What the drag image says: the one section's heading, "3 items", "2 sections"."""
        sections = [n for n in nodes if isinstance(n, Section)]
        if len(nodes) == 1 and sections:
            return f"§ {first_words(sections[0].heading)}"
        if sections and len(sections) == len(nodes):
            return count_label(len(nodes), "section")
        return count_label(len(nodes), "item")

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """As QTreeView's, but shown as a small label beside the cursor (a picture of the rows
        hid the drop indicator). The model makes a move itself on drop, so nothing is removed
        here afterwards."""
        model = self.outline()
        rows = sorted(
            (i for i in self.selectionModel().selectedRows() if model.node(i) is not None),
            key=lambda i: self.visualRect(i).top(),
        )
        if not rows:
            return
        mime = model.mimeData(rows)
        nodes = [model.node(i) for i in rows]
        start_drag(self, mime, self.drag_label(nodes), supportedActions, Qt.DropAction.MoveAction)

    def setModel(self, model: OutlineModel) -> None:  # type: ignore[override]
        super().setModel(model)
        model.modelReset.connect(self._unfold_all)
        model.doc.sectionsReplaced.connect(self._select_ids)
        model.doc.selectRequested.connect(self.select_ids)
        model.rowsInserted.connect(self._unfold_new)
        self._unfold_all()

    def _unfold(self, index: QModelIndex) -> None:
        """Unfold a section and the sections in it, except those the officer folded."""
        model = self.outline()
        if not isinstance(model.node(index), Section):
            return
        if index.data(NodeIdRole) not in self._folded:
            self.expand(index)
        for row in range(model.rowCount(index) - 1, -1, -1):
            child = model.index(row, 0, index)
            if not isinstance(model.node(child), Section):
                break  # items come first, then subsections
            self._unfold(child)

    def _unfold_all(self) -> None:
        model = self.outline()
        for row in range(model.rowCount()):
            self._unfold(model.index(row, 0))

    def _unfold_new(self, parent: QModelIndex, first: int, last: int) -> None:
        """New sections open unfolded, as does a section that was empty until now; sections
        the officer folded stay folded, wherever they are moved."""
        model = self.outline()
        if parent.isValid() and model.rowCount(parent) == last - first + 1:
            self._folded.discard(parent.data(NodeIdRole))
            self.expand(parent)
        for row in range(first, last + 1):
            self._unfold(model.index(row, 0, parent))

    def outline(self) -> OutlineModel:
        return self.model()  # type: ignore[return-value]

    def _select_ids(self, ids: list[str]) -> None:
        if not ids:
            return
        # After the reset has finished (the signal may arrive before the view has re-read rows).
        QTimer.singleShot(0, lambda: self.select_ids(ids))

    def select_ids(self, ids: list[str]) -> None:
        model = self.outline()
        sel = self.selectionModel()
        wanted = [idx for nid in ids if (idx := model.index_of_id(nid)).isValid()]
        if not wanted:
            return
        # One selection change (clearing first repaints and re-measures every selected row).
        selection = QItemSelection()
        for idx in wanted:
            selection.select(idx, idx)
        if sel.selection() != selection:
            sel.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(wanted[-1])
        self.scrollTo(wanted[0])
        sel.setCurrentIndex(wanted[0], QItemSelectionModel.SelectionFlag.NoUpdate)

    # Drops from the findings list are copies; moves inside the outline are moves.
    def _fix_action(self, event: QDragMoveEvent | QDropEvent) -> None:
        if event.source() is not self:
            event.setDropAction(Qt.DropAction.CopyAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        super().dragEnterEvent(event)
        self._fix_action(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        self._fix_action(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._fix_action(event)
        super().dropEvent(event)


class DetailsForm(QWidget):
    """Title, subtitle, author, organisation, date, version, marking, page limit, summary and
    the committee front sheet; it scrolls, so it stays usable in a small window."""

    def __init__(self, doc: BriefingDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.fields: dict[str, QLineEdit] = {}
        inner = QWidget()
        form = QFormLayout(inner)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAccessibleName("Briefing details")
        self.scroll_area.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labels = {
            "title": "&Title",
            "subtitle": "S&ubtitle",
            "author": "&Author",
            "organisation": "&Organisation",
            "version": "&Version",
        }
        for key, label in labels.items():
            edit = QLineEdit()
            edit.setAccessibleName(label.replace("&", ""))
            edit.textEdited.connect(lambda text, k=key: self.doc.set_metadata(k, text))
            form.addRow(label, edit)
            self.fields[key] = edit
        self.date = DateField()
        self.date.valueEdited.connect(lambda value: self.doc.set_metadata("date", value))
        date_label = QLabel("&Date")
        date_label.setBuddy(self.date.edit)
        form.insertRow(4, date_label, self.date)
        self.marking = QComboBox()
        self.marking.setEditable(True)
        self.marking.addItems([m or "(none)" for m in MARKINGS])
        self.marking.setAccessibleName("Protective marking")
        self.marking.setToolTip("Printed at the top and bottom of every page")
        self.marking.currentTextChanged.connect(
            lambda t: self.doc.set_metadata("marking", "" if t == "(none)" else t.strip())
        )
        self.descriptor = QComboBox()
        self.descriptor.setEditable(True)
        self.descriptor.addItems([d or "(none)" for d in MARKING_DESCRIPTORS])
        self.descriptor.setAccessibleName("Marking descriptor")
        self.descriptor.setToolTip(
            "Why OFFICIAL-SENSITIVE material is sensitive: COMMERCIAL, LOCSEN (locally "
            "sensitive) or PERSONAL. Printed after the marking."
        )
        self.descriptor.currentTextChanged.connect(
            lambda t: self.doc.set_metadata(
                "marking_descriptor", "" if t == "(none)" else t.strip()
            )
        )
        form.addRow("&Marking", self.marking)
        form.addRow("Descriptor", self.descriptor)
        for combo in (self.marking, self.descriptor):
            # Sized by a short marking, not the longest: the column stays narrow enough.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        # The length the briefing should keep to; 0 shows as "No limit".
        self.max_pages = QSpinBox()
        self.max_pages.setRange(0, 9999)
        self.max_pages.setSpecialValueText("No limit")
        self.max_pages.setAccessibleName("Maximum pages")
        self.max_pages.setToolTip(
            "The length this briefing should keep to. The status bar warns when the briefing "
            "runs over it, and so does the export."
        )
        self.max_pages.valueChanged.connect(self._max_pages_changed)
        form.addRow("Ma&ximum pages", self.max_pages)
        self.summary = QPlainTextEdit()
        self.summary.setAccessibleName("Summary")
        self.summary.setPlaceholderText("Your summary, printed before the first section.")
        self.summary.textChanged.connect(self._summary_changed)
        summary_label = QLabel("&Summary")
        summary_label.setBuddy(self.summary)
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 5)
        form.addRow(summary_label, self.summary)
        self.front_sheet = FrontSheetGroup(doc)
        form.addRow(self.front_sheet)
        self._loading = False
        # Undo and Redo in these fields are the briefing's (one history for all typing).
        for field in [
            *self.fields.values(),
            self.date.edit,
            self.marking,
            self.descriptor,
            self.summary,
            self.max_pages,
            self.max_pages.lineEdit(),
        ]:
            field.setProperty(DOCUMENT_UNDO, True)
        self.summary.setUndoRedoEnabled(False)
        doc.metadataChanged.connect(self.load_field)
        for key in (
            "title",
            "subtitle",
            "author",
            "organisation",
            "version",
            "date",
            "marking",
            "marking_descriptor",
            "summary",
            "max_pages",
        ):
            self.load_field(key)

    def _max_pages_changed(self, value: int) -> None:
        if not self._loading:
            self.doc.set_metadata("max_pages", value or "")

    def _summary_changed(self) -> None:
        if not self._loading:
            self.doc.set_metadata("summary", self.summary.toPlainText())

    def load_field(self, key: str) -> None:
        b = self.doc.briefing
        self._loading = True
        try:
            if key in self.fields:
                if self.fields[key].text() != getattr(b, key):
                    self.fields[key].setText(getattr(b, key))
            elif key == "date":
                self.date.set_value(b.date or "")
            elif key == "marking":
                text = b.marking or "(none)"
                if self.marking.currentText() != text:
                    self.marking.setCurrentText(text)
            elif key == "marking_descriptor":
                text = b.marking_descriptor or "(none)"
                if self.descriptor.currentText() != text:
                    self.descriptor.setCurrentText(text)
            elif key == "summary" and self.summary.toPlainText() != b.summary:
                self.summary.setPlainText(b.summary)
            elif key == "max_pages" and self.max_pages.value() != (b.max_pages or 0):
                self.max_pages.setValue(b.max_pages or 0)
        finally:
            self._loading = False


class NodeEditor(QWidget):
    """Edits the longer text of the current outline node: a section's paragraph, a note, a lead-in."""

    def __init__(self, doc: BriefingDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.node_id: str | None = None
        self.field = ""
        self.label = QLabel()
        self.label.setWordWrap(True)  # a long prompt must not set the column's minimum width
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName("Commentary")
        self.edit.setTabChangesFocus(True)
        self.edit.setProperty(DOCUMENT_UNDO, True)
        self.edit.setUndoRedoEnabled(False)
        self.label.setBuddy(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        self._loading = False
        self.edit.textChanged.connect(self._changed)
        doc.nodeTextChanged.connect(self._node_text_changed)
        self.set_node(None)

    def set_node(self, node: Section | EvidenceItem | NoteItem | None) -> None:
        if isinstance(node, Section):
            self.node_id, self.field = node.node_id, "text"
            self.label.setText("Your &paragraph under this heading:")
            self.edit.setPlaceholderText(
                "Optional: introduce the evidence in this section in your own words."
            )
        elif isinstance(node, NoteItem):
            self.node_id, self.field = node.node_id, "text"
            self.label.setText("Your &note:")
            self.edit.setPlaceholderText("Your own commentary.")
        elif isinstance(node, EvidenceItem):
            self.node_id, self.field = node.node_id, "comment"
            self.label.setText("&Lead-in before the quote:")
            self.edit.setPlaceholderText(
                "Optional: a sentence printed before the quote, e.g. “Partners in Manchester stressed…”"
            )
        else:
            self.node_id, self.field = None, ""
            self.label.setText(
                "Select a section, note or finding in the outline to write about it."
            )
            self.edit.setPlaceholderText("")
        self.edit.setEnabled(self.node_id is not None)
        self._load()

    def _node_text_changed(self, node_id: str, field: str) -> None:
        if node_id == self.node_id and field == self.field:
            self._load()

    def _load(self) -> None:
        node = self.doc.briefing.find_node(self.node_id) if self.node_id else None
        text = getattr(node, self.field, "") if node is not None else ""
        if self.edit.toPlainText() != text:
            self._loading = True
            self.edit.setPlainText(text)
            self._loading = False

    def _changed(self) -> None:
        if self._loading or self.node_id is None:
            return
        labels = {"comment": "Edit lead-in comment"}
        node = self.doc.briefing.find_node(self.node_id)
        label = labels.get(
            self.field, "Edit note" if isinstance(node, NoteItem) else "Edit section text"
        )
        self.doc.set_node_text(self.node_id, self.field, self.edit.toPlainText(), label)


class BriefingPanel(QTabWidget):
    """Tabs: the outline (with the node editor below it) and the briefing's details."""

    currentNodeChanged = Signal(object)

    def __init__(self, doc: BriefingDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.model = OutlineModel(doc, self)
        self.view = OutlineView()
        self.view.setModel(self.model)
        self.editor = NodeEditor(doc)
        self.details = DetailsForm(doc)
        self.hint = QLabel("Drag findings here, or select them and press Ctrl+Return.")
        self.hint.setWordWrap(True)
        outline_tab = QWidget()
        lay = QVBoxLayout(outline_tab)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.hint)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.editor)
        split.setSizes([460, 140])
        lay.addWidget(split, 1)
        self.addTab(outline_tab, "&Outline")
        self.addTab(self.details, "Briefing &details")
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(
            lambda: self._current_changed(self.view.currentIndex(), QModelIndex())
        )

    def show_marking(self) -> None:
        """Briefing details, with the cursor in the marking (an export refused for want of one)."""
        self.setCurrentWidget(self.details)
        self.details.scroll_area.ensureWidgetVisible(self.details.marking)
        self.window().activateWindow()
        self.details.marking.setFocus(Qt.FocusReason.OtherFocusReason)

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        node = self.model.node(current)
        self.editor.set_node(node)
        self.currentNodeChanged.emit(node)
