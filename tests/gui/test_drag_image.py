"""Dragging findings shows a small label ("3 findings", or the start of the one quote) below and
to the right of the cursor, so the drop indicator under the cursor stays in sight."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.gui.drag_image import CURSOR_OFFSET, drag_hotspot, drag_pixmap, make_drag
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.mime import DragPayload

from .helpers import list_ids


def test_the_drag_pixmap_is_a_small_label(qapp: QApplication) -> None:
    small = drag_pixmap("3 findings", dpr=1.0)
    assert 0 < small.width() < 300 and 0 < small.height() < 60
    long = drag_pixmap("word " * 100, dpr=1.0)
    assert long.width() < 300 and long.height() == small.height()
    sharp = drag_pixmap("3 findings", dpr=2.0)
    assert sharp.devicePixelRatio() == 2.0
    assert sharp.deviceIndependentSize().toSize() == small.size()
    # Rounded: the corners are see-through.
    image = small.toImage()
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(small.width() // 2, small.height() // 2).alpha() > 200
    # The hot spot is above-left of the image: the image sits below-right of the cursor.
    spot = drag_hotspot()
    assert spot.x() < -10 and spot.y() < -10
    assert spot == -CURSOR_OFFSET


@pytest.fixture
def drags(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Drags started, as (pixmap, hot spot, payload, actions); none really runs offscreen."""
    started: list[dict[str, object]] = []

    def exec_(drag: QDrag, actions: Qt.DropAction, default: Qt.DropAction) -> Qt.DropAction:
        started.append(
            {
                "pixmap": drag.pixmap(),
                "hotspot": drag.hotSpot(),
                "payload": DragPayload.from_mime(drag.mimeData()),
                "default": default,
            }
        )
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", exec_)
    return started


def test_dragging_findings_shows_how_many(
    window: MainWindow, drags: list[dict[str, object]]
) -> None:
    sel = window.list.selectionModel()
    sel.clearSelection()
    for r in (1, 4, 6):
        sel.select(window.model.index(r), QItemSelectionModel.SelectionFlag.Select)
    window.list.startDrag(Qt.DropAction.CopyAction)
    (drag,) = drags
    payload = drag["payload"]
    assert isinstance(payload, DragPayload)
    assert payload.findings == [list_ids(window)[r] for r in (1, 4, 6)]
    assert drag["default"] == Qt.DropAction.CopyAction
    pixmap = drag["pixmap"]
    size = pixmap.deviceIndependentSize()  # type: ignore[attr-defined]
    assert size.width() < 300 and size.height() < 60
    assert drag["hotspot"] == drag_hotspot()
    assert window.list.drag_label(window.list.dragged_rows()) == "3 findings"


def test_dragging_one_finding_shows_its_first_words(
    window: MainWindow, drags: list[dict[str, object]]
) -> None:
    row = list_ids(window).index("npia-2009-002")
    window.list.selectionModel().select(
        window.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    f = window.opened.library.finding("npia-2009-002")
    assert f is not None
    label = window.list.drag_label(window.list.dragged_rows())
    assert label.startswith("“" + " ".join(f.text.split()[:3]))
    assert label.endswith("…”") and len(label) < 60
    window.list.startDrag(Qt.DropAction.CopyAction)
    assert len(drags) == 1


def test_make_drag_is_reusable(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    mime = QMimeData()
    mime.setText("x")
    drag = make_drag(widget, mime, "2 items")
    assert drag.mimeData() is mime
    assert drag.hotSpot() == QPoint(-CURSOR_OFFSET.x(), -CURSOR_OFFSET.y())
    assert drag.pixmap().width() < 300


def test_dragging_in_the_outline_shows_a_small_label_and_moves_nothing_itself(
    window: MainWindow, drags: list[dict[str, object]]
) -> None:
    """The outline's own drags are compact too; the drop (the model) makes the move, so the
    view removes nothing after the drag, whatever the drop action was."""
    model = window.briefing_panel.model
    section = window.doc.briefing.sections[0]
    model.add_findings(list_ids(window)[:3], section, 0)
    view = window.outline
    sel = view.selectionModel()
    sel.clearSelection()
    for row in (0, 2):
        sel.select(
            model.index(row, 0, model.index_of(section)),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    before = [i.node_id for i in section.items]
    view.startDrag(Qt.DropAction.MoveAction)
    (drag,) = drags
    payload = drag["payload"]
    assert isinstance(payload, DragPayload)
    assert payload.nodes == [before[0], before[2]]
    assert drag["default"] == Qt.DropAction.MoveAction
    size = drag["pixmap"].deviceIndependentSize()  # type: ignore[attr-defined]
    assert size.width() < 300 and size.height() < 60
    assert drag["hotspot"] == drag_hotspot()
    assert view.drag_label([section.items[0], section.items[2]]) == "2 items"
    assert view.drag_label([section]) == "§ " + section.heading
    # The stubbed drop answered "copy": nothing was taken out of the outline.
    assert [i.node_id for i in section.items] == before
