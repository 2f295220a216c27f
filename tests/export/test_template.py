"""The organisation's template: the Word export starts from it (page setup, styles mapped by
name, header logo, no template body left) and the PDF takes its page size, logo, heading colour
and font; a bad template is one clear message naming the file."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Mm, RGBColor
from pypdf import PdfReader

from briefing_builder.core.briefing_io import BriefingError, read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import ExportError, ExportOptions, export_to_file
from briefing_builder.export.template import find_font, load_template
from tests.conftest import REPO
from tests.export.conftest import MINIMAL

EXAMPLE_TEMPLATE = REPO / "resources" / "templates" / "example-unit.dotx"
TEMPLATE_BODY = "This text is the template's own"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_template(
    path: Path,
    *,
    width_mm: float = 215.9,
    height_mm: float = 279.4,
    heading_colour: str = "7A1F5C",
    logo: bool = True,
    strip_styles: bool = False,
    rename_heading: str | None = None,
) -> Path:
    """A unit's template made as Word would: page setup, a coloured Heading 1, a logo in the
    header, body text that must not survive. ``strip_styles`` deletes every style but Normal
    (a template with none of the writer's styles); ``rename_heading`` gives Heading 1 another
    style id, as Word does in other languages."""
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(width_mm), Mm(height_mm)
    section.left_margin = section.right_margin = Mm(30)
    d.styles["Heading 1"].font.color.rgb = RGBColor.from_string(heading_colour)
    if logo:
        png = (REPO / "resources" / "templates" / "example-unit-logo.png").read_bytes()
        section.header.paragraphs[0].add_run().add_picture(io.BytesIO(png), height=Mm(10))
    d.add_paragraph(TEMPLATE_BODY)
    styles = d.styles.element
    if strip_styles:
        for s in list(styles.findall(f"{W_NS}style")):
            if s.get(f"{W_NS}styleId") not in ("Normal",):
                styles.remove(s)
    if rename_heading:
        h1 = styles.find(f'{W_NS}style[@{W_NS}styleId="Heading1"]')
        h1.set(f"{W_NS}styleId", rename_heading)
        for based in styles.iter(f"{W_NS}basedOn"):
            if based.get(f"{W_NS}val") == "Heading1":
                based.set(f"{W_NS}val", rename_heading)
    d.save(str(path))
    return path


def export(
    tmp_path: Path, library: Library, name: str, template: Path | None, **kw: object
) -> Path:
    out = tmp_path / name
    options = ExportOptions(template=template, **kw)  # type: ignore[arg-type]
    export_to_file(read_briefing(MINIMAL), library, out, options, briefing_file=MINIMAL)
    return out


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


# --- Word -------------------------------------------------------------------------------------


def test_word_starts_from_the_dotx(tmp_path: Path, bundled: Library) -> None:
    out = export(tmp_path, bundled, "t.docx", EXAMPLE_TEMPLATE, style="numbered-notes")
    d = docx.Document(str(out))  # a .dotx came in: the result opens as a document
    assert "wordprocessingml.document.main+xml" in part_xml(out, "[Content_Types].xml")
    section = d.sections[0]
    assert round(section.left_margin.mm) == 20 and round(section.top_margin.mm) == 32
    assert round(section.page_width.mm) == 210
    # The template's styles, not the writer's: its brand colour and typeface on Heading 1.
    h1 = d.styles["Heading 1"]
    assert str(h1.font.color.rgb) == "0B6E69"
    assert d.styles["Normal"].font.name == "DejaVu Serif"
    # The heading style is tied to the heading numbering, so sections read 1, 2, 2.1.
    assert h1.element.find(f"{W_NS}pPr/{W_NS}numPr") is not None
    body = part_xml(out, "word/document.xml")
    assert TEMPLATE_BODY not in body
    assert "Partnership working" in body
    # The logo stays in the header with the writer's running header added after it.
    header = section.header
    rels = [r for r in header.part.rels.values() if r.reltype == RT.IMAGE]
    assert rels and rels[0].target_part.blob.startswith(b"\x89PNG")
    header_xml = header.part.blob.decode("utf-8")
    assert "a:blip" in header_xml and "Partnership working" in header_xml
    # Real footnotes still, in a part of their own (the template had none to clash with).
    assert "footnoteReference" in body
    assert "<w:footnote " in part_xml(out, "word/footnotes.xml")


def test_every_style_the_writer_uses_exists_when_the_template_lacks_them(
    tmp_path: Path, bundled: Library
) -> None:
    template = make_template(tmp_path / "bare.docx", strip_styles=True)
    for style in ("harvard", "numbered-notes"):
        out = export(tmp_path, bundled, f"bare-{style}.docx", template, style=style)
        styles_xml = part_xml(out, "word/styles.xml")
        defined = set(re.findall(r'w:styleId="([^"]+)"', styles_xml))
        used = set()
        for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            with contextlib.suppress(KeyError):
                used |= set(
                    re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', part_xml(out, part))
                )
        if style == "numbered-notes":
            used |= set(
                re.findall(r'w:rStyle w:val="([^"]+)"', part_xml(out, "word/footnotes.xml"))
            )
        assert used, "the export used no styles"
        assert used <= defined, f"styles used but not defined: {sorted(used - defined)}"
        for needed in ("Title", "Heading1", "Heading2", "Quote", "TOC1", "TOCHeading", "Header"):
            assert needed in defined
        assert TEMPLATE_BODY not in part_xml(out, "word/document.xml")
        # "Page X of Y" and the contents' page numbers sit at the template's right margin
        # (Letter, 30 mm margins: 155.9 mm), not at the writer's own A4 one.
        for sid in ("Footer", "TOC1"):
            style = re.search(rf'w:styleId="{sid}".*?</w:style>', styles_xml, re.S)
            assert style and 'w:pos="8838"' in style.group(0), sid
    d = docx.Document(str(out))
    assert d.styles["Quote"].type == WD_STYLE_TYPE.PARAGRAPH


def test_styles_are_matched_by_name_not_id(tmp_path: Path, bundled: Library) -> None:
    """Word gives a German user's Heading 1 the id "berschrift1": the writer's headings still
    take that style, with its colour."""
    template = make_template(tmp_path / "de.docx", rename_heading="berschrift1")
    out = export(tmp_path, bundled, "de.docx", template)
    styles_xml = part_xml(out, "word/styles.xml")
    assert "berschrift1" not in styles_xml
    d = docx.Document(str(out))
    assert str(d.styles["Heading 1"].font.color.rgb) == "7A1F5C"
    headings = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings


def test_an_exported_briefing_can_serve_as_the_template(tmp_path: Path, bundled: Library) -> None:
    """A Word file with footnotes, heading numbering and list numbering of its own (an earlier
    export): no part, footnote or numbering id is doubled, and its text is gone."""
    first = export(tmp_path, bundled, "first.docx", None, style="numbered-notes")
    again = export(tmp_path, bundled, "again.docx", first, style="numbered-notes")
    with zipfile.ZipFile(again) as z:
        names = z.namelist()
        assert len(names) == len(set(names))
        numbering = z.read("word/numbering.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    num_ids = re.findall(r'<w:num w:numId="(\d+)"', numbering)
    abstract_ids = re.findall(r'<w:abstractNum [^>]*w:abstractNumId="(\d+)"', numbering)
    assert len(num_ids) == len(set(num_ids)) and len(abstract_ids) == len(set(abstract_ids))
    assert settings.count("<w:footnotePr>") == 1 and settings.count("<w:updateFields") == 1
    d = docx.Document(str(again))
    notes = part_xml(again, "word/footnotes.xml")
    assert notes.count('w:type="separator"') == 1
    body = part_xml(again, "word/document.xml")
    assert body.count("<w:sectPr") == 1
    paragraphs = [p.text for p in d.paragraphs]
    assert paragraphs.count(paragraphs[1]) == 1  # the title once: the template's copy is gone


def test_the_annex_turns_the_template_paper_and_keeps_its_logo(
    tmp_path: Path, bundled: Library
) -> None:
    template = make_template(tmp_path / "letter.docx")  # US Letter, 30 mm side margins
    out = export(tmp_path, bundled, "annex.docx", template, include_evidence_table=True)
    d = docx.Document(str(out))
    portrait, annex = d.sections[0], d.sections[-1]
    assert len(d.sections) == 2
    assert (annex.page_width, annex.page_height) == (portrait.page_height, portrait.page_width)
    for section in (portrait, annex):
        images = [r for r in section.header.part.rels.values() if r.reltype == RT.IMAGE]
        assert images, "a section lost the template's logo"
        assert "Partnership working" in section.header.part.blob.decode("utf-8")
    # The annex's table fills the landscape text width: Letter's 279.4 mm less 60 mm, in twips.
    table_width = d.tables[-1]._tbl.tblPr.find(f"{W_NS}tblW").get(f"{W_NS}w")
    assert abs(int(table_width) - round((279.4 - 60) / 25.4 * 1440)) <= 6
    pdf = export(tmp_path, bundled, "annex.pdf", template, include_evidence_table=True)
    pages = PdfReader(str(pdf)).pages
    first, last = pages[0].mediabox, pages[-1].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (612, 792)
    assert (round(float(last.width)), round(float(last.height))) == (792, 612)


def test_a_template_with_custom_properties_gets_the_briefings_classification(
    tmp_path: Path, bundled: Library
) -> None:
    """A template carrying custom document properties of its own (as Word and LibreOffice
    save them): the export's Classification replaces them, in one part."""
    paper = REPO / "examples" / "committee-paper.briefing.yaml"
    briefing = read_briefing(paper)
    first, again = tmp_path / "first.docx", tmp_path / "again.docx"
    export_to_file(briefing, bundled, first, ExportOptions(), briefing_file=paper)
    assert "docProps/custom.xml" in zipfile.ZipFile(first).namelist()
    export_to_file(briefing, bundled, again, ExportOptions(template=first), briefing_file=paper)
    names = zipfile.ZipFile(again).namelist()
    assert names.count("docProps/custom.xml") == 1
    assert f">{briefing.marking}<" in part_xml(again, "docProps/custom.xml")


def test_the_web_page_keeps_its_own_look(tmp_path: Path, bundled: Library) -> None:
    """The template is for Word and PDF: a web page export neither reads it nor fails on it."""
    out = tmp_path / "page.html"
    options = ExportOptions(template=tmp_path / "gone.dotx")
    export_to_file(read_briefing(MINIMAL), bundled, out, options, briefing_file=MINIMAL)
    assert "Partnership working" in out.read_text(encoding="utf-8")


def test_without_a_template_nothing_changes(tmp_path: Path, bundled: Library) -> None:
    out = export(tmp_path, bundled, "plain.docx", None)
    d = docx.Document(str(out))
    assert round(d.sections[0].left_margin.mm) == 25
    assert not [r for r in d.sections[0].header.part.rels.values() if r.reltype == RT.IMAGE]


# --- PDF --------------------------------------------------------------------------------------


def pdf_images(resources: object) -> list[object]:
    """The image XObjects a page's (or a form's) resources draw, through forms too."""
    found: list[object] = []
    xobjects = resources.get("/XObject", {}) if resources else {}  # type: ignore[attr-defined]
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found.append(obj)
        elif obj.get("/Subtype") == "/Form":
            found += pdf_images(obj.get("/Resources"))
    return found


def _page1_images(path: Path) -> list[object]:
    return pdf_images(PdfReader(str(path)).pages[0]["/Resources"])


def test_pdf_takes_page_size_logo_and_colour(tmp_path: Path, bundled: Library) -> None:
    template = make_template(tmp_path / "letter.docx")
    out = export(tmp_path, bundled, "t.pdf", template)
    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    assert _page1_images(out), "no logo image on page 1"
    # Heading 1 in the template's colour: 7A1F5C as reportlab writes a fill colour.
    content = "".join(
        p.get_contents().get_data().decode("latin-1") for p in PdfReader(str(out)).pages
    )
    assert re.search(r"0?\.478431 0?\.121569 0?\.360784 rg", content)
    assert not re.search(r"0?\.121569 0?\.227451 0?\.372549 rg", content)  # the own navy
    plain = export(tmp_path, bundled, "plain.pdf", None)
    assert not _page1_images(plain)
    box = PdfReader(str(plain)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_pdf_yaml_beside_the_template(tmp_path: Path, bundled: Library) -> None:
    template = make_template(tmp_path / "unit.dotx".replace(".dotx", ".docx"), logo=False)
    (tmp_path / "logo.png").write_bytes(
        (REPO / "resources" / "templates" / "example-unit-logo.png").read_bytes()
    )
    (tmp_path / "unit.yaml").write_text(
        "logo: logo.png\nfont: DejaVu Sans\ncolours:\n  heading: '#114477'\n"
        "page:\n  size: A5\n  margins: {top: 28, right: 15, bottom: 24, left: 15}\n",
        encoding="utf-8",
    )
    look = load_template(template).look
    assert look.font is not None and look.font.regular.name == "DejaVuSans.ttf"
    assert look.heading_colour == "114477" and not look.notes
    out = export(tmp_path, bundled, "a5.pdf", template)
    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)  # A5
    assert _page1_images(out)


def test_a_font_not_installed_is_said(tmp_path: Path, bundled: Library) -> None:
    template = make_template(tmp_path / "odd.docx")
    (tmp_path / "odd.yaml").write_text("font: Frutiger Nonexistent\n", encoding="utf-8")
    out = tmp_path / "odd.pdf"
    result = export_to_file(read_briefing(MINIMAL), bundled, out, ExportOptions(template=template))
    assert result.document.warnings == [
        "the template odd.docx names the font Frutiger Nonexistent, which is not installed "
        "here, so the PDF uses DejaVu Sans"
    ]
    fonts = PdfReader(str(out)).pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names and all(n.split("+")[-1].startswith("DejaVuSans") for n in names), names


def test_the_command_line_says_when_the_font_is_missing(tmp_path: Path) -> None:
    template = make_template(tmp_path / "odd.docx")
    (tmp_path / "odd.yaml").write_text("font: Frutiger Nonexistent\n", encoding="utf-8")
    out = tmp_path / "odd.pdf"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing_builder",
            "export",
            str(MINIMAL),
            "-o",
            str(out),
            "--template",
            str(template),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "briefing-builder: warning: the template odd.docx names the font Frutiger Nonexistent, "
        "which is not installed here, so the PDF uses DejaVu Sans"
    ) in proc.stderr
    assert out.exists()


