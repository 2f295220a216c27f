"""Recovery after a crash, in the app: every autosave offered with Recover / Discard / Decide later,
recovered work that asks before overwriting a changed file, damaged slots set aside and reported,
and a window that says when autosave is off. Two tests run a real app process that makes an edit,
autosaves and is killed with SIGKILL; the next start finds its slot and restores the edit."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing, Section
from briefing_builder.core.briefing_io import file_hash, read_briefing, save_briefing
from briefing_builder.core.cache import open_library
from briefing_builder.core.recovery import (
    DATA_ENV,
    RecoverySession,
    orphaned_entries,
    recovery_dir,
    scan,
)
from briefing_builder.gui.app import offer_recovery, report_set_aside
from briefing_builder.gui.findings_model import InBriefingRole
from briefing_builder.gui.main_window import MainWindow

from ..conftest import write_library
from .conftest import Dialogs
from .helpers import make_window

Button = QMessageBox.StandardButton
ESCAPE = "Escape"

APP_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from briefing_builder.core.cache import open_library
    from briefing_builder.core.recovery import RecoverySession
    from briefing_builder.gui.main_window import MainWindow

    library, how = Path(sys.argv[1]), sys.argv[2]
    window = MainWindow(open_library(library), recovery=RecoverySession())
    window.show()
    if len(sys.argv) > 3:
        assert window.open_briefing(Path(sys.argv[3]))
    window.doc.set_metadata("title", "Crash test")
    model = window.briefing_panel.model
    model.add_findings(["alpha-002", "beta-001"], window.doc.briefing.sections[0], 0)
    model.add_note(window.doc.briefing.sections[0], 1, "Typed just before the crash.")
    slot = window.recovery.briefing_path
    if how == "direct":
        window.write_recovery()
    else:  # the autosave timer, sooner than in real use
        window._autosave.setInterval(100)
        deadline = time.monotonic() + 20
        while not slot.exists() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
    assert slot.exists(), "no autosave"
    print("READY", os.getpid(), flush=True)
    time.sleep(120)
    """
)


@dataclass
class Questions:
    """Stands in for QMessageBox.exec: records each question box and clicks the queued answer."""

    asked: list[tuple[str, str, list[str]]] = field(default_factory=list)
    answers: deque[str] = field(default_factory=deque)

    def answer(self, *labels: str) -> None:
        self.answers.extend(labels)

    def exec(self, box: QMessageBox) -> int:
        labels = [b.text().replace("&", "") for b in box.buttons()]
        self.asked.append((box.windowTitle(), box.text(), labels))
        assert self.answers, f"unanswered question: {box.text()!r}"
        wanted = self.answers.popleft()
        if wanted == ESCAPE:
            button = box.escapeButton()
        else:
            button = next(b for b in box.buttons() if b.text().replace("&", "") == wanted)
        assert button is not None
        button.click()
        return 0


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    q = Questions()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: q.exec(box))
    return q


def _orphan(
    title: str,
    original: Path | None = None,
    original_hash: str | None = None,
    briefing: Briefing | None = None,
) -> RecoverySession:
    """An autosave as a crashed app leaves it."""
    session = RecoverySession()
    session.write(briefing or Briefing(title=title), original, original_hash)
    session.release()
    return session


def _window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    library = write_library(tmp_path / "lib")
    return make_window(qtbot, open_library(library), recovery=RecoverySession())


