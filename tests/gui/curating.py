"""Helpers for the curation tests: a window on a copy of the bundled library (the tests write
to it), and the officer's steps in the reader."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.filter_panel import CountRole, ValueRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.new_finding_dialog import NewFindingDialog
from briefing_builder.gui.source_reader import SourceReader

from .helpers import make_window, settle


def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(bundled_library(), root)
    return root


def window_on(qtbot: QtBot, root: Path) -> MainWindow:
    return make_window(qtbot, open_library(root))


def files_of(root: Path) -> dict[str, bytes]:
    """Every file of the library, by path: to compare byte for byte."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def read_source(qtbot: QtBot, window: MainWindow, source_id: str) -> SourceReader:
    window.curation.read_source(source_id)
    qtbot.waitExposed(window.reader)
    settle(qtbot)
    return window.reader


def select_text(reader: SourceReader, start: int, end: int) -> None:
    """Select ``start``-``end`` of the source's original text, as a drag over it would."""
    reader.select_range(start, end)
    assert reader.selected_range() is not None


def select_words(reader: SourceReader, words: str, after: int = 0) -> tuple[int, int]:
    """Select the first occurrence of ``words`` in the source's text from ``after`` on."""
    start = reader.source_text.index(words, after)
    select_text(reader, start, start + len(words))
    return start, start + len(words)


def tick_themes(dialog: NewFindingDialog, *theme_ids: str) -> None:
    themes = dialog.fields.themes
    for row in range(themes.count()):
        item = themes.item(row)
        if item.data(Qt.ItemDataRole.UserRole) in theme_ids:
            item.setCheckState(Qt.CheckState.Checked)


def facet_counts(window: MainWindow, facet: str) -> dict[str, int]:
    model = window.filters.models[facet]
    return {
        model.index(r).data(ValueRole): model.index(r).data(CountRole)
        for r in range(model.rowCount())
    }
