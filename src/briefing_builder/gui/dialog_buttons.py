"""A dialog's buttons reached with Tab in the order they are read.

A button box lays its buttons out in the platform's order (Retire before Cancel here, Cancel
first on other desktops) while Tab follows the order they were added in, so Tab could go from
Cancel back to the button on its left. The box's own layout holds them as shown once the box
is laid out for showing, so the order is set each time it is shown.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget


class _ReadingOrder(QObject):
    def __init__(self, box: QDialogButtonBox) -> None:
        super().__init__(box)
        self.box = box
        box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.Show:
            layout = self.box.layout()
            items = [layout.itemAt(i) for i in range(layout.count())] if layout else []
            shown = [
                widget
                for item in items
                if item is not None and isinstance(widget := item.widget(), QPushButton)
            ]
            for before, after in pairwise(shown):
                QWidget.setTabOrder(before, after)
        return False


def tab_in_reading_order(box: QDialogButtonBox) -> None:
    """Make Tab go through ``box``'s buttons as they are shown, left to right."""
    _ReadingOrder(box)