@pytest.mark.skipif(find_font("DejaVu Serif") is None, reason="DejaVu Serif is not installed")
def test_an_installed_font_named_by_the_template_is_embedded(
    tmp_path: Path, bundled: Library
) -> None:
    out = export(tmp_path, bundled, "serif.pdf", EXAMPLE_TEMPLATE)
    fonts = PdfReader(str(out)).pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}
    assert "DejaVuSerif" in names and "DejaVuSerif-Bold" in names, names


@pytest.mark.parametrize(
    ("files", "family"),
    [
        (
            ("UnitSans-Regular", "UnitSans-Bold", "UnitSans-Italic", "UnitSans-BoldItalic"),
            "Unit Sans",
        ),
        (("unitsans", "unitsansbd", "unitsansi", "unitsansbi"), "Unit Sans"),  # Windows' names
        (("unitsans", "unitsansb", "unitsansi", "unitsansz"), "Unit Sans"),
    ],
)
def test_fonts_are_found_by_their_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: tuple[str, ...], family: str
) -> None:
    from briefing_builder.export import template as template_module

    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in (*files, "unitsansmono", "Other-Bold"):
        (folder / f"{name}.ttf").write_bytes(b"")
    monkeypatch.setattr(template_module, "_font_dirs", lambda: [folder])
    found = find_font(family)
    assert found is not None
    got = (found.regular.stem, found.bold.stem, found.italic.stem, found.bold_italic.stem)
    assert got == files
    assert find_font("Unit Serif") is None


