"""Drag and drop into and inside the outline: first at the model level (mimeData → canDropMimeData
→ dropMimeData, as QAbstractItemView calls them), then as drag events sent to the view."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.gui.document import BriefingDocument
from briefing_builder.gui.findings_model import FindingsModel
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.mime import MIME_TYPE, DragPayload
from briefing_builder.gui.outline_model import OutlineModel

from .helpers import list_ids, settle, tree

Copy, Move = Qt.DropAction.CopyAction, Qt.DropAction.MoveAction


def sample_briefing() -> Briefing:
    """A: [copacc-2015-001, note] + A1: [npia-2009-001];  B: empty;  C: [scotgov-y3-001]."""
    return Briefing(
        title="Sample",
        sections=[
            Section(
                "A",
                node_id="A",
                items=[EvidenceItem("copacc-2015-001", node_id="a1"), NoteItem("n", node_id="a2")],
                sections=[
                    Section("A1", node_id="A1", items=[EvidenceItem("npia-2009-001", node_id="a3")])
                ],
            ),
            Section("B", node_id="B"),
            Section("C", node_id="C", items=[EvidenceItem("scotgov-y3-001", node_id="c1")]),
        ],
    )


SAMPLE_TREE = [
    ["A", ["copacc-2015-001", "note:n"], [["A1", ["npia-2009-001"], []]]],
    ["B", [], []],
    ["C", ["scotgov-y3-001"], []],
]


@pytest.fixture
def outline(qtbot: QtBot, bundled: OpenedLibrary) -> Iterator[OutlineModel]:
    doc = BriefingDocument(bundled.library, sample_briefing())
    model = OutlineModel(doc)
    # Every structural change below is checked for model consistency as it happens.
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert tree(model) == SAMPLE_TREE
    yield model
    del tester


@pytest.fixture
def findings(bundled: OpenedLibrary) -> FindingsModel:
    return FindingsModel(bundled.library, bundled.index)


def idx(model: OutlineModel, node_id: str) -> QModelIndex:
    index = model.index_of_id(node_id)
    assert index.isValid(), node_id
    return index


def finding_mime(findings: FindingsModel, *ids: str) -> QMimeData:
    return findings.mimeData([findings.index(findings.row_of(i)) for i in ids])


def node_mime(model: OutlineModel, *node_ids: str) -> QMimeData:
    return model.mimeData([idx(model, n) for n in node_ids])


def drop(model: OutlineModel, mime: QMimeData, row: int, parent: QModelIndex, action=Copy) -> bool:  # type: ignore[no-untyped-def]
    """What the view does: ask first, then drop."""
    if not model.canDropMimeData(mime, action, row, 0, parent):
        return False
    model.dropMimeData(mime, action, row, 0, parent)
    return True


# --- from the findings list --------------------------------------------------------------------


def test_findings_mime_data_carries_ids_in_list_order(findings: FindingsModel) -> None:
    mime = findings.mimeData([findings.index(5), findings.index(2), findings.index(5)])
    payload = DragPayload.from_mime(mime)
    assert payload is not None
    assert payload.findings == [findings.finding_at(2).id, findings.finding_at(5).id]  # type: ignore[union-attr]
    assert payload.nodes == []
    assert mime.text().splitlines() == payload.findings
    assert findings.mimeTypes() == [MIME_TYPE] and findings.supportedDragActions() == Copy


def test_drop_findings_onto_a_section(outline: OutlineModel, findings: FindingsModel) -> None:
    assert drop(outline, finding_mime(findings, "npia-2009-002"), -1, idx(outline, "B"))
    assert tree(outline)[1] == ["B", ["npia-2009-002"], []]
    assert outline.doc.undo_stack.undoText() == "Add ‘There are times when it…’"


def test_drop_findings_between_items(outline: OutlineModel, findings: FindingsModel) -> None:
    mime = finding_mime(findings, "npia-2009-002", "npia-2009-004")
    assert drop(outline, mime, 1, idx(outline, "A"))
    assert tree(outline)[0][1] == ["copacc-2015-001", "npia-2009-002", "npia-2009-004", "note:n"]
    assert outline.doc.undo_stack.undoText() == "Add 2 findings"


def test_drop_findings_onto_a_heading_or_an_item(
    outline: OutlineModel, findings: FindingsModel
) -> None:
    # On a subsection's heading: at the end of its items.
    assert drop(outline, finding_mime(findings, "npia-2009-002"), -1, idx(outline, "A1"))
    assert tree(outline)[0][2] == [["A1", ["npia-2009-001", "npia-2009-002"], []]]
    # On an item: just after it, in its section.
    assert drop(outline, finding_mime(findings, "npia-2009-004"), -1, idx(outline, "a1"))
    assert tree(outline)[0][1] == ["copacc-2015-001", "npia-2009-004", "note:n"]
    # Between subsections (a row past the items): at the end of the section's items.
    assert drop(outline, finding_mime(findings, "npia-2009-005"), 4, idx(outline, "A"))
    assert tree(outline)[0][1][-1] == "npia-2009-005"


def test_drop_findings_at_top_level(outline: OutlineModel, findings: FindingsModel) -> None:
    # Between top-level sections B and C: into the section above (B).
    assert drop(outline, finding_mime(findings, "npia-2009-002"), 2, QModelIndex())
    assert tree(outline)[1] == ["B", ["npia-2009-002"], []]
    # On the empty area below everything: into the last section.
    assert drop(outline, finding_mime(findings, "npia-2009-004"), -1, QModelIndex())
    assert tree(outline)[2] == ["C", ["scotgov-y3-001", "npia-2009-004"], []]
    assert len(tree(outline)) == 3  # no new section


def test_drop_findings_into_an_empty_briefing_makes_a_section(
    bundled: OpenedLibrary, findings: FindingsModel
) -> None:
    doc = BriefingDocument(bundled.library, Briefing(sections=[]))
    model = OutlineModel(doc)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert drop(model, finding_mime(findings, "npia-2009-002"), -1, QModelIndex())
    assert tree(model) == [["Evidence", ["npia-2009-002"], []]]


def test_each_drop_is_one_undo_step(outline: OutlineModel, findings: FindingsModel) -> None:
    stack = outline.doc.undo_stack
    drop(outline, finding_mime(findings, "npia-2009-002", "npia-2009-004"), -1, idx(outline, "B"))
    drop(outline, node_mime(outline, "a1"), -1, idx(outline, "C"))
    after = tree(outline)
    assert stack.count() == 2
    assert stack.undoText() == "Move ‘Modern policing cannot succeed without…’ to ‘3 C’"
    stack.undo()
    assert tree(outline)[0][1] == ["copacc-2015-001", "note:n"]
    stack.undo()
    assert tree(outline) == SAMPLE_TREE
    stack.redo()
    stack.redo()
    assert tree(outline) == after


def test_dropped_findings_keep_a_snapshot(outline: OutlineModel, findings: FindingsModel) -> None:
    drop(outline, finding_mime(findings, "npia-2009-002"), -1, idx(outline, "B"))
    item = outline.briefing.sections[1].items[0]
    assert isinstance(item, EvidenceItem) and item.snapshot is not None
    assert item.snapshot.text.startswith("There are times")


# --- moves inside the outline -------------------------------------------------------------------


def test_outline_mime_data_leaves_out_nodes_inside_dragged_sections(outline: OutlineModel) -> None:
    payload = DragPayload.from_mime(node_mime(outline, "A", "a1", "A1", "c1"))
    assert payload is not None
    assert payload.nodes == ["A", "c1"]
    assert payload.findings == ["scotgov-y3-001"]


def test_move_an_item_to_another_section(outline: OutlineModel) -> None:
    assert drop(outline, node_mime(outline, "a1"), 1, idx(outline, "C"), Move)
    t = tree(outline)
    assert t[0][1] == ["note:n"]
    assert t[2][1] == ["scotgov-y3-001", "copacc-2015-001"]
    assert (
        outline.doc.undo_stack.undoText()
        == "Move ‘Modern policing cannot succeed without…’ to ‘3 C’"
    )


def test_move_an_item_down_within_its_section(outline: OutlineModel) -> None:
    # Dropped below the note (row 2 counts the dragged item still in place).
    assert drop(outline, node_mime(outline, "a1"), 2, idx(outline, "A"), Move)
    assert tree(outline)[0][1] == ["note:n", "copacc-2015-001"]


def test_move_items_to_top_level_goes_into_the_section_above(outline: OutlineModel) -> None:
    assert drop(outline, node_mime(outline, "a1", "a2"), 2, QModelIndex(), Move)
    assert tree(outline)[1] == ["B", ["copacc-2015-001", "note:n"], []]
    assert outline.doc.undo_stack.undoText() == "Move 2 items to ‘2 B’"


def test_move_a_section_into_another(outline: OutlineModel) -> None:
    assert drop(outline, node_mime(outline, "C"), -1, idx(outline, "B"), Move)
    t = tree(outline)
    assert [s[0] for s in t] == ["A", "B"]
    assert t[1][2] == [["C", ["scotgov-y3-001"], []]]
    assert outline.doc.undo_stack.undoText() == "Move section ‘C’"
    # Numbering follows the new place.
    assert idx(outline, "C").data().startswith("2.1")


def test_move_a_section_to_the_top(outline: OutlineModel) -> None:
    assert drop(outline, node_mime(outline, "C"), 0, QModelIndex(), Move)
    assert [s[0] for s in tree(outline)] == ["C", "A", "B"]
    # And a subsection out to top level, between A and B.
    assert drop(outline, node_mime(outline, "A1"), 2, QModelIndex(), Move)
    assert [s[0] for s in tree(outline)] == ["C", "A", "A1", "B"]


def test_move_a_subsection_between_its_siblings_rows(outline: OutlineModel) -> None:
    # Row 2 under A is past A's two items: the first subsection place.
    outline.add_section(outline.briefing.find_node("A"), 1, "A2")  # type: ignore[arg-type]
    a2 = outline.briefing.find_node("A").sections[1].node_id  # type: ignore[union-attr]
    assert drop(outline, node_mime(outline, a2), 2, idx(outline, "A"), Move)
    assert [s[0] for s in tree(outline)[0][2]] == ["A2", "A1"]


@pytest.mark.parametrize(
    ("nodes", "row", "parent"),
    [
        (["A"], -1, "A"),  # onto itself
        (["A"], -1, "A1"),  # into its own subsection
        (["A"], 0, "A1"),
        (["A"], 3, "A"),  # between its own children
        (["A"], -1, "a1"),  # onto an item
        (["B"], -1, "c1"),
        (["A1", "c1"], -1, "B"),  # sections and items at once
    ],
)
def test_impossible_section_drops_are_refused(
    outline: OutlineModel, nodes: list[str], row: int, parent: str
) -> None:
    mime = node_mime(outline, *nodes)
    assert not outline.canDropMimeData(mime, Move, row, 0, idx(outline, parent))
    assert not outline.dropMimeData(mime, Move, row, 0, idx(outline, parent))
    assert tree(outline) == SAMPLE_TREE
    assert outline.doc.undo_stack.count() == 0


def _mime(fmt: str, data: bytes) -> QMimeData:
    m = QMimeData()
    m.setData(fmt, data)
    return m


@pytest.mark.parametrize(
    "mime",
    [
        pytest.param(lambda: _mime("text/plain", b"npia-2009-002"), id="wrong-type"),
        pytest.param(lambda: _mime(MIME_TYPE, b"not json"), id="bad-json"),
        pytest.param(lambda: _mime(MIME_TYPE, b"[1, 2]"), id="not-a-mapping"),
        pytest.param(lambda: _mime(MIME_TYPE, b"{}"), id="empty"),
        pytest.param(
            lambda: DragPayload(findings=["no-such-finding"]).to_mime(), id="unknown-finding"
        ),
        pytest.param(
            lambda: DragPayload(findings=["npia-2009-002", "nope"]).to_mime(),
            id="one-unknown-finding",
        ),
        pytest.param(lambda: DragPayload(nodes=["gone"]).to_mime(), id="unknown-node"),
        pytest.param(
            lambda: _mime(MIME_TYPE, json.dumps({"findings": [3, None]}).encode()),
            id="ids-not-text",
        ),
    ],
)
def test_foreign_or_stale_data_is_refused(outline: OutlineModel, mime) -> None:  # type: ignore[no-untyped-def]
    data = mime()
    for parent in (idx(outline, "B"), QModelIndex(), idx(outline, "a1")):
        assert not outline.canDropMimeData(data, Copy, -1, 0, parent)
        assert not outline.dropMimeData(data, Copy, -1, 0, parent)
    assert tree(outline) == SAMPLE_TREE


# --- drag events sent to the view ---------------------------------------------------------------


def _drag_event(cls, pos: QPoint, *args):  # type: ignore[no-untyped-def]
    # PySide6 6.12 takes a QPointF (the QPoint form is deprecated); earlier versions a QPoint.
    try:
        return cls(QPointF(pos), *args)
    except TypeError:
        return cls(pos, *args)


def send_drag(view_port, pos: QPoint, mime: QMimeData) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    """Enter, move and drop at ``pos``; (was the move accepted, was the drop accepted)."""
    actions = Copy | Move
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = _drag_event(QDragEnterEvent, pos, actions, mime, buttons, mods)
    QApplication.sendEvent(view_port, enter)
    move = _drag_event(QDragMoveEvent, pos, actions, mime, buttons, mods)
    QApplication.sendEvent(view_port, move)
    if not move.isAccepted():
        QApplication.sendEvent(view_port, QDragLeaveEvent())
        return False, False
    dropped = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(view_port, dropped)
    return True, dropped.isAccepted()


@pytest.fixture
def sample_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    window.doc.replace(sample_briefing(), None, None)
    window.outline.expandAll()
    settle(qtbot)
    return window


def rect_of(window: MainWindow, node_id: str):  # type: ignore[no-untyped-def]
    rect = window.outline.visualRect(idx(window.briefing_panel.model, node_id))
    assert rect.height() > 10, node_id
    return rect


def test_view_drop_onto_a_section(qtbot: QtBot, sample_window: MainWindow) -> None:
    w = sample_window
    mime = w.model.mimeData([w.model.index(list_ids(w).index("npia-2009-002"))])
    moved, dropped = send_drag(w.outline.viewport(), rect_of(w, "B").center(), mime)
    assert moved and dropped
    assert tree(w)[1] == ["B", ["npia-2009-002"], []]
    settle(qtbot)
    # The new item is selected and current, so Ctrl+Return would add after it.
    node = w.current_node()
    assert isinstance(node, EvidenceItem) and node.finding_id == "npia-2009-002"
    assert (
        w.model.index(list_ids(w).index("npia-2009-002"))
        .data(Qt.ItemDataRole.AccessibleTextRole)
        .endswith("In the briefing.")
    )


def test_view_drop_between_two_items(sample_window: MainWindow) -> None:
    w = sample_window
    mime = w.model.mimeData([w.model.index(list_ids(w).index("npia-2009-002"))])
    top_of_note = rect_of(w, "a2").topLeft() + QPoint(30, 1)
    assert send_drag(w.outline.viewport(), top_of_note, mime) == (True, True)
    assert tree(w)[0][1] == ["copacc-2015-001", "npia-2009-002", "note:n"]


def test_view_drop_below_everything(sample_window: MainWindow) -> None:
    w = sample_window
    mime = w.model.mimeData([w.model.index(0)])
    below = QPoint(40, rect_of(w, "c1").bottom() + 30)
    assert below.y() < w.outline.viewport().height()
    assert send_drag(w.outline.viewport(), below, mime) == (True, True)
    assert tree(w)[2][1] == ["scotgov-y3-001", list_ids(w)[0]]


def test_view_moves_an_item_onto_a_section(sample_window: MainWindow) -> None:
    w = sample_window
    model = w.briefing_panel.model
    moved, _ = send_drag(w.outline.viewport(), rect_of(w, "B").center(), node_mime(model, "a1"))
    assert moved
    assert tree(w)[0][1] == ["note:n"]
    assert tree(w)[1] == ["B", ["copacc-2015-001"], []]
    assert w.doc.undo_stack.undoText() == "Move ‘Modern policing cannot succeed without…’ to ‘2 B’"


def test_view_refuses_a_section_dropped_into_its_child(sample_window: MainWindow) -> None:
    w = sample_window
    model = w.briefing_panel.model
    before = tree(w)
    assert send_drag(w.outline.viewport(), rect_of(w, "A1").center(), node_mime(model, "A")) == (
        False,
        False,
    )
    assert tree(w) == before
    assert w.doc.undo_stack.count() == 0


def test_view_refuses_foreign_data(sample_window: MainWindow) -> None:
    w = sample_window
    mime = QMimeData()
    mime.setText("npia-2009-002")
    assert send_drag(w.outline.viewport(), rect_of(w, "B").center(), mime) == (False, False)
    assert tree(w) == SAMPLE_TREE
