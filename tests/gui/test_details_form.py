"""The Briefing details tab: the date field can be empty (today when exported), typed in full,
stepped with the arrow keys, or picked from a calendar that opens at today."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

from .helpers import settle

Key = Qt.Key
Alt = Qt.KeyboardModifier.AltModifier


def date_field_focus(qtbot: QtBot, window: MainWindow) -> QWidget:
    """Focus the date field the way a user does (Alt+D on the details tab); the focused widget."""
    form = window.briefing_panel.details
    window.briefing_panel.setCurrentWidget(form)
    form.date.setFocus()
    qtbot.waitUntil(lambda: form.date.hasFocus(), timeout=2000)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def type_date(qtbot: QtBot, window: MainWindow, text: str) -> None:
    field = date_field_focus(qtbot, window)
    qtbot.keyClick(field, Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Key.Key_Tab)
    settle(qtbot)


def test_a_new_briefing_is_dated_today_when_exported(window: MainWindow) -> None:
    form = window.briefing_panel.details
    assert window.doc.briefing.date == ""
    assert form.date.value() == ""
    assert "today" in form.date.edit.placeholderText().lower()
    assert form.date.edit.text() == ""


def test_typing_a_full_date_gives_that_date(qtbot: QtBot, window: MainWindow) -> None:
    for text, iso in [
        ("31 January 2026", "2026-01-31"),
        ("5/3/2026", "2026-03-05"),
        ("2027-02-01", "2027-02-01"),
        ("1 Sept 2026", "2026-09-01"),
    ]:
        type_date(qtbot, window, text)
        assert window.doc.briefing.date == iso, text
    # Shown in words once the field is left.
    assert window.briefing_panel.details.date.edit.text() == "1 September 2026"


def test_emptying_the_field_means_today_when_exported(qtbot: QtBot, window: MainWindow) -> None:
    type_date(qtbot, window, "31 January 2026")
    assert window.doc.briefing.date == "2026-01-31"
    window.doc.set_metadata("author", "Policy Unit")  # so the next date edit is a step of its own
    field = date_field_focus(qtbot, window)
    qtbot.keyClick(field, Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Key.Key_Delete)
    settle(qtbot)
    assert window.doc.briefing.date == ""
    assert window.doc.undo_stack.undoText() == "Edit date"
    window.doc.undo_stack.undo()
    assert window.doc.briefing.date == "2026-01-31"
    assert window.briefing_panel.details.date.edit.text() == "31 January 2026"


def test_a_mistyped_date_is_kept_and_flagged_not_saved(qtbot: QtBot, window: MainWindow) -> None:
    type_date(qtbot, window, "31 January 2026")
    type_date(qtbot, window, "31 Febtober 2026")
    form = window.briefing_panel.details
    assert window.doc.briefing.date == "2026-01-31"  # the last whole date
    assert form.date.edit.text() == "31 Febtober 2026"  # the typing is not thrown away
    assert form.date.is_invalid()
    assert "31 January 2026" in form.date.edit.statusTip()
    type_date(qtbot, window, "28 February 2026")
    assert not form.date.is_invalid() and window.doc.briefing.date == "2026-02-28"


def test_up_and_down_step_from_today(qtbot: QtBot, window: MainWindow) -> None:
    today = dt.date.today()
    field = date_field_focus(qtbot, window)
    qtbot.keyClick(field, Key.Key_Up)
    assert window.doc.briefing.date == (today + dt.timedelta(days=1)).isoformat()
    qtbot.keyClick(field, Key.Key_Down)
    qtbot.keyClick(field, Key.Key_Down)
    assert window.doc.briefing.date == (today - dt.timedelta(days=1)).isoformat()


def test_the_calendar_opens_at_today_then_at_the_date(qtbot: QtBot, window: MainWindow) -> None:
    form = window.briefing_panel.details
    field = date_field_focus(qtbot, window)
    qtbot.keyClick(field, Key.Key_Down, Alt)
    calendar = form.date.calendar
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    today = QDate.currentDate()
    assert calendar.selectedDate() == today
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    # Choosing a day in it dates the briefing.
    picked = today.addDays(3)
    calendar.setSelectedDate(picked)
    qtbot.keyClick(calendar.focusWidget() or calendar, Key.Key_Return)
    settle(qtbot)
    assert not calendar.isVisible()
    assert window.doc.briefing.date == picked.toString("yyyy-MM-dd")
    # Opened again, it shows that date.
    type_date(qtbot, window, "31 January 2026")
    form.date.calendar_button.click()
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert calendar.selectedDate() == QDate(2026, 1, 31)
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 1)
    qtbot.keyClick(calendar.focusWidget() or calendar, Key.Key_Escape)
    settle(qtbot)
    assert window.doc.briefing.date == "2026-01-31"


def test_the_date_of_an_opened_briefing_is_shown(window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "b.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\ndate: 2025-12-01\nsections: []\n", encoding="utf-8")
    assert window.open_briefing(path)
    assert window.briefing_panel.details.date.edit.text() == "1 December 2025"
    assert window.briefing_panel.details.date.value() == "2025-12-01"
