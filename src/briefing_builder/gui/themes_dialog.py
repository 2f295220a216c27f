"""Library → Themes…: add a theme, rename one, describe it.

A theme's label is what the officer reads everywhere; its id, written in the findings files,
never changes, so renaming a theme leaves every finding filed under it. Each change is written
at once (an undoable step of the library's history) so that nothing typed waits on a Close.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.model import Library

AddTheme = Callable[[str, str], "str | None"]  # (label, description) -> the new id, or None
EditTheme = Callable[[str, str, str], bool]  # (id, label, description) -> written


class ThemesDialog(QDialog):
    """The library's themes on the left; the chosen one's label and description on the right."""

    def __init__(
        self,
        library: Library,
        add: AddTheme,
        edit: EditTheme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Themes")
        self.library = library
        self._add = add
        self._edit = edit
        self.adding = False  # the form is for a new theme
        self.list = QListWidget()
        self.list.setAccessibleName("Themes")
        self.new_button = QPushButton("&New theme")
        self.new_button.setToolTip("Add a theme to the library")
        self.label = QLineEdit()
        self.label.setAccessibleName("Theme name")
        self.label.setPlaceholderText("e.g. Culture, trust and relationships")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Theme description")
        self.description.setPlaceholderText(
            "What findings under this theme are about (shown as a tip in the filters)"
        )
        self.description.setTabChangesFocus(True)
        self.filed = QLabel()
        self.filed.setWordWrap(True)
        self.filed.setStyleSheet("color: palette(placeholder-text)")
        self.save_button = QPushButton("&Save theme")
        self.save_button.setDefault(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Why the theme cannot be saved")

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        form = QFormLayout()
        name_label = QLabel("&Name:")
        name_label.setBuddy(self.label)
        description_label = QLabel("&Description:")
        description_label.setBuddy(self.description)
        form.addRow(name_label, self.label)
        form.addRow(description_label, self.description)
        form.addRow("", self.filed)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addWidget(self.problem)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)

        close.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._chosen)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.label.textChanged.connect(self._update)
        self.description.textChanged.connect(self._update)
        self.set_library(library)
        self.resize(720, 420)

    def set_library(self, library: Library, choose: str | None = None) -> None:
        """Show the library's themes (after a change), keeping the one chosen."""
        keep = choose or self.current_id()
        self.library = library
        self.adding = False
        self.list.blockSignals(True)
        self.list.clear()
        for theme in library.themes:
            item = QListWidgetItem(theme.label)
            item.setData(Qt.ItemDataRole.UserRole, theme.id)
            if theme.description:
                item.setToolTip(theme.description)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [t.id for t in library.themes]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else 0 if ids else -1)
        self._chosen(self.list.currentRow())

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _chosen(self, row: int) -> None:
        if row < 0:
            self.start_new()
            return
        self.adding = False
        theme = self.library.themes[row]
        self.label.setText(theme.label)
        self.description.setPlainText(theme.description)
        self.filed.setText("Renaming the theme keeps every finding filed under it.")
        self.save_button.setText("&Save theme")
        self._update()

    def start_new(self) -> None:
        self.adding = True
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self.label.clear()
        self.description.clear()
        self.filed.setText("A new theme: give it a name findings can be filed under.")
        self.save_button.setText("&Add theme")
        self.label.setFocus()
        self._update()

    def _values(self) -> tuple[str, str]:
        return " ".join(self.label.text().split()), self.description.toPlainText().strip()

    def _update(self) -> None:
        label, description = self._values()
        problem = ""
        others = [
            t for t in self.library.themes if t.id != (None if self.adding else self.current_id())
        ]
        if not label:
            problem = "Give the theme a name."
        elif any(t.label.casefold() == label.casefold() for t in others):
            problem = "Another theme has this name."
        elif not self.adding:
            theme = self.library.theme(self.current_id() or "")
            if theme is not None and (theme.label, theme.description) == (label, description):
                problem = " "  # nothing changed: nothing to say either
        self.problem.setText(problem.strip())
        self.save_button.setEnabled(not problem)

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        label, description = self._values()
        if self.adding:
            tid = self._add(label, description)
            if tid is not None:
                self.set_library(self.library, choose=tid)
        else:
            tid = self.current_id()
            if tid is not None:
                self._edit(tid, label, description)
