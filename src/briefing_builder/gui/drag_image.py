"""A small drag image: what is being dragged in a few words, on a rounded label beside the cursor.

Qt's default drag image is a picture of every dragged row, which is as wide as the list and hides
where the drop will land. This one is a label of at most a few words ("3 findings", or the start
of one quote), set below and to the right of the cursor, so the drop indicator under the cursor
stays in sight.

Any view can use it: build the QMimeData, then ``start_drag(self, mime, label, actions, default)``
(or ``make_drag`` to exec the drag yourself).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QDrag, QFont, QFontMetrics, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

#: Where the image sits from the cursor, in device-independent pixels: below and to the right,
#: clear of the arrow and of the copy/move badge the platform draws beside it.
CURSOR_OFFSET = QPoint(18, 20)
MAX_TEXT_WIDTH = 240  # device-independent pixels: a few words
_PAD_X, _PAD_Y, _RADIUS = 8, 4, 6


def drag_pixmap(text: str, font: QFont | None = None, dpr: float | None = None) -> QPixmap:
    """``text`` (elided to a few words' width) on a small rounded label, at ``dpr`` (by default
    the primary screen's), with the application palette's tooltip colours."""
    font = QFont(font) if font is not None else QGuiApplication.font()
    fm = QFontMetrics(font)
    label = fm.elidedText(text, Qt.TextElideMode.ElideRight, MAX_TEXT_WIDTH)
    width = fm.horizontalAdvance(label) + 2 * _PAD_X
    height = fm.height() + 2 * _PAD_Y
    if dpr is None:
        screen = QGuiApplication.primaryScreen()
        dpr = screen.devicePixelRatio() if screen is not None else 1.0
    pixmap = QPixmap(round(width * dpr), round(height * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    palette = QGuiApplication.palette()
    background = QColor(palette.toolTipBase().color())
    background.setAlpha(235)  # the target still shows faintly through
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(palette.mid().color())
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), _RADIUS, _RADIUS)
    painter.setFont(font)
    painter.setPen(palette.toolTipText().color())
    painter.drawText(
        QRectF(_PAD_X, 0, width - 2 * _PAD_X, height),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        label,
    )
    painter.end()
    return pixmap


def drag_hotspot() -> QPoint:
    """The drag's hot spot: the cursor's place relative to the image, above-left of it."""
    return -CURSOR_OFFSET


def make_drag(source: QWidget, mime: QMimeData, label: str) -> QDrag:
    """A drag from ``source`` carrying ``mime``, shown as ``label`` beside the cursor."""
    drag = QDrag(source)
    drag.setMimeData(mime)
    drag.setPixmap(drag_pixmap(label, source.font(), source.devicePixelRatioF()))
    drag.setHotSpot(drag_hotspot())
    return drag


def start_drag(
    source: QWidget,
    mime: QMimeData,
    label: str,
    actions: Qt.DropAction,
    default: Qt.DropAction = Qt.DropAction.IgnoreAction,
) -> Qt.DropAction:
    """Run a drag shown as ``label`` (see :func:`make_drag`); the action the drop took."""
    return make_drag(source, mime, label).exec(actions, default)
