"""The committee front sheet and the protective marking, read back from the Word and PDF files."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, export_to_file
from tests.export.conftest import MINIMAL, pdf_fonts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

FRONT = """\
briefing: 2
title: Partnership working
organisation: Example Police
marking: official-sensitive
marking-descriptor: PERSONAL
meeting: Community Safety Committee
meeting-date: 2026-12-10
agenda-item: "7b"
report-of: Head of Policy
contact: Sam Jones, Policy Unit
purpose: To set out what the evidence says.
decision: decision
recommendations:
  - note the evidence summarised in this paper;
  - agree the three priorities for 2027; and
  - ask for a progress report in June 2027.
sections:
  - heading: What helps partnerships work
    items:
      - finding: copacc-2015-017
"""


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory, bundled: Library) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("front")
    source = folder / "front.briefing.yaml"
    source.write_text(FRONT, encoding="utf-8")
    briefing = read_briefing(source)
    out = {}
    for fmt in ("docx", "pdf"):
        out[fmt] = folder / f"front.{fmt}"
        export_to_file(briefing, bundled, out[fmt], ExportOptions())
    return out


def _pdftotext(path: Path, *pages: str) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext is not installed (Debian package: poppler-utils)")
    proc = subprocess.run(
        [exe, "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    )
    return proc.stdout


def _body_lines(path: Path) -> list[str]:
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs]


def test_word_front_sheet_table_then_lettered_recommendations(front: dict[str, Path]) -> None:
    d = docx.Document(str(front["docx"]))
    table = d.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows == [
        ["Meeting", "Community Safety Committee"],
        ["Date", "10 December 2026"],
        ["Agenda item", "7b"],
        ["Report of", "Head of Policy"],
        ["Contact", "Sam Jones, Policy Unit"],
        ["Purpose", "For decision — To set out what the evidence says."],
    ]
    # The table's properties in the order the schema sets (Word refuses a file otherwise).
    tbl_pr = [el.tag.removeprefix(W) for el in table._tbl.find(f"{W}tblPr")]
    assert tbl_pr == ["tblW", "tblBorders", "tblLayout", "tblCellMar", "tblCaption"]
    texts = [p.text for p in d.paragraphs]
    start = texts.index("Recommendations")
    assert texts[start + 1] == "The Committee is asked to:"
    recs = d.paragraphs[start + 2 : start + 5]
    # Real Word numbering, not typed letters: each item refers to a lowerLetter "%1)" list.
    assert [p.text for p in recs] == [
        "note the evidence summarised in this paper;",
        "agree the three priorities for 2027; and",
        "ask for a progress report in June 2027.",
    ]
    num_ids = {p._p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val") for p in recs}
    assert len(num_ids) == 1
    numbering = d.part.numbering_part.element
    (num,) = [n for n in numbering.findall(f"{W}num") if n.get(f"{W}numId") in num_ids]
    abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
    (abstract,) = [
        a for a in numbering.findall(f"{W}abstractNum") if a.get(f"{W}abstractNumId") == abstract_id
    ]
    lvl = abstract.find(f"{W}lvl")
    assert lvl.find(f"{W}numFmt").get(f"{W}val") == "lowerLetter"
    assert lvl.find(f"{W}lvlText").get(f"{W}val") == "%1)"
    # The sheet comes before the contents.
    assert start < texts.index("Contents")
    body = d.element.body
    assert list(body).index(table._tbl) < list(body).index(d.paragraphs[texts.index("Contents")]._p)


def test_word_marking_first_in_body_and_custom_property(front: dict[str, Path]) -> None:
    assert _body_lines(front["docx"])[0] == "OFFICIAL-SENSITIVE PERSONAL"
    with zipfile.ZipFile(front["docx"]) as z:
        custom = z.read("docProps/custom.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
        rels = z.read("_rels/.rels").decode("utf-8")
        header = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header")
        )
    assert re.search(
        r'<property fmtid="\{D5CDD505-2E9C-101B-9397-08002B2CF9AE\}" pid="2" '
        r'name="Classification"><vt:lpwstr>OFFICIAL-SENSITIVE PERSONAL</vt:lpwstr>',
        custom,
    )
    assert (
        'PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"'
    ) in types
    assert (
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"'
        in rels
    )
    assert "OFFICIAL-SENSITIVE PERSONAL" in header
    # The standard properties are left as they were.
    props = docx.Document(str(front["docx"])).core_properties
    assert props.subject == "Evidence briefing" and "OFFICIAL" not in props.keywords


def test_pdf_front_sheet_marking_and_classification(front: dict[str, Path]) -> None:
    reader = pypdf.PdfReader(str(front["pdf"]))
    info = reader.metadata
    assert info is not None
    assert info["/Classification"] == "OFFICIAL-SENSITIVE PERSONAL"
    assert info["/Subject"] == "Evidence briefing"
    assert "OFFICIAL" not in info["/Keywords"]
    first = _pdftotext(front["pdf"], "-f", "1", "-l", "1")
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    # Header (marking, then the title line), then the body starts with the marking again.
    assert lines[0] == "OFFICIAL-SENSITIVE PERSONAL"
    assert lines[2] == "OFFICIAL-SENSITIVE PERSONAL"
    assert lines[-1] == "OFFICIAL-SENSITIVE PERSONAL"  # footer
    flat = [" ".join(line.split()) for line in lines]
    for row in (
        "Meeting Community Safety Committee",
        "Date 10 December 2026",
        "Agenda item 7b",
        "Report of Head of Policy",
        "Contact Sam Jones, Policy Unit",
        "Purpose For decision — To set out what the evidence says.",
        "Recommendations",
        "The Committee is asked to:",
        "a) note the evidence summarised in this paper;",
        "b) agree the three priorities for 2027; and",
        "c) ask for a progress report in June 2027.",
    ):
        assert row in flat
    assert flat.index("Recommendations") < flat.index("Contents")


def test_the_front_sheet_pdf_embeds_every_font_it_uses(front: dict[str, Path]) -> None:
    """Its table named no font, and reportlab set Helvetica for each cell: not embedded."""
    fonts = pdf_fonts(front["pdf"])
    assert fonts and all(fonts.values()), fonts


def test_without_front_sheet_or_marking_nothing_is_added(tmp_path: Path, bundled: Library) -> None:
    briefing = read_briefing(MINIMAL)
    briefing.marking = ""
    assert not briefing.has_front_sheet()
    out_docx, out_pdf = tmp_path / "m.docx", tmp_path / "m.pdf"
    export_to_file(briefing, bundled, out_docx, ExportOptions())
    export_to_file(briefing, bundled, out_pdf, ExportOptions())
    d = docx.Document(str(out_docx))
    assert d.tables == [] or all(t.rows[0].cells[0].text != "Meeting" for t in d.tables)
    assert "Recommendations" not in [p.text for p in d.paragraphs]
    with zipfile.ZipFile(out_docx) as z:
        assert "docProps/custom.xml" not in z.namelist()
    info = pypdf.PdfReader(str(out_pdf)).metadata
    assert info is not None and "/Classification" not in info
    text = _pdftotext(out_pdf, "-f", "1", "-l", "1")
    assert "Meeting" not in text and "Committee is asked" not in text


def test_cli_require_marking_refuses_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_builder import cli

    unmarked = tmp_path / "unmarked.briefing.yaml"
    unmarked.write_text("briefing: 2\ntitle: T\nsections: []\n", encoding="utf-8")
    out = tmp_path / "unmarked.pdf"
    assert cli.main(["export", str(unmarked), "-o", str(out), "--require-marking"]) != 0
    err = capsys.readouterr().err
    assert "no protective marking" in err and f"add 'marking:' to {unmarked}" in err
    assert "Traceback" not in err
    assert not out.exists()
    # Without the flag it exports as before; with a marking the flag is satisfied.
    assert cli.main(["export", str(unmarked), "-o", str(out)]) == 0
    marked = tmp_path / "marked.briefing.yaml"
    marked.write_text("briefing: 2\ntitle: T\nmarking: OFFICIAL\n", encoding="utf-8")
    assert cli.main(["export", str(marked), "-o", str(out), "--require-marking"]) == 0
    assert pypdf.PdfReader(str(out)).metadata["/Classification"] == "OFFICIAL"  # type: ignore[index]
