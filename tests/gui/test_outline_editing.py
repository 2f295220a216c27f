"""Building the outline from the keyboard and menus, with every step undoable by name; duplicate
findings flagged; typing in the node editor and the details form undone as one step each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import EvidenceItem, NoteItem, Section
from briefing_builder.gui.findings_model import InBriefingRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import FlagRole, NodeKindRole

from .helpers import list_ids, settle, tooltip_lines, tree

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
Alt = Qt.KeyboardModifier.AltModifier
Key = Qt.Key


def key(qtbot: QtBot, widget: Any, k: Key, mods: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, k, mods)
    settle(qtbot)


def select_finding(window: MainWindow, fid: str) -> None:
    window.list.setFocus()
    window.list.selectionModel().setCurrentIndex(
        window.model.index(list_ids(window).index(fid)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )


def focus_outline_on(qtbot: QtBot, window: MainWindow, node_id: str) -> None:
    window.outline.setFocus()
    window.outline.setCurrentIndex(window.briefing_panel.model.index_of_id(node_id))
    settle(qtbot)
    assert QApplication.focusWidget() is window.outline


def current_id(window: MainWindow) -> str:
    node = window.current_node()
    assert node is not None
    return node.node_id


def type_into_open_editor(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=2000)
    editor = QApplication.focusWidget()
    assert window.outline.isAncestorOf(editor)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    key(qtbot, editor, Key.Key_Return)


def test_keyboard_workflow_with_named_undo_steps(qtbot: QtBot, window: MainWindow) -> None:
    stack = window.doc.undo_stack
    intro = window.doc.briefing.sections[0].node_id
    steps: list[tuple[str, list[Any]]] = []

    def record(name: str) -> None:
        assert stack.undoText() == name
        steps.append((name, tree(window)))

    # A new section after the current one, its heading typed straight away.
    focus_outline_on(qtbot, window, intro)
    key(qtbot, window.outline, Key.Key_N, Ctrl | Shift)
    record("Add section")
    type_into_open_editor(qtbot, window, "What works")
    record("Rename section")
    assert [s.heading for s in window.doc.briefing.sections] == ["Introduction", "What works"]
    what_works = window.doc.briefing.sections[1].node_id
    assert current_id(window) == what_works

    # Ctrl+Return adds the selected finding into the current section, then after the new item.
    select_finding(window, "npia-2009-002")
    key(qtbot, window.list, Key.Key_Return, Ctrl)
    record("Add ‘There are times when it…’")
    assert current_id(window) == window.doc.briefing.sections[1].items[0].node_id
    select_finding(window, "npia-2009-004")
    key(qtbot, window.list, Key.Key_Enter, Ctrl)  # the keypad's Enter too
    record("Add ‘NDC area - all agencies…’")
    first_item = window.doc.briefing.sections[1].items[0].node_id
    focus_outline_on(qtbot, window, first_item)
    select_finding(window, "npia-2009-005")
    key(qtbot, window.list, Key.Key_Return, Ctrl)
    record("Add ‘FOSS – multi-agency presence…’")
    assert tree(window)[1][1] == ["npia-2009-002", "npia-2009-005", "npia-2009-004"]
    assert "Added 1 finding to the briefing" in window.statusBar().currentMessage()

    # A note after the current item, typed in the editor below the outline: one undo step.
    key(qtbot, window.list, Key.Key_M, Ctrl | Shift)
    record("Add note")
    editor = window.briefing_panel.editor.edit
    qtbot.waitUntil(lambda: editor.hasFocus(), timeout=2000)
    qtbot.keyClicks(editor, "Partners agree.")
    record("Edit note")
    assert tree(window)[1][1] == [
        "npia-2009-002",
        "npia-2009-005",
        "note:Partners agree.",
        "npia-2009-004",
    ]
    note_id = window.doc.briefing.sections[1].items[2].node_id

    # Alt+Up / Alt+Down move the current item among its siblings.
    focus_outline_on(qtbot, window, note_id)
    key(qtbot, window.outline, Key.Key_Up, Alt)
    record("Move up")
    assert tree(window)[1][1][1] == "note:Partners agree."
    assert current_id(window) == note_id  # still current, so the key can repeat
    key(qtbot, window.outline, Key.Key_Down, Alt)
    record("Move down")
    key(qtbot, window.outline, Key.Key_Down, Alt)
    record("Move down")
    assert tree(window)[1][1][-1] == "note:Partners agree."
    # At the end: nothing happens, and the status bar says why.
    count = stack.count()
    key(qtbot, window.outline, Key.Key_Down, Alt)
    assert stack.count() == count
    assert "Already at the end" in window.statusBar().currentMessage()

    # A subsection (Ctrl+Alt+N) of the current item's section; Escape keeps the default heading.
    key(qtbot, window.outline, Key.Key_N, Ctrl | Alt)
    record("Add subsection")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=2000)
    key(qtbot, QApplication.focusWidget(), Key.Key_Escape)
    assert stack.undoText() == "Add subsection"
    assert tree(window)[1][2] == [["New subsection", [], []]]
    sub_id = window.doc.briefing.sections[1].sections[0].node_id

    # Alt+Left / Alt+Right outdent and indent a section.
    focus_outline_on(qtbot, window, sub_id)
    key(qtbot, window.outline, Key.Key_Left, Alt)
    record("Outdent section")
    assert [s[0] for s in tree(window)] == ["Introduction", "What works", "New subsection"]
    assert window.briefing_panel.model.index_of_id(sub_id).data().startswith("3")
    key(qtbot, window.outline, Key.Key_Right, Alt)
    record("Indent section")
    assert tree(window)[1][2] == [["New subsection", [], []]]
    assert window.briefing_panel.model.index_of_id(sub_id).data().startswith("2.1")

    # Delete removes the current item (only while the outline has focus).
    focus_outline_on(qtbot, window, first_item)
    key(qtbot, window.outline, Key.Key_Delete)
    record("Delete ‘There are times when it…’")
    assert "npia-2009-002" not in window.doc.briefing.finding_ids()
    # In the findings list, Delete is not the outline's.
    select_finding(window, "npia-2009-004")
    key(qtbot, window.list, Key.Key_Delete)
    assert stack.count() == len(steps)

    # Every step undoes, by name, back to the start; and redoes to the end.
    final = tree(window)
    start = [["Introduction", [], []]]
    for i in range(len(steps) - 1, -1, -1):
        name, snapshot = steps[i]
        assert tree(window) == snapshot
        assert stack.undoText() == name
        assert window.act_undo.text() == f"&Undo {name}"
        window.act_undo.trigger()
    assert tree(window) == start
    assert not window.doc.modified
    for name, snapshot in steps:
        assert stack.redoText() == name
        window.act_redo.trigger()
        assert tree(window) == snapshot
    assert tree(window) == final
    assert window.doc.modified and window.isWindowModified()


def test_f2_edits_a_heading_through_the_delegate(qtbot: QtBot, window: MainWindow) -> None:
    intro = window.doc.briefing.sections[0].node_id
    focus_outline_on(qtbot, window, intro)
    key(qtbot, window.outline, Key.Key_F2)
    assert window.outline.state() == window.outline.State.EditingState
    type_into_open_editor(qtbot, window, "Background")
    assert window.doc.briefing.sections[0].heading == "Background"
    assert window.doc.undo_stack.undoText() == "Rename section"
    assert window.briefing_panel.model.index_of_id(intro).data() == "1  Background"
    window.doc.undo_stack.undo()
    assert window.doc.briefing.sections[0].heading == "Introduction"
    assert window.briefing_panel.model.index_of_id(intro).data() == "1  Introduction"


def test_headings_notes_and_lead_ins_through_set_data(window: MainWindow) -> None:
    model = window.briefing_panel.model
    section = window.doc.briefing.sections[0]
    model.add_findings(["npia-2009-002"], section, 0)
    model.add_note(window.doc.briefing.sections[0], 1, "old")
    s_idx = model.index(0, 0)
    e_idx, n_idx = model.index(0, 0, s_idx), model.index(1, 0, s_idx)
    assert e_idx.data(NodeKindRole) == "evidence" and n_idx.data(NodeKindRole) == "note"
    assert model.setData(s_idx, "  Findings  ")
    assert window.doc.undo_stack.undoText() == "Rename section"
    assert model.setData(e_idx, "As Ealing's head of community safety put it:")
    assert window.doc.undo_stack.undoText() == "Edit lead-in comment"
    assert e_idx.data().endswith("  · lead-in")
    tip = " ".join(tooltip_lines(e_idx.data(Qt.ItemDataRole.ToolTipRole)))
    assert "As Ealing's head of community safety" in tip
    assert model.setData(n_idx, "new text")
    assert window.doc.undo_stack.undoText() == "Edit note"
    b = window.doc.briefing.sections[0]
    assert b.heading == "Findings"
    assert isinstance(b.items[0], EvidenceItem) and b.items[0].comment.startswith("As Ealing")
    assert isinstance(b.items[1], NoteItem) and b.items[1].text == "new text"


def test_a_heading_cannot_be_emptied(qtbot: QtBot, window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An empty heading would be saved as a file that cannot be opened again."""
    model = window.briefing_panel.model
    count = window.doc.undo_stack.count()
    assert not model.setData(model.index(0, 0), "   ")
    assert window.doc.briefing.sections[0].heading == "Introduction"
    assert window.doc.undo_stack.count() == count
    # Through the editor too.
    focus_outline_on(qtbot, window, window.doc.briefing.sections[0].node_id)
    key(qtbot, window.outline, Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=2000)
    editor = QApplication.focusWidget()
    editor.selectAll()
    key(qtbot, editor, Key.Key_Delete)
    key(qtbot, editor, Key.Key_Return)
    assert window.doc.briefing.sections[0].heading == "Introduction"


