"""The reader's selection as a range of the source's original text (what a new finding is made
of), and a source read from its start with no finding chosen."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from briefing_builder.core.reading import text_for_reading
from briefing_builder.core.textmatch import fold_whitespace
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.source_reader import SourceReader

from .helpers import settle


def open_source(qtbot: QtBot, window: MainWindow, source_id: str) -> SourceReader:
    reader = window.reader
    reader.show()
    reader.show_source(source_id)
    qtbot.waitExposed(reader)
    settle(qtbot)
    return reader


def select_shown(reader: SourceReader, words: str) -> None:
    """Select the first place the reader shows ``words`` (as the officer would drag over it)."""
    doc = reader.view.document()
    cursor = doc.find(words)
    assert not cursor.isNull(), words
    reader.view.setTextCursor(cursor)


def test_a_selection_is_a_range_of_the_original_text(qtbot: QtBot, window: MainWindow) -> None:
    source = window.opened.library.sources[0]
    reader = open_source(qtbot, window, source.id)
    text = text_for_reading(window.opened.library, source.id)
    assert reader.source_id == source.id
    assert reader.source_text == text
    assert reader.finding is None and reader.spans == []
    assert reader.selected_range() is None  # nothing selected yet
    # A few words from the middle of the text, as shown.
    shown = reader.view.document().toPlainText()
    words = " ".join(shown[len(shown) // 2 :].split()[2:9])
    with qtbot.waitSignal(reader.selectionChanged, timeout=1000):
        select_shown(reader, words)
    start, end = reader.selected_range() or (0, 0)
    assert fold_whitespace(text[start:end]) == words


def test_selecting_a_range_of_the_original_shows_it_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    source = window.opened.library.sources[0]
    reader = open_source(qtbot, window, source.id)
    text = reader.source_text
    start = text.index("partner")
    reader.select_range(start, start + len("partner"))
    assert reader.view.textCursor().selectedText() == "partner"
    assert reader.selected_range() == (start, start + len("partner"))


def test_a_collapsed_cursor_is_no_selection(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_source(qtbot, window, window.opened.library.sources[0].id)
    cursor = reader.view.textCursor()
    cursor.setPosition(10)
    reader.view.setTextCursor(cursor)
    assert reader.selected_range() is None
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    assert reader.selected_range() is not None
