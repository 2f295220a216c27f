"""Opening some other kind of file as a briefing says what it is and what to do, before any
parsing: a Word document is not "not UTF-8 text", a library's library.yaml is not a list of
unknown keys. The CLI export says the same, in a subprocess as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from reportlab.pdfgen import canvas

from briefing_builder.core.briefing_io import BriefingError, not_a_briefing, read_briefing
from tests.conftest import BUNDLED, REPO

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def word_document(path: Path) -> Path:
    doc = DocxDocument()
    doc.add_paragraph("Partnership working: a briefing")
    doc.save(str(path))
    return path


def pdf(path: Path) -> Path:
    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Partnership working: a briefing")
    page.save()
    return path


def message(path: Path) -> str:
    with pytest.raises(BriefingError) as caught:
        read_briefing(path)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    assert problems[0].file == str(path)
    return problems[0].message


def test_a_word_document(tmp_path: Path) -> None:
    text = message(word_document(tmp_path / "briefing.docx"))
    assert text.startswith("this is a Word document, not a briefing file")
    assert ".briefing.yaml" in text
    assert "UTF-8" not in text


def test_a_pdf(tmp_path: Path) -> None:
    text = message(pdf(tmp_path / "briefing.pdf"))
    assert text.startswith("this is a PDF, not a briefing file")
    assert ".briefing.yaml" in text


def test_other_documents(tmp_path: Path) -> None:
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "hello")
    assert message(archive).startswith("this is a zip archive, not a briefing file")
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "older Microsoft Office document" in message(old)
    rtf = tmp_path / "b.rtf"
    rtf.write_text("{\\rtf1\\ansi Hello}", encoding="ascii")
    assert "Rich Text" in message(rtf)


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("library.yaml", "this is an evidence library's library.yaml"),
        ("sources.yaml", "this is an evidence library's list of sources (sources.yaml)"),
        ("findings/npia-2009.yaml", "this is a file of evidence findings"),
        (".", "this is an evidence library folder"),
    ],
)
def test_library_files(name: str, start: str) -> None:
    path = BUNDLED / name if name != "." else BUNDLED
    text = message(path)
    assert text.startswith(start), text
    assert "File → Open library…" in text
    assert "unknown key" not in text


def test_briefings_and_broken_briefings_are_read_as_before(tmp_path: Path) -> None:
    assert not_a_briefing(EXAMPLE) is None
    assert read_briefing(EXAMPLE).sections
    # A briefing with mistakes still gets its own list of problems.
    bad = tmp_path / "bad.briefing.yaml"
    bad.write_text("briefing: 1\ntitle: T\nthemes: [x]\nsections: []\n", encoding="utf-8")
    assert not_a_briefing(bad) is None
    with pytest.raises(BriefingError, match="unknown key 'themes'"):
        read_briefing(bad)
    # Not UTF-8 and not a known kind of file: the reader's own message.
    latin = tmp_path / "latin.briefing.yaml"
    latin.write_bytes("briefing: 1\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(BriefingError, match="not UTF-8"):
        read_briefing(latin)
    assert not_a_briefing(tmp_path / "missing.yaml") is None


@pytest.mark.parametrize("kind", ["docx", "library"])
def test_cli_export_says_the_same(tmp_path: Path, kind: str) -> None:
    if kind == "docx":
        source = word_document(tmp_path / "briefing.docx")
        expected = "this is a Word document, not a briefing file"
    else:
        source = tmp_path / "library.yaml"
        shutil.copy(BUNDLED / "library.yaml", source)
        expected = "this is an evidence library's library.yaml"
    out = tmp_path / "out.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_builder", "export", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert expected in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "unknown key" not in proc.stderr
    assert not out.exists()
