"""Autosave slots, and finding the ones left behind by a crashed app."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import platformdirs
import pytest

from briefing_builder.core import recovery
from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.briefing_io import BriefingError
from briefing_builder.core.recovery import (
    DATA_ENV,
    RecoveryEntry,
    RecoverySession,
    orphaned_entries,
    recovery_dir,
)

MARKERS = recovery._probe(os.getpid())[1] is not None


def _briefing(title: str = "Draft briefing") -> Briefing:
    return Briefing(
        title=title,
        author="A. Officer",
        library="../evidence",
        sections=[
            Section(
                heading="Findings",
                text="What the evidence says.",
                items=[EvidenceItem("alpha-001", comment="In short:"), NoteItem("My own view.")],
                sections=[Section(heading="Detail")],
            )
        ],
    )


def _exited_pid() -> int:
    """The id of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=60)
    return proc.pid


def _set_meta(session: RecoverySession, **changes: object) -> None:
    meta = json.loads(session.metadata_path.read_text(encoding="utf-8"))
    meta.update(changes)
    session.metadata_path.write_text(json.dumps(meta), encoding="utf-8")


def _child_code(directory: Path, then: str) -> str:
    return textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from briefing_builder.core.briefing import Briefing
        from briefing_builder.core.recovery import RecoverySession
        session = RecoverySession(directory=Path({str(directory)!r}))
        session.write(Briefing(title="Written by the child"), Path("/docs/child.briefing.yaml"))
        print("ready", flush=True)
        {then}
        """
    )


# --- folders ---------------------------------------------------------------------------------


def test_recovery_dir_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    assert recovery_dir() == tmp_path / "data" / "recovery"


def test_recovery_dir_defaults_to_the_platform_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = Path(platformdirs.user_data_dir("briefing-builder", appauthor=False)) / "recovery"
    assert recovery_dir() == expected


def test_session_uses_the_default_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    session = RecoverySession(pid=_exited_pid())
    session.write(_briefing(), None)
    assert session.briefing_path.parent == tmp_path / "data" / "recovery"
    assert [e.briefing_path for e in orphaned_entries()] == [session.briefing_path]


# --- writing and discarding ------------------------------------------------------------------


def test_write_creates_the_briefing_and_its_metadata(tmp_path: Path) -> None:
    directory = tmp_path / "not" / "yet" / "there"
    session = RecoverySession(directory=directory)
    original = tmp_path / "work" / "my.briefing.yaml"
    before = dt.datetime.now().astimezone()
    session.write(_briefing(), original)
    assert len(session.id) == 32 and int(session.id, 16) >= 0
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [f"{session.id}.briefing.yaml", f"{session.id}.json"]
    )  # and no temp files left over
    meta = json.loads(session.metadata_path.read_text(encoding="utf-8"))
    assert meta["format"] == 1
    assert meta["pid"] == os.getpid()
    assert meta["original_path"] == str(original)
    assert meta["title"] == "Draft briefing"
    assert "process_start" in meta
    saved_at = dt.datetime.fromisoformat(meta["saved_at"])
    assert saved_at.tzinfo is not None and saved_at >= before - dt.timedelta(seconds=1)


def test_autosave_round_trips_the_briefing(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    original = tmp_path / "my.briefing.yaml"
    session.write(_briefing(), original)
    [entry] = orphaned_entries(tmp_path)
    assert entry.original_path == original
    assert entry.title == "Draft briefing"
    assert entry.pid == session.pid
    loaded = entry.load()
    expected = _briefing()
    assert loaded.title == expected.title and loaded.author == expected.author
    assert loaded.library == "../evidence"
    [section] = loaded.sections
    assert section.heading == "Findings" and section.text == "What the evidence says."
    assert [type(i).__name__ for i in section.items] == ["EvidenceItem", "NoteItem"]
    assert section.items[0].finding_id == "alpha-001"  # type: ignore[union-attr]
    assert section.items[0].comment == "In short:"  # type: ignore[union-attr]
    assert section.items[1].text == "My own view."  # type: ignore[union-attr]
    assert [s.heading for s in section.sections] == ["Detail"]


def test_unsaved_briefing_has_no_original_path(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing(), None)
    [entry] = orphaned_entries(tmp_path)
    assert entry.original_path is None


def test_rewriting_replaces_the_slot(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing("First"), None)
    session.write(_briefing("Second"), tmp_path / "now-saved.briefing.yaml")
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "Second" and entry.load().title == "Second"
    assert entry.original_path == tmp_path / "now-saved.briefing.yaml"
    assert len(list(tmp_path.iterdir())) == 2


def test_two_sessions_have_separate_slots(tmp_path: Path) -> None:
    one, two = RecoverySession(directory=tmp_path), RecoverySession(directory=tmp_path)
    assert one.id != two.id
    one.write(_briefing("One"), None)
    two.write(_briefing("Two"), None)
    one.discard()
    assert two.briefing_path.exists() and two.metadata_path.exists()


def test_session_discard_removes_both_files_and_is_idempotent(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.discard()  # nothing written yet
    session.write(_briefing(), None)
    session.discard()
    assert list(tmp_path.iterdir()) == []
    session.discard()
    # The slot can be used again after a clean save, when editing continues.
    session.write(_briefing(), None)
    assert session.briefing_path.exists()


def test_entry_discard_removes_both_files_and_is_idempotent(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing(), None)
    [entry] = orphaned_entries(tmp_path)
    assert entry.metadata_path == session.metadata_path
    entry.discard()
    assert list(tmp_path.iterdir()) == []
    entry.discard()
    session.briefing_path.write_text("left over")
    entry.discard()  # only one of the two files there
    assert list(tmp_path.iterdir()) == []
    assert orphaned_entries(tmp_path) == []


def test_failed_write_keeps_the_previous_autosave(tmp_path: Path, monkeypatch) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing("Good"), None)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        session.write(_briefing("Newer"), None)
    monkeypatch.undo()
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "Good" and entry.load().title == "Good"
    assert len(list(tmp_path.iterdir())) == 2


def test_damaged_autosave_raises_on_load(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing(), None)
    session.briefing_path.write_text("briefing: [\n", encoding="utf-8")
    [entry] = orphaned_entries(tmp_path)
    with pytest.raises(BriefingError):
        entry.load()


# --- which slots are orphaned ----------------------------------------------------------------


def test_missing_folder_has_no_entries(tmp_path: Path) -> None:
    assert orphaned_entries(tmp_path / "nope") == []


def test_entry_of_the_running_process_is_not_orphaned(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing(), None)
    assert orphaned_entries(tmp_path) == []


def test_entry_of_a_process_that_exited_is_orphaned(tmp_path: Path) -> None:
    # An app that autosaved and then ended without discarding its slot.
    code = _child_code(tmp_path, "sys.exit(0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "Written by the child"
    assert entry.original_path == Path("/docs/child.briefing.yaml").absolute()
    assert entry.load().title == "Written by the child"


def test_another_running_instance_is_left_alone_until_it_is_killed(tmp_path: Path) -> None:
    code = _child_code(tmp_path, "time.sleep(120)")
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        assert orphaned_entries(tmp_path) == []  # alive: its slot is not ours to offer
        proc.kill()  # SIGKILL: no chance to clean up
        proc.wait(timeout=60)
        [entry] = orphaned_entries(tmp_path)
        assert entry.pid == proc.pid and entry.title == "Written by the child"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_but_unreaped_process_is_orphaned(tmp_path: Path) -> None:
    code = _child_code(tmp_path, "time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        os.kill(proc.pid, 9)
        stat = Path(f"/proc/{proc.pid}/stat")
        deadline = dt.datetime.now() + dt.timedelta(seconds=30)
        while stat.read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
            assert dt.datetime.now() < deadline, "the child did not die"
            time.sleep(0.01)
        # A zombie still has its pid until the parent reaps it, but it is not running.
        assert [e.pid for e in orphaned_entries(tmp_path)] == [proc.pid]
    finally:
        proc.kill()
        proc.wait(timeout=60)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.skipif(not MARKERS, reason="no process start times on this platform")
def test_a_reused_pid_counts_as_orphaned(tmp_path: Path) -> None:
    # Our pid, but a different start time: the writer died and the id went to this process.
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing(), None)
    assert orphaned_entries(tmp_path) == []
    _set_meta(session, process_start="linux:some-other-boot:12345")
    [entry] = orphaned_entries(tmp_path)
    assert entry.pid == os.getpid()


def test_start_marker_of_this_process_is_stable() -> None:
    assert recovery._probe(os.getpid()) == recovery._probe(os.getpid())
    assert recovery._probe(os.getpid())[0] is True
    assert recovery._probe(_exited_pid())[0] is False


def test_without_a_stored_marker_a_live_pid_counts_as_running(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing(), None)
    _set_meta(session, process_start=None)
    assert orphaned_entries(tmp_path) == []


def test_entries_are_newest_first(tmp_path: Path) -> None:
    dead = _exited_pid()
    times = ["2024-05-01T09:00:00+01:00", "2024-05-03T09:00:00+00:00", "2024-05-02T09:00:00"]
    for i, when in enumerate(times):
        session = RecoverySession(directory=tmp_path, pid=dead)
        session.write(_briefing(f"B{i}"), None)
        _set_meta(session, saved_at=when)
    entries = orphaned_entries(tmp_path)
    assert [e.title for e in entries] == ["B1", "B2", "B0"]
    assert all(e.saved_at.tzinfo is not None for e in entries)


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all",
        "[1, 2]",
        json.dumps({"format": 2}),
        "format-2",
        "pid-text",
        "pid-zero",
        "pid-negative",
        "pid-bool",
        "pid-huge",
        "no-title",
        "bad-date",
        "bad-original",
        "bad-start",
    ],
)
def test_unreadable_metadata_is_skipped_not_deleted(tmp_path: Path, damage: str) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing(), None)
    changes: dict[str, dict[str, object]] = {
        "format-2": {"format": 2},
        "pid-text": {"pid": "123"},
        "pid-zero": {"pid": 0},
        "pid-negative": {"pid": -1},
        "pid-bool": {"pid": True},
        "pid-huge": {"pid": 2**70},
        "no-title": {"title": None},
        "bad-date": {"saved_at": "yesterday"},
        "bad-original": {"original_path": 5},
        "bad-start": {"process_start": 7},
    }
    if damage in changes:
        _set_meta(session, **changes[damage])
    else:
        session.metadata_path.write_text(damage, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert orphaned_entries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_metadata_without_its_briefing_is_skipped(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path, pid=_exited_pid())
    session.write(_briefing(), None)
    session.briefing_path.unlink()
    assert orphaned_entries(tmp_path) == []
    assert session.metadata_path.exists()


def test_good_entries_survive_a_bad_neighbour(tmp_path: Path) -> None:
    good = RecoverySession(directory=tmp_path, pid=_exited_pid())
    good.write(_briefing("Good"), None)
    (tmp_path / "stray.json").write_text("{", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert [e.title for e in orphaned_entries(tmp_path)] == ["Good"]


def test_entry_can_be_built_by_hand(tmp_path: Path) -> None:
    entry = RecoveryEntry(
        briefing_path=tmp_path / "abc.briefing.yaml",
        original_path=None,
        saved_at=dt.datetime.now().astimezone(),
        title="t",
        pid=1,
    )
    assert entry.metadata_path == tmp_path / "abc.json"
    entry.discard()  # neither file exists


def test_core_modules_do_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import briefing_builder.core.settings, briefing_builder.core.recovery\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
