"""Themes added, renamed and described in library.yaml with the rest of the file kept byte for
byte; a library marked read-only, or whose files may not be written, is never changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_builder.core import atomic
from briefing_builder.core.loader import load_library
from briefing_builder.curation.findings import add_finding
from briefing_builder.curation.library_edit import (
    ConflictError,
    CurationError,
    add_theme,
    edit_theme,
    read_only_reason,
    remove_added_theme,
)

from .library import LIBRARY, make_library, snapshot

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
META = LIBRARY + "\n# Set to true to stop changes from the app.\nread-only: false\n"


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib", {"library.yaml": META})


def test_a_theme_is_added_after_the_last_and_taken_out_again(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    written = add_theme(lib_root, "co-location", "Co-location", "Partners sharing  buildings.")
    text = path.read_text("utf-8")
    assert text == META.replace(
        "    label: Information sharing\n",
        "    label: Information sharing\n  - id: co-location\n    label: Co-location\n"
        "    description: Partners sharing buildings.\n",
    )
    lib = load_library(lib_root)
    assert lib.ok, lib.errors
    theme = lib.theme("co-location")
    assert theme is not None and theme.label == "Co-location"
    # A theme no finding uses yet is a warning, not an error.
    assert [p.message for p in written.warnings] == ["theme 'co-location' has no findings"]
    # Findings can use it at once.
    add_finding(
        lib_root, {"source": "notes", "text": "share one office", "themes": ["co-location"]}
    )
    with pytest.raises(CurationError, match="used by 1 finding"):
        remove_added_theme(lib_root, "co-location")
    (lib_root / "findings" / "notes.yaml").unlink()
    remove_added_theme(lib_root, "co-location")
    assert path.read_text("utf-8") == META


def test_renaming_and_describing_a_theme_changes_only_its_lines(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    written = edit_theme(lib_root, "money", label="Resources and  budgets", description="Money.")
    assert written.before == {"label": "Resources", "description": ""}
    assert path.read_text("utf-8") == META.replace(
        "    label: 'Resources'\n",
        "    label: 'Resources and budgets'\n    description: Money.\n",
    )
    theme = load_library(lib_root).theme("money")
    assert theme is not None and (theme.label, theme.description) == (
        "Resources and budgets",
        "Money.",
    )
    # Undo puts the file back byte for byte, quotes included.
    edit_theme(lib_root, "money", **written.before)
    assert path.read_text("utf-8") == META


def test_a_comment_on_a_theme_survives_its_rename(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    edit_theme(lib_root, "trust", label="Trust")
    assert path.read_text("utf-8") == META.replace(
        "    label: Culture and trust\n", "    label: Trust\n"
    )


def test_a_change_since_the_theme_was_shown_is_a_conflict(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(ConflictError, match="changed by someone else"):
        edit_theme(lib_root, "money", label="Budgets", expected={"label": "Money"})
    assert snapshot(lib_root) == before
    edit_theme(lib_root, "money", label="Budgets", expected={"label": "Resources"})
    theme = load_library(lib_root).theme("money")
    assert theme is not None and theme.label == "Budgets"


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda r: add_theme(r, "money", "Money again"), "already a theme 'money'"),
        (lambda r: add_theme(r, "Money Matters", "Money"), "may use only a-z"),
        (lambda r: add_theme(r, "new", "   "), "needs a label"),
        (lambda r: edit_theme(r, "nope", label="X"), "no theme 'nope'"),
        (lambda r: edit_theme(r, "money", label=""), "needs a label"),
        (lambda r: remove_added_theme(r, "trust"), "used by 2 findings"),
    ],
)
def test_bad_theme_changes_are_refused(lib_root: Path, call: object, says: str) -> None:
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match=says):
        call(lib_root)  # type: ignore[operator]
    assert snapshot(lib_root) == before


def test_a_failed_write_leaves_library_yaml_as_it_was(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(lib_root)

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(CurationError, match="cannot be written"):
        add_theme(lib_root, "new", "New")
    assert snapshot(lib_root) == before


# --- read-only libraries -------------------------------------------------------------------


def test_read_only_key_stops_every_write(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    assert read_only_reason(lib_root) is None
    path.write_text(META.replace("read-only: false", "read-only: true"), "utf-8")
    assert load_library(lib_root).ok
    reason = read_only_reason(lib_root)
    assert reason is not None and "marked read-only" in reason and str(path) in reason
    before = snapshot(lib_root)
    for call in (
        lambda: add_theme(lib_root, "new", "New"),
        lambda: edit_theme(lib_root, "money", label="Budgets"),
        lambda: remove_added_theme(lib_root, "money"),
        lambda: add_finding(
            lib_root, {"source": "notes", "text": "share one office", "themes": ["money"]}
        ),
    ):
        with pytest.raises(CurationError, match="marked read-only"):
            call()
    assert snapshot(lib_root) == before


def test_read_only_must_be_true_or_false(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    path.write_text(META.replace("read-only: false", "read-only: yes please"), "utf-8")
    lib = load_library(lib_root)
    (problem,) = lib.errors
    assert problem.line == 14 and "'read-only' should be true or false" in problem.message


@pytest.mark.skipif(ROOT_USER or os.name == "nt", reason="root may write read-only files")
def test_files_the_user_may_not_write_make_the_library_read_only(lib_root: Path) -> None:
    path = lib_root / "library.yaml"
    path.chmod(0o444)
    try:
        reason = read_only_reason(lib_root)
        assert reason is not None and "library.yaml is read-only for you" in reason
        with pytest.raises(CurationError, match="read-only for you"):
            add_theme(lib_root, "new", "New")
    finally:
        path.chmod(0o644)
    (lib_root / "findings").chmod(0o555)
    try:
        reason = read_only_reason(lib_root)
        assert reason is not None and "findings is read-only for you" in reason
    finally:
        (lib_root / "findings").chmod(0o755)


def test_a_missing_library_folder_has_a_reason(tmp_path: Path) -> None:
    reason = read_only_reason(tmp_path / "nowhere")
    assert reason is not None and "does not exist" in reason