def test_bad_yaml_beside_the_template_names_file_and_line(tmp_path: Path) -> None:
    template = make_template(tmp_path / "u.docx")
    (tmp_path / "u.yaml").write_text("font: X\ncolors:\n  heading: red\n", encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        load_template(template)
    assert caught.value.problems[0].file == str(tmp_path / "u.yaml")
    assert caught.value.problems[0].line == 2
    assert "unknown key 'colors'" in caught.value.problems[0].message


# --- bad templates ----------------------------------------------------------------------------


def _ole(tmp_path: Path, name: str, encrypted: bool) -> Path:
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    if encrypted:
        body += "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    path = tmp_path / name
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("missing", "does not exist"),
        ("doc", "old-style Word file (.doc)"),
        ("doc-named-docx", "old-style Word file (.doc) named .docx"),
        ("password", "protected with a password"),
        ("not-a-zip", "is not a Word document"),
        ("zip-not-word", "a zip file but not a Word document"),
        ("pdf", "named .docx or .dotx"),
    ],
)
def test_a_bad_template_is_one_clear_message(
    tmp_path: Path, bundled: Library, kind: str, reason: str
) -> None:
    path = {
        "missing": lambda: tmp_path / "gone.dotx",
        "doc": lambda: _ole(tmp_path, "old.doc", encrypted=False),
        "doc-named-docx": lambda: _ole(tmp_path, "old.docx", encrypted=False),
        "password": lambda: _ole(tmp_path, "locked.docx", encrypted=True),
        "not-a-zip": lambda: _write(tmp_path / "text.docx", b"just some text"),
        "zip-not-word": lambda: _zip(tmp_path / "other.dotx"),
        "pdf": lambda: _write(tmp_path / "t.pdf", b"%PDF-1.4"),
    }[kind]()
    out = tmp_path / "out.docx"
    with pytest.raises(ExportError) as caught:
        export(tmp_path, bundled, "out.docx", path)
    message = str(caught.value)
    assert str(path) in message and reason in message
    assert not out.exists()
    # The command line: the same message, exit code 1, no traceback.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing_builder",
            "export",
            str(MINIMAL),
            "-o",
            str(out),
            "--template",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert reason in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not Word")
    return path


