"""A modifier key held by one test's simulated key press never reaches the next test: the
second test here failed (its list click acting as a Ctrl+click) before conftest released them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

from .helpers import settle


def test_a_ctrl_key_click_leaves_ctrl_as_the_applications_state(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.filters.search.setFocus()
    qtbot.keyClick(window.filters.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier


def test_the_next_test_starts_with_no_key_held(window: MainWindow) -> None:
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    window.list.setCurrentIndex(window.model.index(2))
    window.list.setCurrentIndex(window.model.index(3))
    assert [i.row() for i in window.list.selectionModel().selectedRows()] == [3]
