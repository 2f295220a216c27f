"""Starting a library: the four parts written, a clean check, a non-empty folder refused with
nothing touched, bad themes refused, and the first source added to its ``references: []``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefing_builder.core.loader import load_library
from briefing_builder.curation.add_source import AddSourceError, add_source
from briefing_builder.curation.extract import extract
from briefing_builder.curation.new_library import (
    STARTER_THEMES,
    NewLibraryError,
    new_library,
)

from .documents import PDF_LABELS, make_pdf
from .test_add_source import run


def test_new_library_has_its_parts_and_checks_clean(tmp_path: Path) -> None:
    folder = tmp_path / "housing"
    assert new_library(folder, "  Housing   evidence ") == folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "findings",
        "library.yaml",
        "sources.yaml",
        "texts",
    ]
    data = yaml.safe_load((folder / "library.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "Housing evidence"
    assert [(t["id"], t["label"], t["description"]) for t in data["themes"]] == list(STARTER_THEMES)
    assert yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8")) == {
        "references": []
    }
    lib = load_library(folder)
    assert lib.errors == []
    assert lib.title == "Housing evidence"
    assert [t.id for t in lib.themes] == [t[0] for t in STARTER_THEMES]
    assert lib.findings == [] and lib.sources == []


def test_own_themes_and_an_existing_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / ".DS_Store").write_bytes(b"")  # left by a file browser: still empty
    new_library(folder, "Skills", [("apprenticeships", "Apprenticeships", ""), ("fe", "FE", "")])
    lib = load_library(folder)
    assert lib.errors == []
    assert [(t.id, t.label, t.description) for t in lib.themes] == [
        ("apprenticeships", "Apprenticeships", ""),
        ("fe", "FE", ""),
    ]


def test_a_folder_with_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.docx").write_bytes(b"mine")
    with pytest.raises(NewLibraryError, match=r"notes is not empty .*draft\.docx"):
        new_library(folder, "Notes")
    assert [p.name for p in folder.iterdir()] == ["draft.docx"]
    assert (folder / "draft.docx").read_bytes() == b"mine"


@pytest.mark.parametrize(
    ("themes", "message"),
    [
        ([], "at least one theme"),
        ([("Bad Id", "Label", "")], "'Bad Id' cannot be a theme id"),
        ([("a", "A", ""), ("a", "Again", "")], "the id 'a' is used twice"),
        ([("a", "  ", "")], r"theme 1 \('a'\) has no label"),
    ],
)
def test_bad_themes_are_refused_and_nothing_is_written(
    tmp_path: Path, themes: list[tuple[str, str, str]], message: str
) -> None:
    with pytest.raises(NewLibraryError, match=message):
        new_library(tmp_path / "lib", "Title", themes)
    assert not (tmp_path / "lib").exists()


def test_no_title_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NewLibraryError, match="needs a title"):
        new_library(tmp_path / "lib", "   ")
    assert not (tmp_path / "lib").exists()


def test_first_source_goes_into_the_empty_list(tmp_path: Path) -> None:
    folder = new_library(tmp_path / "lib", "Reviews")
    extracted = extract(make_pdf(tmp_path / "review.pdf"))
    csl = {"type": "report", "title": "Partnership Working Review"}
    add_source(folder, extracted, csl, "review-nd")
    text = (folder / "sources.yaml").read_text(encoding="utf-8")
    assert "references: []" not in text
    refs = yaml.safe_load(text)["references"]
    assert [r["id"] for r in refs] == ["review-nd"]
    lib = load_library(folder)
    assert lib.errors == []
    src = lib.source("review-nd")
    assert src is not None and src.page_labels == tuple(PDF_LABELS)


def test_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "My library"
    proc = run("new-library", folder, "--title", "Police partnerships")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(folder)
    assert load_library(folder).title == "Police partnerships"
    check = run("check", "--library", folder)
    assert check.returncode == 0, check.stdout
    assert "error" not in check.stdout.replace("0 errors", "")
    # Again: the folder is no longer empty, so it is refused with one message.
    again = run("new-library", folder)
    assert again.returncode == 1
    assert again.stderr.startswith("briefing-builder: new-library: ")
    assert "is not empty" in again.stderr
    # Without --title the folder's name is the title.
    assert run("new-library", tmp_path / "Skills").returncode == 0
    assert load_library(tmp_path / "Skills").title == "Skills"


def test_a_read_only_library_refuses_a_source(tmp_path: Path) -> None:
    folder = new_library(tmp_path / "lib", "Shared")
    meta = folder / "library.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "read-only: true\n", encoding="utf-8")
    before = (folder / "sources.yaml").read_bytes()
    extracted = extract(make_pdf(tmp_path / "review.pdf"))
    with pytest.raises(AddSourceError, match=r"marked read-only .*Nothing was written"):
        add_source(folder, extracted, {"type": "report", "title": "A review"}, "review-nd")
    assert (folder / "sources.yaml").read_bytes() == before
    assert list((folder / "texts").iterdir()) == []
