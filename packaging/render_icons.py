"""Render the app icon (resources/icons/briefing-builder.svg) as the hicolor PNG sizes.

The PNGs are committed (packaging/linux/icons/); run this after changing the SVG:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

QtSvg comes with PySide6-Essentials, so no other tool is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "icons" / "briefing-builder.svg"
APP_ID = "org.briefingbuilder.BriefingBuilder"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
OUT = REPO / "packaging" / "linux" / "icons"


def render(size: int, target: Path) -> None:
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"{target}: cannot be written")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for size in SIZES:
        target = OUT / f"{size}x{size}" / f"{APP_ID}.png"
        render(size, target)
        print(target.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
