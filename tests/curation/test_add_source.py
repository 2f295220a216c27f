"""``briefing-builder add-source`` end to end: each kind of document into a copy of a library,
read back through the loader and the source reader; the curator's sources.yaml kept byte for
byte; a colleague's change never overwritten; a failed check undone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefing_builder.core.loader import load_library
from briefing_builder.core.pages import page_label
from briefing_builder.core.reading import HEADING, layout_text, text_for_reading
from briefing_builder.core.textmatch import read_source_text
from briefing_builder.curation import add_source as add_source_module
from briefing_builder.curation.add_source import AddSourceError, add_source
from briefing_builder.curation.extract import extract
from tests.conftest import BUNDLED

from .documents import HTML, MARKDOWN, PDF_LABELS, TEXT, make_docx, make_pdf
from .test_reference import BIBTEX, RIS, ZOTERO_JSON


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_builder", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(BUNDLED, root)
    return root


def added_entry(root: Path, sid: str) -> dict[str, object]:
    refs = yaml.safe_load((root / "sources.yaml").read_text(encoding="utf-8"))["references"]
    return next(r for r in refs if r["id"] == sid)


def test_pdf_with_page_labels_and_bookmarks(library: Path, tmp_path: Path) -> None:
    before = (library / "sources.yaml").read_bytes()
    pdf = make_pdf(tmp_path / "review.pdf")
    proc = run(
        "add-source", pdf, "--library", library,
        "--author", "Smith, Jo", "--year", "2024", "--publisher", "Home Office",
        "--url", "https://example.org/review", "--accessed", "2025-03-03",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "smith-2024\n"
    assert "Added source 'smith-2024' from PDF" in proc.stderr
    assert "5 pages (printed i, ii, 1, 2, A-1)" in proc.stderr
    # Every byte the curator wrote is still there, first; the new source follows.
    after = (library / "sources.yaml").read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode("utf-8") == (
        "\n"
        "  - id: smith-2024\n"
        "    type: report\n"
        "    title: Partnership Working Review\n"
        "    author:\n"
        "      - {family: Smith, given: Jo}\n"
        "    publisher: Home Office\n"
        "    URL: https://example.org/review\n"
        "    issued: {date-parts: [[2024]]}\n"
        "    accessed: {date-parts: [[2025, 3, 3]]}\n"
        "    text: texts/smith-2024.txt\n"
        "    page-labels: [i, ii, '1', '2', A-1]\n"
    )
    # The library loads with no problem about it; the reader shows its text and headings.
    lib = load_library(library)
    assert [p for p in lib.problems if "smith-2024" in p.message] == []
    src = lib.source("smith-2024")
    assert src is not None and src.page_labels == tuple(PDF_LABELS)
    assert src.csl["issued"] == {"date-parts": [[2024]]}
    text = text_for_reading(lib, "smith-2024")
    assert text == read_source_text(library / "texts" / "smith-2024.txt")
    assert page_label(text, text.index("demonstrate added value"), src.page_labels) == "1"
    shown = [b.text for b in layout_text(text).blocks if b.kind == HEADING]
    assert {"1 Introduction", "2 Findings", "2.1 Information sharing", "Annex A"} <= set(shown)
    assert run("check", "--library", library).returncode == 0


def test_word_document_with_a_reference_from_zotero(library: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.json"
    ref.write_text(json.dumps(ZOTERO_JSON), encoding="utf-8")
    proc = run("add-source", make_docx(tmp_path / "csp.docx"), "--library", library,
               "--reference", ref, "--title", "Community safety partnerships")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    sid = proc.stdout.strip()
    assert sid == "o-suilleabhain-2023"
    entry = added_entry(library, sid)
    assert entry["title"] == "Community safety partnerships"  # the option wins
    assert entry["author"] == ZOTERO_JSON[0]["author"]
    assert entry["accessed"] == {"date-parts": [[2025, 1, 14]]}
    assert "abstract" not in entry and "page-labels" not in entry
    lib = load_library(library)
    assert not [p for p in lib.problems if sid in p.message]
    text = text_for_reading(lib, sid)
    assert "# 1 Background" in text and "## 1.1 Duties" in text and "\f" in text


@pytest.mark.parametrize(
    ("name", "content", "ref_name", "ref_text", "sid"),
    [
        ("page.html", HTML, "ref.bib", BIBTEX, "smith-2024"),
        ("hub.txt", TEXT, "ref.ris", RIS, "patel-2019"),
        ("hub.md", MARKDOWN, None, None, "college-of-policing-nd"),
    ],
)
def test_html_text_and_markdown(
    library: Path,
    tmp_path: Path,
    name: str,
    content: str,
    ref_name: str | None,
    ref_text: str | None,
    sid: str,
) -> None:
    doc = tmp_path / name
    doc.write_text(content, encoding="utf-8")
    args: list[str | Path] = ["add-source", doc, "--library", library]
    if ref_name and ref_text:
        (tmp_path / ref_name).write_text(ref_text, encoding="utf-8")
        args += ["--reference", tmp_path / ref_name]
    else:
        args += ["--organisation", "College of Policing", "--type", "webpage"]
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == sid
    lib = load_library(library)
    assert not [p for p in lib.errors if sid in p.message]
    text = text_for_reading(lib, sid)
    assert text == extract(doc).text
    assert lib.source(sid) is not None


def test_ids_are_unique_and_checked(library: Path, tmp_path: Path) -> None:
    doc = tmp_path / "hub.md"
    doc.write_text(MARKDOWN, encoding="utf-8")
    first = run("add-source", doc, "--library", library, "--author", "Smith, Jo", "--year", "2024")
    second = run("add-source", doc, "--library", library, "--author", "Smith, Jo", "--year", "2024")
    assert (first.stdout, second.stdout) == ("smith-2024\n", "smith-2024b\n")
    taken = run("add-source", doc, "--library", library, "--id", "npia-2009")
    assert taken.returncode == 1
    assert "already has a source 'npia-2009'" in taken.stderr
    bad = run("add-source", doc, "--library", library, "--id", "Bad Id")
    assert bad.returncode == 1 and "use only a-z, 0-9" in bad.stderr


def test_failures_write_nothing(library: Path, tmp_path: Path) -> None:
    before = (library / "sources.yaml").read_bytes()
    texts = sorted(os.listdir(library / "texts"))
    locked = make_pdf(tmp_path / "locked.pdf", password="secret")
    doc_file = tmp_path / "old.doc"
    doc_file.write_bytes(b"\xd0\xcf\x11\xe0")
    ref = tmp_path / "ref.ris"
    ref.write_text("nonsense\n", encoding="utf-8")
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    for args, says in [
        ((locked, "--title", "T"), f"{locked} is encrypted"),
        ((doc_file, "--title", "T"), "save it as .docx"),
        ((md, "--reference", ref), f"{ref}:1: this is not a RIS line"),
        ((md, "--year", "last spring"), "is not a date"),
    ]:
        proc = run("add-source", *args, "--library", library)
        assert proc.returncode == 1
        assert says in proc.stderr
        assert proc.stdout == ""
    assert (library / "sources.yaml").read_bytes() == before
    assert sorted(os.listdir(library / "texts")) == texts
    nolib = run("add-source", md, "--library", tmp_path / "nowhere", "--title", "T")
    assert nolib.returncode == 1 and "does not exist" in nolib.stderr


def test_a_colleagues_change_is_never_overwritten(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    sources = library / "sources.yaml"
    real_load = add_source_module.current_library

    def load_then_colleague_edits(root: Path) -> object:
        lib = real_load(root)
        with open(sources, "a", encoding="utf-8") as fh:
            fh.write("# a colleague's note\n")
        return lib

    monkeypatch.setattr(add_source_module, "current_library", load_then_colleague_edits)
    theirs_before = sources.read_bytes()
    with pytest.raises(AddSourceError, match="changed on disk"):
        add_source(library, extract(md), {"type": "report", "title": "Hub"}, "hub-nd")
    assert sources.read_bytes() == theirs_before + b"# a colleague's note\n"
    assert not (library / "texts" / "hub-nd.txt").exists()


def test_a_failed_check_is_undone(library: Path, tmp_path: Path) -> None:
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    before = (library / "sources.yaml").read_bytes()
    csl = {"type": "report", "title": "Hub", "author": [{"given": "Jo"}]}  # no family name
    with pytest.raises(AddSourceError) as caught:
        add_source(library, extract(md), csl, "hub-nd")
    assert "was not added" in caught.value.message
    assert any("hub-nd" in p.message for p in caught.value.problems)
    assert (library / "sources.yaml").read_bytes() == before
    assert not (library / "texts" / "hub-nd.txt").exists()


def test_an_existing_text_file_is_not_overwritten(library: Path, tmp_path: Path) -> None:
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    (library / "texts" / "hub-nd.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(AddSourceError, match="already exists"):
        add_source(library, extract(md), {"type": "report", "title": "Hub"}, "hub-nd")
    assert (library / "texts" / "hub-nd.txt").read_text(encoding="utf-8") == "mine"


def test_a_new_library_without_sources(tmp_path: Path) -> None:
    root = tmp_path / "new"
    root.mkdir()
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    added = add_source(root, extract(md), {"type": "report", "title": "Hub"}, "hub-nd")
    assert (root / "sources.yaml").read_text(encoding="utf-8") == (
        "references:\n  - id: hub-nd\n    type: report\n    title: Hub\n"
        "    text: texts/hub-nd.txt\n"
    )
    assert added.text_path.read_text(encoding="utf-8") == MARKDOWN


SPARSE = """\
# Our sources. Keep them in date order!
references:
- id: alpha      # the first
  type: report
  title: 'Alpha: a review'
  author: [{family: Smith, given: Ann}]
  text: texts/alpha.txt