def run_and_kill(tmp_path: Path, library: Path, how: str, *extra: str) -> int:
    script = tmp_path / "app_then_crash.py"
    script.write_text(APP_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # with the test's own data folders
    proc = subprocess.Popen(
        [sys.executable, str(script), str(library), how, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=60)
    try:
        assert lines and lines[0].startswith("READY"), (
            f"the app did not get ready: {lines!r}\n{proc.stderr.read() if proc.poll() is not None else ''}"  # type: ignore[union-attr]
        )
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    return int(lines[0].split()[1])


# --- a real crash ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("how", ["direct", "timer"])
def test_recover_after_sigkill(
    qtbot: QtBot, questions: Questions, tmp_path: Path, how: str
) -> None:
    library = write_library(tmp_path / "lib")
    extra: list[str] = []
    original = None
    if how == "timer":  # editing a saved file this time
        original = tmp_path / "saved.briefing.yaml"
        save_briefing(Briefing(title="On disk", sections=[Section("Saved section")]), original)
        extra = [str(original)]
    pid = run_and_kill(tmp_path, library, how, *extra)

    entries = orphaned_entries()
    assert [e.pid for e in entries] == [pid]
    assert entries[0].title == "Crash test"
    assert entries[0].original_path == (original.absolute() if original else None)
    if original is not None:  # the file as the killed app had opened it
        assert entries[0].original_hash == file_hash(original)

    opened = open_library(library)
    window = make_window(qtbot, opened, recovery=RecoverySession())
    questions.answer("Recover")
    assert offer_recovery(window, entries)
    [(title, text, buttons)] = questions.asked
    assert title == "Recover unsaved work?"
    assert sorted(buttons) == ["Decide later", "Discard", "Recover"]  # not Yes / No
    assert "“Crash test”" in text
    assert ("“saved.briefing.yaml”" if original else "a new briefing, never saved") in text

    b = window.doc.briefing
    assert b.title == "Crash test"
    assert b.finding_ids() == ["alpha-002", "beta-001"]
    assert b.sections[0].items[1].text == "Typed just before the crash."  # type: ignore[union-attr]
    assert b.sections[0].heading == ("Saved section" if original else "Introduction")
    assert window.doc.modified and window.isWindowModified()
    name = "saved" if original else "Crash test"  # a new briefing goes by its title
    assert window.windowTitle() == f"{name}[*] — Briefing Builder"
    assert window.doc.path == (original.absolute() if original else None)
    # The old slot is gone; the new window keeps the work in its own slot until it is saved.
    assert not entries[0].briefing_path.exists() and not entries[0].metadata_path.exists()
    assert not entries[0].lock_path.exists()
    assert window.recovery is not None and window.recovery.briefing_path.exists()
    assert orphaned_entries() == []  # the slot belongs to this (running) process
    assert window.model.index(window.model.row_of("alpha-002")).data(InBriefingRole) == 1


# --- every autosave is offered ---------------------------------------------------------------


def test_every_autosave_is_offered_and_discarding_one_discards_only_that_one(
    qtbot: QtBot, questions: Questions, tmp_path: Path
) -> None:
    saved = tmp_path / "report.briefing.yaml"
    save_briefing(Briefing(title="Report"), saved)
    _orphan("Older work", saved, file_hash(saved))
    newer = _orphan("Newer work")
    window = _window(qtbot, tmp_path)
    entries = orphaned_entries()
    assert [e.title for e in entries] == ["Newer work", "Older work"]  # newest first

    questions.answer("Discard", "Recover")
    assert offer_recovery(window, entries)
    texts = [text for _title, text, _buttons in questions.asked]
    assert "(1 of 2)" in texts[0] and "“Newer work”" in texts[0]
    assert "a new briefing, never saved" in texts[0]
    assert "(2 of 2)" in texts[1] and "“Older work”" in texts[1]
    assert f"“report.briefing.yaml” (in {tmp_path})" in texts[1]
    assert not newer.briefing_path.exists()  # discarded: that one only
    assert window.doc.briefing.title == "Older work" and window.doc.path == saved


def test_decide_later_keeps_the_autosave_for_the_next_start(
    qtbot: QtBot, questions: Questions, tmp_path: Path
) -> None:
    one, two = _orphan("One"), _orphan("Two")
    window = _window(qtbot, tmp_path)
    questions.answer("Decide later", ESCAPE)  # Escape (or closing the box) is "later" too
    assert not offer_recovery(window, orphaned_entries())
    assert not window.doc.modified and window.doc.briefing.title != "One"
    assert one.briefing_path.exists() and two.briefing_path.exists()
    assert sorted(e.title for e in orphaned_entries()) == ["One", "Two"]  # offered again


def test_recovering_one_keeps_the_others_for_the_next_start(
    qtbot: QtBot, questions: Questions, tmp_path: Path
) -> None:
    sessions = [_orphan(f"Work {i}") for i in range(3)]
    window = _window(qtbot, tmp_path)
    entries = orphaned_entries()
    questions.answer("Recover")  # the first offered: the others are not asked about now
    assert offer_recovery(window, entries)
    assert len(questions.asked) == 1
    recovered = entries[0].title
    assert window.doc.briefing.title == recovered
    assert "2 more autosaved briefings will be offered" in window.statusBar().currentMessage()
    others = sorted({"Work 0", "Work 1", "Work 2"} - {recovered})
    assert sorted(e.title for e in orphaned_entries()) == others
    assert sum(s.briefing_path.exists() for s in sessions) == 2


# --- saving recovered work over its original file --------------------------------------------


def test_recovered_work_asks_before_overwriting_a_file_changed_since_the_crash(
    qtbot: QtBot, questions: Questions, dialogs: Dialogs, tmp_path: Path
) -> None:
    original = tmp_path / "shared.briefing.yaml"
    opened_hash = save_briefing(Briefing(title="As I opened it"), original)
    _orphan("My unsaved edits", original, opened_hash)
    # After the crash, a colleague saves their own changes to the file.
    save_briefing(Briefing(title="A colleague's version"), original, force=True)
    window = _window(qtbot, tmp_path)
    questions.answer("Recover")
    assert offer_recovery(window, orphaned_entries())
    assert window.doc.file_hash == opened_hash
    dialogs.answer(Button.Cancel)
    assert not window.save()
    assert dialogs.calls[-1][:2] == ("warning", "File changed on disk")
    assert read_briefing(original).title == "A colleague's version"  # not overwritten
    assert window.doc.modified


def test_recovered_work_saves_over_an_unchanged_file_without_asking(
    qtbot: QtBot, questions: Questions, dialogs: Dialogs, tmp_path: Path
) -> None:
    original = tmp_path / "mine.briefing.yaml"
    opened_hash = save_briefing(Briefing(title="As I opened it"), original)
    _orphan("My unsaved edits", original, opened_hash)
    window = _window(qtbot, tmp_path)
    questions.answer("Recover")
    assert offer_recovery(window, orphaned_entries())
    assert window.save()
    assert dialogs.calls == []
    assert read_briefing(original).title == "My unsaved edits"
    assert read_briefing(original.with_name(original.name + ".bak")).title == "As I opened it"


def test_an_original_that_is_now_a_folder_recovers_as_a_new_briefing(
    qtbot: QtBot, questions: Questions, dialogs: Dialogs, tmp_path: Path
) -> None:
    original = tmp_path / "work" / "gone.briefing.yaml"
    work = Briefing(title="Homeless work", library="../evidence")
    _orphan("Homeless work", original, None, briefing=work)
    original.mkdir(parents=True)  # a folder now has the file's name
    window = _window(qtbot, tmp_path)
    questions.answer("Recover")
    dialogs.answer(Button.Ok)
    assert offer_recovery(window, orphaned_entries())
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("information", "Recovered as a new briefing")
    assert str(original) in text and "now a folder" in text and "Save As" in text
    assert window.doc.path is None and window.doc.modified
    assert window.doc.briefing.title == "Homeless work"
    # The library it named, relative to the old file, still points at the same folder.
    assert window.doc.briefing.library == str(tmp_path / "evidence")


# --- damaged slots ---------------------------------------------------------------------------


def test_a_damaged_autosave_is_reported_once_and_kept(
    qtbot: QtBot, questions: Questions, dialogs: Dialogs, tmp_path: Path
) -> None:
    broken = _orphan("Broken work")
    broken.briefing_path.write_text("briefing: [\n", encoding="utf-8")
    _orphan("Fine work")
    window = _window(qtbot, tmp_path)
    found = scan()
    dialogs.answer(Button.Ok)
    report_set_aside(window, found.set_aside)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Damaged autosave set aside")
    assert "“Broken work”" in text and "Nothing was deleted" in text
    moved = recovery_dir() / "damaged" / broken.briefing_path.name
    assert str(moved) in text and moved.read_text(encoding="utf-8") == "briefing: [\n"
    questions.answer("Decide later")
    offer_recovery(window, found.entries)
    assert [title for title, _text, _buttons in questions.asked] == ["Recover unsaved work?"]
    # The next start: the good one is offered again, the damaged one is not reported again.
    again = scan()
    assert again.set_aside == [] and [e.title for e in again.entries] == ["Fine work"]
    report_set_aside(window, again.set_aside)
    assert len(dialogs.calls) == 1


def test_an_autosave_found_damaged_on_recovery_is_kept_and_the_next_offered(
    qtbot: QtBot, questions: Questions, dialogs: Dialogs, tmp_path: Path
) -> None:
    first = _orphan("Damaged later")
    _orphan("Intact")
    window = _window(qtbot, tmp_path)
    entries = scan().entries
    damaged = next(e for e in entries if e.title == "Damaged later")
    entries.sort(key=lambda e: e is not damaged)  # offered first
    first.briefing_path.write_text("briefing: [\n", encoding="utf-8")  # damaged after the scan
    questions.answer("Recover", "Recover")
    dialogs.answer(Button.Ok)
    assert offer_recovery(window, entries)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot recover")
    moved = recovery_dir() / "damaged" / first.briefing_path.name
    assert str(moved) in text and moved.exists()
    assert window.doc.briefing.title == "Intact"


# --- autosave in the window ------------------------------------------------------------------


def test_autosave_follows_the_undo_stack(qtbot: QtBot, dialogs: Dialogs, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    session = RecoverySession()
    window = make_window(qtbot, open_library(library), recovery=session)
    window._autosave.setInterval(50)
    slot = session.briefing_path
    assert session.lock_path.exists()  # the slot is taken as the window opens
    window.doc.set_metadata("title", "Draft")
    qtbot.waitUntil(slot.exists, timeout=3000)
    assert "title: Draft" in slot.read_text(encoding="utf-8")
    # Undone back to the saved state: nothing left to recover.
    window.doc.undo_stack.undo()
    assert not slot.exists() and not session.metadata_path.exists()
    qtbot.wait(120)
    assert not slot.exists()
    # Edited again, then saved: the slot goes once the work is safely on disk.
    window.doc.set_metadata("title", "Again")
    qtbot.waitUntil(slot.exists, timeout=3000)
    dialogs.choose_file(tmp_path / "saved.briefing.yaml")
    assert window.save()
    assert not slot.exists()
    # The autosave of a saved file records the file's hash, for recovery's "changed on disk".
    window.doc.set_metadata("title", "After saving")
    qtbot.waitUntil(slot.exists, timeout=3000)
    assert file_hash(tmp_path / "saved.briefing.yaml") in session.metadata_path.read_text()
    # A clean close leaves nothing behind, not even the lock file.
    window.doc.set_metadata("title", "Last")
    dialogs.answer(Button.Discard)
    assert window.close()
    assert not slot.exists() and not session.lock_path.exists()
    assert list(recovery_dir().iterdir()) == [] and orphaned_entries() == []


def test_the_window_says_when_autosave_is_off(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = tmp_path / "data"
    data.write_text("a file where the data folder should be")
    monkeypatch.setenv(DATA_ENV, str(data))
    with caplog.at_level(logging.WARNING):
        window = _window(qtbot, tmp_path)
    assert window.autosave_off.isVisible()
    assert str(data / "recovery") in window.autosave_off.toolTip()
    assert window.statusBar().currentMessage().startswith("Autosave is off:")
    assert any("Autosave is off" in r.getMessage() for r in caplog.records)
    # Edits go on; a failed autosave keeps saying so, and a working folder turns it back on.
    window.doc.set_metadata("title", "Unsaved")
    window.write_recovery()
    assert window.autosave_off.isVisible()
    data.unlink()
    window.write_recovery()
    assert not window.autosave_off.isVisible()
    assert window.recovery is not None and window.recovery.briefing_path.exists()


def test_a_failing_autosave_turns_the_indicator_on(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, tmp_path)
    assert not window.autosave_off.isVisible()
    window.doc.set_metadata("title", "Unsaved")
    assert window.recovery is not None

    def full(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(window.recovery, "write", full)
    window.write_recovery()
    assert window.autosave_off.isVisible()
    assert "No space left on device" in window.autosave_off.toolTip()
    monkeypatch.undo()
    window.write_recovery()
    assert not window.autosave_off.isVisible()


def test_the_error_handlers_autosave_records_the_files_hash(qtbot: QtBot, tmp_path: Path) -> None:
    from briefing_builder.gui.errors import window_safeguard

    path = tmp_path / "open.briefing.yaml"
    opened_hash = save_briefing(Briefing(title="On disk"), path)
    window = _window(qtbot, tmp_path)
    assert window.open_briefing(path)
    window.doc.set_metadata("title", "Edited when the error came")
    window_safeguard(window)()
    assert window.recovery is not None
    meta = json.loads(window.recovery.metadata_path.read_text(encoding="utf-8"))
    assert meta["original_sha256"] == opened_hash and meta["original_path"] == str(path)