def test_delete_keeps_working_in_text_fields(qtbot: QtBot, window: MainWindow) -> None:
    window.focus_search()
    qtbot.keyClicks(window.filters.search, "abc")
    window.filters.search.setCursorPosition(0)
    key(qtbot, window.filters.search, Key.Key_Delete)
    assert window.filters.search.text() == "bc"
    assert window.doc.briefing.sections  # the outline's Delete did not fire


def test_a_finding_added_twice_is_allowed_but_flagged(qtbot: QtBot, window: MainWindow) -> None:
    model = window.briefing_panel.model
    select_finding(window, "npia-2009-002")
    window.add_selected_findings()
    settle(qtbot)
    item = model.index(0, 0, model.index(0, 0))
    assert item.data(FlagRole) == ""
    assert not item.data().startswith("⚠")
    select_finding(window, "npia-2009-002")
    window.add_selected_findings()
    settle(qtbot)
    assert "1 already in it" in window.statusBar().currentMessage()
    assert window.doc.briefing.finding_ids() == ["npia-2009-002", "npia-2009-002"]
    section = model.index(0, 0)
    for row in (0, 1):
        idx = model.index(row, 0, section)
        assert idx.data(FlagRole) == "this finding is in the briefing more than once"
        assert idx.data().startswith("⚠ ")
        assert "more than once" in " ".join(tooltip_lines(idx.data(Qt.ItemDataRole.ToolTipRole)))
        assert idx.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert window.model.index(window.model.row_of("npia-2009-002")).data(InBriefingRole) == 2
    # Removing one copy clears the flag on the other.
    model.delete_nodes([model.node(model.index(1, 0, section))])
    assert model.index(0, 0, model.index(0, 0)).data(FlagRole) == ""


