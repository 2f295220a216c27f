"""Edit source reference…: the reference form an added source was given, filled in from
``sources.yaml``, to correct a title, an author or a date after the source was added.

The id is shown but cannot be changed: findings and briefings cite the source by it. What is
saved is only the fields the officer changed (:func:`..curation.source_edit.reference_changes`),
with the values the dialog showed, so that a colleague's change meanwhile is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.strength import EMMIE, MARYLAND_LEVELS, MARYLAND_MAX, maryland_explained
from ..curation.source_edit import EDITABLE, SHORT, STRENGTH, reference_changes
from .reference_form import ReferenceForm, WrappedLabel, date_text

#: What the form's date fields hold; a date written another way (a season, "circa") is kept
#: while its field is left empty.
FORM_DATES = ("issued", "accessed")


def _strength_over(shown: Any, mine: Any, theirs: Any) -> dict[str, Any] | None:
    """The evidence strength ``theirs`` with the parts that differ between ``shown`` and
    ``mine`` set as in ``mine`` (None: no strength left)."""
    old = dict(shown) if isinstance(shown, Mapping) else {}
    new = dict(mine) if isinstance(mine, Mapping) else {}
    out = dict(theirs) if isinstance(theirs, Mapping) else {}
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) != new.get(key):
            if new.get(key) is None:
                out.pop(key, None)
            else:
                out[key] = new[key]
    return out or None


class EditSourceDialog(QDialog):
    """The source's reference in the form, its id shown fixed.

    ``save(changes, expected)`` is called with the fields changed and the values the dialog
    showed; it returns True when the change was written (the dialog then closes), False while it
    is being written or when it was refused (the dialog stays open, its message says why)."""

    def __init__(
        self,
        source_id: str,
        entry: Mapping[str, Any],
        findings: int,
        save: Callable[[dict[str, Any], dict[str, Any]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit source reference")
        self.source_id = source_id
        self._save = save
        self.shown: dict[str, Any] = {k: v for k, v in entry.items() if k in EDITABLE}
        cited = f"{findings} finding{'s' if findings != 1 else ''}"
        self.intro = QLabel(
            f"<p>Source id: <b>{escape(source_id)}</b> ({cited} in this library). The id "
            "cannot be changed: findings and briefings cite the source by it.</p>"
            "<p>Every citation of this source uses the reference as you save it here, in this "
            "library and in briefings exported from now on.</p>"
        )
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.form = ReferenceForm()
        self._build_strength()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Why the reference cannot be saved")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.strength_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self._fill(self.shown)
        self.form.changed.connect(self._update)
        self.design.textChanged.connect(self._update)
        self.maryland.currentIndexChanged.connect(self._update)
        self._update()
        self.resize(660, self.sizeHint().height())

    def _build_strength(self) -> None:
        """The study design and its Maryland level; EMMIE notes are kept as they are."""
        self._strength: dict[str, Any] = {}
        self.strength_box = QGroupBox("Evidence strength")
        form = QFormLayout(self.strength_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.design = QLineEdit()
        self.design.setPlaceholderText("The study design, in words, as the source describes it")
        self.design.setAccessibleName("Study design")
        form.addRow("Study desi&gn:", self.design)
        self.maryland = QComboBox()
        self.maryland.setAccessibleName("Maryland Scientific Methods Scale level")
        self.maryland.setToolTip(maryland_explained())
        self.maryland.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.maryland.setMinimumContentsLength(30)
        # As wide as the row, so a level's meaning is read in full where there is room.
        self.maryland.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        form.addRow("&Maryland level:", self.maryland)
        self.emmie = WrappedLabel()
        self.emmie_label = QLabel("EMMIE notes:")
        form.addRow(self.emmie_label, self.emmie)

    def _set_strength(self, strength: Any) -> None:
        self._strength = dict(strength) if isinstance(strength, Mapping) else {}
        self.design.setText(str(self._strength.get("design") or ""))
        self.design.setCursorPosition(0)
        self.maryland.clear()
        self.maryland.addItem("Not rated", None)
        for n, meaning in MARYLAND_LEVELS.items():
            self.maryland.addItem(f"Level {n} of {MARYLAND_MAX}: {meaning}", n)
        written = self._strength.get("maryland")
        at = self.maryland.findData(written) if written is not None else 0
        if at < 0:  # not a level the scale has: kept as written until another is chosen
            self.maryland.addItem(f"As written: {written}", written)
            at = self.maryland.count() - 1
        self.maryland.setCurrentIndex(at)
        notes = self._strength.get("emmie")
        headings = dict(EMMIE)
        kinds = notes if isinstance(notes, Mapping) else {}
        named = ", ".join(headings.get(str(k), str(k)) for k in kinds)
        self.emmie.setText(f"{named} (kept as they are)" if named else "")
        self.emmie.setVisible(bool(named))
        self.emmie_label.setVisible(bool(named))

    def _fill(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (a source's editable keys) in the form."""
        self.form.set_csl({k: v for k, v in values.items() if k not in (SHORT, STRENGTH)})
        self.form.short.setText(str(values.get(SHORT) or ""))
        self._set_strength(values.get(STRENGTH))

    def rebase(self, entry: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
        """Show ``entry`` (the source as another curator has since saved it) with the officer's
        ``changes`` applied over it; the evidence strength's parts are applied one by one, so
        a colleague's study design stays when only the level was changed here."""
        before = self.shown
        self.shown = {k: v for k, v in entry.items() if k in EDITABLE}
        values = dict(self.shown)
        for key, value in changes.items():
            if key == STRENGTH:
                value = _strength_over(before.get(STRENGTH), value, self.shown.get(STRENGTH))
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
        self._fill(values)
        self._update()

    def strength(self) -> dict[str, Any] | None:
        """The evidence strength as the fields now give it (None: none)."""
        out = dict(self._strength)
        out["design"] = " ".join(self.design.text().split()) or None
        out["maryland"] = self.maryland.currentData()
        kept = {k: v for k, v in out.items() if v is not None}
        return kept or None

    def values(self) -> dict[str, Any]:
        """The reference as the form now gives it."""
        now = self.form.csl()
        short = self.form.short_name()
        if short:
            now[SHORT] = short
        strength = self.strength()
        if strength is not None:
            now[STRENGTH] = strength
        for key in FORM_DATES:
            old = self.shown.get(key)
            if old is not None and not date_text(old) and key not in now:
                now[key] = old  # not a date the field can show, and left empty: kept
        return now

    def changes(self) -> dict[str, Any]:
        return reference_changes(self.shown, self.values())

    def _update(self) -> None:
        problems = self.form.problems()
        if problems:
            text = "To save the reference, " + "; ".join(problems) + "."
        elif not self.changes():
            text = "Nothing has been changed yet."
        else:
            text = ""
        self.problem.setText(text)
        self.save_button.setEnabled(not text)

    def show_error(self, text: str) -> None:
        """Why the reference was not saved (or that it is being saved)."""
        self.problem.setText(text)

    def try_save(self) -> None:
        if not self.save_button.isEnabled():
            return
        changes = self.changes()
        expected = {k: self.shown.get(k) for k in changes}
        if self._save(changes, expected):
            self.accept()
