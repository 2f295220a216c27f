"""The toolbar's icons: monochrome line drawings coloured from the palette.

The icons (Lucide, resources/icons/) draw with ``currentColor``. Each is rendered with that
replaced by the palette's text colour, so it reads on a light or a dark desktop alike, and again
in the disabled text colour for a greyed-out action. They are rendered through Qt's SVG image
plugin (QImageReader), which the packaged app already carries for the app's own icon, rather
than the QtSvg module, which it leaves out.

:class:`PaletteIcons` gives actions their icons and renders them afresh when the palette changes
(the desktop switching to dark mode while the app is open).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QSize
from PySide6.QtGui import QAction, QColor, QIcon, QImageReader, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from ..core.paths import resource

#: Sizes rendered for each icon (logical pixels); Qt picks the nearest for a toolbar or menu.
SIZES = (16, 20, 24, 32, 48)


def icon_path(name: str) -> Path:
    """The SVG file of the icon ``name`` (its file name without ``.svg``)."""
    return resource("icons", f"{name}.svg")


def _render(svg: bytes, colour: QColor, size: int, ratio: float) -> QPixmap:
    data = QByteArray(svg.replace(b"currentColor", colour.name().encode("ascii")))
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"svg"))
    pixels = max(1, round(size * ratio))
    reader.setScaledSize(QSize(pixels, pixels))
    image = reader.read()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def themed_icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon ``name`` drawn in ``palette``'s text colours (the application's by default).

    A missing or unreadable file gives an empty icon, so the action shows its text instead.
    """
    try:
        svg = icon_path(name).read_bytes()
    except OSError:
        return QIcon()
    palette = palette or QApplication.palette()
    app = QApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QApplication) else 1.0
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if disabled == normal:  # some styles grey nothing: fade it by hand
        disabled = QColor(normal)
        disabled.setAlphaF(0.4)
    icon = QIcon()
    for size in SIZES:
        for mode, colour in ((QIcon.Mode.Normal, normal), (QIcon.Mode.Disabled, disabled)):
            pixmap = _render(svg, colour, size, ratio)
            if not pixmap.isNull():
                icon.addPixmap(pixmap, mode)
    return icon


class PaletteIcons(QObject):
    """Keeps actions' icons in the colours of ``widget``'s palette."""

    def __init__(self, widget: QWidget, icons: dict[QAction, str]) -> None:
        super().__init__(widget)
        self._widget = widget
        self.icons = dict(icons)
        self.apply()
        widget.installEventFilter(self)

    def apply(self) -> None:
        palette = self._widget.palette()
        rendered: dict[str, QIcon] = {}
        for action, name in self.icons.items():
            if name not in rendered:
                rendered[name] = themed_icon(name, palette)
            action.setIcon(rendered[name])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.PaletteChange:
            self.apply()
        return False
