"""No exception reaches the officer raw: unexpected errors are logged and told in plain words.

:class:`ErrorHandler` takes over ``sys.excepthook`` (which PySide6 calls for an exception raised in
a slot or in an overridden Qt method such as ``paintEvent``, on any thread) and
``threading.excepthook``. Each error is written to the log with its traceback, then — on the GUI
thread, once the current event has been handled — the officer sees one plain dialog: what went
wrong in one sentence, that their work is safe (the unsaved briefing is autosaved first), where the
details were logged, with *Show Details…* and *Open log folder*. The window stays usable.

Dialog storms are prevented: one dialog at a time (errors while it is open are only logged), and
the same error (same kind, same place in the code) is not shown again within
:data:`REPEAT_QUIET_S` seconds of its dialog closing — an error in a paint event repeats on every
repaint. Repeats are counted in the log rather than logged in full each time.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..core.logs import log_dir, log_file, one_sentence, where_logged

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

REPEAT_QUIET_S = 60.0
"""The same error's dialog is not shown again within this many seconds of the last one closing."""
REPEAT_TRACEBACK_S = 60.0
"""A repeating error's traceback is logged again at most this often; repeats between are counted."""

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
Safeguard = Callable[[], str]


def _signature(exc_type: type[BaseException], tb: TracebackType | None) -> tuple[str, str, int]:
    """What makes two errors "the same": their kind and the line of code that raised them."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    last = frames[-1] if frames else None
    return (
        exc_type.__qualname__,
        last.filename if last else "",
        (last.lineno or 0) if last else 0,
    )


@dataclass
class ErrorReport:
    summary: str  # one sentence
    details: str  # the traceback
    signature: tuple[str, str, int]


def log_folder() -> Path:
    """The folder the log is written to (the configured one if logging fell back to stderr)."""
    current = log_file()
    return current.parent if current is not None else log_dir()


def open_log_folder(parent: QWidget | None = None) -> bool:
    """Show the log folder in the system's file manager (Help → Open log folder)."""
    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        log.warning("Cannot create the log folder %s", folder, exc_info=True)
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    log.info("No file manager opened the log folder %s", folder)
    QMessageBox.information(
        parent, "Log folder", f"The log folder could not be opened. It is:\n{folder}"
    )
    return False


def error_message(summary: str, safety: str) -> str:
    return f"Something went wrong: {summary}. {safety} {where_logged()}"


