"""Evidence strength in the window: the detail pane (design, level with the scale in its
tooltip, EMMIE notes folded) and the "Evidence strength" filter list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.gui.detail_pane import EMMIE_LINK
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import SOURCES_YAML, write_library

from .helpers import list_ids, make_window, switch_library
from .test_filter_panel import Checked, CheckRole, counts, row_of

STRENGTH = """\
    evidence-strength:
      design: Quasi-experimental (matched comparison areas)
      maryland: 3
      emmie:
        effect: Burglary fell by a fifth against the comparison areas.
        implementation: Needed an analyst in each partner agency.
"""
RATED = SOURCES_YAML.replace(
    "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n" + STRENGTH
)


@pytest.fixture
def rated(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    root = write_library(tmp_path / "lib", {"sources.yaml": RATED})
    open_library(root, cache_dir=tmp_path / "cache")
    opened = open_library(root, cache_dir=tmp_path / "cache")
    assert opened.from_cache  # as the app has it on every open but the first
    return make_window(qtbot, opened)


def _select(window: MainWindow, fid: str) -> str:
    window.list.setCurrentIndex(window.model.index(list_ids(window).index(fid)))
    return window.detail.browser.toPlainText()


def _tooltip_at(window: MainWindow, words: str) -> str:
    """The tooltip shown when the mouse rests on ``words`` in the detail pane."""
    browser = window.detail.browser
    doc = browser.document()
    cursor = QTextCursor(doc)
    cursor.setPosition(doc.toPlainText().index(words) + 1)
    pos = browser.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, browser.viewport().mapToGlobal(pos))
    QApplication.sendEvent(browser.viewport(), event)
    assert QToolTip.isVisible()
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def test_the_detail_pane_shows_design_level_and_folded_emmie_notes(rated: MainWindow) -> None:
    text = _select(rated, "alpha-002")
    assert "Study design\nQuasi-experimental (matched comparison areas)" in text
    assert "Evidence strength\nMaryland SMS level 3 of 5" in text
    tip = _tooltip_at(rated, "Maryland SMS level 3 of 5")
    assert tip.startswith("The Maryland Scientific Methods Scale rates how well a study")
    assert "▸ 3: before and after, against a comparable group" in tip
    # Folded: the headings there are notes under, not the notes.
    assert "EMMIE notes\nShow (Effect, Implementation)" in text
    assert "Burglary fell" not in text

    rated.detail.browser.anchorClicked.emit(QUrl(EMMIE_LINK))
    text = rated.detail.browser.toPlainText()
    assert "Effect: Burglary fell by a fifth against the comparison areas." in text
    assert "Implementation: Needed an analyst in each partner agency." in text
    # Unfolded they stay, finding after finding, until folded again.
    text = _select(rated, "alpha-001")
    assert "Effect: Burglary fell" in text
    rated.detail.browser.anchorClicked.emit(QUrl(EMMIE_LINK))
    assert "Burglary fell" not in rated.detail.browser.toPlainText()


def test_a_source_without_a_strength_shows_none(rated: MainWindow) -> None:
    text = _select(rated, "beta-001")
    assert "Study design" not in text and "Evidence strength" not in text
    assert "EMMIE" not in text


def test_the_strength_filter_lists_the_levels_and_filters(rated: MainWindow) -> None:
    panel = rated.filters
    assert panel.boxes["strength"].isVisible()
    model = panel.models["strength"]
    assert counts(model) == {"3": 3, "none": 2}
    assert [model.index(r).data() for r in range(model.rowCount())] == [
        "Level 3 of 5  (3)",
        "Not rated  (2)",
    ]
    assert model.setData(row_of(model, "none"), Checked, CheckRole)
    assert list_ids(rated) == ["beta-001", "beta-002"]
    assert panel.summary.text() == "Findings with evidence not rated — 2 findings"
    # Other facets are counted under it.
    assert counts(panel.models["sources"]) == {"alpha": 0, "beta": 2}
    panel.clear()
    assert len(list_ids(rated)) == 5


def test_the_bundled_library_has_designs_but_no_levels(window: MainWindow) -> None:
    assert not window.filters.boxes["strength"].isVisible()
    text = _select(window, "n8prp-001")
    assert "Study design\nRapid evidence review" in text
    assert "Evidence strength" not in text


def test_switching_library_shows_or_hides_the_strength_list(
    qtbot: QtBot, rated: MainWindow, tmp_path: Path
) -> None:
    panel = rated.filters
    panel.models["strength"].setData(row_of(panel.models["strength"], "3"), Checked, CheckRole)
    assert len(list_ids(rated)) == 3
    plain = write_library(tmp_path / "plain")
    switch_library(qtbot, rated, plain)
    assert not panel.boxes["strength"].isVisible()
    assert panel.current.strength == frozenset() and len(list_ids(rated)) == 5
    switch_library(qtbot, rated, tmp_path / "lib")
    assert panel.boxes["strength"].isVisible()
    assert counts(panel.models["strength"]) == {"3": 3, "none": 2}
