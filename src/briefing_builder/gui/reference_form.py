"""A source's reference as a form: the CSL fields a library's sources use, in words for a
policy officer, read from and given back as the CSL data ``sources.yaml`` holds.

Unknown stays unknown: an empty date is no date (cited "n.d."), a year alone stays a year. Each
field's row is made by one small method and listed in :attr:`ReferenceForm.TEXT_FIELDS`, so
another field (say, the strength of a study's evidence) is one more row, not a new form.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..curation.reference import parse_date

# The kinds of document a policy library cites, by their CSL type.
TYPES: tuple[tuple[str, str], ...] = (
    ("report", "Report"),
    ("book", "Book"),
    ("chapter", "Chapter in a book"),
    ("article-journal", "Journal article"),
    ("paper-conference", "Conference paper"),
    ("speech", "Speech or presentation"),
    ("webpage", "Web page"),
    ("article-newspaper", "Newspaper article"),
    ("article-magazine", "Magazine article"),
    ("thesis", "Thesis"),
    ("legislation", "Legislation"),
    ("dataset", "Data set"),
    ("pamphlet", "Leaflet or pamphlet"),
    ("document", "Other document"),
)
KEPT_LENGTH = 90  # characters of a kept field's value shown in its row; the tip has all of it
DATE_HINT = "a year (2024), year and month (2024-03) or a full date (2024-03-05)"
_DATE_TEXT = re.compile(r"^\s*\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?\s*$")


def date_text(value: Any) -> str:
    """``{date-parts: [[2024, 3]]}`` as ``2024-03``; anything else as empty."""
    if isinstance(value, Mapping):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = [int(p) for p in parts[0][:3]]
            return "-".join([str(first[0]), *(f"{p:02d}" for p in first[1:])])
    return ""


def date_value(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The CSL date ``text`` gives (None when empty) and why it cannot be read, if it cannot."""
    if not text.strip():
        return None, None
    parsed = parse_date(text) if _DATE_TEXT.match(text) else None
    if parsed is None or len(parsed["date-parts"][0]) != len(text.strip().split("-")):
        return None, f"write {DATE_HINT}"
    return parsed, None


