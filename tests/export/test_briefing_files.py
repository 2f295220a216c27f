"""Briefing files that export as the format promises: an unknown style is an error naming its
line, a missing library folder falls back to the file's snapshots with a warning, and headings
or titles longer than a page lay out (the PDF writer once looped for ever on them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

EVIDENCE = """\
sections:
  - heading: What helps
    items:
      - finding: copacc-2015-004
        snapshot:
          source: copacc-2015
          kind: quote
          text: Words kept in the briefing file itself.
          locator: {label: section, value: "4"}
"""


def run_export(briefing: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_builder", "export", str(briefing), "-o", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_style_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\n\nstyle: chicago\n" + EVIDENCE, encoding="utf-8")
    proc = run_export(path, tmp_path / "out.pdf")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{path}:4: unknown citation style 'chicago'" in proc.stderr
    assert not (tmp_path / "out.pdf").exists()
    # --style overrides the file's style, so the officer can still export.
    proc = run_export(path, tmp_path / "out.pdf", "--style", "harvard")
    assert proc.returncode == 0, proc.stderr


def test_a_missing_library_folder_exports_from_the_snapshots(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\nlibrary: gone/lib\n" + EVIDENCE, encoding="utf-8")
    out = tmp_path / "out.docx"
    proc = run_export(path, out)
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {path}:3: the library folder" in proc.stderr and "not found" in proc.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Words kept in the briefing file itself." in text
    # An explicit --library that does not exist is still an error.
    proc = run_export(path, tmp_path / "x.docx", "--library", str(tmp_path / "nope"))
    assert proc.returncode == 1 and "does not exist" in proc.stderr


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
@pytest.mark.parametrize("style", ["harvard", "numbered-notes"])
def test_headings_and_a_title_longer_than_a_page_lay_out(
    tmp_path: Path, suffix: str, style: str
) -> None:
    long_heading = " ".join(f"Partnership{i}" for i in range(1500))
    long_title = " ".join(f"Title{i}" for i in range(600))
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        f"briefing: 1\ntitle: {long_title}\nsections:\n  - heading: {long_heading}\n"
        f"    sections:\n      - heading: {long_heading}\n"
        "        items:\n          - finding: copacc-2015-004\n"
        f"            comment: {long_heading}\n  - heading: {long_heading}\n",
        encoding="utf-8",
    )
    out = tmp_path / f"out{suffix}"
    proc = run_export(path, out, "--style", style)
    assert proc.returncode == 0, proc.stderr
    if suffix == ".pdf":
        reader = PdfReader(str(out))
        assert len(reader.pages) > 5
        text = "".join(page.extract_text() for page in reader.pages)
        assert "Partnership1499" in text  # every heading printed to its last word
    else:
        headings = [p.text for p in docx.Document(str(out)).paragraphs if p.text == long_heading]
        assert len(headings) >= 3