# --- undo of text and metadata edits -----------------------------------------------------------


def test_typing_in_the_node_editor_is_one_undo_step(qtbot: QtBot, window: MainWindow) -> None:
    stack = window.doc.undo_stack
    focus_outline_on(qtbot, window, window.doc.briefing.sections[0].node_id)
    edit = window.briefing_panel.editor.edit
    assert edit.isEnabled()
    edit.setFocus()
    qtbot.keyClicks(edit, "The evidence is clear.")
    assert window.doc.briefing.sections[0].text == "The evidence is clear."
    assert stack.count() == 1 and stack.undoText() == "Edit section text"
    assert window.isWindowModified()
    stack.undo()
    assert window.doc.briefing.sections[0].text == ""
    assert edit.toPlainText() == ""
    assert not window.isWindowModified()
    stack.redo()
    assert edit.toPlainText() == "The evidence is clear."
    # Another node's text is a separate step.
    window.briefing_panel.model.add_section(None, 1, "Two")
    settle(qtbot)
    focus_outline_on(qtbot, window, window.doc.briefing.sections[1].node_id)
    edit.setFocus()
    qtbot.keyClicks(edit, "More.")
    assert stack.count() == 3
    stack.undo()
    assert window.doc.briefing.sections[1].text == ""
    assert window.doc.briefing.sections[0].text == "The evidence is clear."