class NamesTable(QTableWidget):
    """Authors, one a row: a person's family and given names, or an organisation's name alone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Family name, or organisation", "Given names"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAccessibleName("Authors")
        self.setToolTip(
            "One author a row. For an organisation (e.g. Home Office) leave Given names empty."
        )
        self.setMinimumHeight(90)
        # Three names in view: the reference dialogs fit a 768-high screen.
        self.setMaximumHeight(120)

    def names(self) -> list[dict[str, str]]:
        out = []
        for row in range(self.rowCount()):
            family = " ".join((self._text(row, 0)).split())
            given = " ".join((self._text(row, 1)).split())
            if family and given:
                out.append({"family": family, "given": given})
            elif family or given:
                out.append({"literal": family or given})
        return out

    def _text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text() if item is not None else ""

    def set_names(self, names: list[Mapping[str, Any]]) -> None:
        self.setRowCount(0)
        for name in names:
            family = str(name.get("family") or name.get("literal") or "")
            given = str(name.get("given") or "") if name.get("family") else ""
            self.add_row(family, given)

    def add_row(self, family: str = "", given: str = "") -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(family))
        self.setItem(row, 1, QTableWidgetItem(given))
        return row


class WrappedLabel(QLabel):
    """A word-wrapped label as tall as its text needs at the width it is given.

    A layout gives a wrapped label the height of its text at its preferred width, and a dialog
    never grows for a label's height-for-width: at a narrower width the last lines were cut off.
    So the label asks for that height as its minimum whenever its width changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def _fit(self) -> None:
        need = self.heightForWidth(self.width()) if self.text() else 0
        if need != self.minimumHeight():
            self.setMinimumHeight(max(need, 0))

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class ReferenceForm(QWidget):
    """The reference's fields. :meth:`csl` gives the CSL data; :meth:`set_csl` fills the form."""

    #: Any field changed (by the officer or by filling the form).
    changed = Signal()

    # CSL variable -> (label, placeholder) of the one-line text fields.
    TEXT_FIELDS: ClassVar[dict[str, tuple[str, str]]] = {
        "title": ("&Title:", "The title as printed on the cover"),
        "publisher": ("&Publisher:", "e.g. Home Office"),
        "collection-title": ("&Series:", "The series it is part of, if any"),
        "URL": ("&Web address:", "https://… where it is published, if online"),
        "event-title": ("&Event:", "For a speech: the conference or event it was given at"),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._extra: dict[str, Any] = {}  # imported fields the form does not show, kept
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.type = QComboBox()
        for csl_type, label in TYPES:
            self.type.addItem(label, csl_type)
        self.type.setAccessibleName("Type of document")
        self.type.currentIndexChanged.connect(self.changed)
        self._row("T&ype:", self.type)

        self.fields: dict[str, QLineEdit] = {}
        self._text_row("title")

        self.authors = NamesTable()
        self.authors.itemChanged.connect(self.changed)
        add = QPushButton("Add a&uthor")
        add.clicked.connect(self._add_author)
        remove = QPushButton("Remo&ve author")
        remove.clicked.connect(self._remove_author)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.authors)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self._row("Authors:", box, buddy=self.authors)

        self.issued, self.issued_reason = self._date_row(
            "&Date issued:", "Not known (leave empty: cited as n.d.)", "Date issued"
        )
        self._text_row("publisher")
        self._text_row("collection-title")
        self._text_row("URL")
        self.accessed, self.accessed_reason = self._date_row(
            "&Accessed on:", "The day the web address was viewed", "Date accessed"
        )
        self.fields["URL"].textEdited.connect(self._url_edited)
        self._text_row("event-title")
        self.short = QLineEdit()
        self.short.setPlaceholderText("Optional: a short name for lists and filters")
        self.short.setAccessibleName("Short name")
        self.short.textChanged.connect(self.changed)
        self._row("S&hort name:", self.short)
        # Fields of the reference the form does not show (a journal's name, a DOI, a note...)
        # are kept as they are, and named here so nothing is carried unseen.
        self.kept = WrappedLabel()
        self.kept.setAccessibleName("Fields kept unchanged")
        self.kept_label = self._row("Kept unchanged:", self.kept)
        self._show_kept()

    # --- building ------------------------------------------------------------------------------

    def add_row(self, label: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
        """One more row of the form (a dialog's own field lined up with the form's)."""
        return self._row(label, field, buddy)

    def _row(self, label: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
        text = QLabel(label)
        text.setBuddy(buddy or field)
        self.form.addRow(text, field)
        return text

    def _text_row(self, key: str) -> QLineEdit:
        label, placeholder = self.TEXT_FIELDS[key]
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(label.replace("&", "").rstrip(":"))
        edit.textChanged.connect(self.changed)
        self.fields[key] = edit
        self._row(label, edit)
        return edit

    def _date_row(self, label: str, placeholder: str, name: str) -> tuple[QLineEdit, QLabel]:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(name)
        edit.setToolTip(f"Type {DATE_HINT}")
        reason = QLabel()
        reason.setStyleSheet("color: #b00020")
        reason.setWordWrap(True)
        reason.hide()
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit, 1)
        lay.addWidget(reason, 1)

        def check() -> None:
            why = date_value(edit.text())[1]
            reason.setText(why or "")
            reason.setVisible(bool(why))
            self.changed.emit()

        edit.textChanged.connect(check)
        self._row(label, box, buddy=edit)
        return edit, reason

    def _add_author(self) -> None:
        row = self.authors.add_row()
        self.authors.setCurrentCell(row, 0)
        self.authors.editItem(self.authors.item(row, 0))  # type: ignore[arg-type]

    def _remove_author(self) -> None:
        rows = sorted({i.row() for i in self.authors.selectedIndexes()}, reverse=True)
        for row in rows or ([self.authors.currentRow()] if self.authors.currentRow() >= 0 else []):
            self.authors.removeRow(row)
        self.changed.emit()

    def _url_edited(self, text: str) -> None:
        # A web address is cited with the day it was viewed: today, unless the officer says.
        if text.strip() and not self.accessed.text().strip():
            self.accessed.setText(_dt.date.today().isoformat())

    # --- values --------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Why the reference cannot be added yet, in words for the officer."""
        out = []
        if not self.fields["title"].text().strip():
            out.append("give its title")
        if date_value(self.issued.text())[1]:
            out.append(f"the date issued: {DATE_HINT}")
        if date_value(self.accessed.text())[1]:
            out.append(f"the date accessed: {DATE_HINT}")
        return out

    def csl(self) -> dict[str, Any]:
        """The form as CSL data (empty fields left out; imported fields it does not show kept)."""
        out: dict[str, Any] = dict(self._extra)
        out["type"] = self.type.currentData()
        for key, edit in self.fields.items():
            text = " ".join(edit.text().split())
            out.pop(key, None)
            if text:
                out[key] = text
        out.pop("author", None)
        names = self.authors.names()
        if names:
            out["author"] = names
        for key, edit in (("issued", self.issued), ("accessed", self.accessed)):
            out.pop(key, None)
            date = date_value(edit.text())[0]
            if date is not None:
                out[key] = date
        return out

    def short_name(self) -> str | None:
        return " ".join(self.short.text().split()) or None

    def set_csl(self, csl: Mapping[str, Any]) -> None:
        """Fill the form from CSL data; every field the data does not give is emptied."""
        self.blockSignals(True)
        try:
            stype = str(csl.get("type") or "report")
            at = self.type.findData(stype)
            if at < 0:  # a CSL type the list leaves out (e.g. 'standard'): kept as it is
                self.type.addItem(stype, stype)
                at = self.type.count() - 1
            self.type.setCurrentIndex(at)
            for key, edit in self.fields.items():
                edit.setText(str(csl.get(key) or ""))
                edit.setCursorPosition(0)  # a long title or address shown from its start
            self.authors.set_names(list(csl.get("author") or []))
            self.issued.setText(date_text(csl.get("issued")))
            self.accessed.setText(date_text(csl.get("accessed")))
            shown = {"type", "author", "issued", "accessed", *self.fields}
            self._extra = {k: v for k, v in csl.items() if k not in shown}
            self._show_kept()
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def _show_kept(self) -> None:
        parts, tips = [], []
        for key, value in self._extra.items():
            if isinstance(value, list):
                shown = "; ".join(
                    str(n.get("literal") or f"{n.get('family', '')}, {n.get('given', '')}")
                    for n in value
                    if isinstance(n, Mapping)
                )
            elif isinstance(value, Mapping):
                shown = date_text(value) or ", ".join(f"{k}: {v}" for k, v in value.items())
            else:
                shown = " ".join(str(value).split())
            name = key.replace("-", " ")
            tips.append(f"{name}: {shown}")
            if len(shown) > KEPT_LENGTH:
                shown = shown[:KEPT_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
            parts.append(f"{name}: {shown}")
        self.kept.setText("\n".join(parts))
        self.kept.setToolTip(
            "Fields of this reference the form does not show; they are kept as they are.\n\n"
            + "\n".join(tips)
            if tips
            else ""
        )
        self.kept.setVisible(bool(parts))
        self.kept_label.setVisible(bool(parts))

    def set_title_if_empty(self, title: str | None) -> None:
        if title and not self.fields["title"].text().strip():
            self.fields["title"].setText(title)
