"""Shared fixtures for the GUI tests: the bundled library (loaded once), a main window, and
stand-ins for the modal dialogs so that nothing ever blocks a test run."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.main_window import MainWindow

from .helpers import make_window

Button = QMessageBox.StandardButton


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> OpenedLibrary:
    """The bundled library, read once for the whole session, as the app has it on every open but
    the first: from a cache entry (a private one, never the user's), its findings built only
    when asked for."""
    cache_dir = tmp_path_factory.mktemp("library-cache")
    open_library(bundled_library(), cache_dir=cache_dir)
    opened = open_library(bundled_library(), cache_dir=cache_dir)
    assert opened.from_cache
    return opened


@dataclass
class Dialogs:
    """Records every QMessageBox / QFileDialog call; answers come from queues the test fills."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    answers: deque[Any] = field(default_factory=deque)
    files: deque[str] = field(default_factory=deque)
    unexpected: list[tuple[str, str, str]] = field(default_factory=list)

    def answer(self, *buttons: Any) -> None:
        self.answers.extend(buttons)

    def choose_file(self, *paths: str | Path) -> None:
        self.files.extend(str(p) for p in paths)

    def titles(self, kind: str | None = None) -> list[str]:
        return [t for k, t, _ in self.calls if kind is None or k == kind]

    def _box(self, kind: str, title: str, text: str) -> Any:
        self.calls.append((kind, title, text))
        if self.answers:
            return self.answers.popleft()
        self.unexpected.append((kind, title, text))
        # Nothing queued: the least destructive answer.
        return Button.Cancel if kind == "question" else Button.Ok

    def _file(self, kind: str, title: str) -> str:
        self.calls.append((kind, title, ""))
        if self.files:
            return self.files.popleft()
        self.unexpected.append((kind, title, ""))
        return ""


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dialogs]:
    """No modal dialog ever opens in a GUI test; an unanswered one fails the test."""
    d = Dialogs()

    def box(kind: str) -> Any:
        return staticmethod(lambda _parent, title, text, *_a, **_k: d._box(kind, title, text))

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))
    monkeypatch.setattr(
        QMessageBox, "about", staticmethod(lambda _p, title, text: d._box("about", title, text))
    )
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda _p, title, *_a, **_k: (d._file("save", title), "")),
    )
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        staticmethod(lambda _p, title, *_a, **_k: (d._file("open", title), "")),
    )
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda _p, title, *_a, **_k: d._file("folder", title)),
    )
    yield d
    assert not d.unexpected, f"unanswered dialogs: {d.unexpected}"


_MODIFIER_KEYS = {
    Qt.KeyboardModifier.ShiftModifier: Qt.Key.Key_Shift,
    Qt.KeyboardModifier.ControlModifier: Qt.Key.Key_Control,
    Qt.KeyboardModifier.AltModifier: Qt.Key.Key_Alt,
    Qt.KeyboardModifier.MetaModifier: Qt.Key.Key_Meta,
}


@pytest.fixture(autouse=True)
def no_keys_held() -> Iterator[None]:
    """Every test starts and ends with no modifier key held down.

    Qt keeps the modifiers of the last key event as the application's state, and a simulated
    Ctrl+Z never sends the key release that lifting Ctrl would: without this, the next test's
    ``setCurrentIndex`` on a list would act as a Ctrl+click and add to the selection."""
    _release_modifiers()
    yield
    _release_modifiers()


def _release_modifiers() -> None:
    held = QApplication.keyboardModifiers()
    if held == Qt.KeyboardModifier.NoModifier:
        return
    target = QWidget()
    for modifier, key in _MODIFIER_KEYS.items():
        if held & modifier:
            QTest.keyRelease(target, key, Qt.KeyboardModifier.NoModifier)
    target.deleteLater()
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(qtbot: QtBot, bundled: OpenedLibrary) -> MainWindow:
    return make_window(qtbot, bundled)
