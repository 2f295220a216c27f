"""Make the example organisation template shipped in resources/templates/.

    PYTHONPATH=src python packaging/make_example_template.py

Writes ``example-unit-logo.png`` (a simple logo drawn with Qt) and ``example-unit.dotx`` (A4,
20 mm side margins, a teal brand colour on Title and Heading 1-3, DejaVu Serif for the text, the
logo in the header). Both are licensed as the project. Run it again after changing it; the files
are committed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "resources" / "templates"
BRAND = "0B6E69"  # teal
FONT = "DejaVu Serif"  # installed with most Linux desktops; elsewhere the PDF says so


def logo_png() -> bytes:
    """A 480x120 logo: a teal square with a white "EU" and the unit's name beside it."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

    app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(480, 120, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(0, 0, 120, 120, QColor("#" + BRAND))
    p.setPen(QColor("white"))
    p.setFont(QFont("DejaVu Sans", 40, QFont.Weight.Bold))
    p.drawText(QRect(0, 0, 120, 120), Qt.AlignmentFlag.AlignCenter, "EU")
    p.setPen(QColor("#" + BRAND))
    p.setFont(QFont("DejaVu Sans", 28, QFont.Weight.Bold))
    p.drawText(140, 58, "Example Unit")
    p.setPen(QColor("#404040"))
    p.setFont(QFont("DejaVu Sans", 20))
    p.drawText(140, 100, "Evidence and Policy")
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    del app
    return bytes(data.data())


def template(logo: bytes) -> bytes:
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(32), Mm(22)
    section.header_distance = section.footer_distance = Mm(8)
    normal = d.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        style = d.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor.from_string(BRAND)
    if "Quote" not in [s.name for s in d.styles]:
        d.styles.add_style("Quote", WD_STYLE_TYPE.PARAGRAPH)
    quote = d.styles["Quote"]
    quote.font.italic = True
    quote.font.color.rgb = RGBColor.from_string("404040")
    header = section.header
    header.is_linked_to_previous = False
    run = header.paragraphs[0].add_run()
    run.add_picture(io.BytesIO(logo), height=Mm(12))
    d.add_paragraph("This text is the template's own: a briefing made from it replaces it.")
    d.core_properties.title = "Example Unit briefing template"
    d.core_properties.author = "Example Unit"
    buf = io.BytesIO()
    d.save(buf)
    # Saved as a Word template (.dotx): the main part's content type is the template one.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
                )
            zout.writestr(info, data)
    return out.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    logo = logo_png()
    (OUT / "example-unit-logo.png").write_bytes(logo)
    (OUT / "example-unit.dotx").write_bytes(template(logo))
    print(f"Wrote {OUT / 'example-unit.dotx'} and its logo")


if __name__ == "__main__":
    main()
