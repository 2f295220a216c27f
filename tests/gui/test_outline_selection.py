"""After Delete or Undo something sensible in the outline is selected: the next row, else the one
before, else the section around; undoing a Delete selects what came back."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing, EvidenceItem, Section
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import NodeIdRole

from .helpers import settle
from .test_outline_dnd import send_drag

Key = Qt.Key
Ctrl = Qt.KeyboardModifier.ControlModifier


def sample(window: MainWindow, qtbot: QtBot) -> None:
    """One: a, b, c; sub One.1: d.  Two: e.  Three (empty)."""
    window.doc.replace(
        Briefing(
            sections=[
                Section(
                    "One",
                    node_id="One",
                    items=[
                        EvidenceItem("npia-2009-001", node_id="a"),
                        EvidenceItem("npia-2009-002", node_id="b"),
                        EvidenceItem("npia-2009-003", node_id="c"),
                    ],
                    sections=[
                        Section(
                            "One.1",
                            node_id="One.1",
                            items=[EvidenceItem("npia-2009-004", node_id="d")],
                        )
                    ],
                ),
                Section("Two", node_id="Two", items=[EvidenceItem("npia-2009-005", node_id="e")]),
                Section("Three", node_id="Three"),
            ]
        ),
        None,
        None,
    )
    settle(qtbot)


def selected(window: MainWindow) -> tuple[str | None, list[str]]:
    """(the current row's id, the selected rows' ids)"""
    view = window.outline
    rows = [i.data(NodeIdRole) for i in view.selectionModel().selectedRows()]
    return view.currentIndex().data(NodeIdRole), rows


def press(qtbot: QtBot, window: MainWindow, key: Key, mods=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    window.outline.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.outline, timeout=2000)
    qtbot.keyClick(window.outline, key, mods)
    settle(qtbot)


def go_to(qtbot: QtBot, window: MainWindow, node_id: str) -> None:
    window.outline.setFocus()
    window.outline.setCurrentIndex(window.briefing_panel.model.index_of_id(node_id))
    settle(qtbot)


def test_delete_selects_the_next_row_then_the_one_before_then_the_section(
    qtbot: QtBot, window: MainWindow
) -> None:
    sample(window, qtbot)
    go_to(qtbot, window, "b")
    press(qtbot, window, Key.Key_Delete)
    assert selected(window) == ("c", ["c"])
    # The last item of its section: the subsection after it is the next row.
    press(qtbot, window, Key.Key_Delete)
    assert selected(window) == ("One.1", ["One.1"])
    go_to(qtbot, window, "d")
    press(qtbot, window, Key.Key_Delete)  # the only row: its section
    assert selected(window) == ("One.1", ["One.1"])
    go_to(qtbot, window, "Three")
    press(qtbot, window, Key.Key_Delete)  # the last section: the one before
    assert selected(window) == ("Two", ["Two"])
    # The commentary editor follows the selection.
    assert window.briefing_panel.editor.node_id == "Two"


def test_undo_selects_what_it_brought_back(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    go_to(qtbot, window, "b")
    press(qtbot, window, Key.Key_Delete)
    go_to(qtbot, window, "e")
    press(qtbot, window, Key.Key_Delete)
    assert selected(window)[0] == "Two"
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert selected(window) == ("e", ["e"])
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert selected(window) == ("b", ["b"])
    # Redo deletes it again and moves on.
    press(qtbot, window, Key.Key_Y, Ctrl)
    assert selected(window) == ("c", ["c"])


def test_undoing_an_add_selects_where_it_was_added(qtbot: QtBot, window: MainWindow) -> None:
    sample(window, qtbot)
    model = window.briefing_panel.model
    three = window.doc.briefing.sections[2]
    model.add_findings(["npia-2009-006"], three, 0)
    settle(qtbot)
    assert selected(window)[1] and window.doc.briefing.sections[2].items
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert not window.doc.briefing.sections[2].items
    assert selected(window) == ("Three", ["Three"])
    # Undoing a new section selects the section before it.
    go_to(qtbot, window, "One")
    window.act_new_section.trigger()
    settle(qtbot)
    QApplication.focusWidget().clearFocus()  # leave the heading editor the new section opened
    press(qtbot, window, Key.Key_Z, Ctrl)
    assert [s.node_id for s in window.doc.briefing.sections] == ["One", "Two", "Three"]
    assert selected(window) == ("One", ["One"])


# --- folding after a drag ----------------------------------------------------------------------


def branch_image(window: MainWindow, node_id: str):  # type: ignore[no-untyped-def]
    """The expand-arrow area of a row, as painted now (selection cleared, so only the arrow)."""
    view = window.outline
    view.selectionModel().clearSelection()
    rect = view.visualRect(window.briefing_panel.model.index_of_id(node_id))
    return view.viewport().grab(QRect(0, rect.top(), rect.left(), rect.height())).toImage()


def test_a_dragged_section_shows_its_arrow_at_once(qtbot: QtBot, window: MainWindow) -> None:
    """Dragging a section into an empty one: both show their arrow straight after the drop,
    the same as after a full re-layout, and a folded section stays folded."""
    sample(window, qtbot)
    model, view = window.briefing_panel.model, window.outline
    view.collapse(model.index_of_id("One"))
    for moving, onto in (("Two", "Three"), ("One", "Two")):
        mime = model.mimeData([model.index_of_id(moving)])
        target = view.visualRect(model.index_of_id(onto)).center()
        assert send_drag(view.viewport(), target, mime)[0]
        assert window.doc.briefing.find_node(onto).sections[-1].node_id == moving  # type: ignore[union-attr]
        for nid in (onto, moving):
            assert model.hasChildren(model.index_of_id(nid)), nid
        assert view.isExpanded(model.index_of_id(onto))
        assert view.isExpanded(model.index_of_id(moving)) == (moving != "One")
        right_after = [branch_image(window, nid) for nid in (onto, moving)]
        view.doItemsLayout()
        assert right_after == [branch_image(window, nid) for nid in (onto, moving)]
        settle(qtbot)