- id: beta
  type: "report"
  title: Beta"""  # no final line break, no blank lines, list not indented


def test_untouched_lines_are_byte_identical_in_any_layout(tmp_path: Path) -> None:
    from tests.conftest import write_library

    root = write_library(tmp_path / "lib", {"sources.yaml": None})
    (root / "sources.yaml").write_bytes(SPARSE.encode("utf-8"))
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    csl = {"type": "report", "title": "Hub: 3.10 and all that", "note": "3.10"}
    add_source(root, extract(md), csl, "hub-nd")
    after = (root / "sources.yaml").read_text(encoding="utf-8")
    assert after == SPARSE + (
        "\n- id: hub-nd\n  type: report\n  title: 'Hub: 3.10 and all that'\n"
        "  note: '3.10'\n  text: texts/hub-nd.txt\n"
    )


def test_a_file_it_cannot_append_to_safely_is_left_alone(tmp_path: Path) -> None:
    from tests.conftest import write_library

    root = write_library(tmp_path / "lib")
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    flow = "references: [{id: alpha, type: report, title: A, text: texts/alpha.txt}]\n"
    trailing = (root / "sources.yaml").read_text(encoding="utf-8") + "other: 1\n"
    for text in (flow, trailing):
        (root / "sources.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(AddSourceError, match="cannot be appended safely"):
            add_source(root, extract(md), {"type": "report", "title": "Hub"}, "hub-nd")
        assert (root / "sources.yaml").read_text(encoding="utf-8") == text
        assert not (root / "texts" / "hub-nd.txt").exists()


def test_a_file_saved_on_windows_keeps_its_line_ends(tmp_path: Path) -> None:
    from tests.conftest import SOURCES_YAML, write_library

    root = write_library(tmp_path / "lib", {"sources.yaml": None})
    before = SOURCES_YAML.replace("\n", "\r\n").encode("utf-8")
    (root / "sources.yaml").write_bytes(before)
    md = tmp_path / "hub.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    add_source(root, extract(md), {"type": "report", "title": "Hub"}, "hub-nd")
    after = (root / "sources.yaml").read_bytes()
    assert after == before + (
        b"  - id: hub-nd\r\n    type: report\r\n    title: Hub\r\n    text: texts/hub-nd.txt\r\n"
    )
    assert load_library(root).source("hub-nd") is not None