def show_error_dialog(
    parent: QWidget | None, message: str, details: str, after: str = "You can carry on working."
) -> None:
    """The plain error dialog: the message, *Show Details…* (the traceback), *Open log folder*."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Something went wrong — Briefing Builder")
    box.setText(message)
    box.setInformativeText(after)
    box.setDetailedText(details)
    folder = box.addButton("Open log &folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.exec()
    if box.clickedButton() is folder:
        open_log_folder(parent)


def window_safeguard(window: MainWindow) -> Safeguard:
    """What keeps the officer's work safe after an error: autosave the unsaved briefing now.

    The returned function gives the note for the dialog; it raises if the autosave fails.
    """

    def safeguard() -> str:
        if not window.doc.modified:
            return "your briefing has no unsaved changes."
        if window.recovery is None:
            return "your changes are still open in the window; save them when convenient."
        window.recovery.write(window.doc.briefing, window.doc.path, window.doc.file_hash)
        return (
            "your unsaved changes have just been autosaved, and will be offered back "
            "if Briefing Builder has to close."
        )

    return safeguard


class ErrorHandler(QObject):
    """Logs every unexpected exception and shows one plain dialog at a time for them."""

    _report_ready = Signal()

    def __init__(
        self,
        parent_widget: Callable[[], QWidget | None] | None = None,
        safeguard: Safeguard | None = None,
    ) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.safeguard = safeguard
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = {}
        self._last_traceback: dict[tuple[str, str, int], float] = {}
        self._quiet_until: dict[tuple[str, str, int], float] = {}
        self._pending: ErrorReport | None = None
        self._showing = False
        self.shown = 0  # dialogs shown so far
        self._previous_hooks: (
            tuple[
                Callable[[type[BaseException], BaseException, TracebackType | None], object],
                Callable[[threading.ExceptHookArgs], object],
            ]
            | None
        ) = None
        # Queued even from the GUI thread: never open a dialog inside a paint event or a slot.
        self._report_ready.connect(self._show_pending, Qt.ConnectionType.QueuedConnection)

    # --- hooks ---------------------------------------------------------------------------------

    def install(self) -> ErrorHandler:
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.handle
            threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return  # as the default hook: a thread that exits is not an error
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        """Log an exception nothing else caught and, if it is news, queue the dialog for it.

        Runs on whichever thread raised; must never raise itself.
        """
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()  # Ctrl+C in the terminal that started the app
            return
        with contextlib.suppress(Exception):  # the last line of defence must not fail loudly
            self._handle(exc_type, exc, tb)

    def _handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        sig = _signature(exc_type, tb)
        now = time.monotonic()
        with self._lock:
            count = self._counts.get(sig, 0) + 1
            self._counts[sig] = count
            full = now - self._last_traceback.get(sig, -REPEAT_TRACEBACK_S) >= REPEAT_TRACEBACK_S
            if full:
                self._last_traceback[sig] = now
            show = (
                not self._showing
                and self._pending is None
                and now >= self._quiet_until.get(sig, 0.0)
            )
            report = ErrorReport(
                one_sentence(exc), "".join(traceback.format_exception(exc_type, exc, tb)), sig
            )
            if show:
                self._pending = report
        where = threading.current_thread().name
        if full:
            again = f" (it has happened {count} times)" if count > 1 else ""
            log.error(
                "Unexpected error on thread %s%s: %s",
                where,
                again,
                report.summary,
                exc_info=(exc_type, exc, tb),
            )
        elif _is_power_of_ten(count):
            log.error("The same error has now happened %d times: %s", count, report.summary)
        if show:
            self._report_ready.emit()

    # --- the dialog ----------------------------------------------------------------------------

    def _safety_sentence(self) -> str:
        if self.safeguard is None:
            return "Your work is safe: nothing was lost."
        try:
            return f"Your work is safe: {self.safeguard()}".rstrip(".") + "."
        except Exception as exc:
            log.error("Could not autosave after the error", exc_info=True)
            return (
                f"Your unsaved changes could not be autosaved ({one_sentence(exc)}): "
                "please save them now with File → Save As."
            )

    def _show_pending(self, after: str = "You can carry on working.") -> None:
        with self._lock:
            report, self._pending = self._pending, None
            if report is None or self._showing:
                return
            self._showing = True
        try:
            parent = self.parent_widget() if self.parent_widget is not None else None
            if parent is not None and not parent.isVisible():
                parent = None
            self.shown += 1
            show_error_dialog(
                parent,
                error_message(report.summary, self._safety_sentence()),
                report.details,
                after,
            )
        except Exception:
            log.error("The error dialog itself failed", exc_info=True)
        finally:
            with self._lock:
                self._showing = False
                self._quiet_until[report.signature] = time.monotonic() + REPEAT_QUIET_S

    def attach(self, window: MainWindow) -> None:
        """Parent the dialog on ``window`` and autosave its work before telling of an error."""
        self.parent_widget = lambda: window
        self.safeguard = window_safeguard(window)

    def report_now(self, exc: BaseException, after: str = "Briefing Builder cannot start.") -> None:
        """Log ``exc`` and show its dialog at once (for errors before the event loop runs)."""
        self._handle(type(exc), exc, exc.__traceback__)
        self._show_pending(after)


def _is_power_of_ten(n: int) -> bool:
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


def install_error_handler(window: MainWindow | None = None) -> ErrorHandler:
    """Install the handler for the app; ``window`` parents the dialog and has its work autosaved."""
    handler = ErrorHandler(parent_widget=QApplication.activeWindow)
    if window is not None:
        handler.attach(window)
    return handler.install()