# --- the briefing's template: key -------------------------------------------------------------


def _briefing_with(tmp_path: Path, value: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines.insert(1, f"template: {value}")
    path = tmp_path / "b.briefing.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_briefing_names_its_template(tmp_path: Path, bundled: Library) -> None:
    make_template(tmp_path / "ours.docx", heading_colour="225522")
    path = _briefing_with(tmp_path, "ours.docx")
    briefing = read_briefing(path)
    assert briefing.template == "ours.docx"
    out = tmp_path / "b.docx"
    export_to_file(briefing, bundled, out, ExportOptions(), briefing_file=path)
    assert str(docx.Document(str(out)).styles["Heading 1"].font.color.rgb) == "225522"
    # --template wins over the briefing's.
    export_to_file(
        briefing, bundled, out, ExportOptions(template=EXAMPLE_TEMPLATE), briefing_file=path
    )
    assert str(docx.Document(str(out)).styles["Heading 1"].font.color.rgb) == "0B6E69"


def test_the_briefing_template_key_is_checked(tmp_path: Path, bundled: Library) -> None:
    path = _briefing_with(tmp_path, "house-style.pdf")
    with pytest.raises(BriefingError) as caught:
        read_briefing(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), 2)
    assert "Word template (.dotx)" in problem.message
    path = _briefing_with(tmp_path, "missing.dotx")
    with pytest.raises(ExportError) as exported:
        export_to_file(
            read_briefing(path), bundled, tmp_path / "x.pdf", ExportOptions(), briefing_file=path
        )
    assert exported.value.problems[0].line == 2
    assert "does not exist" in exported.value.problems[0].message


def test_the_templates_logo_gets_alternate_text_unless_it_has_its_own(
    tmp_path: Path, bundled: Library
) -> None:
    """Word's Accessibility Checker reports a picture without alternate text, the header's
    too: the logo is described by the organisation's name; a description the unit gave stays."""
    plain = make_template(tmp_path / "plain.docx")
    out = export(tmp_path, bundled, "plain-out.docx", plain)
    (descr,) = re.findall(r"<wp:docPr [^>]*descr=\"([^\"]*)\"", part_xml(out, "word/header1.xml"))
    organisation = read_briefing(MINIMAL).organisation
    assert descr == (f"{organisation} logo" if organisation else "Logo")
    own = make_template(tmp_path / "own.docx")
    with zipfile.ZipFile(own) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    header = parts["word/header1.xml"].decode("utf-8")
    parts["word/header1.xml"] = re.sub(
        r"(<wp:docPr [^>]*?)/>", r'\1 descr="The Example Unit crest"/>', header, count=1
    ).encode("utf-8")
    with zipfile.ZipFile(own, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out = export(tmp_path, bundled, "own-out.docx", own)
    assert 'descr="The Example Unit crest"' in part_xml(out, "word/header1.xml")
