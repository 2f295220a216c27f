"""Recovery after a crash: a real app process makes an edit, autosaves and is killed with SIGKILL;
the next start finds its slot and restores the edit into a fresh window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing, Section
from briefing_builder.core.briefing_io import save_briefing
from briefing_builder.core.cache import open_library
from briefing_builder.core.recovery import RecoverySession, orphaned_entries
from briefing_builder.gui.app import offer_recovery
from briefing_builder.gui.findings_model import InBriefingRole

from ..conftest import write_library
from .conftest import Dialogs
from .helpers import make_window

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

Button = QMessageBox.StandardButton

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


@pytest.mark.parametrize("how", ["direct", "timer"])
def test_recover_after_sigkill(qtbot: QtBot, dialogs: Dialogs, tmp_path: Path, how: str) -> None:
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

    opened = open_library(library)
    window = make_window(qtbot, opened, recovery=RecoverySession())
    dialogs.answer(Button.Yes)
    assert offer_recovery(window, entries)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("question", "Recover unsaved work?")
    assert "“Crash test”" in text
    assert ("“saved.briefing.yaml”" if original else "a new, unsaved briefing") in text

    b = window.doc.briefing
    assert b.title == "Crash test"
    assert b.finding_ids() == ["alpha-002", "beta-001"]
    assert b.sections[0].items[1].text == "Typed just before the crash."  # type: ignore[union-attr]
    assert b.sections[0].heading == ("Saved section" if original else "Introduction")
    assert window.doc.modified and window.isWindowModified()
    name = "saved.briefing.yaml" if original else "Untitled"
    assert window.windowTitle() == f"{name}[*] — Crash test — Briefing Builder"
    assert window.doc.path == (original.absolute() if original else None)
    # The old slot is gone; the new window keeps the work in its own slot until it is saved.
    assert not entries[0].briefing_path.exists() and not entries[0].metadata_path.exists()
    assert window.recovery is not None and window.recovery.briefing_path.exists()
    assert orphaned_entries() == []  # the slot belongs to this (running) process
    assert window.model.index(window.model.row_of("alpha-002")).data(InBriefingRole) == 1


def test_declining_recovery_discards_the_slot(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    library = write_library(tmp_path / "lib")
    run_and_kill(tmp_path, library, "direct")
    entries = orphaned_entries()
    assert len(entries) == 1
    window = make_window(qtbot, open_library(library), recovery=RecoverySession())
    dialogs.answer(Button.No)
    assert not offer_recovery(window, entries)
    assert window.doc.briefing.finding_ids() == []
    assert not window.doc.modified
    assert orphaned_entries() == []
    assert not any(entries[0].briefing_path.parent.glob("*.briefing.yaml"))


def test_autosave_follows_the_undo_stack(qtbot: QtBot, dialogs: Dialogs, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    session = RecoverySession()
    window = make_window(qtbot, open_library(library), recovery=session)
    window._autosave.setInterval(50)
    slot = session.briefing_path
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
    # A clean close leaves nothing behind.
    window.doc.set_metadata("title", "Last")
    qtbot.waitUntil(slot.exists, timeout=3000)
    dialogs.answer(Button.Discard)
    assert window.close()
    assert not slot.exists() and orphaned_entries() == []
