"""Editing and retiring findings: the round trip changes only the finding edited (every other
line byte for byte), keeps comments, quoting, folded text and blank lines, never overwrites a
colleague's change, and a retired finding leaves the library while its id stays taken."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing_builder.core import atomic
from briefing_builder.core.cache import open_library
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Locator
from briefing_builder.curation import writes
from briefing_builder.curation.findings import (
    ConflictError,
    CurationError,
    add_finding,
    edit_finding,
    next_finding_id,
    restore_finding,
    retire_finding,
)
from tests.conftest import BUNDLED

from .library import FINDINGS_REVIEW, make_library, snapshot

# A file as curators write them: comments, quoting styles, folded text, blank lines, CR LF ends
# are tried separately below.
HAND_WRITTEN = """\
# Findings from the annual review.
# Kept by hand: please keep the comments.

- id: review-001   # the first one
  source: review
  kind: key-finding
  text: >-
    Partnerships have to be for a purpose. They must
    demonstrate added value.
  speaker: 'The review team'
  locator: {label: page, value: "1"}
  themes: [trust]   # a comment that must survive
  places: [England]

# Budget findings follow.

- id: review-002
  source: review
  kind: key-finding
  text: "Partners pooled their resources to cope with budget cuts."
  locator:
    label: page
    value: '2'
  themes:
    - money
    - data
  note: >-
    A long note, folded
    over two lines.

- id: review-003
  source: review
  kind: quote
  text: We share data every day.
  speaker: "B02 Police"
  locator: {label: page, value: "2"}
  themes: [data]
