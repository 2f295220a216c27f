"""Library → Themes…: a theme added, renamed (its id stays, so its findings keep it) and
described, each written at once and undone to the byte; a colleague's rename is not
overwritten."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.curation.library_edit import edit_theme
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.themes_dialog import ThemesDialog

from .conftest import Dialogs
from .curating import facet_counts, files_of, library_copy, read_source, window_on
from .helpers import settle, wait_for_writes

Button = QMessageBox.StandardButton


def open_themes(window: MainWindow) -> ThemesDialog:
    window.curation.act_themes.trigger()
    dialog = window.curation.dialog
    assert isinstance(dialog, ThemesDialog) and dialog.isVisible()
    return dialog


def choose(dialog: ThemesDialog, theme_id: str) -> None:
    ids = [t.id for t in dialog.library.themes]
    dialog.list.setCurrentRow(ids.index(theme_id))


def test_a_theme_is_added_and_offered_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    dialog = open_themes(window)
    dialog.start_new()
    assert not dialog.save_button.isEnabled()  # no name yet
    dialog.label.setText("Culture, trust and relationships")
    assert dialog.problem.text() == "Another theme has this name."
    dialog.label.setText("Victims and witnesses")
    dialog.description.setPlainText("Support for victims and witnesses across agencies.")
    dialog.save()
    settle(qtbot)
    lib = load_library(root)
    theme = lib.theme("victims-and-witnesses")
    assert theme is not None and theme.label == "Victims and witnesses"
    assert theme.description == "Support for victims and witnesses across agencies."
    assert lib.errors == []  # a theme with no findings yet is only a warning
    # The filters and the dialog show it, chosen.
    assert "victims-and-witnesses" in facet_counts(window, "themes")
    assert dialog.current_id() == "victims-and-witnesses"
    assert window.curation.act_undo.text() == "&Undo new theme “Victims and witnesses”"
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert "victims-and-witnesses" not in [t.id for t in dialog.library.themes]


def test_a_rename_keeps_the_id_and_every_finding_under_it(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    count = facet_counts(window, "themes")["culture-trust"]
    dialog = open_themes(window)
    choose(dialog, "culture-trust")
    assert dialog.label.text() == "Culture, trust and relationships"
    assert not dialog.save_button.isEnabled()  # nothing changed
    dialog.label.setText("Trust and relationships")
    dialog.save()
    settle(qtbot)
    assert window.opened.library.theme("culture-trust").label == "Trust and relationships"  # type: ignore[union-attr]
    assert facet_counts(window, "themes")["culture-trust"] == count
    after = files_of(root)
    assert [k for k in after if after[k] != before[k]] == ["library.yaml"]
    window.curation.act_undo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    assert dialog.label.text() == "Culture, trust and relationships"
    window.curation.act_redo.trigger()
    wait_for_writes(qtbot)
    assert files_of(root) == after


def test_a_colleagues_rename_is_not_overwritten(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    dialog = open_themes(window)
    choose(dialog, "culture-trust")
    dialog.label.setText("Mine")
    edit_theme(root, "culture-trust", label="Theirs")
    theirs = files_of(root)
    dialogs.answer(Button.Ok)
    dialog.save()
    settle(qtbot)
    assert dialogs.titles("warning") == ["Cannot change the theme"]
    assert files_of(root) == theirs
    # The dialog now shows their version.
    assert dialog.label.text() == "Theirs"


def test_the_reader_keeps_its_place_as_the_library_is_read_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    reader = read_source(qtbot, window, "scotgov-y3")
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    where = bar.value()
    assert where > 0
    dialog = open_themes(window)
    choose(dialog, "leadership")
    dialog.description.setPlainText("Who leads, and how.")
    dialog.save()
    settle(qtbot)
    assert reader.source_id == "scotgov-y3" and reader.finding is None
    assert bar.value() == where
