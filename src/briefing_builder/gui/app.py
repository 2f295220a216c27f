"""Application start-up: settings, the main window, the library (opened in the background),
recovery after a crash."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import __version__
from ..core.about import APP_ID
from ..core.briefing_io import BriefingError, library_path
from ..core.logs import setup_logging
from ..core.paths import bundled_library
from ..core.recovery import RecoveryEntry, RecoverySession, SetAside, scan
from ..core.settings import Settings
from .errors import install_error_handler
from .library_loader import nothing_yet
from .main_window import MainWindow, app_icon

log = logging.getLogger(__name__)


def choose_library(requested: Path | None, settings: Settings) -> Path:
    """The library given on the command line, else the last one used (if it still exists), else the bundled one."""
    if requested is not None:
        return requested
    if settings.last_library and Path(settings.last_library).is_dir():
        return Path(settings.last_library)
    return bundled_library()


RECOVER, DISCARD, LATER = "recover", "discard", "later"


def _where(entry: RecoveryEntry) -> str:
    if entry.original_path is not None:
        return f"“{entry.original_path.name}” (in {entry.original_path.parent})"
    if entry.details_lost:
        return "a briefing whose file name was not recorded"
    return "a new briefing, never saved"


def _ask_about(parent: QWidget, entry: RecoveryEntry, n: int, total: int) -> str:
    """One question about one autosave: RECOVER, DISCARD or LATER (Escape or closing the box)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work?")
    count = f" ({n} of {total})" if total > 1 else ""
    box.setText(
        f"Briefing Builder did not close properly. Unsaved work can be recovered{count}:\n\n"
        f"“{entry.title}” — {_where(entry)}, autosaved {entry.saved_at:%d %B %Y at %H:%M}."
    )
    box.setInformativeText(
        "Recover opens it here as unsaved changes. Discard deletes this autosave. "
        "Decide later keeps it to be offered the next time Briefing Builder starts."
    )
    recover = box.addButton("&Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Decide &later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.setEscapeButton(later)
    box.exec()
    clicked = box.clickedButton()
    if clicked is recover:
        return RECOVER
    if clicked is discard:
        return DISCARD
    return LATER


def report_set_aside(window: MainWindow, set_aside: list[SetAside]) -> None:
    """Say once which autosaves could not be read and where they were moved (never deleted)."""
    if not set_aside:
        return
    lines = [
        f"• {'“' + s.title + '”' if s.title else s.path.name}: {s.reason}\n   now {s.path}"
        for s in set_aside[:8]
    ]
    more = f"\n…and {len(set_aside) - 8} more." if len(set_aside) > 8 else ""
    QMessageBox.warning(
        window,
        "Damaged autosave set aside",
        f"{len(set_aside)} autosaved briefing{'s' if len(set_aside) != 1 else ''} left by an "
        "earlier session could not be read, so cannot be recovered here. Nothing was deleted: "
        "the files were moved into the recovery folder's “damaged” folder, where they can be "
        "opened in a text editor.\n\n" + "\n".join(lines) + more,
    )


def offer_recovery(
    window: MainWindow, entries: list[RecoveryEntry], parent: QWidget | None = None
) -> bool:
    """Offer back every autosave a crash left (``entries``, newest first). True if one was recovered.

    Each autosave gets its own question, naming its title, its file (or "a new briefing") and
    when it was autosaved, with three answers:

    * **Recover** opens it in the window as unsaved changes to its file. Saving it over that file
      asks first if the file has changed since the work was opened (the hash recorded at autosave
      time). If the file's path is now a folder, the work opens as a new, unsaved briefing and the
      officer is told so.
    * **Discard** deletes that autosave, and only that one.
    * **Decide later** (also Escape, or closing the box) keeps it, to be offered at the next start.

    The window holds one briefing, so once one autosave is recovered the others are not asked
    about now: they are kept, the status bar says how many, and they are offered the next time the
    app starts — after this one has been saved. That way only an explicit Discard ever removes
    work, and the officer never has to choose between briefings at once. An autosave that turns
    out to be unreadable is moved into ``damaged/`` (never deleted) and reported, and the next is
    offered.
    """
    owner = parent or window
    recovered = False
    kept = 0
    for n, entry in enumerate(entries, start=1):
        if recovered:
            entry.release()
            kept += 1
            continue
        answer = _ask_about(owner, entry, n, len(entries))
        if answer == DISCARD:
            entry.discard()
            continue
        if answer == LATER:
            entry.release()
            continue
        recovered = _recover(window, entry)
    if kept:
        window.statusBar().showMessage(
            f"{kept} more autosaved briefing{'s' if kept != 1 else ''} will be offered the next "
            "time Briefing Builder starts.",
            15000,
        )
    return recovered


def _recover(window: MainWindow, entry: RecoveryEntry) -> bool:
    try:
        briefing = entry.load()
    except BriefingError as exc:
        try:
            where = str(entry.set_aside())
        except OSError:
            log.warning("Cannot set aside %s", entry.briefing_path, exc_info=True)
            where = str(entry.briefing_path)
        QMessageBox.warning(
            window,
            "Cannot recover",
            f"The autosave of “{entry.title}” could not be read, so it cannot be recovered:\n\n"
            + "\n".join(str(p) for p in exc.problems[:8])
            + f"\n\nIt has been kept as {where}.",
        )
        return False
    original = entry.original_path
    expected = entry.expected_hash()
    if original is not None and original.is_dir():
        # Keep the library it names, which is relative to the file it was.
        folder = library_path(briefing, original)
        if folder is not None:
            briefing.library = os.path.normpath(folder.absolute())
        QMessageBox.information(
            window,
            "Recovered as a new briefing",
            f"The recovered work was saved as {original}, but that is now a folder. It is "
            "opened as a new, unsaved briefing: use File → Save As to keep it.",
        )
        original, expected = None, None
    window.recover(briefing, original, expected)
    if window.recovery is not None and window.recovery.briefing_path.is_file():
        entry.discard()  # the work is safe in this window's own autosave slot
    else:  # autosave is off: keep the old slot, to be offered again if this session is lost
        entry.release()
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
        folder = choose_library(library, settings)
        leftovers = scan()
        # The window first, the library after: a large one that is not cached takes a while.
        window = MainWindow(nothing_yet(folder), settings=settings, recovery=RecoverySession())
        window.show()
        window.switch_library(folder)
    except Exception as exc:  # told in a dialog and logged, never a traceback
        errors.report_now(exc)
        errors.uninstall()
        return 1
    errors.attach(window)
    report_set_aside(window, leftovers.set_aside)
    # Recovered work comes first; then the briefing asked for, else the one open last time.
    if not offer_recovery(window, leftovers.entries):
        if briefing is not None:
            window.open_briefing(briefing)
        else:
            window.reopen_last()
    try:
        return app.exec()
    finally:
        errors.uninstall()
        log.info("Briefing Builder closed")
