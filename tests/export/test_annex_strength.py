"""The evidence annex's strength column ("SMS 3"), present when a cited source has a Maryland
level: in the document model, and read back from the .docx, the PDF and the web page."""

from __future__ import annotations

from pathlib import Path

import docx
import pypdf
import pytest
from bs4 import BeautifulSoup

from briefing_builder.core.briefing import Briefing, EvidenceItem, Section
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, build_document, export_to_file
from briefing_builder.export.document import STRENGTH_KEY, EvidenceAnnex, Paragraph
from tests.conftest import SOURCES_YAML, write_library

RATED = SOURCES_YAML.replace(
    "    text: texts/alpha.txt\n",
    "    text: texts/alpha.txt\n    evidence-strength: {design: Matched comparison, maryland: 3}\n",
)
HEADER = [
    "No.",
    "Quote",
    "Source",
    "Strength",
    "Locator",
    "Cited in",
    "Wording check",
]


@pytest.fixture(scope="module")
def rated(tmp_path_factory: pytest.TempPathFactory) -> Library:
    lib = load_library(write_library(tmp_path_factory.mktemp("rated"), {"sources.yaml": RATED}))
    assert lib.ok
    return lib


def _briefing(*ids: str) -> Briefing:
    return Briefing(
        title="Strength", sections=[Section("Evidence", items=[EvidenceItem(i) for i in ids])]
    )


def _annex(doc_blocks: list[object]) -> EvidenceAnnex:
    annexes = [b for b in doc_blocks if isinstance(b, EvidenceAnnex)]
    assert len(annexes) == 1
    return annexes[0]


def test_the_model_has_a_strength_column_when_a_cited_source_is_rated(rated: Library) -> None:
    doc = build_document(
        _briefing("alpha-002", "beta-001"), rated, include_evidence_table=True, annex_ids=True
    )
    annex = _annex(doc.blocks)
    assert annex.columns == (*HEADER, "Finding id")
    assert [annex.cells(r)[3] for r in annex.rows] == ["SMS 3", "Not rated"]
    assert annex.cells(annex.rows[0])[annex.flag_column] == ""
    assert annex.cells(annex.rows[0])[-1] == "alpha-002"
    assert len(annex.widths) == len(annex.columns) and sum(annex.widths) == pytest.approx(1.0)
    # The key to the scale follows the table.
    assert doc.blocks[-1] == Paragraph(doc.blocks[-1].spans)  # type: ignore[union-attr]
    assert STRENGTH_KEY in doc.text()


def test_no_strength_column_when_no_cited_source_is_rated(rated: Library) -> None:
    doc = build_document(_briefing("beta-001", "beta-002"), rated, include_evidence_table=True)
    annex = _annex(doc.blocks)
    assert "Strength" not in annex.columns
    assert len(annex.cells(annex.rows[0])) == len(annex.columns) == 6
    assert STRENGTH_KEY not in doc.text()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, rated: Library) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("annex-strength")
    files = {}
    for fmt in ("docx", "pdf", "html"):
        files[fmt] = out / f"annex.{fmt}"
        export_to_file(
            _briefing("alpha-001", "beta-001", "alpha-003"),
            rated,
            files[fmt],
            ExportOptions(include_evidence_table=True),
        )
    return files


def test_word_annex_has_the_strength_column(exported: dict[str, Path]) -> None:
    table = docx.Document(str(exported["docx"])).tables[-1]
    assert [c.text for c in table.rows[0].cells] == HEADER
    assert [r.cells[3].text for r in table.rows[1:]] == ["SMS 3", "Not rated", "SMS 3"]
    assert table.rows[1].cells[2].text == "Smith (2020)"
    text = "\n".join(p.text for p in docx.Document(str(exported["docx"])).paragraphs)
    assert STRENGTH_KEY in text


def test_pdf_annex_has_the_strength_column(exported: dict[str, Path]) -> None:
    reader = pypdf.PdfReader(str(exported["pdf"]))
    last = reader.pages[-1]
    assert last.mediabox.width > last.mediabox.height  # the annex's landscape page
    text = " ".join(last.extract_text().split())
    assert "Strength" in text
    assert text.count("SMS 3") == 2 and "Not rated" in text
    assert "SMS 1 (a link at one point in time" in text


def test_web_page_annex_has_the_strength_column(exported: dict[str, Path]) -> None:
    soup = BeautifulSoup(exported["html"].read_text(encoding="utf-8"), "html.parser")
    table = soup.find_all("table")[-1]
    assert [th.get_text() for th in table.find_all("th")] == HEADER
    rows = table.find("tbody").find_all("tr")
    assert [r.find_all("td")[3].get_text() for r in rows] == ["SMS 3", "Not rated", "SMS 3"]
    assert STRENGTH_KEY in " ".join(soup.get_text().split())
