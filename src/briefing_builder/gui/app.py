"""Application start-up: settings, the library, recovery after a crash, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import __version__
from ..core.about import APP_ID
from ..core.briefing_io import BriefingError
from ..core.cache import open_library
from ..core.logs import setup_logging
from ..core.paths import bundled_library
from ..core.recovery import RecoveryEntry, RecoverySession, orphaned_entries
from ..core.settings import Settings
from .errors import install_error_handler
from .main_window import MainWindow, app_icon

log = logging.getLogger(__name__)


def choose_library(requested: Path | None, settings: Settings) -> Path:
    """The library given on the command line, else the last one used (if it still exists), else the bundled one."""
    if requested is not None:
        return requested
    if settings.last_library and Path(settings.last_library).is_dir():
        return Path(settings.last_library)
    return bundled_library()


def offer_recovery(
    window: MainWindow, entries: list[RecoveryEntry], parent: QWidget | None = None
) -> bool:
    """Ask whether to restore the newest unsaved work left by a crash. True if restored."""
    if not entries:
        return False
    entry = entries[0]
    where = f"“{entry.original_path.name}”" if entry.original_path else "a new, unsaved briefing"
    answer = QMessageBox.question(
        parent or window,
        "Recover unsaved work?",
        f"Briefing Builder did not close properly. Unsaved changes to {where} "
        f"(“{entry.title}”, autosaved {entry.saved_at:%d %B %Y at %H:%M}) can be recovered.\n\n"
        "Recover them now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        # Declined: the officer has chosen to let that work go.
        for e in entries:
            e.discard()
        return False
    try:
        briefing = entry.load()
    except BriefingError as exc:
        QMessageBox.warning(window, "Cannot recover", "\n".join(str(p) for p in exc.problems[:8]))
        return False
    window.recover(briefing, entry.original_path)
    for e in entries:
        e.discard()
    return True


def run(library: Path | None = None, briefing: Path | None = None) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Briefing Builder")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Briefing Builder")
    # The installed desktop entry's name: on Wayland the desktop matches the window to it by this.
    QApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    setup_logging()
    log.info(
        "Briefing Builder %s starting (Python %s, Qt %s)",
        __version__,
        sys.version.split()[0],
        qVersion(),
    )
    errors = install_error_handler()
    try:
        settings = Settings.load()
        opened = open_library(choose_library(library, settings))
        leftovers = orphaned_entries()
        window = MainWindow(opened, settings=settings, recovery=RecoverySession())
        window.show()
    except Exception as exc:  # told in a dialog and logged, never a traceback
        errors.report_now(exc)
        errors.uninstall()
        return 1
    errors.attach(window)
    if not offer_recovery(window, leftovers) and briefing is not None:
        window.open_briefing(briefing)
    try:
        return app.exec()
    finally:
        errors.uninstall()
        log.info("Briefing Builder closed")
