"""Extracting a document's text: pages as form feeds, printed page labels, headings marked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from briefing_builder.core.pages import page_label
from briefing_builder.core.reading import HEADING, ITEM, layout_text
from briefing_builder.curation import extract as extract_module
from briefing_builder.curation.extract import ExtractionError, extract

from .documents import HTML, MARKDOWN, PDF_LABELS, TEXT, make_docx, make_pdf, make_scanned_pdf


def headings(text: str) -> list[tuple[int, str]]:
    """The headings the text marks with ``#``, as the source reader shows them."""
    marked = {m.start(2) for m in re.finditer(r"(?m)^(#{1,6}) (\S)", text)}
    return [
        (b.level, b.text)
        for b in layout_text(text).blocks
        if b.kind == HEADING and b.pieces[0].start in marked
    ]


def test_pdf_pages_labels_and_bookmarks(tmp_path: Path) -> None:
    got = extract(make_pdf(tmp_path / "review.pdf"))
    assert got.format == "PDF"
    assert got.page_labels == PDF_LABELS
    assert got.pages == 5 and got.text.count("\f") == 4
    assert got.title == "Partnership Working Review"
    # Bookmarks become headings of their level where the page prints them.
    assert "\n# 1 Introduction\n" in got.text
    assert "\n## 2.1 Information sharing\n" in got.text
    assert (3, "2.1 Information sharing") not in headings(got.text)
    assert (2, "2.1 Information sharing") in headings(got.text)
    # A passage on the third PDF page is on printed page 1; the annex page is A-1.
    at = got.text.index("added value")
    assert page_label(got.text, at, got.page_labels) == "1"
    assert page_label(got.text, got.text.index("Methods used"), got.page_labels) == "A-1"
    # Words are kept as printed; a change of type size or a paragraph that ends short of the
    # line starts a new block.
    assert got.text.startswith("Partnership Working Review\n\nA report for the Home Office\n")
    assert "demonstrate added value to\nthe people they serve.\n\nA second paragraph" in got.text


def test_pdf_without_page_labels_is_numbered_plainly(tmp_path: Path) -> None:
    got = extract(make_pdf(tmp_path / "plain.pdf", labels=False))
    assert got.page_labels is None
    assert page_label(got.text, got.text.index("Methods used"), got.page_labels) == "5"


def test_docx_heading_styles_lists_tables_and_page_breaks(tmp_path: Path) -> None:
    got = extract(make_docx(tmp_path / "csp.docx"))
    assert got.format == "Word"
    assert got.title == "Community safety partnerships"
    assert headings(got.text) == [
        (1, "Community safety partnerships"),
        (1, "1 Background"),
        (2, "1.1 Duties"),
        (1, "2 Findings"),
    ]
    items = [b.text for b in layout_text(got.text).blocks if b.kind == ITEM]
    assert items == ["Police", "Local authorities"]
    assert got.text.count("\f") == 1
    assert got.text.index("\f") < got.text.index("# 2 Findings")
    assert "Area" in got.text and "Outcome" in got.text


def test_html_headings_lists_and_no_script(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    got = extract(path)
    assert got.title == "Neighbourhood policing"
    assert headings(got.text) == [
        (1, "Neighbourhood policing"),
        (2, "3.1 Engagement"),
        (3, "Costs"),
    ]
    assert "Neighbourhood teams work with residents & partners." in got.text
    assert "Residents said they rarely saw an officer. Most wanted more contact." in got.text
    assert "- Street surgeries" in got.text and "  - Monthly" in got.text
    assert "not text" not in got.text and "color" not in got.text
    assert got.pages == 1 and got.page_labels is None


def test_text_and_markdown_are_kept_as_written(tmp_path: Path) -> None:
    txt = tmp_path / "hub.txt"
    txt.write_text(TEXT.replace("\n", "\r\n"), encoding="utf-8")
    got = extract(txt)
    assert got.text == TEXT
    # Numbered headings and a short title need no marks: the reader recognises them.
    shown = [(b.level, b.text) for b in layout_text(got.text).blocks if b.kind == HEADING]
    assert shown == [(1, "Evaluation of the hub"), (1, "1 Introduction"), (1, "2 Findings")]
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    got = extract(md)
    assert got.text == MARKDOWN and got.format == "Markdown"
    assert headings(got.text) == [(1, "Evaluation of the hub"), (2, "1 Introduction")]


def test_windows_text_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 culture \u2013 a review\n".encode("cp1252"))
    got = extract(path)
    assert got.text == "Café culture – a review\n"
    assert any("Windows" in r for r in got.remarks)


# --- hostile input ---------------------------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(path)
    assert str(path) in caught.value.message
    return caught.value.message


def test_encrypted_pdf_is_refused_plainly(tmp_path: Path) -> None:
    message = refused(make_pdf(tmp_path / "locked.pdf", password="secret"))
    assert "encrypted (password-protected)" in message


def test_corrupt_pdf_and_docx_are_refused(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf").read_bytes()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good[:200] + b"\x00garbage" * 50)
    assert "damaged" in refused(bad)
    not_pdf = tmp_path / "fake.pdf"
    not_pdf.write_text("hello", encoding="utf-8")
    assert "not a PDF" in refused(not_pdf)
    docx = tmp_path / "bad.docx"
    docx.write_bytes(b"PK\x03\x04 not really a zip")
    assert "damaged or is not a .docx" in refused(docx)
    zipped = tmp_path / "other.docx"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "not a Word document" in refused(zipped)


def test_word_97_doc_and_unknown_formats_say_what_to_do(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert "save it as .docx" in refused(doc)
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    assert "not a kind of document that can be added" in refused(odd)
    assert "file not found" in refused(tmp_path / "missing.pdf")


def test_scanned_pdf_has_no_text(tmp_path: Path) -> None:
    assert "scanned" in refused(make_scanned_pdf(tmp_path / "scan.pdf"))


def test_huge_files_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_module, "MAX_INPUT_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    assert "too large" in refused(big)
    monkeypatch.setattr(extract_module, "MAX_INPUT_BYTES", 10**9)
    monkeypatch.setattr(extract_module, "MAX_PDF_PAGES", 3)
    assert "5 pages, more than a source may have" in refused(make_pdf(tmp_path / "long.pdf"))
    monkeypatch.setattr(extract_module, "MAX_DOCX_UNPACKED", 1000)
    assert "unpacks to" in refused(make_docx(tmp_path / "bomb.docx"))
