"""The briefing tree, its file format, and safe saving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_builder.core import briefing_io
from briefing_builder.core.briefing import (
    Briefing,
    EvidenceItem,
    Move,
    NoteItem,
    OutlineError,
    OutlineObserver,
    Section,
    copy_with_new_ids,
)
from briefing_builder.core.briefing_io import (
    BriefingError,
    FileChangedOnDisk,
    ItemState,
    item_states,
    library_path,
    read_briefing,
    save_briefing,
    unknown_finding_problems,
)
from briefing_builder.core.loader import load_library
from tests.conftest import BUNDLED, REPO

MINIMAL = REPO / "tests" / "data" / "minimal.briefing.yaml"


def test_minimal_hand_written_form_opens() -> None:
    b = read_briefing(MINIMAL)
    assert b.title == "Partnership working between the police and other agencies"
    assert b.subtitle == "Evidence summary for the Community Safety Committee"
    assert (b.author, b.organisation, b.date, b.version, b.marking, b.style) == (
        "Policy Unit",
        "Example Police",
        "2026-11-23",
        "0.3 draft",
        "OFFICIAL",
        "harvard",
    )
    assert b.summary == "Three things matter most ...\n"  # a `|` block keeps its last line break
    (top,) = b.sections
    assert top.heading == "What helps partnerships work"
    assert top.text.startswith("Optional paragraph")
    first, second = top.items
    assert isinstance(first, EvidenceItem) and first.finding_id == "copacc-2015-017"
    assert first.comment.startswith("Optional lead-in") and first.line == 17
    assert (
        isinstance(second, NoteItem)
        and second.text == "A paragraph of the officer's own commentary."
    )
    assert top.sections[0].heading == "Co-location"
    assert b.finding_ids() == ["copacc-2015-017", "scotgov-y4-012"]
    assert library_path(b, MINIMAL) == MINIMAL.parent / "../../evidence"
    lib = load_library(BUNDLED)
    assert unknown_finding_problems(b, lib, str(MINIMAL)) == []


def test_unknown_keys_and_ids_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: T\nsections:\n  - heading: A\n    itemz: []\n    items:\n"
        "      - finding: nope-001\n      - note: x\n        finding: y\n"
    )
    with pytest.raises(BriefingError) as err:
        read_briefing(path)
    found = [(p.line, p.message) for p in err.value.problems]
    assert found == [
        (5, "unknown key 'itemz' in a section"),
        (
            8,
            "each item needs exactly one of 'finding:' (an evidence id) or 'note:' (your own text)",
        ),
    ]
    path.write_text(
        "briefing: 1\ntitle: T\nsections:\n  - heading: A\n    items:\n      - finding: nope-001\n"
    )
    b = read_briefing(path)
    problems = unknown_finding_problems(b, load_library(BUNDLED), str(path))
    assert [(p.line, p.message) for p in problems] == [
        (6, "finding 'nope-001' is not in the library")
    ]


def test_not_a_briefing_and_newer_format(tmp_path: Path) -> None:
    path = tmp_path / "x.briefing.yaml"
    path.write_text("- just a list\n")
    with pytest.raises(BriefingError, match="should be a mapping"):
        read_briefing(path)
    path.write_text("briefing: 7\ntitle: T\n")
    with pytest.raises(BriefingError, match="newer Briefing Builder"):
        read_briefing(path)
    path.write_text("title: [unclosed\n")
    with pytest.raises(BriefingError, match="not valid YAML"):
        read_briefing(path)


def test_round_trip_keeps_everything_and_snapshots(tmp_path: Path) -> None:
    lib = load_library(BUNDLED)
    b = read_briefing(MINIMAL)
    b.refresh_snapshots(lib)
    path = tmp_path / "round.briefing.yaml"
    save_briefing(b, path)
    again = read_briefing(path)
    assert briefing_io.briefing_to_data(again) == briefing_io.briefing_to_data(b)
    item = next(again.evidence_items())
    assert item.snapshot is not None and item.snapshot.text == lib.finding("copacc-2015-017").text  # type: ignore[union-attr]
    assert set(again.source_snapshots) == {"copacc-2015", "scotgov-y4"}
    # Without its library the briefing still opens, with every finding flagged, none dropped.
    states = item_states(again, None)
    assert set(states.values()) == {ItemState.MISSING}
    assert len(states) == 2


def test_changed_library_text_is_flagged(tmp_path: Path) -> None:
    lib = load_library(BUNDLED)
    b = read_briefing(MINIMAL)
    b.refresh_snapshots(lib)
    item = next(b.evidence_items())
    assert item.snapshot is not None
    item.snapshot.text = "An older wording."
    assert item_states(b, lib)[item.node_id] is ItemState.CHANGED


def _outline() -> tuple[Briefing, Section, Section, Section]:
    a, b, c = Section("A"), Section("B"), Section("C")
    brief = Briefing(sections=[a, b, c])
    return brief, a, b, c


def test_section_cannot_move_into_itself() -> None:
    brief, a, b, _c = _outline()
    brief.move_section(b, a, 0)
    assert [s.heading for s in brief.sections] == ["A", "C"] and a.sections == [b]
    with pytest.raises(OutlineError):
        brief.move_section(a, b, 0)
    with pytest.raises(OutlineError):
        brief.move_section(a, a, 0)
    assert brief.numbering()[b.node_id] == "1.1"


def test_moves_indent_and_outdent() -> None:
    brief, a, b, c = _outline()
    brief.move_section(a, None, 3)
    assert [s.heading for s in brief.sections] == ["B", "C", "A"]
    brief.indent_section(c)
    assert b.sections == [c]
    brief.outdent_section(c)
    assert [s.heading for s in brief.sections] == ["B", "C", "A"]
    with pytest.raises(OutlineError):
        brief.indent_section(b)
    with pytest.raises(OutlineError):
        brief.outdent_section(b)


def test_items_insert_move_remove_and_duplicates() -> None:
    brief, a, b, _c = _outline()
    e1, e2, n = EvidenceItem("x-1"), EvidenceItem("x-2"), NoteItem("mine")
    brief.insert_items(a, 0, [e1, e2, n])
    brief.move_item(e1, a, 3)
    assert a.items == [e2, n, e1]
    brief.move_item(n, b, 0)
    assert b.items == [n] and a.items == [e2, e1]
    brief.insert_items(b, 99, [EvidenceItem("x-1")])
    assert brief.duplicate_finding_ids() == {"x-1"}
    change = brief.remove_item(e2)
    assert e2 not in a.items
    change.undo(brief)
    assert a.items[0] is e2  # back where it was


def test_save_is_atomic_and_keeps_a_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "b.briefing.yaml"
    brief = Briefing(title="First")
    h1 = save_briefing(brief, path)
    brief.title = "Second"
    h2 = save_briefing(brief, path, expected_hash=h1)
    assert read_briefing(path).title == "Second"
    assert read_briefing(path.with_name(path.name + ".bak")).title == "First"

    brief.title = "Third"
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        if str(dst) == str(path):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_briefing(brief, path, expected_hash=h2)
    monkeypatch.undo()
    assert read_briefing(path).title == "Second"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.briefing.yaml", "b.briefing.yaml.bak"]


def test_refuses_to_overwrite_a_file_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    h = save_briefing(Briefing(title="Mine"), path)
    path.write_text(path.read_text().replace("Mine", "Theirs"))
    with pytest.raises(FileChangedOnDisk):
        save_briefing(Briefing(title="Mine again"), path, expected_hash=h)
    save_briefing(Briefing(title="Mine again"), path, expected_hash=h, force=True)
    assert read_briefing(path).title == "Mine again"
    with pytest.raises(FileChangedOnDisk):  # a new file must not overwrite an existing one
        save_briefing(Briefing(), path)


def _shape(brief: Briefing) -> list[object]:
    def one(s: Section) -> list[object]:
        return [s.node_id, [i.node_id for i in s.items], [one(c) for c in s.sections]]

    return [one(s) for s in brief.sections]


def _deep() -> tuple[Briefing, dict[str, Section], dict[str, EvidenceItem]]:
    """A: a1 a2 a3, sub A1: b1.  B: c1.  C."""
    items = {k: EvidenceItem(f"f-{k}", node_id=k) for k in ("a1", "a2", "a3", "b1", "c1")}
    a1 = Section("A.1", node_id="A1", items=[items["b1"]])
    a = Section("A", node_id="A", items=[items["a1"], items["a2"], items["a3"]], sections=[a1])
    b = Section("B", node_id="B", items=[items["c1"]])
    c = Section("C", node_id="C")
    return Briefing(sections=[a, b, c]), {"A": a, "A1": a1, "B": b, "C": c}, items


def test_moving_several_items_keeps_their_order_before_the_row_dropped_on() -> None:
    brief, s, i = _deep()
    # Dropped at row 1 of A (before a2), a3 and a1 land there in the order given.
    brief.move_items([i["a3"], i["a1"]], s["A"], 1)
    assert [x.node_id for x in s["A"].items] == ["a3", "a1", "a2"]
    # Dropped on a row that is itself moving: before the next one that is not.
    brief.move_items([i["a1"], i["c1"]], s["A"], 1)
    assert [x.node_id for x in s["A"].items] == ["a3", "a1", "c1", "a2"] and not s["B"].items


def test_every_edit_undoes_and_redoes_exactly() -> None:
    brief, s, i = _deep()
    start = _shape(brief)
    edits = [
        lambda: brief.move_items([i["a1"], i["b1"]], s["C"], 0),
        lambda: brief.move_sections([s["A1"]], None, 0),
        lambda: brief.indent_section(s["B"]),
        lambda: brief.outdent_section(s["B"]),
        lambda: brief.move_by(i["a2"], 1),
        lambda: brief.remove_nodes([s["A"], i["a2"], i["c1"]]),
        lambda: brief.insert_sections(None, 1, [Section("New", node_id="N")]),
        lambda: brief.move_into([s["C"], i["a1"]], s["B"]),
    ]
    for edit in edits:
        before = _shape(brief)
        change = edit()
        after = _shape(brief)
        change.undo(brief)
        assert _shape(brief) == before
        change.redo(brief)
        assert _shape(brief) == after
    # A whole history, undone last first.
    brief, s, i = _deep()
    changes = [
        brief.move_sections([s["C"], s["A"]], None, 0),
        brief.remove_nodes([i["a2"]]),
        brief.move_into([s["B"]], s["A1"]),
    ]
    for change in reversed(changes):
        change.undo(brief)
    assert _shape(brief) == start


def test_refused_edits_change_nothing() -> None:
    brief, s, i = _deep()
    start = _shape(brief)
    with pytest.raises(OutlineError):
        brief.move_into([i["a1"], s["A"]], s["A1"])  # a section into its own subsection
    with pytest.raises(OutlineError):
        brief.move_by(i["a1"], -1)
    with pytest.raises(OutlineError):
        brief.insert_sections(s["A1"], 0, [s["A"]])
    with pytest.raises(OutlineError):
        brief.remove_nodes([EvidenceItem("f-x")])  # not in the briefing
    assert _shape(brief) == start


def test_removing_a_section_takes_what_is_inside_with_it() -> None:
    brief, s, i = _deep()
    change = brief.remove_nodes([i["b1"], s["A"], s["A1"]])
    assert [step.node for step in change.steps] == [s["A"]]
    assert _shape(brief) == [["B", ["c1"], []], ["C", [], []]]


def test_the_observer_hears_each_step_before_and_after() -> None:
    brief, s, i = _deep()
    heard: list[tuple[object, ...]] = []

    class Ear(OutlineObserver):
        def about_to_move(self, node, old, old_row, new, new_row):  # type: ignore[no-untyped-def]
            heard.append(("about", node.node_id, old and old.node_id, old_row, new_row))
            assert node in old.items  # not moved yet

        def moved(self, node, old, old_row, new, new_row):  # type: ignore[no-untyped-def]
            heard.append(("moved", node.node_id, new and new.node_id))
            assert node in new.items

    brief.move_items([i["a1"]], s["B"], 1, Ear())
    assert heard == [("about", "a1", "A", 0, 1), ("moved", "a1", "B")]
    step = brief.move_by(i["c1"], 1).steps[0]
    assert isinstance(step, Move) and step.row == 1


def test_a_copy_has_new_ids_throughout() -> None:
    _brief, s, _i = _deep()
    twin = copy_with_new_ids(s["A"])
    assert isinstance(twin, Section)
    old = {n.node_id for sec in s["A"].walk() for n in [sec, *sec.items]}
    new = {n.node_id for sec in twin.walk() for n in [sec, *sec.items]}
    assert len(new) == len(old) and not new & old
    assert _shape(Briefing(sections=[twin]))[0][1] != ["a1", "a2", "a3"]
    assert [x.finding_id for x in twin.items] == ["f-a1", "f-a2", "f-a3"]  # type: ignore[union-attr]


def test_numbering_key_reads_saves_and_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "n.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\nnumbering: paragraphs\nsections: []\n")
    b = read_briefing(path)
    assert b.numbered_paragraphs
    save_briefing(b, path, force=True)
    assert "numbering: paragraphs" in path.read_text()
    assert read_briefing(path).numbered_paragraphs
    path.write_text("briefing: 1\ntitle: T\nnumbering: none\n")
    assert not read_briefing(path).numbered_paragraphs
    path.write_text("briefing: 1\ntitle: T\n\nnumbering: sections\n")
    with pytest.raises(BriefingError) as err:
        read_briefing(path)
    assert [(p.line, p.message) for p in err.value.problems] == [
        (
            4,
            "'numbering' should be 'paragraphs' (number the paragraphs 1.1, 1.2 …) or 'none', "
            "not 'sections'",
        )
    ]


def test_a_finding_retired_from_the_library_is_flagged_as_retired_not_missing(
    tmp_path: Path,
) -> None:
    from ..conftest import FINDINGS_YAML, write_library

    lib_before = load_library(write_library(tmp_path / "before"))
    retired = FINDINGS_YAML.replace("- id: alpha-001\n", "- id: alpha-001\n  retired: 2026-01-05\n")
    lib = load_library(write_library(tmp_path / "after", {"findings/alpha.yaml": retired}))
    assert lib.finding("alpha-001") is None and "alpha-001" in lib.retired_ids
    kept, gone = EvidenceItem("alpha-001"), EvidenceItem("nowhere-001")
    b = Briefing(sections=[Section("One", items=[kept, gone])])
    b.refresh_snapshots(lib_before)
    states = item_states(b, lib)
    assert states[kept.node_id] is ItemState.RETIRED  # its snapshot is used, and said why
    assert states[gone.node_id] is ItemState.UNKNOWN  # in neither library, no snapshot
    # Without the library, it is simply not in it.
    assert item_states(b, None)[kept.node_id] is ItemState.MISSING
