"""A briefing's length: words as they print, pages estimated and real, and the max-pages limit."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.briefing_io import (
    BriefingError,
    dumps_briefing,
    read_briefing,
    save_briefing,
)
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, build_document, export_to_file
from briefing_builder.export.length import (
    briefing_length,
    count_words,
    document_length,
    estimate_pages,
    over_limit_message,
)
from tests.export.conftest import EXAMPLE


def _words(text: str) -> int:
    return len(text.split())


def test_every_printed_part_counts(bundled: Library) -> None:
    fid = bundled.findings[0].id
    base = Briefing(title="T", sections=[Section("Heading")])
    n0 = count_words(build_document(base, bundled, include_contents=False))

    def more(b: Briefing) -> int:
        return count_words(build_document(b, bundled, include_contents=False)) - n0

    with_summary = copy.deepcopy(base)
    with_summary.summary = "one two three four five"
    # The summary's five words and its own "Summary" heading.
    assert more(with_summary) == 6
    with_note = copy.deepcopy(base)
    with_note.sections[0].items.append(NoteItem("alpha beta gamma"))
    assert more(with_note) == 3
    with_heading = copy.deepcopy(base)
    with_heading.sections.append(Section("Second part"))
    assert more(with_heading) == 3  # "2  Second part": the number prints too
    quoted = copy.deepcopy(base)
    quoted.sections[0].items.append(EvidenceItem(fid))
    finding = bundled.finding(fid)
    assert finding is not None
    # The quote, its citation and the reference list all print.
    assert more(quoted) > _words(finding.text)
    lead_in = copy.deepcopy(quoted)
    item = lead_in.sections[0].items[0]
    assert isinstance(item, EvidenceItem)
    item.comment = "As the review found"
    assert count_words(build_document(lead_in, bundled, include_contents=False)) - n0 == (
        more(quoted) + 4
    )


def test_notes_style_counts_its_footnotes(bundled: Library) -> None:
    b = read_briefing(EXAMPLE)
    harvard = count_words(build_document(b, bundled, style="harvard"))
    notes = count_words(build_document(b, bundled, style="numbered-notes"))
    assert notes > harvard  # each quote's footnote prints its full citation


@pytest.mark.parametrize("style", ["harvard", "numbered-notes"])
@pytest.mark.parametrize("repeat", [1, 3])
def test_estimate_matches_the_pdf(
    bundled: Library, tmp_path: Path, style: str, repeat: int
) -> None:
    b = read_briefing(EXAMPLE)
    b.sections = [copy.deepcopy(s) for _ in range(repeat) for s in b.sections]
    result = export_to_file(b, bundled, tmp_path / "b.pdf", ExportOptions(style=style))
    real = len(PdfReader(str(tmp_path / "b.pdf")).pages)
    assert result.document.page_count == real
    assert document_length(result.document).pages == real


def test_estimate_grows_with_words_and_is_at_least_one() -> None:
    assert estimate_pages(0, "harvard") == 1
    assert estimate_pages(4000, "harvard") < estimate_pages(8000, "harvard")
    assert estimate_pages(4000, "no-such-style") == estimate_pages(4000, "harvard")


def test_length_against_the_limit(bundled: Library) -> None:
    b = read_briefing(EXAMPLE)
    b.max_pages = 3
    length = briefing_length(b, bundled)
    assert length.max_pages == 3 and length.pages == 7 and length.over_limit
    b.max_pages = 7
    assert not briefing_length(b, bundled).over_limit
    assert over_limit_message(7, 6) == "This briefing is 7 pages; its limit is 6"
    assert over_limit_message(6, 6) is None
    assert over_limit_message(9, None) is None


# --- max-pages in the file --------------------------------------------------------------------


def test_max_pages_reads_and_writes(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\nmax-pages: 6\nsections: []\n", encoding="utf-8")
    b = read_briefing(path)
    assert b.max_pages == 6
    b.max_pages = 4
    save_briefing(b, path, expected_hash=None, force=True)
    assert "max-pages: 4\n" in path.read_text(encoding="utf-8")
    assert read_briefing(path).max_pages == 4
    b.max_pages = None
    assert "max-pages" not in dumps_briefing(b)


@pytest.mark.parametrize("value", ["0", "-2", "6.5", "six", "true", "[6]"])
def test_bad_max_pages_names_file_and_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(f"briefing: 1\ntitle: T\n\nmax-pages: {value}\n", encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        read_briefing(path)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{path}:4: 'max-pages' should be a whole number of pages")


def test_quoted_max_pages_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text('briefing: 1\ntitle: T\nmax-pages: "5"\n', encoding="utf-8")
    assert read_briefing(path).max_pages == 5


# --- the command line -------------------------------------------------------------------------


def _export(briefing: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_builder", "export", str(briefing), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_cli_warns_over_the_limit_and_exits_0(tmp_path: Path, suffix: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "style: harvard\n", "style: harvard\nmax-pages: 4\n"
    )
    text = text.replace("library: ../evidence", f"library: {EXAMPLE.parent.parent / 'evidence'}")
    briefing = tmp_path / "long.briefing.yaml"
    briefing.write_text(text, encoding="utf-8")
    out = tmp_path / f"long{suffix}"
    proc = _export(briefing, out)
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()
    assert proc.stdout.startswith(f"Wrote {out}")
    assert f"briefing-builder: warning: {briefing}: This briefing is 7 pages; its limit is 4" in (
        proc.stderr
    )


def test_cli_is_quiet_within_the_limit(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "style: harvard\n", "style: harvard\nmax-pages: 7\n"
    )
    text = text.replace("library: ../evidence", f"library: {EXAMPLE.parent.parent / 'evidence'}")
    briefing = tmp_path / "ok.briefing.yaml"
    briefing.write_text(text, encoding="utf-8")
    proc = _export(briefing, tmp_path / "ok.pdf")
    assert proc.returncode == 0, proc.stderr
    assert "limit" not in proc.stderr
