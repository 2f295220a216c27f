"""The outline shows what it holds: one line a row to scan (source and the quote's first words;
a marker on sections with text of their own), the whole text in a wrapped tooltip, and the row
chosen in the detail pane."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.gui.highlight import TOOLTIP_CHARS
from briefing_builder.gui.main_window import MainWindow

from .helpers import settle, tooltip_lines
from .test_outline_clipboard import go_to


def sample(window: MainWindow, qtbot: QtBot) -> None:
    window.doc.replace(
        Briefing(
            sections=[
                Section(
                    "Findings",
                    text="What partners told us.",
                    node_id="S",
                    items=[
                        EvidenceItem("npia-2009-002", comment="As Ealing put it:", node_id="e"),
                        NoteItem("Partners agree on this point.", node_id="n"),
                    ],
                ),
                Section("Bare", node_id="B"),
            ]
        ),
        None,
        None,
    )
    settle(qtbot)


def test_rows_are_short_and_the_tooltip_has_everything(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    model = window.briefing_panel.model
    e = model.index_of_id("e")
    assert e.data() == "NPIA 2009: “There are times when it feels like us and the…”  · lead-in"
    tip = e.data(Qt.ItemDataRole.ToolTipRole)
    quote = window.opened.library.finding("npia-2009-002").text  # type: ignore[union-attr]
    assert quote.split()[-1] in tip and "As Ealing put it:" in tip and "slide 2" in tip
    lines = tooltip_lines(tip)  # wrapped as the findings list's are, not one long line
    assert len(lines) > 2 and all(len(line) <= TOOLTIP_CHARS for line in lines), lines
    assert model.index_of_id("S").data() == "1  Findings  · has text"
    assert model.index_of_id("B").data() == "2  Bare"


def test_choosing_a_row_shows_it_in_the_detail_pane(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    text = window.detail.browser.toPlainText
    go_to(qtbot, window, "e")
    shown = text()
    quote = window.opened.library.finding("npia-2009-002").text  # type: ignore[union-attr]
    assert "Lead-in: As Ealing put it:" in shown and quote[:40] in shown
    assert "Cited as: (Mortimore, 2009" in shown and "Working in partnership" in shown
    go_to(qtbot, window, "n")
    assert "Partners agree on this point." in text()
    go_to(qtbot, window, "S")
    assert "1 Findings" in text() and "What partners told us." in text()
    go_to(qtbot, window, "B")
    assert "No text of its own." in text()
