"""Show in source: the reader docked beside the window, with the finding's passage highlighted,
headings as headings, Find, the previous and next finding of the source, the margin marks of
every curated passage, following the list, and a plain message when there is no text."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QDockWidget, QToolTip
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.model import Finding
from briefing_builder.core.reading import layout_text, text_for_reading
from briefing_builder.core.settings import Settings
from briefing_builder.core.textmatch import fold_whitespace, locate_quote_parts, quote_parts
from briefing_builder.gui.findings_model import FindingIdRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.source_reader import SourceReader, mark_tooltip

from ..conftest import SOURCES_YAML, write_library
from .helpers import list_ids, make_window, settle

Key = Qt.Key
Alt = Qt.KeyboardModifier.AltModifier
Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def select(window: MainWindow, fid: str) -> None:
    window.list.setCurrentIndex(window.model.index(list_ids(window).index(fid)))


def open_reader(qtbot: QtBot, window: MainWindow, fid: str) -> SourceReader:
    select(window, fid)
    with qtbot.waitSignal(window.detail.showInSource, timeout=1000):
        qtbot.mouseClick(window.detail.show_button, Qt.MouseButton.LeftButton)
    reader = window.reader
    qtbot.waitExposed(reader)
    settle(qtbot)
    return reader


def finding(window: MainWindow, fid: str) -> Finding:
    f = window.opened.library.finding(fid)
    assert f is not None
    return f


def passage_in_view(reader: SourceReader) -> bool:
    top, bottom = reader.view.span_rect(reader.spans[0][0], reader.spans[-1][1])
    height = reader.view.viewport().height()
    return top >= 0 and (bottom <= height or top < height // 3)


def as_shown(original: str) -> str:
    """A stretch of a source's text as the reader shows it: no bullets, no ** marks."""
    return fold_whitespace(re.sub(r"(?m)^\s*[-•]\s+", "", original).replace("**", ""))


def shown_passage(reader: SourceReader, fid: str) -> list[str]:
    """The parts of a finding's passage, cut from the source's text and put as shown."""
    assert reader._layout is not None
    text = reader._layout.source
    passage = next(p for p in reader.passages if p.finding.id == fid)
    return [as_shown(text[s:e]) for s, e in passage.spans]


def current_id(window: MainWindow) -> str:
    return str(window.list.currentIndex().data(FindingIdRole))


# --- the passage -----------------------------------------------------------------------------


def test_show_in_source_docks_the_reader_with_the_quote_highlighted(
    qtbot: QtBot, window: MainWindow
) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    f = finding(window, "npia-2009-002")
    assert isinstance(reader, QDockWidget) and not reader.isFloating()
    assert window.dockWidgetArea(reader) == Qt.DockWidgetArea.RightDockWidgetArea
    assert reader.objectName() == "sourceReader"
    assert "NPIA 2009" in reader.windowTitle()
    assert [fold_whitespace(p) for p in reader.highlighted_text()] == quote_parts(f.text)
    assert len(reader.view.extraSelections()) == 1
    assert reader.view.textCursor().position() == reader.spans[0][0]
    assert passage_in_view(reader)
    assert reader.message.isHidden()
    # The keyboard is in the reader, ready to read or find.
    assert reader.isAncestorOf(QApplication.focusWidget())


def test_each_part_of_a_quote_with_omissions_is_highlighted(
    qtbot: QtBot, window: MainWindow
) -> None:
    f = finding(window, "npia-2009-003")
    assert f.text.count(" … ") == 5
    reader = open_reader(qtbot, window, "npia-2009-003")
    parts = reader.highlighted_text()
    assert [fold_whitespace(p) for p in parts] == quote_parts(f.text)
    painted = [fold_whitespace(s.cursor.selectedText()) for s in reader.view.extraSelections()]
    assert painted == quote_parts(f.text)


def test_a_late_quote_is_scrolled_into_view(qtbot: QtBot, window: MainWindow) -> None:
    last = [f for f in window.opened.library.findings if f.source == "copacc-2015"][-1]
    reader = open_reader(qtbot, window, last.id)
    assert reader.view.verticalScrollBar().value() > 0
    assert passage_in_view(reader)
    # Bold in the source is bold when shown, without its ** marks, and the quote is still found.
    shown = [fold_whitespace(p) for p in reader.highlighted_text()]
    assert shown == shown_passage(reader, last.id)


