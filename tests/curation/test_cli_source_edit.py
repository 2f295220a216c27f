"""``briefing-builder edit-source`` as a curator's script runs it: the id printed, the change
read back by ``check``; every refusal one message, exit 1, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.loader import load_library

from .library import LIBRARY, SOURCES, make_library, snapshot
from .test_cli_findings import run


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib")


def test_edit_source_changes_the_reference_and_only_its_lines(lib_root: Path) -> None:
    proc = run(
        "edit-source",
        "guide",
        "--library",
        lib_root,
        "--title",
        "Policing together: a guide",
        "--author",
        "Smith, Ann",
        "--organisation",
        "College of Policing",
        "--year",
        "2019-06",
        "--url",
        "https://example.org/guide",
        "--accessed",
        "2025-03-03",
        "--short",
        "Smith guide",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "guide\n"
    assert "Changed source 'guide'" in proc.stderr
    text = (lib_root / "sources.yaml").read_text("utf-8")
    assert text == SOURCES.replace(
        "    title: Policing together\n"
        "    author: [{family: Smith, given: Ann}]\n"
        "    issued: {date-parts: [[2019]]}\n",
        "    title: 'Policing together: a guide'\n"
        "    author: [{family: Smith, given: Ann}, {literal: College of Policing}]\n"
        "    URL: https://example.org/guide\n"
        "    issued: {date-parts: [[2019, 6]]}\n"
        "    accessed: {date-parts: [[2025, 3, 3]]}\n"
        "    short: Smith guide\n",
    )
    src = load_library(lib_root).source("guide")
    assert src is not None and (src.title, src.short) == (
        "Policing together: a guide",
        "Smith guide",
    )
    assert run("check", "--library", lib_root).returncode == 0
    # An empty value removes the field.
    proc = run("edit-source", "guide", "--library", lib_root, "--short", "", "--no-authors")
    assert proc.returncode == 0, proc.stderr
    src = load_library(lib_root).source("guide")
    assert src is not None and "author" not in src.csl and src.short != "Smith guide"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["guide", "--id", "guide-2"], "id cannot be changed"),
        (["guide"], "say what to change"),
        (["nope", "--title", "X"], "there is no source 'nope'"),
        (["guide", "--year", "last year"], "--year 'last year' is not a date"),
        (["guide", "--title", ""], "needs a title"),
        (["guide", "--type", "novel"], "'novel' is not a CSL type"),
        (["guide", "--author", "Smith, Ann", "--no-authors"], "--no-authors goes without"),
        (["guide", "--maryland", "6"], "--maryland '6' is not a Maryland"),
    ],
)
def test_refusals_are_one_message_and_write_nothing(
    lib_root: Path, args: list[str], says: str
) -> None:
    before = snapshot(lib_root)
    proc = run("edit-source", *args, "--library", lib_root)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("briefing-builder: edit-source: ")
    assert says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert snapshot(lib_root) == before


def test_a_read_only_library_is_refused(lib_root: Path) -> None:
    (lib_root / "library.yaml").write_text(LIBRARY + "read-only: true\n", "utf-8")
    before = snapshot(lib_root)
    proc = run("edit-source", "guide", "--library", lib_root, "--title", "New")
    assert proc.returncode == 1
    assert "marked read-only" in proc.stderr and "Nothing was written" in proc.stderr
    assert snapshot(lib_root) == before


def test_edit_source_sets_the_evidence_strength(lib_root: Path) -> None:
    proc = run(
        "edit-source", "deck", "--library", lib_root, "--design", "Slides", "--maryland", "2"
    )
    assert proc.returncode == 0, proc.stderr
    assert (lib_root / "sources.yaml").read_text("utf-8") == SOURCES.replace(
        "    text: texts/deck.txt\n",
        "    text: texts/deck.txt\n    evidence-strength:\n      design: Slides\n      maryland: 2\n",
    )
    proc = run("edit-source", "deck", "--library", lib_root, "--maryland", "")
    assert proc.returncode == 0, proc.stderr
    src = load_library(lib_root).source("deck")
    assert src is not None and src.strength is not None
    assert (src.strength.design, src.strength.maryland) == ("Slides", None)
    run("edit-source", "deck", "--library", lib_root, "--design", "")
    assert (lib_root / "sources.yaml").read_text("utf-8") == SOURCES
