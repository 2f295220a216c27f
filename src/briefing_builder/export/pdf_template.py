"""The PDF in the organisation's look (see :mod:`.template`): its page size and margins, its font,
the colour of its headings and its logo at the top of every page.

The PDF writer lays pages out from its module's page geometry, typeface and heading colour;
:func:`applied` sets those to the template's for the length of one layout and puts the writer's
own back afterwards. Layouts are serialised by a lock, so an export in the app's background thread
never sees another's geometry.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics

from . import pdf_writer
from .document import ExportError
from .pdf_tags import tagger
from .template import FontFiles, PdfLook

LAYOUT_LOCK = threading.RLock()
# The running header and footer sit in the margins: a template's narrower margins still leave
# them room (the marking 12 mm from the edge, the title line at 19 mm, the footer at 16 mm).
MIN_TOP = 25 * mm
MIN_BOTTOM = 22 * mm
MIN_SIDE = 12 * mm
MIN_FRAME = 60 * mm  # the least width and height left for the text
LOGO_BOX = (50 * mm, 10 * mm)  # the most the logo takes: width, height
LOGO_TOP = 6 * mm  # from the top edge of the page
LOGO_FORM = "bblogo"

_GEOMETRY = (
    "PAGE_W",
    "PAGE_H",
    "LEFT",
    "RIGHT",
    "TOP",
    "BOTTOM",
    "FRAME_W",
    "FRAME_H",
    "LAND_W",
    "LAND_H",
    "LAND_FRAME_W",
)
_SAVED = (*_GEOMETRY, "FONT", "NAVY", "_glyphs", "_seen_chars", "_char_map")
_registered: dict[FontFiles, str] = {}


def _register(font: FontFiles) -> tuple[str, frozenset[int]]:
    """Register the template's family with reportlab under a name of its own (once)."""
    name = _registered.get(font)
    if name is None:
        name = f"BriefingTemplate{len(_registered) + 1}"
        faces = {
            name: font.regular,
            name + "-Bold": font.bold,
            name + "-Italic": font.italic,
            name + "-BoldItalic": font.bold_italic,
        }
        try:
            pdf_writer.register_family(name, faces)
        except pdf_writer.FontFileError as exc:  # a damaged or unsupported font file: say which
            raise ExportError(
                f"the font {font.family} ({exc.path}) cannot be used: {exc}"
            ) from None
        _registered[font] = name
    return name, frozenset(pdfmetrics.getFont(name).face.charToGlyph)


@contextlib.contextmanager
def applied(look: PdfLook | None) -> Iterator[None]:
    """Lay out in ``look`` (None: the writer's own) until the block ends."""
    with LAYOUT_LOCK:
        if look is None:
            yield
            return
        pdf_writer.register_fonts()
        w = pdf_writer
        saved = {name: getattr(w, name) for name in _SAVED}
        try:
            if look.page_size:
                w.PAGE_W, w.PAGE_H = look.page_size
            if look.margins:
                top, right, bottom, left = look.margins
                w.TOP, w.BOTTOM = max(top, MIN_TOP), max(bottom, MIN_BOTTOM)
                w.LEFT, w.RIGHT = max(left, MIN_SIDE), max(right, MIN_SIDE)
            w.FRAME_W = w.PAGE_W - w.LEFT - w.RIGHT
            w.FRAME_H = w.PAGE_H - w.TOP - w.BOTTOM
            # The evidence annex: the same paper turned on its side.
            w.LAND_W, w.LAND_H = max(w.PAGE_W, w.PAGE_H), min(w.PAGE_W, w.PAGE_H)
            w.LAND_FRAME_W = w.LAND_W - w.LEFT - w.RIGHT
            if min(w.FRAME_W, w.FRAME_H) < MIN_FRAME:
                raise ExportError("the template's page is too small for its margins")
            if look.heading_colour:
                w.NAVY = colors.HexColor("#" + look.heading_colour)
            if look.font is not None:
                w.FONT, w._glyphs = _register(look.font)
                w._seen_chars, w._char_map = set(), {}
            yield
        finally:
            for name, value in saved.items():
                setattr(w, name, value)


def add_logo(doc: Any, logo: bytes | None) -> None:
    """Draw ``logo`` at the top left of every page of ``doc`` (a reportlab document template),
    after what the page template draws there already."""
    if not logo:
        return
    try:
        image = ImageReader(io.BytesIO(logo))
        width, height = image.getSize()
    except Exception as exc:  # not an image reportlab can read
        raise ExportError(f"the template's logo cannot be drawn: {exc}") from None
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    w, h = width * scale, height * scale
    # The first page's logo is a figure, read first; on later pages it is page furniture.
    organisation = doc.meta.organisation
    figure = doc.tagger.root.add("Figure", alt=f"{organisation} logo" if organisation else "Logo")
    for template in doc.pageTemplates:
        before = template.onPage

        def draw(canv: Any, d: Any, before: Any = before) -> None:
            before(canv, d)
            # One form holds the picture; each page refers to it (drawing the image on every
            # page would hash its pixels each time: a fifth of a 100-page layout).
            if not canv.hasForm(LOGO_FORM):
                canv.beginForm(LOGO_FORM, 0, 0, w, h)
                canv.drawImage(image, 0, 0, w, h, mask="auto")
                canv.endForm()
            tags = tagger(canv)
            first = d.page == 1
            with tags.outside_artifact(canv, first), tags.content(canv, figure if first else None):
                canv.saveState()
                canv.translate(pdf_writer.LEFT, canv._pagesize[1] - LOGO_TOP - h)
                canv.doForm(LOGO_FORM)
                canv.restoreState()

        template.onPage = draw
