"""The "Committee front sheet" group of the Briefing details tab.

A paper for a committee opens with the meeting's details and what the committee is asked to do.
Most briefings have none, so the group is folded away until it is opened or the briefing has a
front sheet; every edit is an undoable change to the briefing, like the other details.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.briefing import DECISIONS
from .date_field import DATE_HINT, DateField
from .document import BriefingDocument
from .shortcuts import DOCUMENT_UNDO

NOT_SET = "Not set"
TEXT_FIELDS = {  # field → (label, placeholder)
    "meeting": ("Meeting", "e.g. Community Safety Committee"),
    "agenda_item": ("Agenda item", "e.g. 7 or 7b"),
    "report_of": ("Report of", "Who the paper is from, e.g. Head of Policy"),
    "contact": ("Contact", "Who to ask about it: name, team, telephone"),
    "purpose": ("Purpose", "One sentence: what the paper is for"),
}
FIELDS = (*TEXT_FIELDS, "meeting_date", "decision", "recommendations")


class FrontSheetGroup(QWidget):
    """A folding group: the meeting, its date, the agenda item, who reports, a contact, the
    purpose, whether it is for decision or information, and the recommendations (one a line)."""

    def __init__(self, doc: BriefingDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.toggle = QToolButton()
        self.toggle.setText("Committee front sheet")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName("Committee front sheet")
        self.toggle.setToolTip(
            "The meeting's details and the recommendations, printed on the first page before "
            "the contents. Leave them empty for a briefing that is not a committee paper."
        )
        self.toggle.toggled.connect(self.set_open)
        self.body = QWidget()
        form = QFormLayout(self.body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLineEdit] = {}
        for key, (label, placeholder) in TEXT_FIELDS.items():
            edit = QLineEdit()
            edit.setAccessibleName(label)
            edit.setPlaceholderText(placeholder)
            edit.textEdited.connect(lambda text, k=key: self.doc.set_metadata(k, text))
            self.fields[key] = edit
        self.meeting_date = DateField()
        self.meeting_date.edit.setPlaceholderText(NOT_SET)
        self.meeting_date.edit.setAccessibleName("Meeting date")
        self.meeting_date.edit.setAccessibleDescription(f"Type {DATE_HINT}, or leave it empty")
        self.meeting_date.edit.setToolTip(
            f"The date of the meeting: type {DATE_HINT} (Alt+Down: calendar)."
        )
        self.meeting_date.valueEdited.connect(
            lambda value: self.doc.set_metadata("meeting_date", value)
        )
        self.decision = QComboBox()
        self.decision.addItem(NOT_SET, "")
        for key, label in DECISIONS.items():
            self.decision.addItem(label, key)
        self.decision.setAccessibleName("For decision or for information")
        self.decision.activated.connect(
            lambda i: self.doc.set_metadata("decision", self.decision.itemData(i) or "")
        )
        self.recommendations = QPlainTextEdit()
        self.recommendations.setAccessibleName("Recommendations")
        self.recommendations.setPlaceholderText(
            "One a line, e.g.\nnote the evidence in this paper;\nagree the priorities for 2027."
        )
        self.recommendations.setToolTip(
            "Printed after “The Committee is asked to:”, lettered a), b), c)…"
        )
        self.recommendations.setTabChangesFocus(True)
        self.recommendations.setUndoRedoEnabled(False)
        self.recommendations.setFixedHeight(self.recommendations.fontMetrics().lineSpacing() * 5)
        self.recommendations.textChanged.connect(self._recommendations_changed)
        form.addRow("Meeting", self.fields["meeting"])
        form.addRow("Meeting date", self.meeting_date)
        for key in ("agenda_item", "report_of", "contact", "purpose"):
            form.addRow(TEXT_FIELDS[key][0], self.fields[key])
        form.addRow("For", self.decision)
        # Above its box, full width: the recommendations are the longest lines on the sheet.
        rec_label = QLabel("Recommendations — the Committee is asked to:")
        rec_label.setWordWrap(True)
        rec_label.setBuddy(self.recommendations)
        form.addRow(rec_label)
        form.addRow(self.recommendations)
        for field in [
            *self.fields.values(),
            self.meeting_date.edit,
            self.decision,
            self.recommendations,
        ]:
            field.setProperty(DOCUMENT_UNDO, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.body)
        self._loading = False
        doc.metadataChanged.connect(self.load_field)
        for key in FIELDS:
            self.load_field(key)
        self.set_open(doc.briefing.has_front_sheet())

    def set_open(self, open_: bool) -> None:
        """Unfold or fold the group (folding keeps what is in it)."""
        if self.toggle.isChecked() != open_:
            self.toggle.setChecked(open_)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.body.setVisible(open_)

    def _typed_recommendations(self) -> list[str]:
        """The recommendations as typed, one a line, blank lines left out."""
        lines = (line.strip() for line in self.recommendations.toPlainText().splitlines())
        return [line for line in lines if line]

    def _recommendations_changed(self) -> None:
        if not self._loading:
            self.doc.set_metadata("recommendations", self._typed_recommendations())

    def load_field(self, key: str) -> None:
        b = self.doc.briefing
        self._loading = True
        try:
            if key in self.fields:
                if self.fields[key].text() != getattr(b, key):
                    self.fields[key].setText(getattr(b, key))
            elif key == "meeting_date":
                self.meeting_date.set_value(b.meeting_date or "")
            elif key == "decision":
                self.decision.setCurrentIndex(max(0, self.decision.findData(b.decision or "")))
            elif key == "recommendations":
                if self._typed_recommendations() != b.recommendations:
                    self.recommendations.setPlainText("\n".join(b.recommendations))
            elif key == "title" and b.has_front_sheet() and not self.toggle.isChecked():
                self.set_open(True)  # another briefing was opened (every field is reloaded)
        finally:
            self._loading = False