def test_bold_in_the_source_is_bold_without_its_marks(qtbot: QtBot, window: MainWindow) -> None:
    f = finding(window, "copacc-2015-004")
    assert f.text.endswith("**it is a must.**")
    reader = open_reader(qtbot, window, f.id)
    (shown,) = reader.highlighted_text()
    assert fold_whitespace(shown).endswith("a “nice to have” - it is a must.")
    doc = reader.view.document()
    bold = doc.find("it is a must.", reader.spans[0][0])
    plain = doc.find("nice to have", reader.spans[0][0])
    assert bold.charFormat().fontWeight() > plain.charFormat().fontWeight()


def test_headings_are_shown_as_headings(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "scotgov-y4-010")
    doc = reader.view.document()
    text = text_for_reading(window.opened.library, "scotgov-y4")
    assert doc.toPlainText() == layout_text(text).text
    headings = {}
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            headings[block.text()] = block.blockFormat().headingLevel()
        block = block.next()
    assert headings["3.1 How do partnerships work in practice?"] == 2
    assert headings["3.1.1 Range of partnerships with the police"] == 3
    assert "3 Partnership working and the police" in headings
    # Headings are bold and larger than the text around them.
    cursor = QTextCursor(doc.findBlockByNumber(0))
    body = doc.find("Across all four case study areas")
    assert cursor.charFormat().fontWeight() > body.charFormat().fontWeight()
    # The bullets are a list, not "•" characters in the text.
    item = doc.find("local authorities").block()
    assert item.textList() is not None and item.text() == "local authorities"


# --- not modal, follows the list -----------------------------------------------------------


def test_the_window_stays_usable_and_the_reader_follows_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    assert QApplication.activeModalWidget() is None
    assert not reader.isWindow()  # docked in the window, not a window of its own
    # The officer searches and adds findings with the reader open.
    window.filters.search.setFocus()
    qtbot.keyClicks(window.filters.search, "Hartlepool")
    qtbot.waitUntil(lambda: window.model.rowCount() < len(window.opened.library.findings))
    assert reader.isVisible()
    # Another finding, of another source: the same reader shows it.
    window.filters.clear()
    select(window, "scotgov-y4-010")
    settle(qtbot)
    assert window.reader is reader and reader.isVisible()
    assert reader.finding is not None and reader.finding.id == "scotgov-y4-010"
    assert "SG reform year 4" in reader.windowTitle()
    assert [fold_whitespace(p) for p in reader.highlighted_text()] == quote_parts(
        finding(window, "scotgov-y4-010").text
    )
    assert passage_in_view(reader)
    window.add_selected_findings()
    assert window.doc.briefing.finding_ids() == ["scotgov-y4-010"]
    assert len([w for w in QApplication.topLevelWidgets() if w.isVisible()]) == 1