def test_details_form_edits_undo(qtbot: QtBot, window: MainWindow) -> None:
    stack = window.doc.undo_stack
    form = window.briefing_panel.details
    window.briefing_panel.setCurrentWidget(form)
    title = form.fields["title"]
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Partnership evidence")
    assert window.doc.briefing.title == "Partnership evidence"
    assert stack.count() == 1 and stack.undoText() == "Edit title"
    assert "Partnership evidence" in window.windowTitle()
    qtbot.keyClicks(form.fields["author"], "Policy Unit")
    assert stack.count() == 2 and stack.undoText() == "Edit author"
    form.marking.setCurrentText("OFFICIAL")
    assert window.doc.briefing.marking == "OFFICIAL" and stack.undoText() == "Edit marking"
    form.summary.setFocus()
    qtbot.keyClicks(form.summary, "Three things.")
    assert window.doc.briefing.summary == "Three things." and stack.undoText() == "Edit summary"
    form.date.edit.setFocus()
    qtbot.keyClicks(form.date.edit, "31 January 2026")
    assert window.doc.briefing.date == "2026-01-31" and stack.undoText() == "Edit date"
    assert stack.count() == 5

    for _ in range(5):
        stack.undo()
    b = window.doc.briefing
    assert (b.title, b.author, b.marking, b.summary, b.date) == (
        "Untitled briefing",
        "",
        "",
        "",
        "",
    )
    # The form shows what the briefing holds.
    assert title.text() == "Untitled briefing"
    assert form.fields["author"].text() == ""
    assert form.marking.currentText() == "(none)"
    assert form.summary.toPlainText() == ""
    assert form.date.value() == "" and form.date.edit.text() == ""
    assert "Untitled briefing" in window.windowTitle()
    assert stack.count() == 5  # loading the fields pushed nothing
    for _ in range(5):
        stack.redo()
    assert (b.title, b.author, b.marking, b.summary, b.date) == (
        "Partnership evidence",
        "Policy Unit",
        "OFFICIAL",
        "Three things.",
        "2026-01-31",
    )
    assert form.marking.currentText() == "OFFICIAL"
    assert form.summary.toPlainText() == "Three things."


def test_new_briefing_after_changes_asks_first(window: MainWindow, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.briefing_panel.model.add_section(None, 1, "Two")
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    window.act_new.trigger()
    assert len(window.doc.briefing.sections) == 2
    dialogs.answer(QMessageBox.StandardButton.Discard)
    window.act_new.trigger()
    assert [s.heading for s in window.doc.briefing.sections] == ["Introduction"]
    assert isinstance(window.doc.briefing.sections[0], Section)
    assert not window.doc.modified and window.doc.undo_stack.count() == 0


def test_collapsed_sections_stay_collapsed_across_edits(qtbot: QtBot, window: MainWindow) -> None:
    model = window.briefing_panel.model
    intro = window.doc.briefing.sections[0]
    model.add_findings(["npia-2009-002"], intro, 0)
    model.add_section(None, 1, "Second")
    model.add_findings(["npia-2009-004"], window.doc.briefing.sections[1], 0)
    settle(qtbot)
    first = model.index_of_id(intro.node_id)
    assert window.outline.isExpanded(first)
    window.outline.collapse(first)
    # An edit elsewhere rebuilds the tree; the officer's folding is kept.
    model.add_findings(["npia-2009-005"], window.doc.briefing.sections[1], 1)
    settle(qtbot)
    assert not window.outline.isExpanded(model.index_of_id(intro.node_id))
    assert window.outline.isExpanded(model.index_of_id(window.doc.briefing.sections[1].node_id))
    window.doc.undo_stack.undo()
    settle(qtbot)
    assert not window.outline.isExpanded(model.index_of_id(intro.node_id))


def test_an_editor_starts_from_the_heading_note_or_lead_in_not_the_row_line(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A row's line says more than its text ("1  Introduction  · has text"); the editor holds
    only what the officer edits."""
    model = window.briefing_panel.model
    section = window.doc.briefing.sections[0]
    window.doc.set_node_text(section.node_id, "text", "Some words of my own.", "Edit section text")
    model.add_findings(["npia-2009-002"], section, 0)
    item = section.items[0]
    model.setData(model.index_of(item), "As Ealing put it:")
    assert model.index_of(section).data() == "1  Introduction  · has text"
    for node, expected in ((section, "Introduction"), (item, "As Ealing put it:")):
        focus_outline_on(qtbot, window, node.node_id)
        key(qtbot, window.outline, Key.Key_F2)
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=2000)
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit) and editor.text() == expected
        key(qtbot, editor, Key.Key_Escape)
