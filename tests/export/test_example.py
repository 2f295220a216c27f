"""The example briefing in examples/: realistic, built from the bundled library, exported in both
formats."""

from __future__ import annotations

from pathlib import Path

import docx
from pypdf import PdfReader

from briefing_builder.core.briefing import EvidenceItem, NoteItem
from briefing_builder.core.briefing_io import library_path, read_briefing, unknown_finding_problems
from briefing_builder.core.model import Library
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
