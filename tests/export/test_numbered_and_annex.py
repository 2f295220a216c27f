"""Numbered paragraphs (1.1, 1.2 … per section) and the evidence annex on landscape pages, read
back from the model, the .docx (python-docx and the raw XML) and the PDF (pypdf, pdftotext)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from briefing_builder.core.briefing import (
    Briefing,
    EvidenceItem,
    FindingSnapshot,
    NoteItem,
    Section,
)
from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, build_document, export_to_file
from briefing_builder.export.document import (
    CHANGED_FLAG,
    MISSING_FLAG,
    EvidenceAnnex,
    Heading,
    Paragraph,
    annex_quote,
)
from briefing_builder.export.length import document_length
from tests.export.conftest import EXAMPLE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _pdftotext(pdf: Path, *pages: int) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (Debian package: poppler-utils)")
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        [tool, "-layout", *first_last, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory, bundled: Library) -> dict[str, Path]:
    """The example briefing with numbered paragraphs and the annex, in both formats, plus the
    annex with finding ids."""
    out = tmp_path_factory.mktemp("numbered")
    example = read_briefing(EXAMPLE)
    files = {}
    for fmt in ("docx", "pdf"):
        files[fmt] = out / f"numbered.{fmt}"
        export_to_file(
            example,
            bundled,
            files[fmt],
            ExportOptions(include_evidence_table=True, numbered_paragraphs=True),
        )
        files[f"ids.{fmt}"] = out / f"ids.{fmt}"
        export_to_file(
            example,
            bundled,
            files[f"ids.{fmt}"],
            ExportOptions(include_evidence_table=True, annex_ids=True),
        )
    return files


# --- the model ------------------------------------------------------------------------------


def test_paragraphs_are_numbered_per_top_level_section(bundled: Library) -> None:
    doc = build_document(read_briefing(EXAMPLE), bundled, numbered_paragraphs=True)
    numbers = [b.number for b in doc.blocks if isinstance(b, Paragraph) and b.number]
    assert numbers[:5] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert "2.1" in numbers and "3.1" in numbers
    # Each section restarts at .1, and the numbers run on through its sub-sections.
    for n, nxt in itertools.pairwise(numbers):
        a, b = (tuple(map(int, x.split("."))) for x in (n, nxt))
        assert b == (a[0], a[1] + 1) or b == (a[0] + 1, 1)
    # Only top-level headings are numbered: "1.2" names a paragraph, never a sub-section.
    heads = [h for h in doc.headings() if h.anchor.startswith("sec-")]
    assert all((h.level == 1) == bool(h.number) for h in heads)
    # The summary (before section 1) and list items are not numbered.
    summary_end = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.number)
    assert not any(isinstance(b, Paragraph) and b.number for b in doc.blocks[:summary_end]) and any(
        isinstance(b, Paragraph) for b in doc.blocks[:summary_end]
    )
    assert not any(isinstance(b, Paragraph) and b.list_kind and b.number for b in doc.blocks)
    # Without numbering nothing is numbered and sub-sections keep theirs.
    plain_doc = build_document(read_briefing(EXAMPLE), bundled)
    assert not any(isinstance(b, Paragraph) and b.number for b in plain_doc.blocks)
    assert any(h.number == "2.1" for h in plain_doc.headings())


def test_a_quote_is_cited_in_the_paragraph_that_introduces_it(bundled: Library) -> None:
    briefing = Briefing(
        title="T",
        sections=[
            Section(
                "Opening",
                items=[EvidenceItem("npia-2009-008"), NoteItem("My view.")],
            ),
            Section(
                "Second",
                text="Context first.",
                items=[EvidenceItem("npia-2009-008", comment="As NPIA says:")],
                sections=[Section("Detail", items=[EvidenceItem("npia-2009-008")])],
            ),
        ],
    )
    doc = build_document(briefing, bundled, include_evidence_table=True, numbered_paragraphs=True)
    annex = doc.blocks[-1]
    assert isinstance(annex, EvidenceAnnex)
    # A quote opening a section has no paragraph before it: the section names where it is.
    assert [r.cited_in for r in annex.rows] == ["1\u2002Opening", "Paragraph 2.2", "Detail"]
    doc = build_document(briefing, bundled, include_evidence_table=True)
    assert [r.cited_in for r in doc.blocks[-1].rows] == [  # type: ignore[union-attr]
        "1\u2002Opening",
        "2\u2002Second",
        "2.1\u2002Detail",
    ]


def test_the_annex_reads_as_quotes_sources_and_flags(bundled: Library) -> None:
    finding = bundled.finding("npia-2009-008")
    assert finding is not None
    old = FindingSnapshot.of(finding)
    changed = FindingSnapshot(
        "An older wording.", old.source, old.kind, old.locator, old.speaker, old.themes
    )
    gone = FindingSnapshot(
        "A finding the library dropped.", old.source, old.kind, old.locator, None, ()
    )
    briefing = Briefing(
        title="T",
        sections=[
            Section(
                "S",
                items=[
                    EvidenceItem("npia-2009-008", snapshot=old),
                    EvidenceItem("npia-2009-008", snapshot=changed),
                    EvidenceItem("gone-001", snapshot=gone),
                ],
            )
        ],
    )
    annex = build_document(briefing, bundled, include_evidence_table=True).blocks[-1]
    assert isinstance(annex, EvidenceAnnex)
    assert [r.flag for r in annex.rows] == ["", CHANGED_FLAG, MISSING_FLAG]
    first = annex.rows[0]
    assert first.quote.startswith("Co-location of all services")
    assert "**" not in first.quote
    assert first.source == "Mortimore (2009)"
    assert first.locator == "slide 8 \u2018Opportunities\u2019"
    # No internal ids unless asked for.
    assert "Finding id" not in annex.columns
    assert not any("npia-2009-008" in c for r in annex.rows for c in annex.cells(r))
    with_ids = build_document(briefing, bundled, include_evidence_table=True, annex_ids=True)
    annex = with_ids.blocks[-1]
    assert isinstance(annex, EvidenceAnnex)
    assert annex.columns[-1] == "Finding id" and annex.cells(annex.rows[0])[-1] == "npia-2009-008"


def test_a_long_quote_is_shown_by_its_first_forty_words() -> None:
    words = [f"w{n}" for n in range(60)]
    assert annex_quote(" ".join(words)) == " ".join(words[:40]) + "\u2026"
    assert annex_quote(" ".join(words[:40])) == " ".join(words[:40])
    assert annex_quote("ends here, " + " ".join(words[:39])).endswith("w37\u2026")


# --- Word -----------------------------------------------------------------------------------


def test_word_numbers_paragraphs_with_its_own_numbering(numbered: dict[str, Path]) -> None:
    with zipfile.ZipFile(numbered["docx"]) as z:
        numbering = z.read("word/numbering.xml").decode()
    # The headings' multilevel list numbers the paragraphs on its second level: "%1.%2".
    lvl = re.search(r'<w:lvl w:ilvl="1">.*?</w:lvl>', numbering)
    assert lvl is not None
    assert '<w:pStyle w:val="NumberedParagraph"/>' in lvl.group(0)
    assert '<w:lvlText w:val="%1.%2"/>' in lvl.group(0)
    d = docx.Document(str(numbered["docx"]))
    paras = [
        p for p in d.paragraphs if p.style is not None and p.style.name == "Numbered Paragraph"
    ]
    assert len(paras) >= 15
    for p in paras:
        num = p._p.find(f"{W}pPr/{W}numPr")
        assert num.find(f"{W}ilvl").get(qn("w:val")) == "1"
        assert num.find(f"{W}numId").get(qn("w:val")) == "90"
        assert not re.match(r"\d+\.\d+", p.text)  # the number is Word's, not typed digits
    assert paras[0].text.startswith("Every source agrees")
    # Sub-section headings carry no number (their style has none either).
    sub = next(p for p in d.paragraphs if p.style.name == "Heading 2")
    assert sub._p.find(f"{W}pPr/{W}numPr/{W}numId").get(qn("w:val")) == "0"
    assert d.styles["Heading 2"].element.find(f"{W}pPr/{W}numPr") is None


def test_word_annex_is_landscape_with_a_repeating_header(numbered: dict[str, Path]) -> None:
    d = docx.Document(str(numbered["docx"]))
    assert len(d.sections) == 2
    body, annex = d.sections
    assert body.page_width < body.page_height
    assert annex.page_width > annex.page_height
    assert annex.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    table = d.tables[-1]
    first = table.rows[0]._tr
    assert first.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])
    assert [c.text for c in table.rows[0].cells] == [
        "No.",
        "Quote",
        "Source",
        "Locator",
        "Cited in",
        "Wording check",
    ]
    assert table.rows[1].cells[4].text == "Paragraph 1.2"
    text = "\n".join(c.text for r in table.rows for c in r.cells)
    assert "copacc-2015" not in text and "Tizard (2015)" in text
    # The annex section has its own header and footer, laid out for the wider page.
    assert not annex.header.is_linked_to_previous
    tab = annex.header.paragraphs[-1]._p.find(f"{W}pPr/{W}tabs")
    assert tab is not None and any(t.get(qn("w:pos")) == "14003" for t in tab)
    d = docx.Document(str(numbered["ids.docx"]))
    table = d.tables[-1]
    assert table.rows[0].cells[-1].text == "Finding id"
    assert table.rows[1].cells[-1].text.startswith("copacc-2015")


def test_libreoffice_shows_the_paragraph_numbers(numbered: dict[str, Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian package: libreoffice-writer-nogui)")
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(numbered["docx"]),
        ],
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(home)},
        check=True,
    )
    pdf = tmp_path / "numbered.pdf"
    starts = re.findall(r"^\s*(\d+\.\d+)\s+\S", _pdftotext(pdf), re.M)
    assert starts[:5] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert "2.1" in starts and "3.1" in starts
    pages = pypdf.PdfReader(str(pdf)).pages
    assert pages[0].mediabox.width < pages[0].mediabox.height
    assert pages[-1].mediabox.width > pages[-1].mediabox.height


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_numbers_hang_and_the_annex_is_landscape(numbered: dict[str, Path]) -> None:
    pdf = numbered["pdf"]
    pages = pypdf.PdfReader(str(pdf)).pages
    shapes = [p.mediabox.width > p.mediabox.height for p in pages]
    # Portrait body, then landscape annex pages to the end.
    first_landscape = shapes.index(True)
    assert first_landscape > 2 and all(shapes[first_landscape:])
    assert all(int(p.get("/Rotate", 0)) == 0 for p in pages)
    body = _pdftotext(pdf, 1, first_landscape)
    starts = re.findall(r"^\s*(\d+\.\d+)\s+\S", body, re.M)
    assert starts[:5] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert "Every source agrees" in body.split("1.1", 1)[1].split("\n")[0]
    annex = _pdftotext(pdf, first_landscape + 1, len(pages))
    assert annex.count("Cited in") == len(pages) - first_landscape  # header on every page
    assert "Paragraph 1.2" in annex and "Tizard (2015)" in annex
    assert "copacc-2015-" not in annex
    with_ids = _pdftotext(numbered["ids.pdf"])
    assert "Finding id" in with_ids and "copacc-2015-" in with_ids


def test_numbered_briefing_key_drives_both_writers(bundled: Library, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "library: ../evidence", f"library: {EXAMPLE.parent.parent / 'evidence'}"
    )
    path = tmp_path / "numbered.briefing.yaml"
    path.write_text(text.replace("\ntitle:", "\nnumbering: paragraphs\ntitle:", 1), "utf-8")
    briefing = read_briefing(path)
    assert briefing.numbered_paragraphs
    out = tmp_path / "n.pdf"
    export_to_file(briefing, bundled, out)
    assert re.search(r"^\s*1\.1\s+Every source", _pdftotext(out), re.M)
    # An explicit choice wins over the file's.
    out = tmp_path / "plain.pdf"
    export_to_file(briefing, bundled, out, ExportOptions(numbered_paragraphs=False))
    assert not re.search(r"^\s*1\.1\s+Every source", _pdftotext(out), re.M)


@pytest.mark.parametrize("repeats", [1, 3])
def test_the_word_estimate_counts_the_annex_pages(
    bundled: Library, tmp_path: Path, repeats: int
) -> None:
    """Word's page count is an estimate: with the annex it stays within a page of the PDF's."""
    briefing = read_briefing(EXAMPLE)
    briefing.sections = [s for _ in range(repeats) for s in briefing.sections]
    out = tmp_path / "annex.pdf"
    result = export_to_file(briefing, bundled, out, ExportOptions(include_evidence_table=True))
    pages = len(pypdf.PdfReader(str(out)).pages)
    assert result.document.page_count == pages
    without = document_length(build_document(briefing, bundled)).pages
    estimate = document_length(result.document).pages
    assert estimate > without + 2
    assert abs(estimate - pages) <= 1


def test_pdf_bookmarks_keep_sub_sections_nested_when_unnumbered(numbered: dict[str, Path]) -> None:
    outline = pypdf.PdfReader(str(numbered["pdf"])).outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert "2 What helps partnerships work" in titles
    assert "Leadership and a shared purpose" not in titles  # nested under section 2
    i = titles.index("2 What helps partnerships work")
    top = [o for o in outline if not isinstance(o, list)]
    after = outline[outline.index(top[i]) + 1]
    assert isinstance(after, list)
    first = next(o.title for o in after if not isinstance(o, list))
    assert first == "Leadership and a shared purpose"
