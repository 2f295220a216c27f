"""Helpers shared by the GUI tests."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import EvidenceItem
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.settings import Settings
from briefing_builder.gui.findings_model import FindingIdRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import NodeIdRole, OutlineModel


def make_window(qtbot: QtBot, opened: OpenedLibrary, **kwargs: Any) -> MainWindow:
    window = MainWindow(opened, settings=kwargs.pop("settings", None) or Settings(), **kwargs)
    qtbot.addWidget(window, before_close_func=_forget_changes)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    return window


def wait_for_library(qtbot: QtBot, window: MainWindow, timeout: int = 30000) -> None:
    """Until the library being opened in the background is in (or refused, or failed)."""
    qtbot.waitUntil(lambda: window.library_loader.loading is None, timeout=timeout)


def switch_library(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    """Switch the window's library and wait for it, as an officer waits for the progress bar."""
    window.switch_library(folder)
    wait_for_library(qtbot, window)


def _forget_changes(window: MainWindow) -> None:
    # Closing at teardown must not ask about unsaved changes.
    window.doc.undo_stack.setClean()


def list_ids(window: MainWindow) -> list[str]:
    m = window.model
    return [m.index(r).data(FindingIdRole) for r in range(m.rowCount())]


def outline_rows(model: OutlineModel, parent: QModelIndex | None = None) -> list[str]:
    """Every row of the outline, depth-first, as "<indent><node id>"."""
    out: list[str] = []

    def visit(p: QModelIndex, depth: int) -> None:
        for r in range(model.rowCount(p)):
            idx = model.index(r, 0, p)
            out.append("  " * depth + str(idx.data(NodeIdRole)))
            visit(idx, depth + 1)

    visit(parent or QModelIndex(), 0)
    return out


def tree(window_or_model: MainWindow | OutlineModel) -> list[Any]:
    """The briefing as nested lists: [heading, [items...], [subsections...]] with finding ids."""
    model = (
        window_or_model.briefing_panel.model
        if isinstance(window_or_model, MainWindow)
        else window_or_model
    )

    def sec(s: Any) -> list[Any]:
        items = [i.finding_id if isinstance(i, EvidenceItem) else f"note:{i.text}" for i in s.items]
        return [s.heading, items, [sec(x) for x in s.sections]]

    return [sec(s) for s in model.briefing.sections]


def settle(qtbot: QtBot) -> None:
    """Let zero-delay timers (re-selecting nodes after an outline edit) run, and a write to the
    library under way finish, as the officer waits for the status bar to say it is saved."""
    wait_for_writes(qtbot)
    qtbot.wait(1)
    QApplication.processEvents()


def wait_for_writes(qtbot: QtBot, timeout: int = 60000) -> None:
    """Until no window has a write to its library under way (its outcome shown)."""
    for widget in QApplication.topLevelWidgets():
        curation = getattr(widget, "curation", None)
        if curation is not None and curation.writing:
            qtbot.waitUntil(lambda c=curation: not c.writing, timeout=timeout)


def tooltip_lines(tip: str) -> list[str]:
    """A rich-text tooltip's lines as the officer reads them."""
    text = re.sub(r"</p>|<br>", "\n", tip)
    return [unescape(line) for line in re.sub(r"<[^>]+>", "", text).splitlines() if line]
