"""Briefing details: the committee front sheet group and the marking's descriptor, edited as a
policy officer does, each change one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_panel import DetailsForm

from .helpers import settle


def _details(window: MainWindow) -> DetailsForm:
    form = window.briefing_panel.details
    window.briefing_panel.setCurrentWidget(form)
    return form


def test_front_sheet_is_folded_until_opened_and_edits_are_undoable(
    qtbot: QtBot, window: MainWindow
) -> None:
    form = _details(window)
    group = form.front_sheet
    assert not group.body.isVisible()  # a briefing without a front sheet: folded away
    qtbot.mouseClick(group.toggle, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert group.body.isVisible()
    qtbot.keyClicks(group.fields["meeting"], "Community Safety Committee")
    qtbot.keyClicks(group.fields["agenda_item"], "7b")
    group.decision.setFocus()
    group.decision.setCurrentIndex(group.decision.findText("For decision"))
    group.decision.activated.emit(group.decision.currentIndex())
    group.recommendations.setFocus()
    qtbot.keyClicks(group.recommendations, "note the evidence;")
    qtbot.keyClick(group.recommendations, Qt.Key.Key_Return)
    qtbot.keyClick(group.recommendations, Qt.Key.Key_Return)  # a blank line is no recommendation
    qtbot.keyClicks(group.recommendations, "agree the priorities.")
    settle(qtbot)
    b = window.doc.briefing
    assert b.meeting == "Community Safety Committee"
    assert b.agenda_item == "7b"
    assert b.decision == "decision"
    assert b.recommendations == ["note the evidence;", "agree the priorities."]
    assert b.has_front_sheet()
    stack = window.doc.undo_stack
    assert stack.undoText() == "Edit recommendations"
    stack.undo()
    assert b.recommendations == [] and group.recommendations.toPlainText() == ""
    assert stack.undoText() == "Edit decision"
    stack.undo()
    assert b.decision == "" and group.decision.currentText() == "Not set"
    stack.redo()
    assert group.decision.currentText() == "For decision"


def test_a_briefing_with_a_front_sheet_opens_with_the_group_unfolded(
    qtbot: QtBot, window: MainWindow
) -> None:
    form = _details(window)
    briefing = Briefing(
        title="Board paper",
        marking="OFFICIAL-SENSITIVE",
        marking_descriptor="PERSONAL",
        meeting="Police and Crime Panel",
        meeting_date="2026-12-10",
        decision="information",
        recommendations=["note this report."],
    )
    window.doc.replace(briefing, None, None)
    settle(qtbot)
    group = form.front_sheet
    assert group.body.isVisible()
    assert group.fields["meeting"].text() == "Police and Crime Panel"
    assert group.meeting_date.edit.text() == "10 December 2026"
    assert group.decision.currentText() == "For information"
    assert group.recommendations.toPlainText() == "note this report."
    assert form.marking.currentText() == "OFFICIAL-SENSITIVE"
    assert form.descriptor.currentText() == "PERSONAL"


def test_descriptor_is_an_undoable_detail(qtbot: QtBot, window: MainWindow) -> None:
    form = _details(window)
    form.marking.setCurrentText("OFFICIAL-SENSITIVE")
    form.descriptor.setCurrentText("COMMERCIAL")
    b = window.doc.briefing
    assert b.printed_marking() == "OFFICIAL-SENSITIVE COMMERCIAL"
    assert window.doc.undo_stack.undoText() == "Edit marking descriptor"
    window.doc.undo_stack.undo()
    assert b.marking_descriptor == "" and form.descriptor.currentText() == "(none)"


def test_every_detail_can_be_reached_in_a_small_window(qtbot: QtBot, window: MainWindow) -> None:
    """At 1024x640 with the front sheet open the tab scrolls: the last field can be shown."""
    window.resize(1024, 640)
    window.show()
    form = _details(window)
    form.front_sheet.set_open(True)
    settle(qtbot)
    recommendations = form.front_sheet.recommendations
    area = form.scroll_area
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0  # it does not all fit: the tab scrolls rather than squashing
    bar.setValue(bar.maximum())  # scrolled to the end, as the officer would
    settle(qtbot)
    top_left = recommendations.mapTo(area.viewport(), recommendations.rect().topLeft())
    assert top_left.y() >= 0 and top_left.y() + recommendations.height() <= area.viewport().height()
    # Nothing is cut off at the side: the form fits the column's width.
    assert area.horizontalScrollBar().maximum() == 0
    assert form.fields["title"].width() > 150
