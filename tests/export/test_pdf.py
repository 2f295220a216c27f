"""The PDF output, read back with pypdf, checked with qpdf and looked at as pixels."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing_builder.core.briefing import Briefing, EvidenceItem, Section
from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, build_document, export_to_file
from briefing_builder.export.inline import plain
from briefing_builder.export.pdf_writer import _glyphs, register_fonts
from tests.export.conftest import EXAMPLE, pdf_fonts, qpdf_check


def _pages(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_qpdf_accepts_every_pdf(outputs: dict[str, Path]) -> None:
    pdfs = [p for p in outputs.values() if p.suffix == ".pdf"]
    assert len(pdfs) == 6
    for pdf in pdfs:
        qpdf_check(pdf)


def test_text_and_unicode_survive(outputs: dict[str, Path]) -> None:
    text = _flat(" ".join(_pages(outputs["example-harvard.pdf"])))
    assert "In brief, shared office ≠ shared culture!" in text
    assert "Neighbourhood policing ⇒ neighbourhood management" in text
    assert "Some good work – but patchy …" in text
    assert "it’s a daily meeting" in text
    assert "**" not in text and "a better outcome for the customer" in text
    assert "(Mortimore, 2009, slide 9 ‘Blockages’)" in text
    assert "(Scottish Government, n.d., section 3.4.2)" in text


def test_every_character_of_the_library_has_a_glyph(bundled: Library) -> None:
    register_fonts()
    from briefing_builder.export import pdf_writer

    glyphs = pdf_writer._glyphs or _glyphs
    chars = {c for f in bundled.findings for c in f.text + (f.speaker or "")}
    chars |= {c for s in bundled.sources for v in s.csl.values() if isinstance(v, str) for c in v}
    missing = sorted(c for c in chars if not c.isspace() and ord(c) not in glyphs)
    assert missing == []
    assert all(ord(c) in glyphs for c in "≠⇒…‘’“”āĀ–—•")


def test_maori_and_a_corporate_author_without_year(small_library: Path, tmp_path: Path) -> None:
    lib = load_library(small_library)
    briefing = Briefing(
        title="Aotearoa",
        sections=[Section("Trust", items=[EvidenceItem("alpha-001"), EvidenceItem("beta-001")])],
    )
    out = tmp_path / "maori.pdf"
    export_to_file(briefing, lib, out)
    text = _flat(" ".join(_pages(out)))
    assert "Working with Māori communities builds trust between partners." in text
    assert "(Smith, 2020, section 1)" in text and "(Home Office, n.d., section 3)" in text
    qpdf_check(out)


def test_page_labels_bookmarks_metadata_and_page_x_of_y(outputs: dict[str, Path]) -> None:
    path = outputs["example-harvard.pdf"]
    reader = PdfReader(str(path))
    n = len(reader.pages)
    assert n >= 5
    assert reader.page_labels == [str(i) for i in range(1, n + 1)]
    meta = reader.metadata
    assert meta.title == "Partnership working between the police and other agencies"
    assert meta.author == "Policy and Research Unit"
    assert meta.subject.startswith("What the evidence says")
    assert "Leadership and senior commitment" in meta.get("/Keywords", "")
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:4] == [
        "Contents",
        "Summary",
        "1 Why partnership matters now",
        "2 What helps partnerships work",
    ]
    children = next(item for item in outline if isinstance(item, list))
    assert [c.title for c in children] == [
        "2.1 Leadership and a shared purpose",
        "2.2 Co-location and face-to-face contact",
    ]
    pages = _pages(path)
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert text.count("OFFICIAL") >= 2  # top and bottom of every page
    # The contents give the page each section starts on.
    contents = _flat(pages[0])
    for item in outline:
        if isinstance(item, list) or item.title == "Contents":
            continue
        page = reader.get_destination_page_number(item) + 1
        label = item.title.replace(" ", "\u2002", 1) if item.title[0].isdigit() else item.title
        assert re.search(re.escape(_flat(label)) + r"[ .]*" + f"{page}\\b", contents), item.title


def test_links_to_urls_and_references(outputs: dict[str, Path]) -> None:
    reader = PdfReader(str(outputs["example-harvard.pdf"]))
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            if action is not None and action.get("/URI"):
                uris.append(action["/URI"])
            elif a.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert any(u.startswith("https://www.gov.scot/publications/") for u in uris)
    assert internal >= 22  # every citation links to its reference, the contents to the sections


def test_fonts_are_embedded(outputs: dict[str, Path]) -> None:
    fonts = pdf_fonts(outputs["example-numbered-notes.pdf"])
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans-Bold" in name for name in fonts)
    assert any("DejaVuSans-Oblique" in name for name in fonts)


def test_footnotes_sit_on_the_page_of_their_mark(
    outputs: dict[str, Path], bundled: Library
) -> None:
    model = build_document(read_briefing(EXAMPLE), bundled, style="numbered-notes")
    pages = [re.sub(r"\s+", "", t) for t in _pages(outputs["example-numbered-notes.pdf"])]
    for quote in model.quotes():
        note = quote.note
        assert note is not None
        tail = re.sub(r"\s+", "", plain(quote.text))[-40:]
        mark_pages = [i for i, t in enumerate(pages) if tail in t]
        note_start = re.sub(r"\s+", "", plain(note.spans))[:60]
        note_pages = [i for i, t in enumerate(pages) if note_start in t]
        assert mark_pages and set(mark_pages) & set(note_pages), (
            note.number,
            mark_pages,
            note_pages,
        )


def test_long_quote_splits_across_pages(outputs: dict[str, Path]) -> None:
    pages = [re.sub(r"\s+", "", t) for t in _pages(outputs["hostile-numbered-notes.pdf"])]
    chunk = "thattrusttakestime.Partnerssaid<script>alert('x')</script>&]]>"
    holding = [i for i, t in enumerate(pages) if chunk in t]
    assert len(holding) >= 2 and holding == list(range(holding[0], holding[-1] + 1))


def _ink_outside_margins(pdf: Path, tmp: Path) -> list[str]:
    """Render every page and report pages with anything printed in the side margins."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed (Debian package: poppler-utils)")
    from PIL import Image

    subprocess.run(
        [pdftoppm, "-r", "50", "-gray", str(pdf), str(tmp / pdf.stem)], check=True, timeout=120
    )
    bad = []
    for png in sorted(tmp.glob(pdf.stem + "*.pgm")):
        img = Image.open(png)
        w, h = img.size
        page_mm = 297 if w > h else 210  # the evidence annex's pages are landscape
        margin = int(w * 20 / page_mm)  # ink may come no nearer the edge than 20 mm (margins: 25)
        for box in ((0, 0, margin, h), (w - margin, 0, w, h)):
            if img.crop(box).getextrema()[0] < 200:
                bad.append(png.name)
    return bad


@pytest.mark.parametrize(
    "name", ["hostile-harvard.pdf", "hostile-numbered-notes.pdf", "example-harvard.pdf"]
)
def test_nothing_overflows_the_margins(outputs: dict[str, Path], tmp_path: Path, name: str) -> None:
    assert _ink_outside_margins(outputs[name], tmp_path) == []


def test_an_export_without_contents(bundled: Library, tmp_path: Path) -> None:
    out = tmp_path / "plain.pdf"
    export_to_file(read_briefing(EXAMPLE), bundled, out, ExportOptions(include_contents=False))
    first = _pages(out)[0]
    assert "Contents" not in first and "Summary" in first
