"""File → New library…: a folder chosen, the title and starter themes edited, the library created
and opened in the window; a folder with files in it refused with the reason, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from PySide6.QtWidgets import QApplication, QDialog, QTableWidgetItem
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.curation.new_library import STARTER_THEMES
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.new_library_dialog import DESCRIPTION, ID, LABEL, NewLibraryDialog
from tests.curation.documents import make_pdf

from .conftest import Dialogs
from .helpers import wait_for_library

SHOTS = Path(os.environ["ADD_SOURCE_SHOTS"]) if os.environ.get("ADD_SOURCE_SHOTS") else None


def shot(widget: QDialog, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(exist_ok=True)
        QApplication.processEvents()
        widget.grab().save(str(SHOTS / f"{name}.png"))


def open_dialog(window: MainWindow) -> NewLibraryDialog:
    window.sources.act_new_library.trigger()
    dialog = window.sources.new_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_create_a_library_with_edited_themes_and_open_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    dialog = open_dialog(window)
    assert dialog.theme_rows() == list(STARTER_THEMES)
    assert not dialog.create_button.isEnabled()  # no folder yet
    folder = tmp_path / "Housing evidence"
    folder.mkdir()
    dialogs.choose_file(folder)
    dialog.choose_folder()
    assert dialog.title_edit.text() == "Housing evidence"  # from the folder, until typed
    dialog.title_edit.clear()
    qtbot.keyClicks(dialog.title_edit, "Housing and homelessness")
    # Reword one theme, remove one, add one (its id made from its label).
    dialog.themes.item(0, LABEL).setText("Outcomes for residents")
    dialog.themes.selectRow(5)
    dialog.remove_theme()
    dialog.add_theme()
    row = dialog.themes.rowCount() - 1
    dialog.themes.item(row, LABEL).setText("Temporary accommodation")
    dialog.themes.item(row, DESCRIPTION).setText("Hostels, B&Bs and private rented stays.")
    assert dialog.themes.item(row, ID).text() == "temporary-accommodation"
    shot(dialog, "6-new-library")
    assert dialog.create_button.isEnabled()
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    wait_for_library(qtbot, window)

    data = yaml.safe_load((folder / "library.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "Housing and homelessness"
    ids = [t["id"] for t in data["themes"]]
    assert ids == [t[0] for t in STARTER_THEMES[:5]] + ["temporary-accommodation"]
    assert data["themes"][0]["label"] == "Outcomes for residents"
    assert not load_library(folder).errors
    # The window now works on it: empty, with its themes in the filter panel.
    assert window.opened.library.root == folder.resolve()
    assert window.opened.library.title == "Housing and homelessness"
    assert window.model.rowCount() == 0
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Created the library “Housing and homelessness”")
    )
    assert dialogs.titles("warning") == []  # an empty new library is not refused


def test_a_folder_with_files_is_refused(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.docx").write_bytes(b"mine")
    dialog = open_dialog(window)
    dialog.folder_edit.setText(str(folder))
    assert "is not empty" in dialog.folder_reason.text()
    assert not dialog.create_button.isEnabled()
    # A theme id typed wrongly is named, too.
    dialog.folder_edit.setText(str(tmp_path / "new"))
    dialog.themes.setItem(0, ID, QTableWidgetItem("Bad Id"))
    assert "'Bad Id' cannot be a theme id" in dialog.themes_reason.text()
    assert not dialog.create_button.isEnabled()
    dialog.reject()
    assert [p.name for p in folder.iterdir()] == ["draft.docx"]
    assert not (tmp_path / "new").exists()


def test_first_source_into_a_new_library(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    dialog = open_dialog(window)
    dialog.folder_edit.setText(str(tmp_path / "reviews"))
    dialog.create_button.click()
    wait_for_library(qtbot, window)
    root = window.opened.library.root
    assert root == (tmp_path / "reviews").resolve()
    assert window.sources.act_add_source.isEnabled()
    add = window.sources.add_source()
    assert add is not None and add.root == root
    add.set_document(make_pdf(tmp_path / "review.pdf"))
    qtbot.waitUntil(lambda: not add.reading, timeout=60000)
    add.form.authors.add_row("Home Office")
    assert add.id_edit.text() == "home-office-nd"  # no date printed: none invented
    with qtbot.waitSignal(add.finished, timeout=60000):
        add.add_button.click()
    wait_for_library(qtbot, window)
    lib = load_library(root)
    assert lib.errors == [] and [s.id for s in lib.sources] == ["home-office-nd"]
    assert "issued" not in lib.sources[0].csl
    assert window.opened.library.source("home-office-nd") is not None