"""


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib", {"findings/review.yaml": HAND_WRITTEN})


def _blocks(text: str) -> list[str]:
    """The file cut where each finding starts (a finding's block runs to the next one)."""
    out, current = [], ""
    for line in text.splitlines(keepends=True):
        if line.startswith("- ") and current.strip():
            out.append(current)
            current = ""
        current += line
    return [*out, current]


def test_an_edit_changes_only_that_finding(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    written = edit_finding(
        lib_root,
        "review-002",
        {"themes": ["money"], "speaker": "A treasurer", "places": ["Wales"], "kind": "example"},
    )
    assert written.before == {
        "themes": ["money", "data"],
        "speaker": None,
        "places": None,
        "kind": "key-finding",
    }
    old, new = _blocks(HAND_WRITTEN), _blocks(path.read_text("utf-8"))
    assert len(old) == len(new) == 4
    assert new[0] == old[0] and new[1] == old[1] and new[3] == old[3]  # byte for byte
    edited = new[2]
    assert edited.startswith(
        "- id: review-002\n  source: review\n  kind: example\n"
        '  text: "Partners pooled their resources to cope with budget cuts."\n'
    )
    assert "  speaker: A treasurer\n" in edited
    assert "  themes:\n  - money\n" in edited and "- data" not in edited  # still a block list
    assert "  note: >-\n    A long note, folded\n    over two lines.\n" in edited
    assert edited.endswith(
        "  themes:\n  - money\n  places: [Wales]\n  note: >-\n    A long note, folded\n"
        "    over two lines.\n\n"
    )
    lib = load_library(lib_root)
    assert lib.ok, lib.problems
    f = lib.finding("review-002")
    assert f is not None
    assert (f.kind, f.themes, f.places, f.speaker) == (
        "example",
        ("money",),
        ("Wales",),
        "A treasurer",
    )
    assert f.note == "A long note, folded over two lines."


def test_quoting_comments_and_folded_text_of_the_edited_finding_are_kept(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    edit_finding(
        lib_root,
        "review-001",
        {"speaker": "The authors", "locator": {"label": "page", "value": "1", "title": "Intro"}},
    )
    block = _blocks(path.read_text("utf-8"))[1]
    assert block.startswith("- id: review-001   # the first one\n")
    assert "  text: >-\n    Partnerships have to be for a purpose. They must\n" in block
    assert "  speaker: 'The authors'\n" in block  # single quotes, as the curator wrote them
    assert '  locator: {label: page, value: "1", title: Intro}\n' in block
    assert "# a comment that must survive" in block
    assert block.endswith("  places: [England]\n\n# Budget findings follow.\n\n")


def test_undo_of_an_edit_restores_the_file_byte_for_byte(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    changes = {"places": ["Wales", "England"], "note": "check the page", "speaker": None}
    written = edit_finding(lib_root, "review-001", changes)
    assert written.before is not None
    edit_finding(lib_root, "review-001", written.before, expected=changes)
    assert path.read_text("utf-8") == HAND_WRITTEN


def test_crlf_files_stay_crlf(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    path.write_bytes(HAND_WRITTEN.replace("\n", "\r\n").encode())
    edit_finding(lib_root, "review-003", {"places": ["Scotland"]})
    raw = path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.startswith(HAND_WRITTEN.split("- id: review-003")[0].replace("\n", "\r\n").encode())
    assert raw.endswith(b"  themes: [data]\r\n  places: [Scotland]\r\n")


def test_a_change_since_the_finding_was_shown_is_a_conflict(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(ConflictError, match="changed by someone else") as caught:
        edit_finding(lib_root, "review-002", {"kind": "quote"}, expected={"themes": ["money"]})
    assert "review.yaml" in caught.value.message and "themes" in caught.value.message
    assert snapshot(lib_root) == before
    # What was shown is what the file holds: the edit goes ahead.
    edit_finding(lib_root, "review-002", {"kind": "quote"}, expected={"themes": ["money", "data"]})
    # A locator may be given as the library's own Locator.
    edit_finding(lib_root, "review-002", {"locator": Locator("section", "2", "Findings")})
    f = load_library(lib_root).finding("review-002")
    assert f is not None and str(f.locator) == "section 2 (Findings)"
    f = load_library(lib_root).finding("review-002")
    assert f is not None and f.kind == "quote"


def test_a_file_changed_on_disk_while_editing_is_not_overwritten(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = lib_root / "findings" / "review.yaml"
    theirs = HAND_WRITTEN + "\n# a colleague's addition\n"
    real = writes.current_library

    def colleague_saves(root: Path):  # type: ignore[no-untyped-def]
        lib = real(root)
        path.write_text(theirs, "utf-8")  # after the edit read the file, before it writes
        return lib

    monkeypatch.setattr("briefing_builder.curation.findings.current_library", colleague_saves)
    with pytest.raises(ConflictError, match="changed on disk"):
        edit_finding(lib_root, "review-001", {"kind": "example"})
    assert path.read_text("utf-8") == theirs


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"themes": []}, "at least one theme"),
        ({"themes": ["nope"]}, "no theme 'nope'"),
        ({"kind": "rumour"}, "not a kind"),
        ({"locator": {"label": "chapter", "value": "2"}}, "locator"),
        ({"text": "Something else"}, "Only themes"),
    ],
)
def test_bad_edits_are_refused(lib_root: Path, changes: dict[str, object], says: str) -> None:
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match=says):
        edit_finding(lib_root, "review-001", changes)
    assert snapshot(lib_root) == before


def test_a_failed_write_leaves_the_file_as_it_was(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(lib_root)

    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(CurationError, match="No space left"):
        edit_finding(lib_root, "review-001", {"kind": "example"})
    assert snapshot(lib_root) == before


def test_a_read_only_library_is_not_edited(lib_root: Path) -> None:
    meta = lib_root / "library.yaml"
    meta.write_text(meta.read_text("utf-8") + "read-only: true\n", "utf-8")
    before = snapshot(lib_root)
    for attempt in (
        lambda: edit_finding(lib_root, "review-001", {"kind": "example"}),
        lambda: retire_finding(lib_root, "review-001"),
    ):
        with pytest.raises(CurationError, match="read-only"):
            attempt()
    assert snapshot(lib_root) == before


# --- retiring ------------------------------------------------------------------------------


def test_a_retired_finding_leaves_the_library_and_keeps_its_id(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    written = retire_finding(lib_root, "review-002", "superseded by the 2022 review")
    assert written.before == {"retired": None, "retired-reason": None}
    blocks = _blocks(path.read_text("utf-8"))
    assert blocks[2].startswith(
        f"- id: review-002\n  retired: {dt.date.today().isoformat()}\n"
        "  retired-reason: superseded by the 2022 review\n  source: review\n"
    )
    assert blocks[1] == _blocks(HAND_WRITTEN)[1]
    lib = load_library(lib_root)
    assert lib.ok, lib.problems
    assert lib.finding("review-002") is None
    assert lib.retired_ids == frozenset({"review-002"})
    # The id is never given again, nor accepted.
    assert next_finding_id(lib_root, "review") == "review-004"
    with pytest.raises(CurationError, match="already used"):
        add_finding(
            lib_root,
            {
                "source": "review",
                "text": "Partners pooled",
                "themes": ["money"],
                "id": "review-002",
            },
        )
    # The cache keeps the retired ids.
    assert open_library(lib_root).library.retired_ids == frozenset({"review-002"})
    cached = open_library(lib_root)
    assert cached.from_cache and cached.library.retired_ids == frozenset({"review-002"})
    # Retiring twice is refused; restoring puts the file back as it was.
    with pytest.raises(ConflictError, match="is retired"):
        retire_finding(lib_root, "review-002")
    restore_finding(lib_root, "review-002")
    assert path.read_text("utf-8") == HAND_WRITTEN
    assert load_library(lib_root).finding("review-002") is not None
    with pytest.raises(ConflictError, match="not retired"):
        restore_finding(lib_root, "review-002")


def test_check_reports_a_finding_reusing_a_retired_id(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    retire_finding(lib_root, "review-003")
    path.write_text(
        path.read_text("utf-8") + "\n- id: review-003\n  source: review\n  kind: quote\n"
        "  text: We share data every day.\n  locator: {label: page, value: '2'}\n"
        "  themes: [data]\n",
        "utf-8",
    )
    lib = load_library(lib_root)
    (problem,) = lib.errors
    assert "finding id 'review-003' is already used at" in problem.message
    assert "(retired)" in problem.message
    assert lib.finding("review-003") is None


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("  retired: last week\n", "should be the date it was retired"),
        ("  retired: [2025]\n", "should be the date it was retired"),
        ("  retired-reason: duplicate\n", "has a 'retired-reason' but no 'retired' date"),
        ("  retierd: 2025-01-01\n", "did you mean 'retired'"),
    ],
)
def test_retired_keys_are_checked(tmp_path: Path, lines: str, says: str) -> None:
    text = FINDINGS_REVIEW.replace("  source: review\n", lines + "  source: review\n", 1)
    root = make_library(tmp_path / "lib", {"findings/review.yaml": text})
    lib = load_library(root)
    assert any(says in p.message for p in lib.errors), lib.problems


def test_a_retired_date_may_be_quoted(tmp_path: Path) -> None:
    text = FINDINGS_REVIEW.replace(
        "  source: review\n", '  retired: "2025-03-03"\n  source: review\n', 1
    )
    root = make_library(tmp_path / "lib", {"findings/review.yaml": text})
    lib = load_library(root)
    assert lib.ok and lib.retired_ids == frozenset({"review-001"})


def test_the_cache_keeps_page_labels(lib_root: Path) -> None:
    open_library(lib_root)
    cached = open_library(lib_root)
    assert cached.from_cache
    source = cached.library.source("review")
    assert source is not None and source.page_labels == ("Cover", "1", "2")


def test_edits_in_the_bundled_library_touch_only_their_finding(tmp_path: Path) -> None:
    """The curators' own files: one finding of each edited, every other line as it was."""
    root = tmp_path / "lib"
    shutil.copytree(BUNDLED, root)
    for path in sorted((root / "findings").glob("*.yaml")):
        old = path.read_text("utf-8")
        items = [line for line in old.splitlines() if line.startswith("- id: ")]
        fid = items[len(items) // 2].removeprefix("- id: ").strip()
        edit_finding(root, fid, {"note": "Checked against the printed report.", "places": ["UK"]})
        old_blocks, new_blocks = _blocks(old), _blocks(path.read_text("utf-8"))
        changed = [n for n, (a, b) in enumerate(zip(old_blocks, new_blocks, strict=True)) if a != b]
        assert len(old_blocks) == len(new_blocks) and len(changed) == 1, path
        assert new_blocks[changed[0]].startswith(f"- id: {fid}\n")
    lib = load_library(root)
    assert lib.ok, lib.errors


def test_a_number_is_compared_as_the_file_wrote_it(tmp_path: Path) -> None:
    """An unquoted section 3.10 is "3.10" to the loader, so to the conflict check too."""
    text = FINDINGS_REVIEW.replace('{label: page, value: "2"}', "{label: section, value: 3.10}")
    root = make_library(tmp_path / "lib", {"findings/review.yaml": text})
    shown = {"label": "section", "value": "3.10"}
    written = edit_finding(
        root,
        "review-002",
        {"speaker": "A treasurer", "locator": shown},
        expected={"locator": shown},
    )
    assert written.before == {"speaker": None, "locator": shown}
    path = root / "findings" / "review.yaml"
    assert "  speaker: A treasurer\n  locator: {label: section, value: 3.10}\n" in path.read_text(
        "utf-8"
    )
    # A new value is written quoted, so it stays text.
    edit_finding(root, "review-002", {"locator": {"label": "section", "value": "3.20"}})
    assert '  locator: {label: section, value: "3.20"}\n' in path.read_text("utf-8")
    assert load_library(root).ok