def test_a_closed_reader_does_not_follow_until_opened(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    reader.close()
    select(window, "n8prp-001")
    settle(qtbot)
    assert reader.finding is not None and reader.finding.id == "npia-2009-002"
    window.act_show_source.trigger()
    settle(qtbot)
    assert reader.isVisible() and reader.finding.id == "n8prp-001"


# --- previous and next finding -------------------------------------------------------------


def test_previous_and_next_go_in_the_order_of_the_text(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "scotgov-y4-010")
    text = text_for_reading(window.opened.library, "scotgov-y4")
    order = [p.finding.id for p in reader.passages]
    starts = [locate_quote_parts(text, finding(window, fid).text)[0][0] for fid in order]
    assert starts == sorted(starts) and len(order) == 49
    i = order.index("scotgov-y4-010")
    with qtbot.waitSignal(reader.findingChosen) as moved:
        qtbot.keyClick(reader.view, Key.Key_PageDown, Alt)
    assert moved.args == [order[i + 1]]
    assert reader.finding is not None and reader.finding.id == order[i + 1]
    # The list follows (the window selects it), and the detail pane with it.
    assert current_id(window) == order[i + 1]
    assert window.detail.finding is not None and window.detail.finding.id == order[i + 1]
    assert [fold_whitespace(p) for p in reader.highlighted_text()] == quote_parts(
        finding(window, order[i + 1]).text
    )
    assert passage_in_view(reader)
    qtbot.keyClick(reader.view, Key.Key_PageUp, Alt)
    qtbot.keyClick(reader.view, Key.Key_PageUp, Alt)
    assert reader.finding.id == order[i - 1] == current_id(window)
    assert reader.position.text().startswith(f"Finding {i} of 49 from this source")
    # The buttons do the same, and stop at the ends.
    qtbot.mouseClick(reader.next_button, Qt.MouseButton.LeftButton)
    assert reader.finding.id == order[i]
    select(window, order[0])
    settle(qtbot)
    assert not reader.prev_button.isEnabled() and not reader.act_previous.isEnabled()
    assert reader.next_button.isEnabled()
    select(window, order[-1])
    settle(qtbot)
    assert not reader.next_button.isEnabled() and reader.prev_button.isEnabled()


def test_a_finding_hidden_by_the_filters_is_read_but_not_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    order = [p.finding.id for p in reader.passages]
    nxt = order[order.index("npia-2009-002") + 1]
    window.filters.set_filter(window.filters.current.with_values("kinds", {"quote"}))
    assert nxt not in list_ids(window) and current_id(window) == "npia-2009-002"
    reader.act_next.trigger()
    assert reader.finding is not None and reader.finding.id == nxt
    assert current_id(window) == "npia-2009-002"
    assert "hidden by the filters" in window.statusBar().currentMessage()


# --- margin marks ----------------------------------------------------------------------------


def test_every_curated_passage_is_marked_in_the_margin(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    ids = [f.id for f in window.opened.library.findings if f.source == "npia-2009"]
    marks = {m.finding.id: m for m in reader.marks()}
    assert sorted(marks) == sorted(ids)
    assert {fid for fid, m in marks.items() if m.state == "current"} == {"npia-2009-002"}
    assert {m.state for fid, m in marks.items() if fid != "npia-2009-002"} == {"curated"}
    # Each mark stands beside its own passage.
    doc = reader.view.document()
    for fid, mark in marks.items():
        painted = []
        for s, e in mark.spans:
            c = QTextCursor(doc)
            c.setPosition(s)
            c.setPosition(e, QTextCursor.MoveMode.KeepAnchor)
            painted.append(fold_whitespace(c.selectedText().replace("\u2029", " ")))
        assert painted == shown_passage(reader, fid)
    # Findings in the briefing get their own shade, as soon as they are added.
    select(window, "npia-2009-005")
    window.add_selected_findings()
    select(window, "npia-2009-002")
    settle(qtbot)
    states = {m.finding.id: m.state for m in reader.marks()}
    assert states["npia-2009-005"] == "briefing" and states["npia-2009-002"] == "current"
    assert "1 in the briefing" in reader.position.text()
    window.act_undo.trigger()
    assert {m.finding.id: m.state for m in reader.marks()}["npia-2009-005"] == "curated"


def test_a_mark_names_its_finding_and_a_click_reads_it(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "scotgov-y4-010")
    margin = reader.view.margin
    assert margin.isVisible() and margin.width() > 0
    height = margin.height()
    visible = [
        (m, max(top, 0), min(bottom, height))
        for m, top, bottom in margin.bars()
        if m.state != "current" and min(bottom, height) - max(top, 0) > 10
    ]
    assert visible, "no other finding's mark in view"
    mark, top, bottom = visible[0]
    assert margin.marks_at((top + bottom) // 2)[0].finding.id == mark.finding.id
    words = " ".join(mark.finding.text.split()[:8])
    assert mark_tooltip(mark) == f"A finding: “{words}…” — click to read it"
    # Hovering shows it.
    middle = QPoint(6, (top + bottom) // 2)
    QApplication.sendEvent(
        margin, QHelpEvent(QEvent.Type.ToolTip, middle, margin.mapToGlobal(middle))
    )
    assert QToolTip.isVisible() and QToolTip.text() == mark_tooltip(mark)
    QToolTip.hideText()
    with qtbot.waitSignal(reader.findingChosen):
        qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=middle)
    assert reader.finding is not None and reader.finding.id == mark.finding.id
    assert current_id(window) == mark.finding.id


# --- find ------------------------------------------------------------------------------------


def test_find_counts_and_steps_through_the_matches(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "scotgov-y4-010")
    reader.view.setFocus()
    qtbot.keyClick(reader.view, Key.Key_F, Ctrl)
    assert reader.find_bar.isVisible()
    assert QApplication.focusWidget() is reader.find_field
    assert window.filters.search.text() == ""  # not the window's Search findings
    qtbot.keyClicks(reader.find_field, "Netherlands")
    laid_out = reader.view.document().toPlainText()
    n = laid_out.lower().count("netherlands")
    assert n > 3
    assert len(reader.matches) == n
    # The first match after the passage being read.
    first = reader.match_index
    assert reader.matches[first][0] >= reader.spans[0][0]
    assert reader.matches[first - 1][0] < reader.spans[0][0]
    assert reader.find_count.text() == f"{first + 1} of {n}"
    assert reader.view.textCursor().selectedText() == "Netherlands"
    qtbot.keyClick(reader.find_field, Key.Key_F3)
    assert reader.find_count.text() == f"{first + 2} of {n}"
    qtbot.keyClick(reader.find_field, Key.Key_Return)
    assert reader.find_count.text() == f"{first + 3} of {n}"
    qtbot.keyClick(reader.find_field, Key.Key_Return, Shift)
    qtbot.keyClick(reader.find_field, Key.Key_F3, Shift)
    assert reader.find_count.text() == f"{first + 1} of {n}"
    assert reader.view.textCursor().selectionStart() == reader.matches[first][0]
    # Round from the last match to the first.
    reader.match_index = n - 1
    reader.find_step(1)
    assert reader.find_count.text() == f"1 of {n}"
    # Every match is painted, besides the passage.
    assert len(reader.view.extraSelections()) == len(reader.spans) + n
    qtbot.keyClicks(reader.find_field, "zzz")
    assert reader.find_count.text() == "No matches" and reader.matches == []
    # Escape closes the bar, clears the matches, and gives the text the keyboard back.
    qtbot.keyClick(reader.find_field, Key.Key_Escape)
    assert reader.find_bar.isHidden()
    assert len(reader.view.extraSelections()) == len(reader.spans)
    assert QApplication.focusWidget() is reader.view
    assert reader.isVisible()


def test_the_find_button_opens_find(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    qtbot.mouseClick(reader.find_button, Qt.MouseButton.LeftButton)
    assert reader.find_bar.isVisible() and QApplication.focusWidget() is reader.find_field
    qtbot.keyClicks(reader.find_field, "hartlepool")
    assert reader.find_count.text() == "1 of 2"  # a slide title, and the list of sites
    assert reader.view.textCursor().selectedText() == "Hartlepool"


def test_ctrl_f_searches_the_findings_outside_the_reader(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    window.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list)
    qtbot.keyClick(window.list, Key.Key_F, Ctrl)
    assert QApplication.focusWidget() is window.filters.search
    assert reader.find_bar.isHidden()
    # And inside the reader, from a button too, it is the reader's Find.
    reader.next_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reader.next_button)
    qtbot.keyClick(reader.next_button, Key.Key_F, Ctrl)
    assert reader.find_bar.isVisible() and QApplication.focusWidget() is reader.find_field


def test_a_floating_reader_keeps_its_keys(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    reader.setFloating(True)
    qtbot.waitExposed(reader)
    reader.activateWindow()
    reader.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reader.view)
    qtbot.keyClick(reader.view, Key.Key_F, Ctrl)
    assert reader.find_bar.isVisible()
    assert window.filters.search.hasFocus() is False


# --- accessible, keyboard-reachable --------------------------------------------------------


def test_controls_have_accessible_names(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    reader.open_find()
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    controls = [*reader.findChildren(QAbstractButton), *reader.findChildren(QLineEdit)]
    unnamed = [
        c
        for c in controls
        if c.isVisible() and c.focusPolicy() != Qt.FocusPolicy.NoFocus and not c.accessibleName()
    ]
    # The dock's own float and close buttons are Qt's, named by Qt.
    assert [c for c in unnamed if c.parent() is not reader] == []
    assert reader.view.accessibleName() == "Source text"
    for button in (reader.prev_button, reader.next_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus


# --- no text ---------------------------------------------------------------------------------

# The small test library with its second source's text left out.
NO_TEXT_SOURCES = SOURCES_YAML.replace("    text: texts/beta.txt\n", "")


def small_window(qtbot: QtBot, root: Path) -> MainWindow:
    return make_window(qtbot, open_library(root, use_cache=False))


def test_a_source_without_text_gets_a_message_not_a_dialog(
    qtbot: QtBot, tmp_path: Path, dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = small_window(qtbot, write_library(tmp_path / "lib", {"sources.yaml": NO_TEXT_SOURCES}))
    select(window, "beta-001")
    assert not window.detail.show_button.isEnabled()
    window.act_show_source.trigger()
    settle(qtbot)
    reader = window.reader
    assert reader.isVisible()
    assert reader.message.isVisible() and reader.view.isHidden()
    assert reader.message.text() == (
        "“Budgets and the police” has no text in this library, so its findings cannot be read "
        "in context."
    )
    assert not reader.act_find.isEnabled()
    assert not reader.prev_button.isEnabled() and not reader.next_button.isEnabled()
    # The next finding with a text shows it again.
    select(window, "alpha-001")
    settle(qtbot)
    assert reader.message.isHidden() and reader.view.isVisible()
    assert reader.highlighted_text() == [
        "Working with Māori communities builds trust between partners."
    ]
    assert dialogs.calls == []


def test_an_unreadable_text_gets_a_message(qtbot: QtBot, tmp_path: Path, qtlog) -> None:  # type: ignore[no-untyped-def]
    root = write_library(tmp_path / "lib")
    window = small_window(qtbot, root)
    select(window, "alpha-003")
    window.show_in_source()
    settle(qtbot)
    assert window.reader.highlighted_text()
    (root / "texts" / "beta.txt").write_bytes(b"\xff\xfeB\x00u\x00d\x00")  # now UTF-16
    select(window, "beta-002")
    window.show_in_source()
    settle(qtbot)
    # Nothing of the text shown before is looked for in the empty view.
    assert window.reader.spans == [] and window.reader.highlighted_text() == []
    assert not [r for r in qtlog.records if "out of range" in r.message]
    message = window.reader.message.text()
    assert message.startswith("The text of “Budgets and the police” cannot be read: beta.txt is")
    assert "UTF-16" in message
    assert window.reader.view.isHidden()


def test_a_quote_not_in_its_text_says_so_and_shows_the_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    f = finding(window, "npia-2009-002")
    stray = Finding("stray", f.source, f.kind, "Words that are not in it.", f.locator, f.themes)
    reader.show_finding(stray)
    assert reader.message.text() == "The quote could not be found word for word in this text."
    assert reader.view.isVisible() and reader.spans == []


def test_switching_library_empties_the_reader(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    window.switch_library(write_library(tmp_path / "small"))
    settle(qtbot)
    assert reader.finding is not None and reader.finding.id == current_id(window)
    assert reader.library is window.opened.library


# --- the dock's place is remembered ------------------------------------------------------------


def test_the_readers_place_is_saved_and_restored(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings()
    window = make_window(qtbot, bundled, settings=settings)
    open_reader(qtbot, window, "npia-2009-002")
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.reader)
    settle(qtbot)
    window.close()
    assert settings.window_state
    again = make_window(qtbot, bundled, settings=Settings.load())
    settle(qtbot)
    assert again.reader.isVisible()
    assert again.dockWidgetArea(again.reader) == Qt.DockWidgetArea.LeftDockWidgetArea
    # Open again, it reads the selected finding.
    assert again.reader.finding is not None
    assert again.reader.finding.id == current_id(again)
    # Closed, it stays closed next time.
    again.reader.close()
    again.close()
    third = make_window(qtbot, bundled, settings=Settings.load())
    assert third.reader.isHidden()


def test_show_in_source_again_brings_the_passage_back(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "scotgov-y4-010")
    bar = reader.view.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderToMaximum)  # the officer reads on
    assert not passage_in_view(reader)
    window.list.setFocus()
    qtbot.keyClick(window.list, Key.Key_R, Ctrl | Shift)
    settle(qtbot)
    assert passage_in_view(reader)


def test_the_reader_opens_and_closes_from_the_view_menu(qtbot: QtBot, window: MainWindow) -> None:
    view_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"
    )
    toggle = next(a for a in view_menu.actions() if a.text().replace("&", "") == "Source reader")
    assert not toggle.isChecked()
    select(window, "npia-2009-002")
    toggle.trigger()
    settle(qtbot)
    assert window.reader.isVisible() and window.reader.finding is not None
    assert window.reader.finding.id == "npia-2009-002"
    toggle.trigger()
    assert window.reader.isHidden()


def test_tab_leaves_the_text_for_the_next_control(qtbot: QtBot, window: MainWindow) -> None:
    reader = open_reader(qtbot, window, "npia-2009-002")
    reader.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reader.view)
    before = reader.view.document().toPlainText()
    qtbot.keyClick(reader.view, Key.Key_Tab)
    assert QApplication.focusWidget() is not reader.view
    assert reader.view.document().toPlainText() == before
