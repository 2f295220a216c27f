"""Edit finding… and Retire finding…: the curated fields changed through the curation core,
a colleague's change on disk caught and the officer's edit re-applied to it, a retired finding
flagged in the briefing that cites it, and Library → Undo restoring the files byte for byte."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.curation.findings import edit_finding, retire_finding
from briefing_builder.gui.finding_editor import EditFindingDialog, RetireDialog
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import FlagRole

from .conftest import Dialogs
from .curating import files_of, library_copy, window_on
from .helpers import list_ids, settle, wait_for_writes

Button = QMessageBox.StandardButton
FID = "copacc-2015-006"
FILE = "findings/copacc-2015.yaml"


def choose(window: MainWindow, fid: str) -> None:
    window.list.setCurrentIndex(window.model.index(list_ids(window).index(fid)))


def open_editor(qtbot: QtBot, window: MainWindow, fid: str = FID) -> EditFindingDialog:
    choose(window, fid)
    window.list.setFocus()
    QTest.keyClick(window.list, Qt.Key.Key_F2)  # as the officer opens it from the list
    dialog = window.curation.dialog
    assert isinstance(dialog, EditFindingDialog) and dialog.isVisible()
    return dialog


def test_an_edit_is_written_and_the_view_is_kept(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    window.filters.set_filter(window.filters.current.with_values("sources", {"copacc-2015"}))
    before = files_of(root)
    dialog = open_editor(qtbot, window)
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    dialog.fields.speaker.setText("Police and Crime Commissioner")
    dialog.fields.places.setText("England and Wales, Scotland")
    dialog.try_save()
    settle(qtbot)
    finding = window.opened.library.finding(FID)
    assert finding is not None
    assert finding.speaker == "Police and Crime Commissioner"
    assert finding.places == ("England and Wales", "Scotland")
    assert load_library(root).finding(FID) == finding
    # Only the one file changed; the filter and the finding chosen are as they were.
    after = files_of(root)
    assert [k for k in after if after[k] != before[k]] == [FILE]
    assert window.filters.current.values("sources") == {"copacc-2015"}
    assert window.detail.finding is not None and window.detail.finding.id == FID
    assert "Police and Crime Commissioner" in window.detail.browser.toPlainText()
    # Library → Undo and Redo, to the byte; the briefing is untouched.
    assert window.curation.act_undo.text().startswith("&Undo edit of “Partnerships tend")
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert window.opened.library.finding(FID).speaker is None  # type: ignore[union-attr]
    window.curation.act_redo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == after
    assert window.doc.undo_stack.count() == 0


def test_a_colleagues_change_is_caught_and_the_edit_reapplied(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(qtbot, window)
    dialog.fields.speaker.setText("Police and Crime Commissioner")
    # Meanwhile another curator, on the shared drive, changes the same finding's speaker.
    edit_finding(root, FID, {"speaker": "A colleague's speaker", "note": "Checked by AB"})
    theirs = (root / FILE).read_bytes()
    dialogs.answer(Button.Yes)
    dialog.try_save()
    settle(qtbot)
    assert dialogs.titles("question") == ["Changed by someone else"]
    assert (root / FILE).read_bytes() == theirs  # nothing overwritten
    # The dialog stays open on their version, with the officer's change applied over it.
    assert dialog.isVisible()
    assert dialog.shown["speaker"] == "A colleague's speaker"
    assert dialog.fields.speaker.text() == "Police and Crime Commissioner"
    assert dialog.fields.note.toPlainText() == "Checked by AB"
    dialog.try_save()
    settle(qtbot)
    finding = load_library(root).finding(FID)
    assert finding is not None
    assert finding.speaker == "Police and Crime Commissioner"
    assert finding.note == "Checked by AB"  # their other change is kept


def test_declining_to_reapply_keeps_the_colleagues_version(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(qtbot, window)
    dialog.fields.note.setPlainText("Mine")
    edit_finding(root, FID, {"note": "Theirs"})
    theirs = (root / FILE).read_bytes()
    dialogs.answer(Button.No)
    dialog.try_save()
    settle(qtbot)
    assert (root / FILE).read_bytes() == theirs
    assert window.curation.dialog is None or not window.curation.dialog.isVisible()
    assert window.opened.library.finding(FID).note == "Theirs"  # type: ignore[union-attr]
    assert window.curation.stack.count() == 0


def test_a_retired_finding_leaves_the_list_and_is_flagged_in_the_briefing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    choose(window, FID)
    window.add_selected_findings()
    assert window.doc.briefing.finding_ids() == [FID]
    modified = window.doc.modified
    window.curation.act_retire_finding.trigger()
    dialog = window.curation.dialog
    assert isinstance(dialog, RetireDialog)
    assert "It is in this briefing" in dialog.intro.text()
    dialog.reason.setText("Superseded by the 2024 thematic")
    dialog.accept()
    settle(qtbot)
    assert FID not in list_ids(window)
    lib = load_library(root)
    assert lib.finding(FID) is None and FID in lib.retired_ids
    text = (root / FILE).read_text(encoding="utf-8")
    assert "retired-reason: Superseded by the 2024 thematic" in text
    # The briefing keeps its copy of the quote and says the finding was retired.
    model = window.briefing_panel.model
    (item,) = list(window.doc.briefing.evidence_items())
    assert model.flag_text(item) == (
        "retired from the library; the saved copy of the quote is used"
    )
    index = model.index_of_id(item.node_id)
    assert "retired" in str(index.data(FlagRole))
    assert window.doc.modified == modified  # the briefing itself did not change
    # Library → Undo brings it back, to the byte.
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert FID in list_ids(window)
    assert model.flag_text(item) == ""


def test_a_finding_retired_by_a_colleague_meanwhile_is_said_so(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(qtbot, window)
    dialog.fields.note.setPlainText("Mine")
    retire_finding(root, FID, "Duplicate")
    theirs = files_of(root)
    dialogs.answer(Button.Ok)
    dialog.try_save()
    settle(qtbot)
    assert dialogs.titles() == ["Finding no longer in the library"]
    assert files_of(root) == theirs
    assert FID not in list_ids(window)
    assert window.curation.dialog is None


def test_an_edit_keeps_the_list_where_it_was_scrolled(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    choose(window, FID)
    bar = window.list.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    where = bar.value()
    assert where > 0
    dialog = open_editor(qtbot, window)
    dialog.fields.note.setPlainText("Checked against the printed report")
    dialog.try_save()
    settle(qtbot)
    assert bar.value() == where
    assert window.detail.finding is not None and window.detail.finding.id == FID
