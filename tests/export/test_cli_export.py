"""`briefing-builder export`: the minimal hand-written form in, a .docx or PDF out, or one clear
message and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefing_builder import cli
from tests.conftest import BUNDLED, write_library
from tests.export.conftest import EXAMPLE, MINIMAL


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_builder", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def test_export_the_minimal_form_to_both_formats(tmp_path: Path) -> None:
    for name in ("m.docx", "m.pdf"):
        proc = run("export", MINIMAL, "-o", tmp_path / name)
        assert proc.returncode == 0, proc.stderr
        # The PDF's own page count; for Word, the estimate (Word lays out its own pages).
        pages = (
            f"{len(PdfReader(str(tmp_path / name)).pages)} pages"
            if name.endswith(".pdf")
            else "about 1 page"
        )
        assert pages != "1 pages"
        assert proc.stdout.startswith(
            f"Wrote {tmp_path / name} ({pages}): 2 findings from 2 sources, Harvard"
        )
    d = docx.Document(str(tmp_path / "m.docx"))
    assert d.core_properties.title.startswith("Partnership working")
    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "m.pdf")).pages)
    assert "(Tizard, 2015, section 2)" in text


def test_bad_finding_id_names_it_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: T\nsections:\n  - heading: A\n    items:\n      - finding: nope-001\n"
    )
    out = tmp_path / "bad.pdf"
    proc = run("export", path, "-o", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{path}:6: finding 'nope-001' is not in the library" in proc.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.briefing.yaml"]


def _main(*args: str | Path) -> int:
    return cli.main([str(a) for a in args])


def test_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "n.docx"
    assert _main("export", MINIMAL, "-o", out, "--style", "numbered-notes", "--evidence-table") == 0
    assert "Numbered notes (MHRA)" in capsys.readouterr().out
    d = docx.Document(str(out))
    assert any(p.text == "Annex: evidence cited" for p in d.paragraphs)
    assert len(d.tables) == 1 and len(d.tables[0].rows) == 3
    assert _main("export", MINIMAL, "-o", out, "--no-contents") == 0
    assert not any(p.style.name == "TOC Heading" for p in docx.Document(str(out)).paragraphs)


def test_library_precedence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = write_library(tmp_path / "lib")
    briefing = tmp_path / "b.briefing.yaml"
    briefing.write_text(
        "briefing: 1\ntitle: T\nlibrary: lib\nsections:\n  - heading: A\n    items:\n"
        "      - finding: alpha-002\n"
    )
    out = tmp_path / "b.pdf"
    assert _main("export", briefing, "-o", out) == 0  # the briefing's own library: relative
    assert "(Smith, 2020, p. 4)" in PdfReader(str(out)).pages[0].extract_text()
    # --library wins over the briefing's library: the bundled one lacks alpha-002.
    assert _main("export", briefing, "-o", out, "--library", BUNDLED) == 1
    assert "finding 'alpha-002' is not in the library" in capsys.readouterr().err
    # Without either, the bundled library is used.
    plain = tmp_path / "p.briefing.yaml"
    plain.write_text(
        "briefing: 1\ntitle: T\nsections:\n  - heading: A\n    items:\n"
        "      - finding: npia-2009-010\n"
    )
    assert _main("export", plain, "-o", out) == 0
    assert lib.is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--style", "apa"], "unknown citation style 'apa'"),
        (["-o", "x.odt"], "name it .docx (Word), .pdf or .html (web page)"),
        (["-o", "/no/such/folder/x.pdf"], "the folder /no/such/folder does not exist"),
        (["--library", "/no/such/lib"], "the library folder /no/such/lib does not exist"),
    ],
)
def test_failures_are_one_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.pdf")]
    assert _main("export", MINIMAL, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith("briefing-builder: export failed: ") and message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unreadable_briefings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main("export", tmp_path / "none.briefing.yaml", "-o", tmp_path / "x.pdf") == 1
    assert "there is no briefing file" in capsys.readouterr().err
    bad = tmp_path / "bad.briefing.yaml"
    bad.write_text("briefing: 1\ntitle: T\ncolour: blue\n")
    assert _main("export", bad, "-o", tmp_path / "x.pdf") == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: unknown key 'colour' in the briefing" in err


def test_numbered_paragraphs_and_annex_ids(tmp_path: Path) -> None:
    out = tmp_path / "n.pdf"
    proc = run("export", EXAMPLE, "-o", out, "--numbered-paragraphs", "--annex-ids")
    assert proc.returncode == 0, proc.stderr
    pages = PdfReader(str(out)).pages
    assert proc.stdout.startswith(f"Wrote {out} ({len(pages)} pages): ")
    text = "\n".join(p.extract_text() for p in pages)
    assert "1.1" in text and "Paragraph 1.2" in text  # numbered, and cited by paragraph
    assert pages[-1].mediabox.width > pages[-1].mediabox.height  # the annex (implied)
    assert "Finding id" in text and "copacc-2015-" in text
    out = tmp_path / "n.docx"
    proc = run("export", EXAMPLE, "-o", out, "--evidence-table")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Wrote {out} (about ")
    d = docx.Document(str(out))
    assert not any(p.style.name == "Numbered Paragraph" for p in d.paragraphs)
    assert d.tables[-1].rows[0].cells[-1].text == "Wording check"  # no ids unless asked


def test_the_collector_is_off_during_an_export_and_on_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export command pauses the cyclic garbage collector (it would walk the modules and
    the library again and again) and puts it back as it was, also when the export fails."""
    import gc

    from briefing_builder import export

    seen: list[bool] = []
    real = export.export_to_file

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "export_to_file", recording)
    assert gc.isenabled()
    assert cli.main(["export", str(MINIMAL), "-o", str(tmp_path / "m.docx")]) == 0
    assert seen == [False] and gc.isenabled()
    assert cli.main(["export", str(MINIMAL), "-o", str(tmp_path / "m.unknown")]) == 1
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:  # off before: off after
        assert cli.main(["export", str(MINIMAL), "-o", str(tmp_path / "n.docx")]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
