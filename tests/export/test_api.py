"""The export API: progress, capabilities, and files that are never half-written."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import briefing_builder.export as export
from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import (
    ExportError,
    ExportOptions,
    Progress,
    capabilities,
    export_briefing,
    export_to_file,
    format_for,
    styles,
)
from tests.export.conftest import MINIMAL


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_progress_goes_from_start_to_end(bundled: Library, tmp_path: Path) -> None:
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"b.{fmt}"
        steps = list(export_briefing(read_briefing(MINIMAL), bundled, out))
        assert all(isinstance(p, Progress) for p in steps)
        fractions = [p.fraction for p in steps]
        assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
        assert steps[-1].message == f"Saved b.{fmt}"
        assert out.stat().st_size > 1000
    assert _leftovers(tmp_path) == ["b.docx", "b.pdf"]


def test_cancelling_leaves_nothing(bundled: Library, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    progress = export_briefing(read_briefing(MINIMAL), bundled, out)
    next(progress)
    next(progress)  # the writer has started on its temporary file
    progress.close()
    assert _leftovers(tmp_path) == []


def test_capabilities_and_styles() -> None:
    caps = capabilities()
    assert set(caps) == {"docx", "pdf", "html"}
    assert caps["docx"].footnotes == "word-footnotes" and caps["docx"].editable
    assert caps["pdf"].footnotes == "page-footnotes" and caps["pdf"].embedded_fonts
    assert caps["pdf"].contents == "page-numbers" and caps["docx"].contents == "field"
    assert {c.suffix for c in caps.values()} == {".docx", ".pdf", ".html"}
    assert caps["html"].footnotes == "endnotes" and caps["html"].contents == "links"
    assert [s.id for s in styles()] == ["harvard", "numbered-notes"]
    assert format_for("x/Briefing.PDF") == "pdf"
    assert format_for("Briefing.HTML") == format_for("b.htm") == "html"
    with pytest.raises(ExportError, match=r"name it \.docx"):
        format_for("briefing.odt")


def test_bad_style_and_format_are_refused(bundled: Library, tmp_path: Path) -> None:
    b = read_briefing(MINIMAL)
    with pytest.raises(ExportError, match="unknown citation style 'apa'"):
        export_to_file(b, bundled, tmp_path / "b.docx", ExportOptions(style="apa"))
    b.style = "chicago"
    with pytest.raises(ExportError, match="unknown citation style 'chicago'"):
        export_to_file(b, bundled, tmp_path / "b.docx")
    with pytest.raises(ExportError, match="unknown export format 'odt'"):
        export_to_file(b, bundled, tmp_path / "b.docx", ExportOptions(format="odt"))
    assert _leftovers(tmp_path) == []


def test_default_style_comes_from_the_app_when_the_briefing_names_none(
    bundled: Library, tmp_path: Path
) -> None:
    b = read_briefing(MINIMAL)
    b.style = None
    result = export_to_file(
        b, bundled, tmp_path / "b.docx", ExportOptions(default_style="numbered-notes")
    )
    assert result.document.meta.style.id == "numbered-notes"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_disk_error_leaves_the_old_file(
    bundled: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = tmp_path / f"b.{fmt}"
    out.write_bytes(b"the previous export")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", full)
    with pytest.raises(ExportError, match="No space left on device"):
        export_to_file(read_briefing(MINIMAL), bundled, out)
    assert out.read_bytes() == b"the previous export"
    assert _leftovers(tmp_path) == [f"b.{fmt}"]


def test_a_locked_target_cannot_be_replaced(
    bundled: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.docx"
    out.write_bytes(b"open in Word")
    real = os.replace

    def locked(src: str, dst: str) -> None:
        if Path(dst) == out:
            raise PermissionError(errno.EACCES, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(export.os, "replace", locked)
    with pytest.raises(ExportError, match="locked or open in another program"):
        export_to_file(read_briefing(MINIMAL), bundled, out)
    assert out.read_bytes() == b"open in Word" and _leftovers(tmp_path) == ["b.docx"]


def test_lock_files_and_read_only_targets(
    bundled: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = read_briefing(MINIMAL)
    out = tmp_path / "briefing.docx"
    out.write_bytes(b"old")
    lock = tmp_path / ".~lock.briefing.docx#"
    lock.write_text("user")
    with pytest.raises(ExportError, match="open in LibreOffice"):
        export_to_file(b, bundled, out)
    lock.unlink()
    word = tmp_path / "~$iefing.docx"
    word.write_text("user")
    with pytest.raises(ExportError, match="open in Word"):
        export_to_file(b, bundled, out)
    word.unlink()
    out.chmod(0o444)
    try:
        if os.access(out, os.W_OK):  # root can write anything: let the check see the mode
            monkeypatch.setattr(export.os, "access", lambda p, mode: Path(p) != out)
        with pytest.raises(ExportError, match="read-only"):
            export_to_file(b, bundled, out)
    finally:
        out.chmod(0o644)
    assert out.read_bytes() == b"old"


def test_missing_folder_and_folder_target(bundled: Library, tmp_path: Path) -> None:
    b = read_briefing(MINIMAL)
    with pytest.raises(ExportError, match="does not exist"):
        export_to_file(b, bundled, tmp_path / "nope" / "b.pdf")
    folder = tmp_path / "x.pdf"
    folder.mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_to_file(b, bundled, folder)


def test_new_files_get_ordinary_permissions(bundled: Library, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    export_to_file(read_briefing(MINIMAL), bundled, out)
    assert out.stat().st_mode & 0o777 == 0o666 & ~export._umask()


def test_export_needs_no_qt() -> None:
    code = (
        "import sys\n"
        "import briefing_builder.export as e\n"
        "from briefing_builder.export import docx_writer, pdf_writer\n"
        "e.capabilities()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_only_the_writers_import_their_libraries() -> None:
    folder = Path(export.__file__).parent
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        imports_docx = re.search(r"^\s*(import|from) docx\b", source, re.M) is not None
        imports_reportlab = re.search(r"^\s*(import|from) reportlab\b", source, re.M) is not None
        # Each writer and its helpers (the organisation's template; for the PDF, its fonts and
        # the import of reportlab's paragraph module).
        assert imports_docx == (path.name in ("docx_writer.py", "docx_template.py")), path.name
        pdf_modules = ("pdf_writer.py", "pdf_template.py", "pdf_fonts.py")
        assert imports_reportlab == (path.name in pdf_modules), path.name
