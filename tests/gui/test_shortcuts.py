"""Keyboard shortcuts of the main window: each key does one thing, and window-wide keys work
wherever the focus is."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

from .helpers import settle

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
Key = Qt.Key


def all_actions(window: MainWindow) -> list[QAction]:
    """Every QAction of the window: its children, and those added to any of its widgets."""
    found: dict[int, QAction] = {id(a): a for a in window.findChildren(QAction)}
    for widget in [window, *window.findChildren(QWidget)]:
        for action in widget.actions():
            found.setdefault(id(action), action)
    return list(found.values())


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for action in all_actions(window):
        for seq in action.shortcuts():
            key = seq.toString(QKeySequence.SequenceFormat.PortableText)
            owners[key].add(f"{action.text().replace('&', '')} ({id(action):x})")
    assert owners, "the window has no shortcuts at all?"
    shared = {key: sorted(names) for key, names in owners.items() if len(names) > 1}
    assert shared == {}
    # The standard Save As key is Save As's.
    assert QKeySequence(QKeySequence.StandardKey.SaveAs) in window.act_save_as.shortcuts()


def test_save_as_and_show_in_source_keys_each_fire(
    qtbot: QtBot, window: MainWindow, dialogs
) -> None:  # type: ignore[no-untyped-def]
    window.list.setFocus()
    window.list.setCurrentIndex(window.model.index(0))
    settle(qtbot)
    qtbot.keyClick(window.list, Key.Key_R, Ctrl | Shift)
    settle(qtbot)
    viewer = getattr(window, "_last_viewer", None)
    assert viewer is not None and viewer.isVisible()
    viewer.close()
    # Ctrl+Shift+S (the standard Save As key on every platform here) asks where to save.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.list.setFocus()
    dialogs.choose_file("")  # cancelled
    qtbot.keyClick(window.list, Key.Key_S, Ctrl | Shift)
    settle(qtbot)
    assert dialogs.titles("save") == ["Save briefing as"]
