"""The Word output, read back with python-docx (and LibreOffice, which must convert every one)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import build_document
from briefing_builder.export.inline import plain
from tests.export.conftest import EXAMPLE

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _styles_used(d: docx.document.Document) -> set[str]:
    return {p.style.name for p in d.paragraphs}


def test_real_word_styles_and_numbered_headings(outputs: dict[str, Path], bundled: Library) -> None:
    d = docx.Document(str(outputs["example-harvard.docx"]))
    used = _styles_used(d)
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "Quote", "Normal"} <= used
    assert {"List Bullet", "List Number", "Bibliography", "TOC Heading"} <= used
    model = build_document(read_briefing(EXAMPLE), bundled, include_evidence_table=True)
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [h.text for h in model.headings()]
    # Numbering belongs to the heading styles (a multilevel list), so restyling renumbers.
    h1 = d.styles["Heading 1"].element
    num = h1.find(f"{W_NS}pPr/{W_NS}numPr/{W_NS}numId")
    assert num is not None and num.get(qn("w:val")) == "90"
    # Unnumbered headings (Summary, References) switch the numbering off.
    summary = next(p for p in d.paragraphs if p.text == "Summary" and p.style.name == "Heading 1")
    assert summary._p.find(f"{W_NS}pPr/{W_NS}numPr/{W_NS}numId").get(qn("w:val")) == "0"
    # Quotes are real Quote paragraphs with the finding's words.
    quotes = [p.text for p in d.paragraphs if p.style.name == "Quote"]
    assert quotes == [plain(q.text) for q in model.quotes()]
    attributions = [p.text for p in d.paragraphs if p.style.name == "Quote Attribution"]
    assert attributions[0] == "(Tizard, 2015, section 6)"
    assert "**" not in "".join(quotes)
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold and p.style.name == "Quote"]
    assert bold == ["a better outcome for the customer"]


def test_reference_entries_and_links(outputs: dict[str, Path]) -> None:
    d = docx.Document(str(outputs["example-harvard.docx"]))
    refs = [p.text for p in d.paragraphs if p.style.name == "Bibliography"]
    assert refs[0].startswith("Loftus, B. and Skinns, L. (n.d.)")
    assert refs[-1] == "Tizard, J. (2015) PCCs and Partnership. CoPaCC (CoPaCC Thematic)."
    assert len(refs) == 5
    urls = [r.target_ref for r in d.part.rels.values() if r.is_external]
    assert any(u.startswith("https://www.gov.scot/publications/") for u in urls)
    body = d.element.body
    anchors = {h.get(qn("w:anchor")) for h in body.iter(f"{W_NS}hyperlink")} - {None}
    bookmarks = {b.get(qn("w:name")) for b in body.iter(f"{W_NS}bookmarkStart")}
    assert anchors and anchors <= bookmarks  # every citation and contents link has a target


def test_footnotes_are_real_word_footnotes(outputs: dict[str, Path], bundled: Library) -> None:
    path = outputs["example-numbered-notes.docx"]
    d = docx.Document(str(path))
    model = build_document(read_briefing(EXAMPLE), bundled, style="numbered-notes")
    refs = list(d.element.body.iter(f"{W_NS}footnoteReference"))
    assert len(refs) == len(model.notes()) == len(model.quotes()) == 22
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
        assert "word/thumbnail" not in " ".join(
            z.namelist()
        ) and "docProps/thumbnail" not in " ".join(z.namelist())
    assert "/word/footnotes.xml" in types and "wordprocessingml.footnotes+xml" in types
    assert "relationships/footnotes" in rels and 'Target="footnotes.xml"' in rels
    assert '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' in settings
    assert 'w:styleId="FootnoteText"' in styles and 'w:styleId="FootnoteReference"' in styles
    part = next(p for p in d.part.package.iter_parts() if p.partname == "/word/footnotes.xml")
    root = etree.fromstring(part.blob)
    notes = [n for n in root.iter(f"{W_NS}footnote") if int(n.get(qn("w:id"))) > 0]
    assert len(notes) == 22
    texts = ["".join(t.text for t in n.iter(f"{W_NS}t")) for n in notes]
    assert texts[0] == plain(model.notes()[0].spans)
    assert texts[1].startswith("Bethan Loftus and Layla Skinns, Policing Partnerships")
    refs = [p.text for p in d.paragraphs if p.style.name == "Bibliography"]
    assert refs[-1] == "Tizard, John, PCCs and Partnership, CoPaCC Thematic (CoPaCC, 2015)"


def test_contents_field_and_update_fields(outputs: dict[str, Path]) -> None:
    path = outputs["example-harvard.docx"]
    with zipfile.ZipFile(path) as z:
        document = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    d = docx.Document(str(path))
    toc = [p.text.split("\t")[0] for p in d.paragraphs if p.style.name.startswith("toc")]
    # Every entry's page number is a PAGEREF field to its heading's bookmark.
    assert document.count(" PAGEREF _bb") == len(toc)
    assert toc[:3] == [
        "Summary",
        "1\u2002Why partnership matters now",
        "2\u2002What helps partnerships work",
    ]
    assert (
        any(
            p.style.name.startswith("toc")
            for p in docx.Document(str(outputs["minimal-harvard.docx"])).paragraphs
        )
        is not False
    )


def test_header_footer_and_properties(outputs: dict[str, Path]) -> None:
    d = docx.Document(str(outputs["example-harvard.docx"]))
    section = d.sections[0]
    header = [p.text for p in section.header.paragraphs]
    footer = [p.text for p in section.footer.paragraphs]
    assert header[0] == "OFFICIAL" and footer[-1] == "OFFICIAL"
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert (
        header[1]
        == "Partnership working between the police and other agencies\tExample Constabulary"
    )
    assert footer[0].startswith("30 November 2026 · Version 1.0\tPage ")
    instr = [f.get(qn("w:instr")).strip() for f in section.footer._element.iter(f"{W_NS}fldSimple")]
    assert instr == ["PAGE", "NUMPAGES"]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    props = d.core_properties
    assert props.title == "Partnership working between the police and other agencies"
    assert props.author == "Policy and Research Unit"
    assert props.subject.startswith("What the evidence says")
    assert "Leadership and senior commitment" in props.keywords


def test_libreoffice_converts_every_docx(
    outputs: dict[str, Path], libreoffice_pdfs: dict[str, Path]
) -> None:
    for name, pdf in libreoffice_pdfs.items():
        reader = PdfReader(str(pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "OFFICIAL" in text or name.startswith("hostile"), name
        assert len(reader.pages) >= 1
    text = "\n".join(
        p.extract_text() for p in PdfReader(str(libreoffice_pdfs["example-harvard.docx"])).pages
    )
    assert "1 Why partnership matters now" in " ".join(text.split())  # Word numbering, rendered
    assert "shared office ≠ shared culture!" in text
    assert "Page 1 of" in text


def test_libreoffice_fills_in_the_contents_page_numbers(libreoffice_pdfs: dict[str, Path]) -> None:
    pages = [
        p.extract_text() for p in PdfReader(str(libreoffice_pdfs["example-harvard.docx"])).pages
    ]
    contents = [line for line in pages[0].splitlines() if "....." in line]
    assert len(contents) >= 8, pages[0]
    for line in contents:
        title, number = line.rstrip(".0123456789"), line.rsplit(".", 1)[-1]
        assert number.isdigit(), line
        heading = title.split(None, 1)[0]  # the number, before an en space
        if heading[0].isdigit():  # a numbered heading starts a line on the page it names
            page_text = pages[int(number) - 1]
            assert any(
                row.startswith(heading + " ") or row == heading for row in page_text.splitlines()
            ), line


@pytest.mark.parametrize("style", ["harvard", "numbered-notes"])
def test_libreoffice_keeps_the_footnotes(libreoffice_pdfs: dict[str, Path], style: str) -> None:
    reader = PdfReader(str(libreoffice_pdfs[f"example-{style}.docx"]))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    if style == "numbered-notes":
        assert (
            "John Tizard, PCCs and Partnership, CoPaCC Thematic (CoPaCC, 2015), section 6." in text
        )
    else:
        assert "(Tizard, 2015, section 6)" in text
