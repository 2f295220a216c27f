"""Shared exports for the export tests: each file is written once per session, and every .docx is
converted by LibreOffice in a single run, so the suite stays fast."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, export_to_file
from tests.conftest import BUNDLED, REPO

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"
MINIMAL = REPO / "tests" / "data" / "minimal.briefing.yaml"
STYLE_IDS = ("harvard", "numbered-notes")

LONG_QUOTE = ("Partners said <script>alert('x')</script> & ]]> that trust takes time. " * 150)[
    :10_000
]
LONG_WORD = "Interagencycollaborationandcommunication" * 8  # 320 characters, no break
RTL = "שיתוף פעולה בין סוכנויות — التعاون بين الوكالات"


def hostile_data() -> dict[str, object]:
    """A briefing written to break exporters: markup characters, control characters that XML
    forbids, a 10,000-character quote, a 320-character word, right-to-left text, an empty
    section, a source known only from the briefing's snapshot."""
    return {
        "briefing": 1,
        "title": "Risks & <benefits> ]]> of partnership\x01 working",
        "subtitle": "Stress test \x0b\x0c with ‘quotes’ and “more”",
        "author": "Unit <A> & B",
        "organisation": "Force & Co",
        "date": "2026-01-02",
        "marking": "OFFICIAL-SENSITIVE",
        "summary": f"{RTL}\n\n{LONG_WORD}\n\nControl \x07 characters\x1f and & < > ]]>.",
        "sections": [
            {"heading": "An empty section"},
            {
                "heading": "Hostile <quotes> & ]]>",
                "text": f"Before the quote: {LONG_WORD} end.",
                "items": [
                    {
                        "finding": "hostile-001",
                        "comment": "Lead-in with <b>not bold</b> & a control\x02 character.",
                        "snapshot": {
                            "text": LONG_QUOTE,
                            "source": "hostile-src",
                            "kind": "quote",
                            "speaker": "Officer <X> & ]]>",
                            "locator": {"label": "page", "value": "12-14"},
                            "themes": [],
                        },
                    },
                    {"note": "A note with <i>tags</i>, & and ]]> and \x1b escape."},
                    {
                        "finding": "hostile-002",
                        "snapshot": {
                            "text": f"{RTL} {LONG_WORD} ≠ ⇒ … Māori",
                            "source": "hostile-src",
                            "kind": "key-finding",
                            "locator": {"label": "section", "value": "Risks: <all> of them"},
                            "themes": [],
                        },
                    },
                    {"finding": "npia-2009-010"},
                ],
            },
        ],
        "sources": {
            "hostile-src": {
                "id": "hostile-src",
                "type": "report",
                "title": "A <report> & ]]> on partnership",
                "author": [{"literal": "Agency & <Partners>"}],
                "URL": "https://example.org/report?a=1&b=<2>",
            }
        },
    }


def write_hostile(folder: Path) -> Path:
    path = folder / "hostile.briefing.yaml"
    path.write_text(yaml.safe_dump(hostile_data(), allow_unicode=True), encoding="utf-8")
    return path


def qpdf_check(path: Path) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed (Debian package: qpdf)")
    proc = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def bundled() -> Library:
    return load_library(BUNDLED)


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory, bundled: Library) -> dict[str, Path]:
    """Every export the read-back tests look at, by name: ``example-harvard.pdf`` ..."""
    out = tmp_path_factory.mktemp("exports")
    example = read_briefing(EXAMPLE)
    hostile = read_briefing(write_hostile(out))
    minimal = read_briefing(MINIMAL)
    files: dict[str, Path] = {}
    for style in STYLE_IDS:
        for fmt in ("docx", "pdf"):
            for name, briefing, table in (
                ("example", example, True),
                ("hostile", hostile, False),
                ("minimal", minimal, False),
            ):
                path = out / f"{name}-{style}.{fmt}"
                export_to_file(
                    briefing,
                    bundled,
                    path,
                    ExportOptions(style=style, include_evidence_table=table),
                )
                files[path.name] = path
    return files


@pytest.fixture(scope="session")
def libreoffice_pdfs(
    outputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every .docx converted to PDF by LibreOffice, in one run; by the .docx file's name."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian package: libreoffice-writer-nogui)")
    out = tmp_path_factory.mktemp("libreoffice")
    home = tmp_path_factory.mktemp("lo-home")
    docx = sorted(p for p in outputs.values() if p.suffix == ".docx")
    proc = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, docx)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(home)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    converted = {d.name: out / (d.stem + ".pdf") for d in docx}
    missing = [name for name, pdf in converted.items() if not pdf.is_file()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}{proc.stderr}"
    return converted


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font a PDF's pages use, and whether its glyphs are embedded in the file."""
    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(str(path)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            f = font.get_object()
            descendants = f.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else f).get("/FontDescriptor")
            fonts[str(f["/BaseFont"])] = desc is not None and "/FontFile2" in desc.get_object()
    return fonts
