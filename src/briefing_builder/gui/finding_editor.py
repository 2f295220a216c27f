"""Editing a finding's curated fields, and retiring a finding.

:class:`FindingFields` is the form a finding's fields are edited in — kind, themes (by label,
never by id), places, speaker, where in the source, note — used by this module's Edit finding
dialog and by the New finding dialog. Its values are in the library file's own shape (lists,
``{label, value, title}``), the shape the curation core reads and writes, so what the officer
was shown can be handed back as ``expected`` and a change by another curator is caught.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.model import KIND_LABELS, KINDS, LOCATOR_LABELS, Finding, Library, Locator
from .dialog_buttons import tab_in_reading_order

MAX_THEMES = 3
FIELDS = ("kind", "themes", "places", "speaker", "note", "locator")


def finding_values(finding: Finding) -> dict[str, Any]:
    """A finding's curated fields as the library file has them (what the officer is shown)."""
    locator: dict[str, str] = {"label": finding.locator.label, "value": finding.locator.value}
    if finding.locator.title:
        locator["title"] = finding.locator.title
    return {
        "kind": finding.kind,
        "themes": list(finding.themes),
        "places": list(finding.places),
        "speaker": finding.speaker,
        "note": finding.note,
        "locator": locator,
    }


def changed_values(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value differs (None: the field is removed)."""
    return {k: after.get(k) for k in FIELDS if _norm(after.get(k)) != _norm(before.get(k))}


def _norm(value: Any) -> Any:
    """Empty text, an empty list and an absent field are all "not given"."""
    if value in ("", [], (), None):
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def locator_text(locator: Mapping[str, str]) -> str:
    """How a locator reads in a citation ("page 7 (3.1 Range of partners)")."""
    if not locator.get("value"):
        return ""
    return str(
        Locator(locator.get("label", "page"), locator["value"], locator.get("title") or None)
    )


def split_places(text: str) -> list[str]:
    """Places typed one after another, separated by commas or semicolons."""
    out: list[str] = []
    for part in text.replace(";", ",").split(","):
        place = " ".join(part.split())
        if place and place not in out:
            out.append(place)
    return out


class PlacesCompleter(QCompleter):
    """Completes the place being typed after the last comma from the places the library names."""

    def __init__(self, places: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(list(places), self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.replace(";", ",").split(",")[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:
        widget = self.widget()
        typed = widget.text() if isinstance(widget, QLineEdit) else ""
        done = typed.replace(";", ",").rsplit(",", 1)[0] if "," in typed or ";" in typed else ""
        chosen = str(index.data())
        return f"{done.strip()}, {chosen}" if done.strip() else chosen


class FindingFields(QWidget):
    """The form of a finding's curated fields (see the module's description)."""

    changed = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._theme_order: list[str] = []  # the finding's themes, in its order
        self.kind = QComboBox()
        for key in KINDS:
            self.kind.addItem(KIND_LABELS.get(key, key), key)
        self.kind.setAccessibleName("Kind")
        self.kind.setToolTip(
            "Quote: words of someone other than the author (an interviewee, a respondent); key "
            "finding: the author's own conclusion; example: a case or practice; recommendation."
        )
        self.themes = QListWidget()
        self.themes.setAccessibleName("Themes")
        self.themes.setToolTip(f"Tick 1 to {MAX_THEMES} themes the finding speaks to")
        for theme in library.themes:
            item = QListWidgetItem(theme.label)
            item.setData(Qt.ItemDataRole.UserRole, theme.id)
            item.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            if theme.description:
                item.setToolTip(theme.description)
            self.themes.addItem(item)
        rows = min(max(len(library.themes), 3), 7)
        self.themes.setMinimumHeight(self.themes.sizeHintForRow(0) * rows + 6)
        self.places = QLineEdit()
        self.places.setAccessibleName("Places")
        self.places.setPlaceholderText("e.g. Scotland, England and Wales (optional)")
        self.places.setToolTip("The places the finding concerns, separated by commas")
        self.places.setCompleter(PlacesCompleter(library.places, self.places))
        self.speaker = QLineEdit()
        self.speaker.setAccessibleName("Speaker")
        self.speaker.setPlaceholderText("Who is speaking, as the source says (optional)")
        self.locator_label = QComboBox()
        for label in LOCATOR_LABELS:
            self.locator_label.addItem(label.capitalize(), label)
        self.locator_label.setAccessibleName("Where: page, section, slide or paragraph")
        self.locator_value = QLineEdit()
        self.locator_value.setAccessibleName("Where: number")
        self.locator_value.setPlaceholderText("e.g. 7 or 3.1")
        self.locator_title = QLineEdit()
        self.locator_title.setAccessibleName("Where: heading")
        self.locator_title.setPlaceholderText("Heading (optional)")
        self.cited = QLabel()
        self.cited.setAccessibleName("Cited as")
        self.cited.setWordWrap(True)
        self.cited.setStyleSheet("color: palette(placeholder-text)")
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("A remark for curators; never exported (optional)")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(self.note.fontMetrics().lineSpacing() * 4 + 12)

        where = QHBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.locator_label)
        where.addWidget(self.locator_value, 1)
        where.addWidget(self.locator_title, 3)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._label("&Kind:", self.kind), self.kind)
        form.addRow(self._label("&Themes:", self.themes), self.themes)
        form.addRow(self._label("&Places:", self.places), self.places)
        form.addRow(self._label("S&peaker:", self.speaker), self.speaker)
        form.addRow(self._label("&Where:", self.locator_label), where)
        form.addRow("", self.cited)
        form.addRow(self._label("N&ote:", self.note), self.note)

        self.kind.currentIndexChanged.connect(self.changed)
        self.themes.itemChanged.connect(self._themes_changed)
        for edit in (self.places, self.speaker, self.locator_value, self.locator_title):
            edit.textChanged.connect(self.changed)
        self.locator_label.currentIndexChanged.connect(self.changed)
        self.note.textChanged.connect(self.changed)
        self.changed.connect(self._update_cited)
        self._update_cited()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # --- values ------------------------------------------------------------------------------

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (the shape of :func:`finding_values`)."""
        self.blockSignals(True)
        try:
            kind = str(values.get("kind") or "quote")
            at = self.kind.findData(kind)
            self.kind.setCurrentIndex(max(0, at))
            self._theme_order = [str(t) for t in values.get("themes") or ()]
            chosen = set(self._theme_order)
            self.themes.blockSignals(True)
            for row in range(self.themes.count()):
                item = self.themes.item(row)
                on = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.themes.blockSignals(False)
            self._limit_themes()
            self.places.setText(", ".join(values.get("places") or ()))
            self.speaker.setText(values.get("speaker") or "")
            self.set_locator(values.get("locator") or {})
            self.note.setPlainText(values.get("note") or "")
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def set_locator(self, locator: Mapping[str, str]) -> None:
        at = self.locator_label.findData(locator.get("label", "page"))
        self.locator_label.setCurrentIndex(max(0, at))
        self.locator_value.setText(str(locator.get("value", "")))
        self.locator_title.setText(str(locator.get("title") or ""))

    def locator(self) -> dict[str, str]:
        out = {
            "label": str(self.locator_label.currentData()),
            "value": self.locator_value.text().strip(),
        }
        title = " ".join(self.locator_title.text().split())
        if title:
            out["title"] = title
        return out

    def chosen_themes(self) -> list[str]:
        """The themes ticked: those the finding had first, in its order, then those added."""
        ticked = [
            str(item.data(Qt.ItemDataRole.UserRole))
            for row in range(self.themes.count())
            if (item := self.themes.item(row)).checkState() == Qt.CheckState.Checked
        ]
        kept = [t for t in self._theme_order if t in ticked]
        return kept + [t for t in ticked if t not in kept]

    def values(self) -> dict[str, Any]:
        """What the form holds, in the shape of :func:`finding_values`."""
        return {
            "kind": str(self.kind.currentData()),
            "themes": self.chosen_themes(),
            "places": split_places(self.places.text()),
            "speaker": " ".join(self.speaker.text().split()) or None,
            "note": self.note.toPlainText().strip() or None,
            "locator": self.locator(),
        }

    def problem(self) -> str:
        """Why the finding cannot be saved as it stands, in words for the officer; "" if it can."""
        n = len(self.chosen_themes())
        if not n:
            return f"Tick at least one theme (up to {MAX_THEMES})."
        if n > MAX_THEMES:
            return f"Tick at most {MAX_THEMES} themes."
        if not self.locator_value.text().strip():
            return "Say where in the source the passage is (a page, section, slide or paragraph)."
        return ""

    # --- behaviour ---------------------------------------------------------------------------

    def _themes_changed(self, _item: QListWidgetItem) -> None:
        self._limit_themes()
        self.changed.emit()

    def _limit_themes(self) -> None:
        """With three themes ticked, the others cannot be ticked (a fourth is never lost)."""
        full = len(self.chosen_themes()) >= MAX_THEMES
        self.themes.blockSignals(True)
        for row in range(self.themes.count()):
            item = self.themes.item(row)
            flags = item.flags()
            if full and item.checkState() != Qt.CheckState.Checked:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            else:
                flags |= Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
        self.themes.blockSignals(False)

    def _update_cited(self) -> None:
        text = locator_text(self.locator())
        self.cited.setText(f"Cited as: {escape(text)}" if text else "")


