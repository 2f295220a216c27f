"""Hostile text never breaks an export: markup characters, control characters XML forbids, a
10,000-character quote, a 320-character word, right-to-left text, an empty section, a source known
only from a snapshot, a briefing with no evidence at all."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from pypdf import PdfReader

from briefing_builder.core.briefing import Briefing, NoteItem, Section
from briefing_builder.export import export_to_file
from tests.export.conftest import LONG_WORD, RTL, qpdf_check


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_hostile_docx_reads_back(outputs: dict[str, Path]) -> None:
    for style in ("harvard", "numbered-notes"):
        d = docx.Document(str(outputs[f"hostile-{style}.docx"]))
        text = "\n".join(p.text for p in d.paragraphs)
        assert "Risks & <benefits> ]]> of partnership working" in text  # \x01 dropped
        assert "Hostile <quotes> & ]]>" in text and "An empty section" in text
        assert LONG_WORD in text and RTL in text
        assert "Control characters and & < > ]]>." in text
        quotes = [p.text for p in d.paragraphs if p.style.name == "Quote"]
        assert len(quotes[0]) >= 9_990
        assert d.core_properties.title == "Risks & <benefits> ]]> of partnership working"
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    refs = [
        p.text
        for p in docx.Document(str(outputs["hostile-harvard.docx"])).paragraphs
        if p.style.name == "Bibliography"
    ]
    assert refs[0].startswith("Agency & <Partners> (n.d.) A <report> & ]]> on partnership.")


def test_hostile_pdf_reads_back(outputs: dict[str, Path]) -> None:
    for style in ("harvard", "numbered-notes"):
        path = outputs[f"hostile-{style}.pdf"]
        qpdf_check(path)
        reader = PdfReader(str(path))
        text = _squash(" ".join(p.extract_text() for p in reader.pages))
        assert _squash("Risks & <benefits> ]]> of partnership working") in text
        assert _squash(LONG_WORD) in text
        assert "≠⇒…Māori" in text
        assert reader.metadata.title == "Risks & <benefits> ]]> of partnership working"
    text = _squash(
        " ".join(p.extract_text() for p in PdfReader(str(outputs["hostile-harvard.pdf"])).pages)
    )
    assert _squash("(Agency & <Partners>, n.d., pp. 12–14)") in text
    assert _squash("section ‘Risks: <all> of them’") in text


def test_libreoffice_opens_the_hostile_docx(libreoffice_pdfs: dict[str, Path]) -> None:
    for style in ("harvard", "numbered-notes"):
        reader = PdfReader(str(libreoffice_pdfs[f"hostile-{style}.docx"]))
        assert len(reader.pages) >= 4  # the long quote runs over several pages
        assert "OFFICIAL-SENSITIVE" in reader.pages[0].extract_text()


def test_a_briefing_with_no_evidence(tmp_path: Path) -> None:
    briefing = Briefing(
        title="Only my words",
        summary="",
        sections=[Section("Empty"), Section("Thoughts", items=[NoteItem("Nothing cited.")])],
    )
    for name in ("none.docx", "none.pdf"):
        export_to_file(
            briefing,
            None,
            tmp_path / name,
        )
    d = docx.Document(str(tmp_path / "none.docx"))
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == ["Empty", "Thoughts"]
    assert not any(p.style.name == "Bibliography" for p in d.paragraphs)
    qpdf_check(tmp_path / "none.pdf")
    text = PdfReader(str(tmp_path / "none.pdf")).pages[0].extract_text()
    assert "Nothing cited." in text and "References" not in text
