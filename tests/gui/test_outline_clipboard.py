"""Cut, Copy, Paste and "Move to section…" in the outline: moving findings between sections with
the keyboard alone, each one undo step named in words; the clipboard's text reads well elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import EvidenceItem, Section
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_clipboard import MoveToSectionDialog

from .helpers import settle
from .test_outline_selection import press, sample, selected

Key = Qt.Key
Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def go_to(qtbot: QtBot, window: MainWindow, node_id: str) -> None:
    """Make a row the current and only selected one, as clicking it does."""
    window.outline.setFocus()
    sel = window.outline.selectionModel()
    idx = window.briefing_panel.model.index_of_id(node_id)
    sel.setCurrentIndex(idx, sel.SelectionFlag.ClearAndSelect | sel.SelectionFlag.Rows)
    settle(qtbot)


def ids(section: Section) -> list[str]:
    return [i.node_id for i in section.items]


def test_cut_and_paste_moves_an_item_to_another_section_by_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    sample(window, qtbot)
    one, two = window.doc.briefing.sections[:2]
    go_to(qtbot, window, "a")
    press(qtbot, window, Key.Key_X, Ctrl)
    assert ids(one) == ["a", "b", "c"]  # a cut row stays until it is pasted
    for _ in range(5):  # b, c, One.1, d, Two
        press(qtbot, window, Key.Key_Down)
    assert selected(window)[0] == "Two"
    press(qtbot, window, Key.Key_V, Ctrl)
    assert ids(one) == ["b", "c"] and ids(two) == ["e", "a"]
    assert selected(window) == ("a", ["a"])
    stack = window.doc.undo_stack
    assert stack.undoText().startswith("Move ‘") and stack.undoText().endswith(" to ‘2 Two’")
    # Pasting again after a cut copies (the moved item is not moved twice).
    press(qtbot, window, Key.Key_V, Ctrl)
    assert len(two.items) == 3 and two.items[2].node_id not in ("a", "e")
    stack.undo()
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert ids(one) == ["a", "b", "c"] and ids(two) == ["e"]


def test_copy_and_paste_makes_new_items_and_sections(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    b = window.doc.briefing
    one, two = b.sections[:2]
    one.items[1].comment = "As one partner put it:"  # type: ignore[union-attr]
    go_to(qtbot, window, "b")
    press(qtbot, window, Key.Key_C, Ctrl)
    # The clipboard's text is readable in a word processor: lead-in, quote, source.
    text = QApplication.clipboard().text()
    assert text.startswith("As one partner put it: “") and "” — " in text
    assert "npia-2009-002" not in text
    go_to(qtbot, window, "e")
    press(qtbot, window, Key.Key_V, Ctrl)
    copy = two.items[1]
    assert isinstance(copy, EvidenceItem) and copy.node_id != "b"
    assert (copy.finding_id, copy.comment) == ("npia-2009-002", "As one partner put it:")
    assert ids(one) == ["a", "b", "c"]  # the original stays
    assert window.doc.undo_stack.undoText().startswith("Paste ‘")
    # A section: its contents come too, all with new ids, after the current section.
    go_to(qtbot, window, "One.1")
    press(qtbot, window, Key.Key_C, Ctrl)
    assert QApplication.clipboard().text().startswith("One.1")
    go_to(qtbot, window, "Two")
    press(qtbot, window, Key.Key_V, Ctrl)
    pasted = b.sections[2]
    assert pasted.heading == "One.1" and pasted.node_id != "One.1"
    assert [i.finding_id for i in pasted.items] == ["npia-2009-004"]  # type: ignore[union-attr]
    assert pasted.items[0].node_id != "d"
    assert window.doc.undo_stack.undoText() == "Paste section ‘One.1’"
    press(qtbot, window, Key.Key_Z, Ctrl)
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert [s.node_id for s in b.sections] == ["One", "Two", "Three"] and ids(two) == ["e"]


def test_text_fields_keep_their_own_clipboard_keys(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    go_to(qtbot, window, "a")
    editor = window.briefing_panel.editor.edit
    editor.setFocus()
    qtbot.keyClicks(editor, "lead")
    editor.selectAll()
    qtbot.keyClick(editor, Key.Key_X, Ctrl)
    assert QApplication.clipboard().text() == "lead" and editor.toPlainText() == ""
    assert [i.node_id for i in window.doc.briefing.sections[0].items] == ["a", "b", "c"]


def test_move_to_section_by_typing_its_name(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    b = window.doc.briefing
    go_to(qtbot, window, "a")
    press(qtbot, window, Key.Key_Down, Shift)  # a and b selected
    assert sorted(selected(window)[1]) == ["a", "b"]
    seen: list[list[str]] = []

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MoveToSectionDialog)
        seen.append([dialog.list.item(r).text().strip() for r in range(dialog.list.count())])
        qtbot.keyClicks(dialog.filter, "thr")
        qtbot.keyClick(dialog.filter, Key.Key_Return)

    window.outline.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.outline, timeout=2000)
    QTimer.singleShot(0, choose)
    qtbot.keyClick(window.outline, Key.Key_T, Ctrl | Shift)
    settle(qtbot)
    assert seen == [["1  One", "1.1  One.1", "2  Two", "3  Three"]]
    assert ids(b.sections[2]) == ["a", "b"] and ids(b.sections[0]) == ["c"]
    assert window.doc.undo_stack.undoText() == "Move 2 items to ‘3 Three’"
    assert sorted(selected(window)[1]) == ["a", "b"]
    window.act_undo.trigger()
    assert ids(b.sections[0]) == ["a", "b", "c"] and not b.sections[2].items


def test_move_to_section_leaves_out_the_moving_section_and_arrows_choose(
    qtbot: QtBot, window: MainWindow
) -> None:
    sample(window, qtbot)
    b = window.doc.briefing
    go_to(qtbot, window, "One")
    seen: list[list[str]] = []

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MoveToSectionDialog)
        seen.append([dialog.list.item(r).text().strip() for r in range(dialog.list.count())])
        qtbot.keyClick(dialog.filter, Key.Key_Down)  # from the filter box, down the list
        qtbot.keyClick(dialog.filter, Key.Key_Return)

    QTimer.singleShot(0, choose)
    window.act_move_to.trigger()
    settle(qtbot)
    assert seen == [["2  Two", "3  Three"]]  # not into itself or its subsection
    assert [s.node_id for s in b.sections] == ["Two", "Three"]
    assert [s.node_id for s in b.sections[1].sections] == ["One"]
    assert window.doc.undo_stack.undoText() == "Move section ‘One’ to ‘3 Three’"
