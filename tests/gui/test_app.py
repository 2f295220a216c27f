"""The desktop window starts on the bundled library, and its search filters the list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.core.filtering import Filter
from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.findings_model import FindingIdRole, FindingsModel
from briefing_builder.gui.main_window import MainWindow


def test_main_window_searches_the_bundled_library(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(open_library(bundled_library()))
    qtbot.addWidget(window)
    window.show()
    total = window.model.rowCount()
    assert total >= 150
    qtbot.keyClicks(window.filters.search, '"shared culture"')
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.index(0).data(FindingIdRole) == "npia-2009-010"
    assert "≠" in window.detail.browser.toPlainText()
    assert "Blockages" in window.detail.browser.toPlainText()
    window.grab().save(str(tmp_path / "window.png"))
    assert (tmp_path / "window.png").stat().st_size > 0
    window.filters.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == total, timeout=3000)


def test_findings_model_is_a_valid_model(qtbot: QtBot, small_library: Path) -> None:
    opened = open_library(small_library)
    model = FindingsModel(opened.library, opened.index)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 5
    model.apply_filter(Filter(text="maori"))
    assert model.rowCount() == 1
    assert model.index(0).data(FindingIdRole) == "alpha-001"
    model.apply_filter(Filter())
    assert model.rowCount() == 5
