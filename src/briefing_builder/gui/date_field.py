"""The briefing's date: typed in words or numbers, picked from a calendar, or left empty.

Empty means "today, when exported" (the placeholder says so). A typed date counts once it is a
whole date ("31 January 2026", "31/01/2026", "2026-01-31"); the calendar opens at that date, or
at today; Up and Down step a day, Page Up and Page Down a month, Alt+Down (or F4) opens the
calendar. (A QDateEdit cannot be empty: the usual stand-in, a minimum date shown as special text,
opened the calendar in 1990, stepped to "2 January 1990" and turned typed days into other days.)
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.dates import DATE_HINT, parse_date
from ..export.document import format_date

TODAY_TEXT = "Today, when exported"


def _day_first() -> bool:
    """Numbers read day first unless the system's short date format puts the month first."""
    fmt = QLocale.system().dateFormat(QLocale.FormatType.ShortFormat).lower()
    return not (fmt.find("m") != -1 and fmt.find("d") != -1 and fmt.find("m") < fmt.find("d"))


class DateField(QWidget):
    """A date that may be empty. :meth:`value` is ``YYYY-MM-DD`` or ``""``."""

    #: The officer changed the date: ``YYYY-MM-DD``, or ``""`` for today when exported.
    valueEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = ""
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(TODAY_TEXT)
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Date")
        self.edit.setAccessibleDescription(
            f"Type {DATE_HINT}, or leave it empty for the date of export"
        )
        self.edit.setToolTip(
            f"Type {DATE_HINT} (Alt+Down: calendar; Up/Down: a day).\n"
            "Leave it empty to print the date of each export."
        )
        self.calendar_button = QToolButton()
        self.calendar_button.setText("Calendar…")
        self.calendar_button.setAccessibleName("Choose the date from a calendar")
        self.calendar_button.setToolTip("Choose the date from a calendar (Alt+Down)")
        self.calendar_button.clicked.connect(self.open_calendar)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        self.setFocusProxy(self.edit)

        self.popup = QWidget(self, Qt.WindowType.Popup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName("Calendar")
        popup_layout = QVBoxLayout(self.popup)
        popup_layout.setContentsMargins(0, 0, 0, 0)
        popup_layout.addWidget(self.calendar)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)

        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.installEventFilter(self)

    # --- value -------------------------------------------------------------------------------

    def value(self) -> str:
        return self._value

    def date(self) -> _dt.date | None:
        return _dt.date.fromisoformat(self._value) if self._value else None

    def set_value(self, iso: str) -> None:
        """Show ``iso`` (from the briefing); emits nothing. Leaves a date being typed alone."""
        if iso == self._value and self.edit.hasFocus():
            return
        self._value = iso
        self.edit.setText(format_date(iso) if iso else "")
        self._mark_invalid(False)

    def _set(self, value: str) -> None:
        self._mark_invalid(False)
        if value != self._value:
            self._value = value
            self.valueEdited.emit(value)

    def _typed(self, text: str) -> None:
        if not text.strip():
            self._set("")
            return
        d = parse_date(text, day_first=_day_first())
        if d is not None:
            self._set(d.isoformat())

    def _tidy(self) -> None:
        """Enter or leaving the field: show the date in words, or say what is wrong."""
        text = self.edit.text()
        if not text.strip():
            self._set("")
            return
        d = parse_date(text, day_first=_day_first())
        if d is None:
            self._mark_invalid(True)  # the typing stays, so it can be corrected
            return
        self._set(d.isoformat())
        if self.edit.text() != format_date(d.isoformat()):
            self.edit.setText(format_date(d.isoformat()))

    def is_invalid(self) -> bool:
        return bool(self.edit.property("invalid"))

    def _mark_invalid(self, invalid: bool) -> None:
        if self.is_invalid() == invalid:
            return
        self.edit.setProperty("invalid", invalid)
        self.edit.setStyleSheet("QLineEdit { color: #b91c1c; }" if invalid else "")
        shown = self.date()
        kept = format_date(shown.isoformat()) if shown else TODAY_TEXT.lower()
        self.edit.setStatusTip(
            f"Not a date: type {DATE_HINT}. The briefing keeps {kept}." if invalid else ""
        )
        self.edit.setAccessibleDescription(
            self.edit.statusTip() or f"Type {DATE_HINT}, or leave it empty for the date of export"
        )

    def step(self, days: int = 0, months: int = 0) -> None:
        """Up/Down and Page Up/Down: a day or a month from the date shown, or from today."""
        start = self.date() or _dt.date.today()
        q = QDate(start.year, start.month, start.day).addDays(days).addMonths(months)
        iso = q.toString("yyyy-MM-dd")
        self.edit.setText(format_date(iso))
        self._set(iso)

    # --- calendar ----------------------------------------------------------------------------

    def open_calendar(self) -> None:
        d = self.date() or _dt.date.today()
        shown = QDate(d.year, d.month, d.day)
        self.calendar.setSelectedDate(shown)
        self.calendar.setCurrentPage(shown.year(), shown.month())
        self.popup.adjustSize()
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        self.calendar.setFocus()

    def _picked(self, date: QDate) -> None:
        self.popup.hide()
        iso = date.toString("yyyy-MM-dd")
        self.edit.setText(format_date(iso))
        self._set(iso)
        self.window().activateWindow()
        self.edit.setFocus()

    # --- keys --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, mods = event.key(), event.modifiers()
            alt = mods & Qt.KeyboardModifier.AltModifier
            if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
                self.open_calendar()
                return True
            if mods & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            steps = {
                Qt.Key.Key_Up: (1, 0),
                Qt.Key.Key_Down: (-1, 0),
                Qt.Key.Key_PageUp: (0, 1),
                Qt.Key.Key_PageDown: (0, -1),
            }
            if key in steps:
                self.step(*steps[Qt.Key(key)])
                return True
        return False
