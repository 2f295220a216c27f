"""Starting reopens the briefing open last time; recovered work comes first; a lost file is said
in the status bar, never in a box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import Briefing
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.recovery import RecoverySession
from briefing_builder.core.settings import Settings
from briefing_builder.gui import app as app_module
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO

from .conftest import Dialogs
from .helpers import make_window

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "board.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: Board paper\nsections:\n  - heading: One\n", encoding="utf-8"
    )
    return path


def test_closing_remembers_the_briefing_and_reopen_opens_it(
    qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    path = _saved(tmp_path)
    window = make_window(qtbot, bundled)
    assert window.open_briefing(path)
    window.close()
    settings = Settings.load()
    assert settings.last_briefing is not None
    assert Path(settings.last_briefing).resolve() == path.resolve()

    fresh = make_window(qtbot, bundled, settings=settings)
    assert fresh.reopen_last()
    assert fresh.doc.path is not None and fresh.doc.path.resolve() == path.resolve()
    assert fresh.windowTitle() == "board[*] — Briefing Builder"


def test_closing_an_unsaved_briefing_starts_new_next_time(
    qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    window = make_window(qtbot, bundled, settings=Settings(last_briefing=str(_saved(tmp_path))))
    window.close()
    assert Settings.load().last_briefing is None


def test_the_setting_can_turn_it_off(qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path) -> None:
    settings = Settings(last_briefing=str(_saved(tmp_path)), reopen_last=False)
    window = make_window(qtbot, bundled, settings=settings)
    assert not window.reopen_last()
    assert window.doc.path is None


@pytest.mark.parametrize("how", ["gone", "damaged", "folder"])
def test_a_lost_last_briefing_is_said_in_the_status_bar(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "board.briefing.yaml"
    if how == "damaged":
        path.write_text("briefing: 1\ntitle: [unclosed\n", encoding="utf-8")
    elif how == "folder":
        path.mkdir()
    window = make_window(qtbot, bundled, settings=Settings(last_briefing=str(path)))
    assert not window.reopen_last()
    assert dialogs.calls == []  # no box
    message = window.statusBar().currentMessage()
    assert str(path) in message
    assert ("no longer there" if how != "damaged" else "cannot be read") in message
    assert (
        window.doc.path is None
        and window.windowTitle() == "Untitled briefing[*] — Briefing Builder"
    )


# --- at start ------------------------------------------------------------------------------------


class _Started:
    """Runs the app's start-up without its event loop, keeping the window it made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.windows: list[MainWindow] = []
        real_init = MainWindow.__init__
        started = self

        def init(window: MainWindow, *args: Any, **kwargs: Any) -> None:
            real_init(window, *args, **kwargs)
            started.windows.append(window)

        monkeypatch.setattr(MainWindow, "__init__", init)
        monkeypatch.setattr(QApplication, "exec", lambda *_a: 0)

    def run(self, qtbot: QtBot) -> MainWindow:
        assert app_module.run(bundled_library()) == 0
        [window] = self.windows
        qtbot.addWidget(window, before_close_func=lambda w: w.doc.undo_stack.setClean())
        return window


def test_start_reopens_the_last_briefing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _saved(tmp_path)
    Settings(last_briefing=str(path)).save()
    window = _Started(monkeypatch).run(qtbot)
    assert window.doc.path is not None and window.doc.path.resolve() == path.resolve()
    assert window.doc.briefing.title == "Board paper"


def test_recovered_work_comes_before_the_last_briefing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    Settings(last_briefing=str(_saved(tmp_path))).save()
    orphan = RecoverySession()
    orphan.write(Briefing(title="Crash test"), None, None)
    orphan.release()
    asked: list[str] = []

    def exec_box(box: QMessageBox) -> int:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text().replace("&", "") == "Recover").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    window = _Started(monkeypatch).run(qtbot)
    assert len(asked) == 1 and "Crash test" in asked[0]
    assert window.doc.briefing.title == "Crash test" and window.doc.path is None
    assert window.doc.modified


def test_at_start_a_lost_last_briefing_is_said_after_the_library_opens(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs, tmp_path: Path
) -> None:
    gone = tmp_path / "gone.briefing.yaml"
    Settings(last_briefing=str(gone)).save()
    window = _Started(monkeypatch).run(qtbot)
    qtbot.waitUntil(lambda: window.library_loader.loading is None, timeout=60000)
    qtbot.waitUntil(lambda: window.opened.library.findings != [], timeout=60000)
    message = window.statusBar().currentMessage()
    assert str(gone) in message and "no longer there" in message
    assert dialogs.calls == [] and window.doc.path is None
