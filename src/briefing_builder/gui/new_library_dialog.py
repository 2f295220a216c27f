"""File → New library…: a folder, a title and a starter list of themes, made into an empty
library by the core's :func:`~briefing_builder.curation.new_library.new_library`.

The themes start as six that suit most public-policy evidence; the officer rewords, removes or
adds to them here (and can change labels later, since findings name themes by id). A theme's id
is made from its label unless the officer types one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..curation.new_library import (
    STARTER_THEMES,
    NewLibraryError,
    folder_problem,
    new_library,
    theme_problems,
)
from ..curation.reference import slug
from .dialog_buttons import tab_in_reading_order

ERROR_STYLE = "color: #b00020"
ID, LABEL, DESCRIPTION = range(3)


class NewLibraryDialog(QDialog):
    """Ask for the folder, title and themes; :attr:`created` is the new library's folder."""

    def __init__(self, start: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New library")
        self.setModal(True)
        self.created: Path | None = None
        self._start = start or Path.home()
        self._title_typed = False

        intro = QLabel(
            "A library is a folder of evidence: its source documents' texts, their references "
            "and the findings quoted from them. Start it in a new or empty folder (a shared drive "
            "lets colleagues use it too)."
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName("Library folder")
        self.folder_edit.setPlaceholderText("A new folder, or an empty one")
        self.folder_edit.textChanged.connect(self._folder_changed)
        choose = QPushButton("&Choose…")
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        self.folder_reason = QLabel()
        self.folder_reason.setWordWrap(True)
        self.folder_reason.setStyleSheet(ERROR_STYLE)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Library title")
        self.title_edit.setPlaceholderText("e.g. Police partnership working")
        self.title_edit.textEdited.connect(self._title_edited)
        self.title_edit.textChanged.connect(self._update)

        form = QFormLayout()
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.folder_reason)
        title_label = QLabel("&Title:")
        title_label.setBuddy(self.title_edit)
        form.addRow(title_label, self.title_edit)

        self.themes = QTableWidget(0, 3)
        self.themes.setHorizontalHeaderLabels(["Id", "Label", "Description"])
        header = self.themes.horizontalHeader()
        header.setSectionResizeMode(ID, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.themes.setColumnWidth(LABEL, 220)
        self.themes.verticalHeader().hide()
        self.themes.setWordWrap(True)
        self.themes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.themes.setAccessibleName("Themes")
        self.themes.setToolTip(
            "Findings are tagged with these themes. Edit a cell to reword it; the id is how "
            "findings name the theme (a-z, 0-9 and '-'), made from the label if left empty."
        )
        for theme in STARTER_THEMES:
            self._add_row(*theme)
        self.themes.itemChanged.connect(self._theme_changed)
        add = QPushButton("&Add theme")
        add.clicked.connect(self.add_theme)
        remove = QPushButton("&Remove theme")
        remove.clicked.connect(self.remove_theme)
        theme_buttons = QHBoxLayout()
        theme_buttons.addWidget(add)
        theme_buttons.addWidget(remove)
        theme_buttons.addStretch(1)
        themes_label = QLabel(
            "T&hemes to start with (a suggestion: reword, remove or add to them; you can add more "
            "later):"
        )
        themes_label.setWordWrap(True)
        themes_label.setBuddy(self.themes)
        self.themes_reason = QLabel()
        self.themes_reason.setWordWrap(True)
        self.themes_reason.setStyleSheet(ERROR_STYLE)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(
            "Create &library", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.create_library)
        self.buttons.rejected.connect(self.reject)
        tab_in_reading_order(self.buttons)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(themes_label)
        lay.addWidget(self.themes, 1)
        lay.addLayout(theme_buttons)
        lay.addWidget(self.themes_reason)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(860, 560)
        self._update()

    # --- the folder and title ------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose an empty folder for the new library", str(self._start)
        )
        if folder:
            self.folder_edit.setText(folder)

    def _folder_changed(self, text: str) -> None:
        if not self._title_typed and text.strip():
            self.title_edit.setText(Path(text.strip()).name)
        self._update()

    def _title_edited(self, text: str) -> None:
        self._title_typed = bool(text.strip())

    def folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text).expanduser() if text else None

    # --- themes --------------------------------------------------------------------------------

    def _add_row(self, tid: str = "", label: str = "", description: str = "") -> int:
        row = self.themes.rowCount()
        self.themes.insertRow(row)
        for col, text in ((ID, tid), (LABEL, label), (DESCRIPTION, description)):
            self.themes.setItem(row, col, QTableWidgetItem(text))
        return row

    def add_theme(self) -> None:
        self.themes.blockSignals(True)
        row = self._add_row()
        self.themes.blockSignals(False)
        self.themes.setCurrentCell(row, LABEL)
        self.themes.editItem(self.themes.item(row, LABEL))  # type: ignore[arg-type]
        self._update()

    def remove_theme(self) -> None:
        rows = sorted({i.row() for i in self.themes.selectedIndexes()}, reverse=True)
        for row in rows or ([self.themes.currentRow()] if self.themes.currentRow() >= 0 else []):
            self.themes.removeRow(row)
        self._update()

    def _theme_changed(self, item: QTableWidgetItem) -> None:
        # A new label with no id yet gets one made from it.
        if item.column() == LABEL:
            id_item = self.themes.item(item.row(), ID)
            if id_item is not None and not id_item.text().strip():
                id_item.setText(slug(item.text(), words=4))
        self._update()

    def theme_rows(self) -> list[tuple[str, str, str]]:
        """The themes as typed (rows left wholly empty are skipped)."""
        out = []
        for row in range(self.themes.rowCount()):
            cells = [self.themes.item(row, c) for c in (ID, LABEL, DESCRIPTION)]
            values = tuple(" ".join(c.text().split()) if c is not None else "" for c in cells)
            if any(values):
                out.append((values[0], values[1], values[2]))
        return out

    # --- creating ------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        out = []
        folder = self.folder()
        if folder is None:
            out.append("choose a folder")
        if not self.title_edit.text().strip():
            out.append("give the library a title")
        return out

    def _update(self) -> None:
        folder = self.folder()
        why = folder_problem(folder) if folder is not None else None
        self.folder_reason.setText(why[0].upper() + why[1:] + "." if why else "")
        self.folder_reason.setVisible(bool(why))
        theme_why = theme_problems(self.theme_rows())
        self.themes_reason.setText("; ".join(p[0].upper() + p[1:] for p in theme_why))
        self.themes_reason.setVisible(bool(theme_why))
        self.create_button.setEnabled(not (self.problems() or why or theme_why))

    def create_library(self) -> None:
        folder = self.folder()
        if folder is None or not self.create_button.isEnabled():
            return
        try:
            self.created = new_library(folder, self.title_edit.text(), self.theme_rows())
        except NewLibraryError as exc:
            self.message.setText(exc.message + "".join(f"\n• {p}" for p in exc.problems[:6]))
            return
        self.accept()
