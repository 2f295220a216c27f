"""The library's undo history: apart from the briefing's, named for what it would undo, cleared
when another library is opened, and given up — saying so, writing nothing — when the files have
changed under it since."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.curation.findings import edit_finding

from ..conftest import write_library
from .conftest import Dialogs
from .curating import files_of, library_copy, read_source, select_words, tick_themes, window_on
from .helpers import list_ids, settle, switch_library, wait_for_writes

Button = QMessageBox.StandardButton
PASSAGE = "All four case study police forces work with a wide range of different partners."


def add_one(qtbot: QtBot, window) -> str:  # type: ignore[no-untyped-def]
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    window.curation.act_new_finding.trigger()
    dialog = window.curation.new_finding_dialog
    tick_themes(dialog, "forms-of-partnership")
    dialog.try_save()
    settle(qtbot)
    return str(window.detail.finding.id)


def test_undo_is_given_up_when_the_file_changed_since(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    fid = add_one(qtbot, window)
    # A colleague edits the new finding on the shared drive: undoing the add would lose it.
    edit_finding(root, fid, {"note": "Checked by AB"})
    theirs = files_of(root)
    dialogs.answer(Button.Ok)
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert dialogs.titles("warning") == ["Cannot undo"]
    assert "undo history has been cleared" in dialogs.calls[-1][2]
    assert files_of(root) == theirs  # nothing written
    assert fid in list_ids(window)
    assert window.curation.stack.count() == 0
    assert not window.curation.act_undo.isEnabled()


def test_another_library_starts_its_own_history(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    add_one(qtbot, window)
    assert window.curation.act_undo.isEnabled()
    switch_library(qtbot, window, write_library(tmp_path / "other"))
    assert window.curation.stack.count() == 0
    assert not window.curation.act_undo.isEnabled()


def test_read_a_source_lists_the_sources_and_opens_one(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    menu = window.curation.read_menu
    menu.aboutToShow.emit()
    names = [a.text() for a in menu.actions()]
    assert len(names) == len(window.opened.library.sources)
    act = next(a for a in menu.actions() if a.text().startswith("NPIA 2009"))
    act.trigger()
    settle(qtbot)
    assert window.reader.isVisible()
    assert window.reader.source_id == "npia-2009"
    assert window.reader.finding is None
