"""Curation writes run off the window's thread: while a slow write (a large library on a shared
drive) is under way the officer keeps filtering and working on the briefing, the status bar says
what is being saved, the other curation actions wait and say why, closing the window waits for
the write, and a failure reaches the officer as a message, never a traceback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.curation import findings
from briefing_builder.gui import curation
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.new_finding_dialog import NewFindingDialog

from ..conftest import write_library
from .conftest import Dialogs
from .curating import files_of, library_copy, read_source, select_words, tick_themes, window_on
from .helpers import list_ids, settle, switch_library, wait_for_writes

Button = QMessageBox.StandardButton
PASSAGE = "All four case study police forces work with a wide range of different partners."
SAVING = "Saving the new finding and checking the library…"


class Gate:
    """Holds the curation core's write until the test lets it go (a slow shared drive)."""

    def __init__(self, write: Callable[..., Any]) -> None:
        self._write = write
        self.entered = threading.Event()
        self.open = threading.Event()
        self.finished = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        assert self.open.wait(60), "the test never let the write go"
        try:
            return self._write(*args, **kwargs)
        finally:
            self.finished.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate(findings.add_finding)
    monkeypatch.setattr(curation, "add_finding", held)
    yield held
    held.open.set()  # never leave a thread waiting


def start_new_finding(qtbot: QtBot, window: MainWindow) -> NewFindingDialog:
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, PASSAGE)
    window.curation.act_new_finding.trigger()
    dialog = window.curation.new_finding_dialog
    assert dialog is not None
    tick_themes(dialog, "information-sharing")
    assert dialog.save_button.isEnabled(), dialog.problem.text()
    dialog.try_save()
    return dialog


def test_a_slow_write_leaves_the_window_working(qtbot: QtBot, tmp_path: Path, gate: Gate) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    c = window.curation
    before = files_of(root)
    shown_before = set(list_ids(window))
    dialog = start_new_finding(qtbot, window)
    assert gate.entered.wait(30)

    # Under way: the status bar says what is being saved, with a busy bar.
    assert c.writing and c.progress.isVisible()
    assert c.progress.label.text() == SAVING
    assert c.progress.bar.maximum() == 0  # busy
    assert dialog.isVisible() and dialog.problem.text() == SAVING  # nothing typed is lost
    assert not dialog.save_button.isEnabled()  # saved once
    # The other curation actions wait, and say why.
    for action in (c.act_edit_finding, c.act_retire_finding, c.act_themes, c.act_undo):
        assert not action.isEnabled()
    assert (
        c.act_edit_finding.toolTip()
        == f"Wait until the library has been saved: {SAVING[0].lower()}{SAVING[1:]}"
    )
    add_source = window.sources.act_add_source
    assert not add_source.isEnabled() and add_source.toolTip().startswith("Wait until")

    # The officer keeps working: a filter applies at once, and the briefing can be edited.
    window.filters.set_filter(window.filters.current.with_values("themes", {"culture-trust"}))
    settle_events(qtbot)
    filtered = set(list_ids(window))
    assert filtered and filtered < shown_before
    window.list.setCurrentIndex(window.model.index(0))
    window.act_add.trigger()
    assert window.doc.briefing.finding_ids() == [list_ids(window)[0]]
    assert files_of(root) == before  # the write is still held
    assert c.writing

    gate.open.set()
    wait_for_writes(qtbot)
    settle(qtbot)
    assert c.new_finding_dialog is None  # saved, closed
    assert not c.progress.isVisible()
    added = [f for f in load_library(root).findings if f.text == PASSAGE]
    assert len(added) == 1
    # The officer's filter is kept: the new finding (another theme) is hidden by it, and said so.
    assert window.filters.current.values("themes") == {"culture-trust"}
    assert "hidden by the filters" in window.statusBar().currentMessage()
    # Everything is back.
    assert c.act_themes.isEnabled() and c.act_undo.isEnabled()
    assert c.act_themes.toolTip() == "Add a theme, rename one or describe it"
    assert add_source.isEnabled()


def settle_events(qtbot: QtBot) -> None:
    """Let queued events run, without waiting for the write (which is held)."""
    qtbot.wait(10)


def test_undo_and_redo_run_in_the_background_and_restore_the_bytes(
    qtbot: QtBot, tmp_path: Path, gate: Gate
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    start_new_finding(qtbot, window)
    gate.open.set()
    settle(qtbot)
    after = files_of(root)
    assert after != before
    c = window.curation
    c.act_undo.trigger()
    assert c.writing and c.progress.label.text().startswith("Undoing the new finding “All four")
    assert not c.act_redo.isEnabled()
    wait_for_writes(qtbot)
    assert files_of(root) == before
    c.act_redo.trigger()
    assert c.writing
    wait_for_writes(qtbot)
    assert files_of(root) == after


def test_closing_the_window_waits_for_the_write(
    qtbot: QtBot, tmp_path: Path, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    start_new_finding(qtbot, window)
    assert gate.entered.wait(30)
    # The write is let go only as the window closes: if closing did not wait for it, the
    # window would be gone with the finding not yet written.
    shutdown = window.library_loader.shutdown

    def closing(*args: Any) -> bool:
        gate.open.set()
        return shutdown(*args)

    monkeypatch.setattr(window.library_loader, "shutdown", closing)
    window.close()
    assert not window.isVisible()
    assert gate.finished.is_set()
    assert [f.id for f in load_library(root).findings if f.text == PASSAGE]
    assert load_library(root).errors == []


def test_a_failure_in_the_write_is_told_and_the_dialog_kept(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_a: Any, **_k: Any) -> Any:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(curation, "add_finding", failing)
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    before = files_of(root)
    dialog = start_new_finding(qtbot, window)
    settle(qtbot)
    assert window.curation.new_finding_dialog is dialog and dialog.isVisible()
    text = dialog.problem.text()
    assert text.startswith("The change could not be saved: an unexpected OSError")
    assert "Input/output error" in text and "Traceback" not in text
    assert dialog.save_button.isEnabled()  # to try again
    assert files_of(root) == before
    assert window.curation.act_themes.isEnabled()  # nothing is left waiting


def test_a_refused_edit_reaches_the_officer_as_a_message(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    finding = window.opened.library.findings[0]
    dialog = window.curation.edit_finding(finding)
    assert dialog is not None
    dialog.fields.places.setText("Wales")
    # The library is made read-only on the drive after the dialog opened.
    (root / "library.yaml").write_text(
        (root / "library.yaml").read_text(encoding="utf-8") + "read-only: true\n",
        encoding="utf-8",
    )
    before = files_of(root)
    dialogs.answer(Button.Ok)
    dialog.try_save()
    settle(qtbot)
    assert dialogs.titles("warning") == ["Cannot change the finding"]
    assert "read-only" in dialogs.calls[0][2]
    assert files_of(root) == before
    assert window.curation.dialog is dialog and dialog.isVisible()  # what was typed is kept
    assert dialog.save_button.isEnabled()


def test_a_library_opened_during_the_write_stays_shown(
    qtbot: QtBot, tmp_path: Path, gate: Gate
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    start_new_finding(qtbot, window)
    assert gate.entered.wait(30)
    other = write_library(tmp_path / "other")
    switch_library(qtbot, window, other)  # while the write is held
    before = files_of(other)
    gate.open.set()
    settle(qtbot)
    assert window.opened.library.root.resolve() == other.resolve()
    assert window.curation.new_finding_dialog is None
    assert files_of(other) == before
    assert [f.text for f in load_library(root).findings].count(PASSAGE) == 1
    assert window.curation.stack.count() == 0
    assert str(root) in window.statusBar().currentMessage()
