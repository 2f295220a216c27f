"""New finding…: a passage selected in the source reader becomes a finding of the library, word
for word, located where it stands; the list shows it at once, chosen, with the filters and the
counts up to date; Library → Undo takes it back to the byte, and the briefing is untouched."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.core.textmatch import fold_whitespace
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.new_finding_dialog import NewFindingDialog

from ..conftest import write_library
from .curating import (
    facet_counts,
    files_of,
    library_copy,
    read_source,
    select_words,
    tick_themes,
    window_on,
)
from .helpers import list_ids, settle, switch_library, wait_for_writes

PASSAGE = "All four case study police forces work with a wide range of different partners."


def new_finding_dialog(window: MainWindow) -> NewFindingDialog:
    assert window.curation.act_new_finding.isEnabled()
    window.curation.act_new_finding.trigger()
    dialog = window.curation.new_finding_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_a_selected_passage_becomes_a_finding(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    # The officer is looking at the sources' findings on information sharing.
    window.filters.set_filter(window.filters.current.with_values("themes", {"information-sharing"}))
    shown_before = window.model.rowCount()
    themes_before = facet_counts(window, "themes")
    reader = read_source(qtbot, window, "scotgov-y4")
    assert not window.curation.act_new_finding.isEnabled()  # nothing selected yet
    start, end = select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    assert dialog.passage_text() == PASSAGE
    assert dialog.fields.locator() == {
        "label": "section",
        "value": "3.1.1",
        "title": "Range of partnerships with the police",
    }
    assert "section 3.1.1 (Range of partnerships with the police)" in dialog.fields.cited.text()
    assert not dialog.save_button.isEnabled()  # no theme yet
    assert "theme" in dialog.problem.text()
    tick_themes(dialog, "information-sharing", "forms-of-partnership")
    dialog.fields.places.setText("Scotland")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)

    assert window.curation.new_finding_dialog is None  # closed
    lib = load_library(root)
    assert lib.ok
    new = [f for f in lib.findings if f.text == PASSAGE]
    assert len(new) == 1
    finding = new[0]
    assert finding.themes == ("information-sharing", "forms-of-partnership")
    assert finding.places == ("Scotland",)
    assert str(finding.locator) == "section 3.1.1 (Range of partnerships with the police)"
    assert fold_whitespace(reader.source_text[start:end]) == finding.text
    # In the list at once, chosen, under the same filter; the counts follow.
    assert window.filters.current.values("themes") == {"information-sharing"}
    assert finding.id in list_ids(window)
    assert window.model.rowCount() == shown_before + 1
    assert window.detail.finding is not None and window.detail.finding.id == finding.id
    counts = facet_counts(window, "themes")
    assert counts["information-sharing"] == themes_before["information-sharing"] + 1
    # The reader shows it as this finding.
    assert reader.finding is not None and reader.finding.id == finding.id
    assert [fold_whitespace(t) for t in reader.highlighted_text()] == [PASSAGE]
    # The briefing's history and unsaved mark are the briefing's alone.
    assert window.doc.undo_stack.count() == 0 and not window.doc.modified
    assert window.curation.act_undo.text().startswith("&Undo new finding “All four case")


def test_undo_and_redo_restore_the_files_byte_for_byte(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    tick_themes(dialog, "information-sharing")
    dialog.try_save()
    settle(qtbot)
    after = files_of(root)
    assert after != before
    fid = window.detail.finding.id if window.detail.finding else ""
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert fid not in list_ids(window)
    window.curation.act_redo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == after
    assert window.detail.finding is not None and window.detail.finding.id == fid
    # The briefing's Undo (Ctrl+Z) has nothing to do with it.
    assert not window.act_undo.isEnabled()


def test_leaving_words_out_by_selecting_another_part(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    reader = read_source(qtbot, window, "scotgov-y4")
    start, end = select_words(reader, "All four case study police forces")
    dialog = new_finding_dialog(window)
    # The reader stays in use while the dialog is open: the officer selects the next part.
    select_words(reader, "a wide range of different partners", end)
    qtbot.mouseClick(dialog.add_part_button, Qt.MouseButton.LeftButton)
    assert dialog.passage_text() == (
        "All four case study police forces … a wide range of different partners"
    )
    assert dialog.parts.count() == 2 and dialog.parts.isVisible()
    # A part can be taken out again, and put back.
    dialog.parts.setCurrentRow(1)
    qtbot.mouseClick(dialog.remove_part_button, Qt.MouseButton.LeftButton)
    assert dialog.passage_text() == "All four case study police forces"
    select_words(reader, "a wide range of different partners", end)
    assert dialog.add_part()
    # An overlapping selection is refused, saying why.
    select_words(reader, "police forces", start)
    assert not dialog.add_part()
    assert "overlaps" in dialog.problem.text()
    tick_themes(dialog, "forms-of-partnership")
    dialog.try_save()
    settle(qtbot)
    lib = load_library(root)
    texts = [f.text for f in lib.findings]
    assert "All four case study police forces … a wide range of different partners" in texts
    assert lib.ok


def test_the_key_in_the_reader_without_a_selection_says_what_to_do(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    reader = read_source(qtbot, window, "scotgov-y4")
    sections = len(window.doc.briefing.sections)
    reader.view.setFocus()
    QTest.keyClick(
        reader.view,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    settle(qtbot)
    assert window.curation.new_finding_dialog is None
    assert len(window.doc.briefing.sections) == sections  # not New section either
    assert "Select a passage" in window.statusBar().currentMessage()
    # With a selection the key opens the dialog.
    select_words(reader, PASSAGE)
    reader.view.setFocus()
    QTest.keyClick(
        reader.view,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    settle(qtbot)
    assert window.curation.new_finding_dialog is not None
    assert len(window.doc.briefing.sections) == sections


def test_a_passage_that_stands_twice_is_saved_as_the_one_selected(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    reader = read_source(qtbot, window, "scotgov-y4")
    text = reader.source_text
    words = "partnership working"
    first = text.index(words)
    second = text.index(words, first + 1)
    select_words(reader, words, second)
    dialog = new_finding_dialog(window)
    assert dialog.occurrences > 1
    assert dialog.finding()["occurrence"] == 2
    tick_themes(dialog, "forms-of-partnership")
    dialog.try_save()
    settle(qtbot)
    assert window.reader.finding is not None and window.reader.finding.text == words
    assert window.reader.spans  # highlighted where it was selected


def test_the_speaker_is_proposed_from_the_attribution_beside_the_passage(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    reader = read_source(qtbot, window, "scotgov-y3")
    select_words(reader, "We hadn't done that before.")
    dialog = new_finding_dialog(window)
    assert dialog.fields.speaker.text() == "D01 Police"
    # The officer's own speaker is kept when the passage changes.
    dialog.fields.speaker.setText("A police officer in Area D")
    start = reader.source_text.index("So it's looking at the wide range")
    reader.select_range(start, start + len("So it's looking"))
    assert dialog.add_part()
    assert dialog.fields.speaker.text() == "A police officer in Area D"


def test_a_new_finding_the_filters_hide_is_said_so_and_still_read(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    window.filters.set_filter(window.filters.current.with_values("themes", {"leadership"}))
    shown = list_ids(window)
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    tick_themes(dialog, "forms-of-partnership")
    dialog.try_save()
    settle(qtbot)
    assert window.filters.current.values("themes") == {"leadership"}  # the filter is kept
    assert list_ids(window) == shown
    assert "hidden by the filters" in window.statusBar().currentMessage()
    assert reader.finding is not None and reader.finding.text == PASSAGE


def test_a_second_new_finding_never_throws_the_first_away(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    reader = read_source(qtbot, window, "scotgov-y4")
    _start, end = select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    dialog.fields.note.setPlainText("Typed before the second selection")
    select_words(reader, "partners", end)
    window.curation.act_new_finding.trigger()
    assert window.curation.new_finding_dialog is dialog
    assert dialog.fields.note.toPlainText() == "Typed before the second selection"
    assert dialog.passage_text() == PASSAGE
    assert "Save or cancel this finding" in dialog.problem.text()


def test_a_finding_being_made_is_saved_to_its_own_library_after_a_switch(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    tick_themes(dialog, "forms-of-partnership")
    other = write_library(tmp_path / "other")
    switch_library(qtbot, window, other)
    before = files_of(other)
    dialog.try_save()
    settle(qtbot)
    assert files_of(other) == before  # nothing written to the library now open
    assert [f.text for f in load_library(root).findings].count(PASSAGE) == 1
    assert window.curation.stack.count() == 0  # not in the other library's history
    assert str(root) in window.statusBar().currentMessage()


def test_a_part_comes_only_from_the_same_source(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    dialog = new_finding_dialog(window)
    read_source(qtbot, window, "scotgov-y3")
    select_words(reader, "We hadn't done that before.")
    assert not dialog.add_part()
    assert "SG reform year 4" in dialog.problem.text()
    assert dialog.passage_text() == PASSAGE


def test_new_finding_is_first_in_the_readers_right_click_menu(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    menu = reader.view.context_menu(reader.view.viewport().rect().center())
    first = menu.actions()[0]
    assert first is window.curation.act_new_finding and first.isEnabled()
    assert any("Copy" in a.text() for a in menu.actions())
    first.trigger()
    assert window.curation.new_finding_dialog is not None
