"""New finding…: a passage selected in the source reader, made a finding of the library.

The passage is never typed: it is the words of the selection, shown exactly as they will be
stored. Words are left out by selecting the next part in the reader and pressing "Add another
part" (the dialog is not modal, so the reader stays in use); the parts are joined with " … ".
Where the passage is (printed page label, section and heading) and who speaks are proposed from
the text around the selection by the curation core, and can be corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.model import Library, Source
from ..curation.findings import (
    Located,
    derive_locator,
    locate_passage,
    passage_from_ranges,
    propose_speaker,
)
from .finding_editor import FindingFields

Range = tuple[int, int]
PART_WORDS = 6  # words of a part shown in the list of parts


def _excerpt(text: str, n: int = PART_WORDS) -> str:
    words = text.split()
    if len(words) <= 2 * n:
        return " ".join(words)
    return " ".join(words[:n]) + " … " + " ".join(words[-n:])


class NewFindingDialog(QDialog):
    """See the module's description. ``take_selection`` gives the reader's current selection
    (a range of the source's text, or None); ``save(finding)`` writes the finding (the mapping
    the curation core's ``add_finding`` takes) and returns True when it was written."""

    def __init__(
        self,
        library: Library,
        source: Source,
        source_text: str,
        first: Range,
        take_selection: Callable[[], Range | None],
        save: Callable[[dict[str, Any]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New finding")
        self.setModal(False)
        self.library = library
        self.source = source
        self.text = source_text
        self.ranges: list[Range] = [first]
        self._take_selection = take_selection
        self._save = save
        self.located: Located | None = None
        self.occurrences = 0  # how often the passage stands in the source
        self._proposed: dict[str, Any] = {}  # the locator and speaker last proposed

        self.from_label = QLabel(f"From <b>{escape(source.title or source.short)}</b>")
        self.from_label.setWordWrap(True)
        self.passage = QTextBrowser()
        self.passage.setAccessibleName("The finding's words, as they will be stored")
        self.passage.setToolTip(
            "The words of your selection, exactly as they will be stored. To leave words out, "
            "select the next part in the source and press Add another part."
        )
        self.passage.setMinimumHeight(70)
        self.parts = QListWidget()
        self.parts.setAccessibleName("Parts of the passage")
        self.parts.setMaximumHeight(80)
        self.parts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.parts.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.add_part_button = QPushButton("&Add another part")
        self.add_part_button.setToolTip(
            "Select more words in the source reader, then press this: the words between the "
            "parts are left out, marked …"
        )
        self.remove_part_button = QPushButton("&Remove part")
        self.remove_part_button.setToolTip("Take the part chosen in the list out of the passage")
        self.fields = FindingFields(library)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Why the finding cannot be saved")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save finding")

        passage_label = QLabel("&Passage:")
        passage_label.setBuddy(self.passage)
        self.parts_hint = QLabel(
            "To leave words out, select the next part in the source, then Add another part."
        )
        self.parts_hint.setWordWrap(True)
        self.parts_hint.setStyleSheet("color: palette(placeholder-text)")
        parts_row = QHBoxLayout()
        parts_row.addWidget(self.parts_hint, 1)
        parts_row.addWidget(self.add_part_button)
        parts_row.addWidget(self.remove_part_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.from_label)
        layout.addWidget(passage_label)
        layout.addWidget(self.passage, 1)
        layout.addWidget(self.parts)
        layout.addLayout(parts_row)
        layout.addWidget(self.fields)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.add_part_button.clicked.connect(self.add_part)
        self.remove_part_button.clicked.connect(self.remove_part)
        self.parts.currentRowChanged.connect(lambda _r: self._update())
        self.fields.changed.connect(self._update)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self._passage_changed()
        self.resize(640, 680)  # with its title bar, within a 768-high screen

    # --- the passage -------------------------------------------------------------------------

    def passage_text(self) -> str:
        """The finding's words as they will be stored."""
        return passage_from_ranges(self.text, self.ranges)

    def add_part(self) -> bool:
        """The reader's current selection as one more part (not one overlapping another)."""
        chosen = self._take_selection()
        if chosen is None:
            self.problem.setText(
                f"Select the next part in “{self.source.short or self.source.title}” in the "
                "source reader first, then Add another part."
            )
            return False
        if any(chosen[0] < e and s < chosen[1] for s, e in self.ranges):
            self.problem.setText("That selection overlaps a part already in the passage.")
            return False
        self.ranges = sorted([*self.ranges, chosen])
        self._passage_changed()
        return True

    def remove_part(self) -> None:
        row = self.parts.currentRow()
        if 0 <= row < len(self.ranges) and len(self.ranges) > 1:
            del self.ranges[row]
            self._passage_changed()

    def _passage_changed(self) -> None:
        self.ranges.sort()
        passage = self.passage_text()
        self.passage.setHtml(f"<p style='font-size:large'>“{escape(passage)}”</p>")
        self.parts.clear()
        for n, (s, e) in enumerate(self.ranges, 1):
            item = QListWidgetItem(f"Part {n}: “{_excerpt(self.text[s:e])}”")
            item.setToolTip(" ".join(self.text[s:e].split()))
            self.parts.addItem(item)
        self.parts.setVisible(len(self.ranges) > 1)
        self.remove_part_button.setVisible(len(self.ranges) > 1)
        found = locate_passage(self.text, passage, page_labels=self.source.page_labels)
        self.occurrences = len(found)
        self.located = self._this_occurrence(found)
        self._propose()
        self._update()

    def _this_occurrence(self, found: list[Located]) -> Located | None:
        """The occurrence the officer selected: the one starting where the selection starts."""
        start = self.ranges[0][0]
        if not found:
            return None
        return min(found, key=lambda loc: abs(loc.start - start))

    def occurrence(self) -> int | None:
        """Which occurrence of the passage was selected (from 1), when it stands more than once."""
        if self.occurrences < 2 or self.located is None:
            return None
        found = locate_passage(self.text, self.passage_text(), page_labels=self.source.page_labels)
        return next((n for n, loc in enumerate(found, 1) if loc == self.located), None)

    def _propose(self) -> None:
        """Where the passage is and who speaks, proposed afresh unless the officer changed them."""
        fields = self.fields
        if self.located is not None:
            locator = derive_locator(self.source, self.text, self.located)
            if not self._proposed or fields.locator() == self._proposed.get("locator"):
                fields.set_locator(locator)
            self._proposed["locator"] = locator
        speaker = propose_speaker(self.text, self.ranges[0][0], self.ranges[-1][1]) or ""
        if fields.speaker.text() == self._proposed.get("speaker", ""):
            fields.speaker.setText(speaker)
        self._proposed["speaker"] = speaker

    # --- saving ------------------------------------------------------------------------------

    def finding(self) -> dict[str, Any]:
        """The new finding, as the curation core's ``add_finding`` takes it."""
        values = self.fields.values()
        out: dict[str, Any] = {
            "source": self.source.id,
            "kind": values["kind"],
            "text": self.passage_text(),
            "locator": values["locator"],
            "themes": values["themes"],
        }
        for key in ("places", "speaker", "note"):
            if values[key]:
                out[key] = values[key]
        occurrence = self.occurrence()
        if occurrence is not None:
            out["occurrence"] = occurrence
        return out

    def _update(self) -> None:
        self.remove_part_button.setEnabled(len(self.ranges) > 1 and self.parts.currentRow() >= 0)
        problem = ""
        if not self.passage_text():
            problem = "The selection has no words in it."
        elif self.located is None:
            problem = "The selection cannot be found word for word in the source's text."
        else:
            problem = self.fields.problem()
        self.problem.setText(problem)
        self.save_button.setEnabled(not problem)

    def show_error(self, message: str) -> None:
        """A refusal from the library, shown in the dialog: nothing typed is lost."""
        self.problem.setText(message)

    def try_save(self) -> None:
        if self.save_button.isEnabled() and self._save(self.finding()):
            self.accept()
