"""``briefing-builder add-finding`` (and the other curation commands) run as a curator's script
runs them: the id and locator printed, one clear message and exit 1 for every refusal, and
nothing written then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_builder.core.loader import load_library

from .library import make_library, snapshot


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
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib")


def test_add_finding_prints_the_id_and_locator(lib_root: Path) -> None:
    proc = run(
        "add-finding",
        "--library",
        lib_root,
        "--source",
        "guide",
        "--text",
        "Schools   see\nofficers",
        "--kind",
        "example",
        "--theme",
        "trust",
        "--theme",
        "data",
        "--place",
        "Wales",
        "--speaker",
        "A head teacher",
        "--note",
        "check the date",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "guide-002\tsection 3.1 (Range of partners)\n"
    lib = load_library(lib_root)
    assert lib.ok, lib.problems
    f = lib.finding("guide-002")
    assert f is not None and f.verified
    assert (f.text, f.kind, f.themes, f.places, f.speaker, f.note) == (
        "Schools see officers",
        "example",
        ("trust", "data"),
        ("Wales",),
        "A head teacher",
        "check the date",
    )
    # check passes on the result
    assert run("check", "--library", lib_root).returncode == 0


def test_an_ambiguous_passage_lists_where_and_occurrence_chooses(lib_root: Path) -> None:
    before = snapshot(lib_root)
    args = ["add-finding", "--library", lib_root, "--source", "guide", "--theme", "trust"]
    proc = run(*args, "--text", "Police work with health")
    assert proc.returncode == 1
    assert "appear 2 times" in proc.stderr and "--occurrence N" in proc.stderr
    assert "occurrence 1: line 5" in proc.stderr and "occurrence 2: line 13" in proc.stderr
    assert snapshot(lib_root) == before
    proc = run(*args, "--text", "Police work with health", "--occurrence", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "guide-002\tsection ‘Appendix’\n"


def test_a_page_locator_is_the_printed_label(lib_root: Path) -> None:
    proc = run(
        "add-finding",
        "--library",
        lib_root,
        "--source",
        "review",
        "--text",
        "They must demonstrate … in England.",
        "--theme",
        "trust",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "review-003\tpage 1\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--source", "guide", "--text", "not there", "--theme", "trust"], "guide.txt"),
        (["--source", "guide", "--text", "Schools see", "--theme", "nope"], "no theme 'nope'"),
        (["--source", "gone", "--text", "Schools see", "--theme", "trust"], "no source 'gone'"),
        (["--source", "guide", "--text", "Schools see"], "at least one theme"),
        (["--source", "guide", "--text", "  ", "--theme", "trust"], "has no text"),
        (
            ["--source", "guide", "--text", "Schools see", "--theme", "trust", "--locator", "x"],
            "--locator",
        ),
    ],
)
def test_refusals_are_one_message_and_nothing_written(
    lib_root: Path, args: list[str], says: str
) -> None:
    before = snapshot(lib_root)
    proc = run("add-finding", "--library", lib_root, *args)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert says in proc.stderr
    assert proc.stderr.count("briefing-builder:") == 1
    assert snapshot(lib_root) == before


def test_a_read_only_library_is_refused(lib_root: Path) -> None:
    meta = lib_root / "library.yaml"
    meta.write_text(meta.read_text("utf-8") + "read-only: true\n", "utf-8")
    before = snapshot(lib_root)
    proc = run(
        "add-finding",
        "--library",
        lib_root,
        "--source",
        "guide",
        "--text",
        "Schools see",
        "--theme",
        "trust",
    )
    assert proc.returncode == 1
    assert "marked read-only" in proc.stderr and "library.yaml" in proc.stderr
    assert snapshot(lib_root) == before


def test_a_missing_library_is_one_message(tmp_path: Path) -> None:
    proc = run("add-finding", "--library", tmp_path / "nope", "--source", "a", "--text", "b")
    assert proc.returncode == 1
    assert "does not exist" in proc.stderr


def test_edit_retire_and_restore_from_the_command_line(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    original = path.read_bytes()
    proc = run(
        "edit-finding",
        "review-002",
        "--library",
        lib_root,
        "--theme",
        "money",
        "--kind",
        "example",
        "--speaker",
        "The treasurer",
        "--locator",
        "section:2",
        "--title",
        "Findings",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "review-002\n"
    f = load_library(lib_root).finding("review-002")
    assert f is not None
    assert (f.themes, f.kind, f.speaker, str(f.locator)) == (
        ("money",),
        "example",
        "The treasurer",
        "section 2 (Findings)",
    )
    # An empty value removes the key.
    assert run("edit-finding", "review-002", "--library", lib_root, "--speaker", "").returncode == 0
    f = load_library(lib_root).finding("review-002")
    assert f is not None and f.speaker is None
    # The first finding's lines were never touched.
    assert path.read_bytes().split(b"- id: review-002")[0] == original.split(b"- id: review-002")[0]

    proc = run("retire-finding", "review-001", "--library", lib_root, "--reason", "duplicate")
    assert proc.returncode == 0, proc.stderr
    lib = load_library(lib_root)
    assert lib.finding("review-001") is None and "review-001" in lib.retired_ids
    listed = run("list", "--library", lib_root, "--source", "review")
    assert "review-001" not in listed.stdout and "review-002" in listed.stdout
    assert run("check", "--library", lib_root).returncode == 0
    assert run("restore-finding", "review-001", "--library", lib_root).returncode == 0
    assert load_library(lib_root).finding("review-001") is not None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["edit-finding", "review-099", "--kind", "quote"], "no finding 'review-099'"),
        (["edit-finding", "review-001"], "say what to change"),
        (["edit-finding", "review-001", "--theme", "nope"], "no theme 'nope'"),
        (["edit-finding", "review-001", "--title", "T"], "--title goes with --locator"),
        (["retire-finding", "review-099"], "no finding 'review-099'"),
        (["restore-finding", "review-001"], "is not retired"),
    ],
)
def test_edit_refusals_are_one_message_and_nothing_written(
    lib_root: Path, args: list[str], says: str
) -> None:
    before = snapshot(lib_root)
    proc = run(*args, "--library", lib_root)
    assert proc.returncode == 1
    assert says in proc.stderr
    assert proc.stderr.count("briefing-builder:") == 1
    assert snapshot(lib_root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("add-finding", "--source", "guide", "--text", "Schools", "--kind", "quote"),
            "add-finding: say which library to add to with --library DIR",
        ),
        (
            ("edit-finding", "guide-001", "--note", "n"),
            "edit-finding: say which library with --library DIR",
        ),
        (("retire-finding", "guide-001"), "retire-finding: say which library with --library DIR"),
        (
            ("edit-source", "guide", "--title", "T"),
            "edit-source: say which library with --library DIR",
        ),
    ],
)
def test_a_command_without_its_library_says_so(args: tuple[str, ...], message: str) -> None:
    proc = run(*args)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"briefing-builder: {message}"


@pytest.mark.parametrize("command", ["add-finding", "edit-finding", "edit-source"])
def test_a_library_folder_that_does_not_exist_is_named(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere"
    args = {
        "add-finding": ("--source", "guide", "--text", "Schools", "--kind", "quote"),
        "edit-finding": ("guide-001", "--note", "n"),
        "edit-source": ("guide", "--title", "T"),
    }[command]
    proc = run(command, *args, "--library", missing)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"briefing-builder: {command}: the library folder {missing} does not exist"
    )
    assert not missing.exists()