class EditFindingDialog(QDialog):
    """Edit finding…: the quote as it stands (it is never typed), and its curated fields.

    ``save(changes, expected)`` is called with the fields changed and the values the dialog
    showed; it returns True when the edit was written (the dialog then closes). The dialog can be
    rebased on a new version of the finding, keeping the officer's changes (:meth:`rebase`).
    """

    def __init__(
        self,
        library: Library,
        finding: Finding,
        save: Callable[[dict[str, Any], dict[str, Any]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit finding")
        self.finding = finding
        self._save = save
        self.shown = finding_values(finding)
        self.quote = QLabel()
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setAccessibleName("The finding's words")
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: palette(placeholder-text)")
        self.fields = FindingFields(library)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Why the finding cannot be saved")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.quote)
        layout.addWidget(self.source)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.fields.changed.connect(self._update)
        self._show(library, finding, self.shown)
        self.resize(620, self.sizeHint().height())

    def _show(self, library: Library, finding: Finding, values: Mapping[str, Any]) -> None:
        src = library.source(finding.source)
        self.quote.setText(f"<p style='font-size:large'>“{escape(finding.text)}”</p>")
        self.source.setText(escape(src.title if src else finding.source))
        self.fields.set_values(values)
        self._update()

    def changes(self) -> dict[str, Any]:
        return changed_values(self.shown, self.fields.values())

    def rebase(self, library: Library, finding: Finding, changes: Mapping[str, Any]) -> None:
        """Show the new version of the finding with the officer's ``changes`` applied over it."""
        self.finding = finding
        self.shown = finding_values(finding)
        self.fields.library = library
        self._show(library, finding, {**self.shown, **changes})

    def _update(self) -> None:
        problem = self.fields.problem()
        if not problem and not self.changes():
            problem = "Nothing has been changed yet."
        self.problem.setText(problem)
        self.save_button.setEnabled(not problem)

    def try_save(self) -> None:
        if self.save_button.isEnabled() and self._save(self.changes(), dict(self.shown)):
            self.accept()


class RetireDialog(QDialog):
    """Retire finding…: why (optional); the finding leaves the list but not its file."""

    def __init__(self, finding: Finding, briefings_note: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Retire finding")
        words = " ".join(finding.text.split()[:25]) + (
            "…" if len(finding.text.split()) > 25 else ""
        )
        self.intro = intro = QLabel(
            f"<p>“{escape(words)}”</p>"
            "<p>A retired finding is no longer offered in the list, and its number is never "
            "used again. It stays in the library's file, marked as retired. "
            f"{escape(briefings_note)}</p>"
        )
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for retiring")
        self.reason.setPlaceholderText("e.g. superseded by the 2024 report (optional)")
        form = QFormLayout()
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        form.addRow(label, self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.retire_button = buttons.addButton("Retire", QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        tab_in_reading_order(buttons)
        self.resize(520, self.sizeHint().height())

    def reason_text(self) -> str | None:
        return " ".join(self.reason.text().split()) or None
