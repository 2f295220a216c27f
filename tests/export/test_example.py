"""The example briefing in examples/: realistic, built from the bundled library, exported in both
formats."""

from __future__ import annotations

from pathlib import Path

import docx
from pypdf import PdfReader

from briefing_builder.core.briefing import EvidenceItem, NoteItem
from briefing_builder.core.briefing_io import library_path, read_briefing, unknown_finding_problems
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, export_to_file
from tests.conftest import BUNDLED, REPO
from tests.export.conftest import EXAMPLE


def test_example_is_a_realistic_briefing(bundled: Library) -> None:
    b = read_briefing(EXAMPLE)
    assert library_path(b, EXAMPLE).resolve() == BUNDLED.resolve()  # type: ignore[union-attr]
    assert unknown_finding_problems(b, bundled, str(EXAMPLE)) == []
    assert len(b.sections) == 5
    items = [i for s in b.all_sections() for i in s.items]
    findings = [i for i in items if isinstance(i, EvidenceItem)]
    assert 18 <= len(findings) <= 24 and not b.duplicate_finding_ids()
    assert {bundled.finding(f.finding_id).source for f in findings} == {
        s.id for s in bundled.sources
    }  # type: ignore[union-attr]
    assert sum(isinstance(i, NoteItem) for i in items) >= 3
    assert sum(bool(f.comment) for f in findings) >= 10
    assert b.summary and b.marking == "OFFICIAL"


def test_example_exports_in_both_formats(outputs: dict[str, Path]) -> None:
    for style in ("harvard", "numbered-notes"):
        d = docx.Document(str(outputs[f"example-{style}.docx"]))
        assert sum(p.style.name == "Quote" for p in d.paragraphs) == 22
        reader = PdfReader(str(outputs[f"example-{style}.pdf"]))
        assert 5 <= len(reader.pages) <= 12
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Implications for the Board" in text


def test_readme_shows_a_rendered_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Exporting briefings" in readme
    images = [
        line for line in readme.splitlines() if line.startswith("![") and "docs/images/" in line
    ]
    assert images
    for line in images:
        target = line.split("](", 1)[1].split(")", 1)[0]
        assert (REPO / target).is_file(), target


COMMITTEE = REPO / "examples" / "committee-paper.briefing.yaml"


def test_the_committee_paper_example_has_a_front_sheet_numbered_paragraphs_and_an_annex(
    bundled: Library, tmp_path: Path
) -> None:
    b = read_briefing(COMMITTEE)
    assert unknown_finding_problems(b, bundled, str(COMMITTEE)) == []
    assert b.meeting and b.decision == "decision" and len(b.recommendations) == 4
    assert b.numbered_paragraphs and b.max_pages == 6
    pdf, word = tmp_path / "c.pdf", tmp_path / "c.docx"
    for out in (pdf, word):
        export_to_file(b, bundled, out, ExportOptions(include_evidence_table=True))
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    assert len(pages) <= b.max_pages
    first = " ".join(pages[0].split())
    assert "Meeting Community Safety Partnership Board" in first
    assert "The Committee is asked to:" in first and "a) note the evidence" in first
    body = " ".join(" ".join(pages).split())
    assert "1.1 Three conditions recur" in body and "Annex: evidence cited" in body
    d = docx.Document(str(word))
    assert any(p.style.name == "Numbered Paragraph" for p in d.paragraphs)
    assert d.tables and d.tables[0].cell(0, 0).text == "Meeting"
