"""Unexpected errors in the app are logged with their traceback and told in one plain dialog;
the window stays usable, the officer's work is autosaved, and a repeating error opens one dialog."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QPaintEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.logs import setup_logging, teardown_logging
from briefing_builder.core.recovery import RecoverySession
from briefing_builder.gui import app as app_module
from briefing_builder.gui import errors
from briefing_builder.gui import export_dialog as export_dialog_module
from briefing_builder.gui.errors import ErrorHandler, install_error_handler
from briefing_builder.gui.main_window import MainWindow

from .helpers import make_window

# The handler under test takes over sys.excepthook; pytest-qt's own capture must stand aside.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs")
    assert path is not None
    yield path
    teardown_logging()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[QWidget | None, str, str]]:
    """Every error dialog the handler opens, as (parent, message, details)."""
    calls: list[tuple[QWidget | None, str, str]] = []
    monkeypatch.setattr(
        errors,
        "show_error_dialog",
        lambda parent, message, details, *_a: calls.append((parent, message, details)),
    )
    return calls


@pytest.fixture
def handler_for() -> Iterator[Any]:
    installed: list[ErrorHandler] = []

    def make(window: MainWindow | None = None) -> ErrorHandler:
        handler = install_error_handler(window)
        installed.append(handler)
        return handler

    yield make
    for handler in installed:
        handler.uninstall()


def _boom() -> None:
    _ = 1 / 0


def test_a_slot_that_raises_is_logged_and_told_and_the_window_carries_on(
    qtbot: QtBot,
    bundled: OpenedLibrary,
    tmp_path: Path,
    log_path: Path,
    shown: list[tuple[QWidget | None, str, str]],
    handler_for: Any,
) -> None:
    recovery = RecoverySession(tmp_path / "recovery")
    window = make_window(qtbot, bundled, recovery=recovery)
    handler_for(window)
    window.briefing_panel.model.add_section(None, 0)  # unsaved work, not yet autosaved
    assert window.doc.modified and not recovery.briefing_path.exists()

    QTimer.singleShot(0, _boom)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)

    parent, message, details = shown[0]
    assert parent is window
    assert message.startswith(
        "Something went wrong: an unexpected ZeroDivisionError (division by zero). "
        "Your work is safe: your unsaved changes have just been autosaved"
    )
    assert message.endswith(f"Details were written to the log: {log_path}")
    assert "Traceback" in details and "_boom" in details
    # The work was autosaved before the officer was told so.
    assert recovery.briefing_path.is_file()
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "ZeroDivisionError: division by zero" in logged and "_boom" in logged

    # The window still responds.
    total = window.model.rowCount()
    qtbot.keyClicks(window.filters.search, '"shared culture"')
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert total > 1


def test_an_error_repeating_in_a_paint_event_opens_one_dialog(
    qtbot: QtBot,
    log_path: Path,
    shown: list[tuple[QWidget | None, str, str]],
    handler_for: Any,
) -> None:
    class Broken(QWidget):
        paints = 0

        def paintEvent(self, event: QPaintEvent) -> None:
            Broken.paints += 1
            raise ValueError("cannot paint")

    handler_for()
    widget = Broken()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(50):  # repaints from the event loop, as a window's would be
        widget.update()
        QApplication.processEvents()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    for _ in range(50):  # after the dialog closed: the same error stays quiet for a while
        widget.update()
        QApplication.processEvents()
    qtbot.wait(50)
    QApplication.processEvents()

    assert Broken.paints >= 100
    assert len(shown) == 1
    assert "an unexpected ValueError (cannot paint)" in shown[0][1]
    logged = log_path.read_text(encoding="utf-8")
    assert logged.count("Traceback (most recent call last)") == 1
    assert "The same error has now happened 10 times" in logged
    assert "The same error has now happened 100 times" in logged


def test_one_dialog_at_a_time(
    qtbot: QtBot, log_path: Path, monkeypatch: pytest.MonkeyPatch, handler_for: Any
) -> None:
    """While the dialog is open (its own event loop runs), other errors are only logged."""
    opened: list[str] = []

    def dialog(_parent: QWidget | None, message: str, _details: str, *_a: object) -> None:
        opened.append(message)
        if len(opened) == 1:  # as a modal dialog would: events, and errors, go on meanwhile
            QTimer.singleShot(0, lambda: _raise(KeyError("second")))
            qtbot.wait(100)

    monkeypatch.setattr(errors, "show_error_dialog", dialog)
    handler_for()
    QTimer.singleShot(0, lambda: _raise(RuntimeError("first")))
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    qtbot.wait(200)
    assert len(opened) == 1 and "RuntimeError (first)" in opened[0]
    assert "KeyError: 'second'" in log_path.read_text(encoding="utf-8")


def _raise(exc: Exception) -> None:
    raise exc


def test_an_error_on_another_thread_is_told_on_the_gui_thread(
    qtbot: QtBot,
    log_path: Path,
    shown: list[tuple[QWidget | None, str, str]],
    handler_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler_for()
    seen_on: list[bool] = []
    real = errors.show_error_dialog

    def record(*args: Any) -> None:
        seen_on.append(threading.current_thread() is threading.main_thread())
        real(*args)

    monkeypatch.setattr(errors, "show_error_dialog", record)
    worker = threading.Thread(target=lambda: _raise(OSError("disk on fire")), name="worker-x")
    worker.start()
    worker.join(10)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert seen_on == [True]
    assert "an unexpected OSError (disk on fire)" in shown[0][1]
    logged = log_path.read_text(encoding="utf-8")
    assert "thread worker-x" in logged and "OSError: disk on fire" in logged


def test_the_dialog_shows_details_and_opens_the_log_folder(
    qtbot: QtBot, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[QMessageBox] = []
    opened: list[QUrl] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append(box)
        folder = next(b for b in box.buttons() if b.text() == "Open log &folder")
        folder.click()  # the officer asks for the log folder
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    errors.show_error_dialog(None, "Something went wrong: x.", "Traceback: the details")
    (box,) = boxes
    assert box.text() == "Something went wrong: x."
    assert box.detailedText() == "Traceback: the details"  # behind "Show Details…"
    assert box.icon() == QMessageBox.Icon.Critical
    assert [u.toLocalFile() for u in opened] == [str(log_path.parent)]


def test_help_open_log_folder(
    qtbot: QtBot, bundled: OpenedLibrary, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = make_window(qtbot, bundled)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.act_open_log_folder in help_menu.actions()
    window.act_open_log_folder.trigger()
    assert [u.toLocalFile() for u in opened] == [str(log_path.parent)]


def test_open_log_folder_without_a_log_file_uses_the_configured_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    teardown_logging()
    monkeypatch.setenv("BRIEFING_BUILDER_LOG_DIR", str(tmp_path / "elsewhere"))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert errors.open_log_folder()
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "elsewhere")]
    assert (tmp_path / "elsewhere").is_dir()


def test_an_unexpected_export_failure_is_logged_with_its_traceback(
    qtbot: QtBot,
    bundled: OpenedLibrary,
    tmp_path: Path,
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_export(*_a: object, **_k: object) -> Iterator[object]:
        raise RuntimeError("the writer fell over")
        yield  # a generator, like the real one

    monkeypatch.setattr(export_dialog_module, "export_briefing", broken_export)
    window = make_window(qtbot, bundled)
    dialog = window.export_dialog()
    dialog.path.setText(str(tmp_path / "out.docx"))
    dialog.start()
    qtbot.waitUntil(lambda: "Nothing was exported" in dialog.status.text(), timeout=30000)
    assert dialog.wait()
    status = dialog.status.text()
    assert "the writer fell over" in status and str(log_path) in status
    assert "Traceback" not in status
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: the writer fell over" in logged
    dialog.reject()


def test_a_failure_at_start_up_is_a_dialog_not_a_traceback(
    qtbot: QtBot,
    shown: list[tuple[QWidget | None, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cannot_scan(*_a: object, **_k: object) -> object:
        raise MemoryError("out of memory reading the recovery folder")

    # The library opens in the background once the window is up; what fails before it is shown
    # (settings, the recovery folder) stops the start.
    monkeypatch.setattr(app_module, "scan", cannot_scan)
    before = sys.excepthook
    try:
        assert app_module.run() == 1
    finally:
        teardown_logging()
    assert sys.excepthook is before  # the handler was taken down again
    ((_parent, message, details),) = shown
    assert "an unexpected MemoryError (out of memory reading the recovery folder)" in message
    assert "Details were written to the log:" in message
    assert "Traceback" in details


def test_an_autosave_that_fails_is_logged(
    qtbot: QtBot,
    bundled: OpenedLibrary,
    tmp_path: Path,
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recovery = RecoverySession(tmp_path / "recovery")
    window = make_window(qtbot, bundled, recovery=recovery)
    window.briefing_panel.model.add_section(None, 0)

    def full_disk(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery, "write", full_disk)
    window.write_recovery()  # no exception for the officer; the next change tries again
    logged = log_path.read_text(encoding="utf-8")
    assert "WARNING" in logged and "Cannot autosave to" in logged
    assert "OSError: [Errno 28] No space left on device" in logged
