"""Autosave slots, and finding the ones left behind by a crashed app."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import platformdirs
import pytest

from briefing_builder.core import recovery
from briefing_builder.core.atomic import STALE_AFTER, temp_name_for
from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.briefing_io import BriefingError, dumps_briefing, file_hash
from briefing_builder.core.recovery import (
    DATA_ENV,
    RecoveryEntry,
    RecoverySession,
    orphaned_entries,
    recovery_dir,
    scan,
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


def _orphan(
    directory: Path,
    title: str = "Draft briefing",
    original: Path | None = None,
    original_hash: str | None = None,
) -> RecoverySession:
    """A slot as a crashed app leaves it: written, its lock let go."""
    session = RecoverySession(directory=directory)
    session.write(_briefing(title), original, original_hash)
    session.release()
    return session


def _exited_pid() -> int:
    """The id of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=60)
    return proc.pid


def _set_meta(session: RecoverySession, **changes: object) -> None:
    meta = json.loads(session.metadata_path.read_text(encoding="utf-8"))
    meta.update(changes)
    session.metadata_path.write_text(json.dumps(meta), encoding="utf-8")


def _legacy_slot(directory: Path, slot: str, pid: int, start: str | None, title: str) -> Path:
    """A slot as earlier versions wrote it: format 1, judged by process id, no lock file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{slot}.briefing.yaml").write_text(dumps_briefing(_briefing(title)), "utf-8")
    meta = {
        "format": 1,
        "pid": pid,
        "process_start": start,
        "original_path": None,
        "saved_at": dt.datetime.now().astimezone().isoformat(),
        "title": title,
    }
    (directory / f"{slot}.json").write_text(json.dumps(meta), encoding="utf-8")
    return directory / f"{slot}.briefing.yaml"


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


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
    session = _orphan(recovery_dir())
    assert session.briefing_path.parent == tmp_path / "data" / "recovery"
    assert [e.briefing_path for e in orphaned_entries()] == [session.briefing_path]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_recovery_folder_is_private(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path / "recovery")
    session.start()
    assert stat.S_IMODE((tmp_path / "recovery").stat().st_mode) == 0o700


def test_an_unusable_folder_fails_at_start(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    session = RecoverySession(directory=tmp_path / "data" / "recovery")
    with pytest.raises(OSError):
        session.start()
    with pytest.raises(OSError):
        session.write(_briefing(), None)
    assert not session.started


# --- writing and discarding ------------------------------------------------------------------


def test_write_creates_the_briefing_its_metadata_and_its_lock(tmp_path: Path) -> None:
    directory = tmp_path / "not" / "yet" / "there"
    session = RecoverySession(directory=directory)
    original = tmp_path / "work" / "my.briefing.yaml"
    before = dt.datetime.now().astimezone()
    session.write(_briefing(), original, "ab" * 32)
    assert len(session.id) == 32 and int(session.id, 16) >= 0
    assert _names(directory) == sorted(
        [f"{session.id}.briefing.yaml", f"{session.id}.json", f"{session.id}.lock"]
    )  # and no temp files left over
    meta = json.loads(session.metadata_path.read_text(encoding="utf-8"))
    assert meta["format"] == 2
    assert meta["pid"] == os.getpid()
    assert meta["original_path"] == str(original)
    assert meta["original_sha256"] == "ab" * 32
    assert meta["title"] == "Draft briefing"
    saved_at = dt.datetime.fromisoformat(meta["saved_at"])
    assert saved_at.tzinfo is not None and saved_at >= before - dt.timedelta(seconds=1)


def test_autosave_round_trips_the_briefing(tmp_path: Path) -> None:
    original = tmp_path / "my.briefing.yaml"
    session = _orphan(tmp_path, original=original)
    [entry] = orphaned_entries(tmp_path)
    assert entry.original_path == original
    assert entry.title == "Draft briefing"
    assert entry.pid == os.getpid() == session.pid
    assert not entry.details_lost
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
    _orphan(tmp_path)
    [entry] = orphaned_entries(tmp_path)
    assert entry.original_path is None and entry.expected_hash() is None


def test_rewriting_replaces_the_slot(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing("First"), None)
    session.write(_briefing("Second"), tmp_path / "now-saved.briefing.yaml")
    session.release()
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "Second" and entry.load().title == "Second"
    assert entry.original_path == tmp_path / "now-saved.briefing.yaml"
    assert len(list(tmp_path.iterdir())) == 3


def test_two_sessions_have_separate_slots(tmp_path: Path) -> None:
    one, two = RecoverySession(directory=tmp_path), RecoverySession(directory=tmp_path)
    assert one.id != two.id
    one.write(_briefing("One"), None)
    two.write(_briefing("Two"), None)
    one.discard()
    assert two.briefing_path.exists() and two.metadata_path.exists()


def test_discard_keeps_the_lock_and_close_removes_everything(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.discard()  # nothing written yet
    session.write(_briefing(), None)
    session.discard()  # after a clean save: the app still runs, so its lock stays
    assert _names(tmp_path) == [f"{session.id}.lock"]
    assert orphaned_entries(tmp_path) == []
    session.discard()
    # The slot can be used again after a clean save, when editing continues.
    session.write(_briefing(), None)
    assert session.briefing_path.exists()
    session.close()  # a clean close
    assert _names(tmp_path) == []
    session.close()


def test_entry_discard_removes_the_slot_and_is_idempotent(tmp_path: Path) -> None:
    session = _orphan(tmp_path)
    [entry] = orphaned_entries(tmp_path)
    assert entry.metadata_path == session.metadata_path
    assert entry.lock_path == session.lock_path
    entry.discard()
    assert _names(tmp_path) == []
    entry.discard()
    assert orphaned_entries(tmp_path) == []


def test_failed_write_keeps_the_previous_autosave(tmp_path: Path, monkeypatch) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing("Good"), None)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        session.write(_briefing("Newer"), None)
    monkeypatch.undo()
    session.release()
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "Good" and entry.load().title == "Good"
    assert len(list(tmp_path.iterdir())) == 3  # briefing, metadata, lock: no temp file


# --- which slots are orphaned ----------------------------------------------------------------


def test_missing_folder_has_no_entries(tmp_path: Path) -> None:
    assert orphaned_entries(tmp_path / "nope") == []


def test_a_live_session_is_not_orphaned(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing(), None)
    assert orphaned_entries(tmp_path) == []
    session.release()  # as if its app had died
    assert [e.briefing_path for e in orphaned_entries(tmp_path)] == [session.briefing_path]


def test_an_entry_is_claimed_until_released(tmp_path: Path) -> None:
    _orphan(tmp_path)
    [entry] = orphaned_entries(tmp_path)
    assert orphaned_entries(tmp_path) == []  # claimed: not offered twice
    code = (
        "import sys\nfrom briefing_builder.core.recovery import orphaned_entries\n"
        f"print(len(orphaned_entries(__import__('pathlib').Path({str(tmp_path)!r}))))\n"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == "0", other.stderr  # nor by another instance
    entry.release()  # "decide later"
    [again] = orphaned_entries(tmp_path)
    assert again.briefing_path == entry.briefing_path and again.title == entry.title


def test_entry_of_a_process_that_exited_is_orphaned(tmp_path: Path) -> None:
    # An app that autosaved and then ended without removing its slot.
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


def test_stale_lock_files_and_temp_files_are_cleaned(tmp_path: Path) -> None:
    live = RecoverySession(directory=tmp_path)
    live.start()  # running, nothing autosaved yet
    gone = RecoverySession(directory=tmp_path)
    gone.start()
    gone.release()  # killed after a clean save: only its lock file is left
    stale = tmp_path / temp_name_for(f"{gone.id}.briefing.yaml")
    stale.write_bytes(b"half an autosave")
    then = time.time() - STALE_AFTER - 60
    os.utime(stale, (then, then))
    (tmp_path / "notes.lock").write_text("not ours")
    assert scan(tmp_path).entries == []
    assert _names(tmp_path) == sorted([f"{live.id}.lock", "notes.lock"])


# --- slots written by earlier versions (process ids) -----------------------------------------


def test_an_earlier_versions_slot_of_an_exited_process_is_offered(tmp_path: Path) -> None:
    path = _legacy_slot(tmp_path, "a" * 32, _exited_pid(), None, "Old format")
    [entry] = orphaned_entries(tmp_path)
    assert entry.briefing_path == path and entry.title == "Old format"
    assert entry.load().title == "Old format"
    entry.discard()
    assert _names(tmp_path) == []


def test_an_earlier_versions_slot_of_a_running_process_is_left_alone(tmp_path: Path) -> None:
    marker = recovery._probe(os.getpid())[1]
    _legacy_slot(tmp_path, "b" * 32, os.getpid(), marker, "Still open")
    assert orphaned_entries(tmp_path) == []
    _legacy_slot(tmp_path, "c" * 32, os.getpid(), None, "No marker, live pid")
    assert orphaned_entries(tmp_path) == []


@pytest.mark.skipif(not MARKERS, reason="no process start times on this platform")
def test_an_earlier_versions_slot_with_a_reused_pid_is_offered(tmp_path: Path) -> None:
    # Our pid, but a different start time: the writer died and the id went to this process.
    _legacy_slot(tmp_path, "d" * 32, os.getpid(), "linux:some-other-boot:12345", "Reused")
    assert [e.title for e in orphaned_entries(tmp_path)] == ["Reused"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_but_unreaped_process_is_gone() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        os.kill(proc.pid, 9)
        stat_file = Path(f"/proc/{proc.pid}/stat")
        deadline = dt.datetime.now() + dt.timedelta(seconds=30)
        while stat_file.read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
            assert dt.datetime.now() < deadline, "the child did not die"
            time.sleep(0.01)
        # A zombie still has its pid until the parent reaps it, but it is not running.
        assert recovery._is_running(proc.pid, None) is False
    finally:
        proc.kill()
        proc.wait(timeout=60)


def test_start_marker_of_this_process_is_stable() -> None:
    assert recovery._probe(os.getpid()) == recovery._probe(os.getpid())
    assert recovery._probe(os.getpid())[0] is True
    assert recovery._probe(_exited_pid())[0] is False


# --- order, damage, metadata -----------------------------------------------------------------


def test_entries_are_newest_first(tmp_path: Path) -> None:
    times = ["2024-05-01T09:00:00+01:00", "2024-05-03T09:00:00+00:00", "2024-05-02T09:00:00"]
    for i, when in enumerate(times):
        _set_meta(_orphan(tmp_path, f"B{i}"), saved_at=when)
    entries = orphaned_entries(tmp_path)
    assert [e.title for e in entries] == ["B1", "B2", "B0"]
    assert all(e.saved_at.tzinfo is not None for e in entries)


@pytest.mark.parametrize(
    "damage",
    [
        "missing",
        "not json at all",
        "[1, 2]",
        "format-3",
        "pid-text",
        "pid-zero",
        "pid-bool",
        "pid-huge",
        "no-title",
        "bad-date",
        "bad-original",
        "bad-hash",
    ],
)
def test_damaged_metadata_never_hides_an_intact_autosave(tmp_path: Path, damage: str) -> None:
    session = _orphan(tmp_path, "From the briefing", original=tmp_path / "x.briefing.yaml")
    changes: dict[str, dict[str, object]] = {
        "format-3": {"format": 3},
        "pid-text": {"pid": "123"},
        "pid-zero": {"pid": 0},
        "pid-bool": {"pid": True},
        "pid-huge": {"pid": 2**70},
        "no-title": {"title": None},
        "bad-date": {"saved_at": "yesterday"},
        "bad-original": {"original_path": 5},
        "bad-hash": {"original_sha256": "not a hash"},
    }
    if damage == "missing":
        session.metadata_path.unlink()
    elif damage in changes:
        _set_meta(session, **changes[damage])
    else:
        session.metadata_path.write_text(damage, encoding="utf-8")
    damaged_meta = None if damage == "missing" else session.metadata_path.read_bytes()
    then = time.time() - 3600
    os.utime(session.briefing_path, (then, then))
    [entry] = orphaned_entries(tmp_path)
    assert entry.title == "From the briefing" and entry.details_lost
    assert entry.original_path is None
    assert abs(entry.saved_at.timestamp() - then) < 1
    assert entry.load().title == "From the briefing"
    if damaged_meta is not None:  # set aside, not deleted
        kept = tmp_path / "damaged" / session.metadata_path.name
        assert kept.read_bytes() == damaged_meta
    entry.discard()
    assert session.briefing_path.exists() is False


def test_a_damaged_autosave_is_set_aside_and_reported_once(tmp_path: Path) -> None:
    session = _orphan(tmp_path, "Was here")
    session.briefing_path.write_text("briefing: [\n", encoding="utf-8")
    good = _orphan(tmp_path, "Good")
    first = scan(tmp_path)
    assert [e.title for e in first.entries] == ["Good"]
    [aside] = first.set_aside
    assert aside.title == "Was here"
    assert aside.path == tmp_path / "damaged" / session.briefing_path.name
    assert aside.path.read_text(encoding="utf-8") == "briefing: [\n"  # moved, never deleted
    assert (tmp_path / "damaged" / session.metadata_path.name).exists()
    assert not session.briefing_path.exists() and not session.lock_path.exists()
    for entry in first.entries:
        entry.release()
    second = scan(tmp_path)
    assert second.set_aside == [] and [e.title for e in second.entries] == ["Good"]
    assert good.briefing_path.exists()


def test_a_damaged_autosave_of_a_running_app_is_left_alone(tmp_path: Path) -> None:
    session = RecoverySession(directory=tmp_path)
    session.write(_briefing(), None)
    session.briefing_path.write_text("briefing: [\n", encoding="utf-8")
    assert scan(tmp_path).set_aside == []
    assert session.briefing_path.exists()


def test_a_slot_found_damaged_when_recovering_can_be_set_aside(tmp_path: Path) -> None:
    session = _orphan(tmp_path)
    [entry] = orphaned_entries(tmp_path)
    session.briefing_path.write_text("briefing: [\n", encoding="utf-8")
    with pytest.raises(BriefingError):
        entry.load()
    where = entry.set_aside()
    assert where == tmp_path / "damaged" / session.briefing_path.name and where.exists()
    assert _names(tmp_path) == ["damaged"]


def test_metadata_without_its_briefing_is_skipped(tmp_path: Path) -> None:
    session = _orphan(tmp_path)
    session.briefing_path.unlink()
    assert orphaned_entries(tmp_path) == []
    assert session.metadata_path.exists()


def test_good_entries_survive_a_bad_neighbour(tmp_path: Path) -> None:
    _orphan(tmp_path, "Good")
    (tmp_path / "stray.json").write_text("{", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / "folder.briefing.yaml").mkdir()
    assert [e.title for e in orphaned_entries(tmp_path)] == ["Good"]
    assert (tmp_path / "stray.json").exists() and (tmp_path / "notes.txt").exists()


# --- saving recovered work over its original file --------------------------------------------


def test_the_hash_recorded_at_autosave_is_the_one_to_save_against(tmp_path: Path) -> None:
    original = tmp_path / "mine.briefing.yaml"
    original.write_text("briefing: 1\ntitle: As opened\n", encoding="utf-8")
    opened = file_hash(original)
    _orphan(tmp_path / "recovery", original=original, original_hash=opened)
    original.write_text("briefing: 1\ntitle: Changed after the crash\n", encoding="utf-8")
    [entry] = orphaned_entries(tmp_path / "recovery")
    assert entry.original_hash == opened
    assert entry.expected_hash() == opened != file_hash(original)


def test_without_a_recorded_hash_the_files_time_decides(tmp_path: Path) -> None:
    original = tmp_path / "mine.briefing.yaml"
    original.write_text("briefing: 1\ntitle: On disk\n", encoding="utf-8")
    then = time.time() - 3600
    os.utime(original, (then, then))  # untouched since before the autosave
    session = _orphan(tmp_path / "recovery", original=original)
    [entry] = orphaned_entries(tmp_path / "recovery")
    assert entry.original_hash is None
    assert entry.expected_hash() == hashlib.sha256(original.read_bytes()).hexdigest()
    later = entry.saved_at.timestamp() + 60
    os.utime(original, (later, later))  # modified after the autosave: saving must ask
    assert entry.expected_hash() is None
    original.unlink()
    assert entry.expected_hash() is None
    assert session.id in entry.briefing_path.name


def test_entry_can_be_built_by_hand(tmp_path: Path) -> None:
    entry = RecoveryEntry(
        briefing_path=tmp_path / "abc.briefing.yaml",
        original_path=None,
        saved_at=dt.datetime.now().astimezone(),
        title="t",
    )
    assert entry.metadata_path == tmp_path / "abc.json"
    assert entry.lock_path == tmp_path / "abc.lock"
    entry.discard()  # neither file exists
    entry.release()


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
