"""The curation dialogs as a keyboard user meets them: each opens within a 1366×768 screen, Tab
goes through the buttons in the order they are shown, the Add source dialog's id lines up with the reference's fields, and the Themes
dialog speaks of themes by name, not by the id the findings files use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.gui.add_source_dialog import AddSourceDialog
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.themes_dialog import ThemesDialog

from .curating import library_copy, read_source, window_on
from .helpers import settle

SCREEN = (1366, 768)  # a common laptop screen


def focus_chain(dialog: QDialog) -> list[QWidget]:
    """The widgets Tab reaches in ``dialog``, in order (disabled ones included: where they
    will be once enabled)."""
    out: list[QWidget] = []
    widget = dialog.nextInFocusChain()
    while widget is not dialog and len(out) < 500:
        policy = widget.focusPolicy()
        if widget.isVisibleTo(dialog) and policy & Qt.FocusPolicy.TabFocus:
            out.append(widget)
        widget = widget.nextInFocusChain()
    return out


def new_library(window: MainWindow) -> QDialog:
    return window.sources.new_library()


def add_source(window: MainWindow) -> QDialog:
    dialog = window.sources.add_source()
    assert dialog is not None
    return dialog


def new_finding(window: MainWindow) -> QDialog:
    reader = window.reader
    start = reader.source_text.index("partnership")
    reader.select_range(start, start + 120)
    dialog = window.curation.new_finding()
    assert dialog is not None
    return dialog


def edit_finding(window: MainWindow) -> QDialog:
    window.list.setCurrentIndex(window.model.index(0))
    dialog = window.curation.edit_finding()
    assert dialog is not None
    return dialog


def edit_source(window: MainWindow) -> QDialog:
    dialog = window.curation.edit_source("copacc-2015")
    assert dialog is not None
    return dialog


def themes(window: MainWindow) -> QDialog:
    dialog = window.curation.themes()
    assert dialog is not None
    return dialog


def retire(window: MainWindow) -> QDialog:
    window.list.setCurrentIndex(window.model.index(0))
    dialog = window.curation.retire_finding()
    assert dialog is not None
    return dialog


DIALOGS: dict[str, Callable[[MainWindow], QDialog]] = {
    "New library": new_library,
    "Add source document": add_source,
    "New finding": new_finding,
    "Edit finding": edit_finding,
    "Edit source reference": edit_source,
    "Themes": themes,
    "Retire finding": retire,
}


@pytest.mark.parametrize("opener", DIALOGS.values(), ids=DIALOGS.keys())
def test_tab_reaches_the_buttons_in_the_order_they_are_shown(
    qtbot: QtBot, tmp_path: Path, opener: Callable[[MainWindow], QDialog]
) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    read_source(qtbot, window, "copacc-2015")
    dialog = opener(window)
    qtbot.waitExposed(dialog)
    settle(qtbot)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    buttons = [b for b in box.findChildren(QPushButton) if b.isVisibleTo(dialog)]
    assert buttons
    chain = focus_chain(dialog)
    reached = [b for b in chain if b in buttons]
    assert reached == sorted(buttons, key=lambda b: b.mapTo(dialog, b.rect().topLeft()).x()), [
        b.text() for b in reached
    ]
    # And the buttons come after every field: Tab from the last field goes to them.
    assert chain[-len(reached) :] == reached
    # It opens within a 1366×768 screen, less a title bar and a task bar.
    assert dialog.width() <= SCREEN[0] and dialog.height() <= SCREEN[1] - 70, dialog.size()
    dialog.reject()
    QApplication.processEvents()


def test_the_source_id_lines_up_with_the_reference_fields(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AddSourceDialog(library_copy(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    def left(widget: QWidget) -> int:
        return widget.mapTo(dialog, widget.rect().topLeft()).x()

    title = dialog.form.fields["title"]
    assert left(dialog.id_edit) == left(title)
    assert dialog.id_edit.width() >= title.width() // 3


def test_the_themes_dialog_names_no_theme_id(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    dialog = window.curation.themes()
    assert isinstance(dialog, ThemesDialog)
    for row in range(dialog.list.count()):
        dialog.list.setCurrentRow(row)
        theme_id = dialog.current_id()
        assert theme_id and f"“{theme_id}”" not in dialog.filed.text()
        assert dialog.filed.text() == "Renaming the theme keeps every finding filed under it."
    dialog.reject()
