"""Help: the keyboard shortcuts (read from the actions), the user guide and the example briefing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.help import (
    example_briefing_path,
    plain_text,
    shortcut_text,
    show_shortcuts,
    show_user_guide,
    user_guide_path,
)
from briefing_builder.gui.main_window import MainWindow

from .conftest import Dialogs
from .helpers import wait_for_library

REPO = Path(__file__).resolve().parents[2]


def test_plain_text_drops_mnemonics() -> None:
    assert plain_text("Save &As…") == "Save As"
    assert plain_text("Cut && paste") == "Cut & paste"


def test_every_shortcut_bearing_action_is_listed(qtbot: QtBot, window: MainWindow) -> None:
    dialog = show_shortcuts(window)
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    listed = {(name, keys) for _group, name, keys in rows}
    wanted = [a for a in window.findChildren(QAction) if shortcut_text(a)]
    assert len(wanted) > 20
    for action in wanted:
        name = plain_text(action.text())
        keys = shortcut_text(action)
        assert any(n.startswith(name) and k == keys for n, k in listed), (name, keys)
    groups = [g for g, _n, _k in rows]
    assert groups[0] == "File menu"
    # The reader's own keys, grouped under it; the outline's keys say where they work.
    assert ("In the source reader", "Find in source", "Ctrl+F") in rows
    assert ("Edit menu", "Move up (in the briefing outline)", "Alt+Up") in rows
    assert any(g == "Edit menu" and n == "Redo" and "Ctrl+Y" in k for g, n, k in rows)


def test_an_action_added_later_appears(qtbot: QtBot, window: MainWindow) -> None:
    extra = QAction("Move to &section…", window)
    extra.setShortcut(QKeySequence("Ctrl+Shift+J"))
    window.menuBar().actions()[1].menu().addAction(extra)  # type: ignore[union-attr]
    dialog = show_shortcuts(window)
    qtbot.addWidget(dialog)
    assert ("Edit menu", "Move to section", "Ctrl+Shift+J") in dialog.rows()


def test_user_guide_opens_and_renders_headings(qtbot: QtBot, window: MainWindow) -> None:
    assert user_guide_path() == REPO / "docs" / "user-guide.md"
    window.act_user_guide.trigger()
    guide = show_user_guide(window)
    assert guide is not None
    qtbot.addWidget(guide)
    doc = guide.browser.document()
    headings = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            headings.append((block.blockFormat().headingLevel(), block.text()))
        block = block.next()
    assert headings[0] == (1, "Briefing Builder user guide")
    for title in (
        "Finding evidence",
        "Reading a finding in its source",
        "Building the outline",
        "Briefing details",
        "Saving and recovery",
        "Exporting Word, PDF and web pages",
        "Libraries",
    ):
        assert (2, title) in headings
    assert "#" not in guide.browser.toPlainText().split("\n")[0]  # Markdown rendered, not shown
    # The keyboard table is a real table.
    cursor = QTextCursor(doc)
    assert doc.find("Ctrl+Return", cursor).currentTable() is not None


def test_user_guide_missing_is_a_message(
    window: MainWindow, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import briefing_builder.gui.help as help_module

    monkeypatch.setattr(help_module, "user_guide_path", lambda: tmp_path / "user-guide.md")
    dialogs.answer(QMessageBox.StandardButton.Ok)
    assert show_user_guide(window) is None
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot show the user guide")
    assert str(tmp_path / "user-guide.md") in text


def test_open_example_briefing_is_an_untitled_copy(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    example = example_briefing_path()
    assert example == REPO / "examples" / "partnership-working.briefing.yaml"
    shipped = example.read_text(encoding="utf-8")
    window.act_open_example.trigger()
    wait_for_library(qtbot, window)
    assert window.doc.path is None
    assert not window.doc.modified
    assert window.doc.briefing.title == "Partnership working between the police and other agencies"
    assert window.doc.briefing.sections
    # Named by its title, as a briefing never saved is, not by the shipped file's name.
    assert window.windowTitle().startswith("Partnership working between the police")
    assert "partnership-working" not in window.windowTitle()
    assert window.opened.library.root == bundled_library().resolve()
    assert str(example) not in window.settings.recent_files
    # Save asks for a name; the shipped file is untouched.
    target = tmp_path / "mine.briefing.yaml"
    dialogs.choose_file(target)
    assert window.save()
    assert dialogs.calls[-1][:2] == ("save", "Save briefing as")
    assert window.doc.path == target
    assert example.read_text(encoding="utf-8") == shipped
    from briefing_builder.core.briefing_io import library_path, read_briefing

    saved = read_briefing(target)
    assert library_path(saved, target).resolve() == bundled_library().resolve()
