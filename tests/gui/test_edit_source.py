"""Edit source reference…: the reference form filled in from sources.yaml, the id shown fixed,
the change written in the background and shown at once in the detail pane's citation, and
Library → Undo putting sources.yaml back byte for byte; greyed out, saying why, in a read-only
library; a colleague's change meanwhile, or a value the library check refuses, never written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.curation.source_edit import edit_source, source_entry
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.source_editor import EditSourceDialog

from .conftest import Dialogs
from .curating import files_of, library_copy, read_source, window_on
from .helpers import list_ids, settle, wait_for_writes

Button = QMessageBox.StandardButton
FID = "copacc-2015-006"
SID = "copacc-2015"


def choose(window: MainWindow, fid: str = FID) -> None:
    window.list.setCurrentIndex(window.model.index(list_ids(window).index(fid)))


def open_editor(window: MainWindow) -> EditSourceDialog:
    choose(window)
    action = window.curation.act_edit_source
    assert action.isEnabled(), action.toolTip()
    assert "“PCCs and Partnership”" in action.toolTip()
    action.trigger()
    dialog = window.curation.dialog
    assert isinstance(dialog, EditSourceDialog) and dialog.isVisible()
    return dialog


def test_the_title_is_corrected_cited_at_once_and_undone_to_the_byte(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    dialog = open_editor(window)
    # Filled in from sources.yaml; the id is named, and cannot be changed.
    form = dialog.form
    assert form.fields["title"].text() == "PCCs and Partnership"
    assert form.fields["collection-title"].text() == "CoPaCC Thematic"
    assert form.authors.names() == [{"family": "Tizard", "given": "John"}]
    assert form.issued.text() == "2015-05"
    assert form.short.text() == "CoPaCC 2015"
    assert form.type.currentData() == "report"
    assert "copacc-2015" in dialog.intro.text() and "cannot be changed" in dialog.intro.text()
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    assert dialog.problem.text() == "Nothing has been changed yet."

    form.fields["title"].setText("PCCs and Partnerships")
    assert dialog.save_button.isEnabled()
    assert dialog.changes() == {"title": "PCCs and Partnerships"}
    dialog.buttons.accepted.emit()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert window.curation.dialog is None  # closed once written
    # Only sources.yaml changed, and only the title's line of it.
    after = files_of(root)
    assert [k for k in after if after[k] != before[k]] == ["sources.yaml"]
    assert after["sources.yaml"] == before["sources.yaml"].replace(
        b"    title: PCCs and Partnership\n", b"    title: PCCs and Partnerships\n"
    )
    src = window.opened.library.source(SID)
    assert src is not None and src.title == "PCCs and Partnerships"
    # The finding chosen stays chosen, and its detail shows the new reference.
    assert window.detail.finding is not None and window.detail.finding.id == FID
    assert "PCCs and Partnerships" in window.detail.browser.toPlainText()
    assert "Changed the reference of “PCCs and Partnerships”" in window.statusBar().currentMessage()
    # Library → Undo puts the file back byte for byte; the briefing's undo is untouched.
    undo = window.curation.act_undo
    assert undo.text() == "&Undo change to the reference of “PCCs and Partnership”"
    undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert window.opened.library.source(SID).title == "PCCs and Partnership"  # type: ignore[union-attr]
    assert "PCCs and Partnerships" not in window.detail.browser.toPlainText()
    window.curation.act_redo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == after
    assert window.doc.undo_stack.count() == 0


def test_the_short_name_changes_the_citation(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    choose(window)
    cited = window.detail.citation(window.detail.finding, window.opened.library)  # type: ignore[arg-type]
    dialog = open_editor(window)
    dialog.form.issued.setText("2016-01")
    dialog.form.authors.item(0, 0).setText("Tizzard")  # type: ignore[union-attr]
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    src = load_library(root).source(SID)
    assert src is not None and src.year == 2016
    assert src.csl["author"] == [{"family": "Tizzard", "given": "John"}]
    new = window.detail.citation(window.detail.finding, window.opened.library)  # type: ignore[arg-type]
    assert new != cited and "2016" in new and "Tizzard" in new
    assert "2016" in window.detail.browser.toPlainText()


def test_from_the_reader_and_the_findings_list_menu(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    curation = window.curation
    reader = read_source(qtbot, window, "npia-2009")
    menu = reader.view.context_menu(QPoint(5, 5))
    texts = [a.text() for a in menu.actions()]
    assert "Edit this source's reference…" in texts
    curation.act_edit_reader_source.trigger()
    dialog = curation.dialog
    assert isinstance(dialog, EditSourceDialog) and dialog.source_id == "npia-2009"
    dialog.form.fields["title"].setText("Working in partnership: a police perspective")
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    # The reader stays on the source, under its new title.
    assert reader.source_id == "npia-2009"
    assert "Working in partnership: a police perspective" in reader.title.text()
    choose(window)
    menu = window.context_menus.findings_menu()
    assert "Edit source re&ference…" in [a.text() for a in menu.actions()]


def colleague_meanwhile(root: Path) -> bytes:
    """Another curator, on the shared drive, saves their own change to the same reference."""
    edit_source(
        root,
        SID,
        {
            "title": "PCCs and Partnership (revised)",
            "publisher": "CoPaCC Ltd",
            "evidence-strength": {"design": "Case studies of 41 police force areas"},
        },
    )
    return (root / "sources.yaml").read_bytes()


def test_a_colleagues_change_is_caught_and_the_edit_reapplied(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(window)
    dialog.form.fields["title"].setText("PCCs and Partnerships")
    dialog.maryland.setCurrentIndex(dialog.maryland.findData(2))
    theirs = colleague_meanwhile(root)
    dialogs.answer(Button.Yes)
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert dialogs.titles("question") == ["Changed by someone else"]
    assert (root / "sources.yaml").read_bytes() == theirs  # nothing overwritten
    assert window.opened.library.source(SID).csl["publisher"] == "CoPaCC Ltd"  # type: ignore[union-attr]
    # The dialog stays open on their version, with the officer's changes applied over it.
    assert dialog.isVisible()
    assert dialog.form.fields["title"].text() == "PCCs and Partnerships"
    assert dialog.form.fields["publisher"].text() == "CoPaCC Ltd"
    assert dialog.design.text() == "Case studies of 41 police force areas"
    assert dialog.maryland.currentData() == 2
    assert "applied to the reference as the other curator saved it" in dialog.problem.text()
    assert dialog.save_button.isEnabled()
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert window.curation.dialog is None  # written, and closed
    entry = source_entry(root, SID)
    assert entry["title"] == "PCCs and Partnerships"  # the officer's change
    assert entry["publisher"] == "CoPaCC Ltd"  # and the colleague's
    assert entry["evidence-strength"] == {
        "design": "Case studies of 41 police force areas",
        "maryland": 2,
    }
    assert window.opened.library.source(SID).title == "PCCs and Partnerships"  # type: ignore[union-attr]
    # Library → Undo takes back the officer's change only: the colleague's stays.
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert (root / "sources.yaml").read_bytes() == theirs
    assert dialogs.unexpected == []


def test_declining_to_reapply_writes_nothing_and_keeps_what_was_typed(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(window)
    dialog.form.fields["title"].setText("Mine")
    dialog.maryland.setCurrentIndex(dialog.maryland.findData(2))
    theirs = colleague_meanwhile(root)
    dialogs.answer(Button.No)
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert dialogs.titles("question") == ["Changed by someone else"]
    assert (root / "sources.yaml").read_bytes() == theirs
    assert dialog.isVisible()  # what the officer typed is kept
    assert dialog.form.fields["title"].text() == "Mine"
    assert dialog.maryland.currentData() == 2
    assert dialog.form.fields["publisher"].text() == "CoPaCC"  # as it was shown
    assert "another curator has changed this reference" in dialog.problem.text()
    assert dialog.save_button.isEnabled()
    src = window.opened.library.source(SID)
    assert src is not None and src.title == "PCCs and Partnership (revised)"
    assert window.curation.stack.count() == 0
    # Saving again asks again; declined again, still nothing is written.
    dialogs.answer(Button.No)
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert dialogs.titles("question") == ["Changed by someone else"] * 2
    assert (root / "sources.yaml").read_bytes() == theirs
    assert dialogs.unexpected == []


def test_a_source_removed_meanwhile_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_editor(window)
    dialog.form.fields["title"].setText("Mine")
    path = root / "sources.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - id: copacc-2015\n", "  - id: copacc-2016\n"),
        encoding="utf-8",
    )
    theirs = path.read_bytes()
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert path.read_bytes() == theirs
    assert dialog.isVisible() and dialog.form.fields["title"].text() == "Mine"
    assert "no source 'copacc-2015'" in dialog.problem.text()
    assert dialogs.calls == []


def test_a_read_only_library_greys_it_out_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    meta = root / "library.yaml"
    meta.write_text("read-only: true\n" + meta.read_text(encoding="utf-8"), encoding="utf-8")
    window = window_on(qtbot, root)
    curation = window.curation
    choose(window)
    for action in (curation.act_edit_source, curation.act_edit_reader_source):
        assert not action.isEnabled()
        assert action.toolTip() == curation.read_only
    assert curation.edit_source(SID) is None and curation.dialog is None


def test_the_evidence_strength_is_set_and_shown(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    dialog = open_editor(window)
    assert dialog.design.text() == "Invited case studies and submissions from practitioners"
    assert dialog.maryland.currentText() == "Not rated"
    dialog.maryland.setCurrentIndex(dialog.maryland.findData(2))
    assert dialog.changes() == {
        "evidence-strength": {
            "design": "Invited case studies and submissions from practitioners",
            "maryland": 2,
        }
    }
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert b"      maryland: 2\n" in (root / "sources.yaml").read_bytes()
    assert "Maryland SMS level 2 of 5" in window.detail.browser.toPlainText()
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert "Maryland SMS level" not in window.detail.browser.toPlainText()


def test_every_source_opens_unchanged(qtbot: QtBot, tmp_path: Path) -> None:
    """What the form shows of each source gives it back as it is: opening and saving nothing
    would change nothing."""
    window = window_on(qtbot, library_copy(tmp_path))
    for src in window.opened.library.sources:
        dialog = window.curation.edit_source(src.id)
        assert dialog is not None
        assert dialog.changes() == {}, src.id
        assert not dialog.save_button.isEnabled()
        dialog.reject()
        settle(qtbot)
