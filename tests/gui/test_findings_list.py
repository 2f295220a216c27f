"""The findings list: sorting, multi-selection, the "in briefing" marker and the detail pane.
(Show in source: test_source_reader.py.)"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from briefing_builder.core.textmatch import fold_whitespace
from briefing_builder.gui.findings_model import FindingIdRole, InBriefingRole
from briefing_builder.gui.main_window import MainWindow

from .helpers import list_ids

SOURCE_ORDER = ["scotgov-y4", "scotgov-y3", "n8prp", "copacc-2015", "npia-2009"]


def sources_in_order(window: MainWindow) -> list[str]:
    """The distinct sources of the list, in the order they first appear."""
    seen: dict[str, None] = {}
    for fid in list_ids(window):
        seen.setdefault(window.opened.library.finding(fid).source, None)  # type: ignore[union-attr]
    return list(seen)


def set_sort(window: MainWindow, key: str) -> None:
    window.sort.setCurrentIndex(window.sort.findData(key))


def test_sort_modes_reorder_the_list(window: MainWindow) -> None:
    assert sources_in_order(window) == SOURCE_ORDER
    by_source = list_ids(window)
    # Within a source, the document's own order.
    copacc = [f for f in by_source if f.startswith("copacc-2015-")]
    assert copacc == sorted(copacc)

    set_sort(window, "date-desc")
    # 2018, 2015, 2009, then the undated sources in source order.
    assert sources_in_order(window) == [
        "scotgov-y3",
        "copacc-2015",
        "npia-2009",
        "scotgov-y4",
        "n8prp",
    ]
    ids = list_ids(window)
    assert ids.index("copacc-2015-001") < ids.index("npia-2009-001")
    assert sorted(ids) == sorted(by_source)

    set_sort(window, "date-asc")
    assert sources_in_order(window) == [
        "npia-2009",
        "copacc-2015",
        "scotgov-y3",
        "scotgov-y4",
        "n8prp",
    ]

    set_sort(window, "source")
    assert list_ids(window) == by_source


def test_sorting_keeps_the_filter_and_the_current_finding(window: MainWindow) -> None:
    window.filters.set_filter(window.filters.current.with_values("kinds", {"recommendation"}))
    filtered = set(list_ids(window))
    assert len(filtered) == 28
    row = list_ids(window).index("npia-2009-003")
    window.list.setCurrentIndex(window.model.index(row))
    set_sort(window, "date-desc")
    assert set(list_ids(window)) == filtered
    current = window.list.currentIndex()
    assert current.data(FindingIdRole) == "npia-2009-003"
    assert current.row() != row  # it moved with its finding
    assert window.detail.finding.id == "npia-2009-003"  # type: ignore[union-attr]


def test_filter_keeps_the_current_finding_when_it_still_matches(window: MainWindow) -> None:
    row = list_ids(window).index("npia-2009-002")
    window.list.setCurrentIndex(window.model.index(row))
    window.filters.set_filter(window.filters.current.with_values("kinds", {"quote"}))
    assert window.list.currentIndex().data(FindingIdRole) == "npia-2009-002"
    window.filters.set_filter(window.filters.current.with_values("kinds", {"example"}))
    # Gone from the list: the first row becomes current and the detail pane follows.
    assert window.list.currentIndex().row() == 0
    assert window.detail.finding.id == list_ids(window)[0]  # type: ignore[union-attr]


def test_multi_select_with_shift_and_ctrl_click(qtbot: QtBot, window: MainWindow) -> None:
    lv = window.list
    first = lv.visualRect(window.model.index(0)).center()
    third = lv.visualRect(window.model.index(2)).center()
    fifth = lv.visualRect(window.model.index(4)).center()
    qtbot.mouseClick(lv.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(
        lv.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, third
    )
    qtbot.mouseClick(
        lv.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, fifth
    )
    ids = list_ids(window)
    assert [f.id for f in window.selected_findings()] == [ids[0], ids[1], ids[2], ids[4]]
    # They are added in list order, whatever order they were clicked in.
    window.act_add.trigger()
    assert window.doc.briefing.finding_ids() == [ids[0], ids[1], ids[2], ids[4]]
    assert window.doc.undo_stack.undoText() == "Add 4 findings"
    # Let go of Ctrl: Qt keeps the last event's modifiers as held, and a later test's
    # setCurrentIndex would add to the selection instead of replacing it.
    qtbot.keyRelease(lv, Qt.Key.Key_Control)


def test_in_briefing_marker(qtbot: QtBot, window: MainWindow) -> None:
    idx = window.model.index(3)
    fid = idx.data(FindingIdRole)
    assert idx.data(InBriefingRole) == 0
    window.list.setCurrentIndex(idx)
    window.add_selected_findings()
    assert window.model.index(3).data(InBriefingRole) == 1
    assert "In the briefing." in window.model.index(3).data(Qt.ItemDataRole.AccessibleTextRole)
    assert window.model.index(2).data(InBriefingRole) == 0
    # Still marked after filtering and sorting.
    set_sort(window, "date-desc")
    assert window.model.index(window.model.row_of(fid)).data(InBriefingRole) == 1
    window.doc.undo_stack.undo()
    assert window.model.index(window.model.row_of(fid)).data(InBriefingRole) == 0
    window.doc.undo_stack.redo()
    assert window.model.index(window.model.row_of(fid)).data(InBriefingRole) == 1
    # The list paints the marker without error.
    assert not window.list.viewport().grab().isNull()


def test_detail_pane_shows_the_whole_finding(window: MainWindow) -> None:
    row = list_ids(window).index("copacc-2015-004")
    window.list.setCurrentIndex(window.model.index(row))
    text = window.detail.browser.toPlainText()
    f = window.opened.library.finding("copacc-2015-004")
    assert f is not None
    assert fold_whitespace(f.text) in fold_whitespace(text)
    for expected in (
        "Speaker",
        "Alun Michael, South Wales PCC",
        "Kind",
        "Quote",
        "Themes",
        "Governance and accountability",
        "Leadership and senior commitment",
        "Places",
        "South Wales",
        "Where",
        "section 1 (Introduction)",
        # The citation exactly as the default style (Harvard) prints it.
        "Cited as: (Tizard, 2015, section 1)",
        "copacc-2015-004",
    ):
        assert expected in text, expected
    assert window.detail.show_button.isEnabled() and window.detail.add_button.isEnabled()


def test_detail_pane_without_speaker_or_places(window: MainWindow) -> None:
    row = list_ids(window).index("npia-2009-001")
    window.list.setCurrentIndex(window.model.index(row))
    text = window.detail.browser.toPlainText()
    assert "Speaker" not in text
    assert "Key finding" in text and "England and Wales" in text


def test_selection_model_is_extended(window: MainWindow) -> None:
    sel = window.list.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select
    sel.clearSelection()
    for r in (1, 7, 9):
        sel.select(window.model.index(r), flags)
    assert [f.id for f in window.selected_findings()] == [list_ids(window)[r] for r in (1, 7, 9)]


def test_detail_citation_follows_the_briefing_style(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from briefing_builder.core.cache import open_library
    from briefing_builder.core.paths import bundled_library
    from briefing_builder.gui.main_window import MainWindow

    window = MainWindow(open_library(bundled_library()))
    qtbot.addWidget(window)
    row = window.model.row_of("npia-2009-010")
    window.list.setCurrentIndex(window.model.index(row))
    assert "Cited as: (Mortimore, 2009, slide 9 ‘Blockages’)" in window.detail.browser.toPlainText()
    window.doc.set_metadata("style", "numbered-notes")
    window.detail.show_finding(window.detail.finding)
    text = window.detail.browser.toPlainText()
    assert "Cited as: Note 1: Steve Mortimore" in text
    window.doc.undo_stack.setClean()  # closing the test window need not ask
