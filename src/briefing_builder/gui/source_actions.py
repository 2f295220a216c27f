"""The File menu's actions that grow a library: Add source document… and New library….

Each opens its dialog (window-modal, so the window keeps painting while a long report is read),
and when the dialog has written what it wrote, opens the library again in the background and,
once it is in, says in the status bar what was added or created.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from ..core.model import Library
from ..curation.library_edit import read_only_reason
from .add_source_dialog import AddSourceDialog
from .new_library_dialog import NewLibraryDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

ADD_SOURCE_TIP = "Add a report or other document, with its reference, to this library"


class SourceActions(QObject):
    """Owns the two actions and their dialogs for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.add_dialog: AddSourceDialog | None = None
        self.new_dialog: NewLibraryDialog | None = None
        self._after_load: tuple[Path, str] | None = None  # (folder, status message)

        self.act_add_source = QAction("Add source &document…", window)
        self.act_add_source.setStatusTip(ADD_SOURCE_TIP)
        self.act_add_source.setToolTip(ADD_SOURCE_TIP)
        self.act_add_source.triggered.connect(self.add_source)
        self.act_new_library = QAction("New librar&y…", window)
        tip = "Start an empty evidence library in a new folder, with a list of themes"
        self.act_new_library.setStatusTip(tip)
        self.act_new_library.setToolTip(tip)
        self.act_new_library.triggered.connect(self.new_library)
        loader = window.library_loader
        loader.loaded.connect(self._loaded)
        loader.loaded.connect(self.update_read_only)
        loader.failed.connect(self._forget)
        loader.cancelled.connect(self._forget)
        self.update_read_only()

    @property
    def actions(self) -> list[QAction]:
        return [self.act_new_library, self.act_add_source]

    def _library(self) -> Library:
        return self.window.opened.library

    def update_read_only(self, *_args: object) -> None:
        """A read-only library cannot have sources added: the action is greyed out and says why."""
        reason = read_only_reason(self._library().root)
        curation = getattr(self.window, "curation", None)
        if reason is None and curation is not None and curation.busy is not None:
            reason = "Wait until the library has been saved before adding a source."
        self.act_add_source.setEnabled(reason is None)
        self.act_add_source.setStatusTip(reason or ADD_SOURCE_TIP)
        self.act_add_source.setToolTip(reason or ADD_SOURCE_TIP)

    # --- Add source document… ------------------------------------------------------------------

    def add_source(self) -> AddSourceDialog | None:
        if not self.act_add_source.isEnabled():  # read-only: the menu item says why
            return None
        root = self._library().root
        dialog = AddSourceDialog(root, self.window)
        self.add_dialog = dialog
        dialog.finished.connect(lambda result: self._add_finished(dialog, result))
        dialog.open()
        return dialog

    def _add_finished(self, dialog: AddSourceDialog, result: int) -> None:
        if self.add_dialog is dialog:
            self.add_dialog = None
        dialog.deleteLater()
        added = dialog.added
        if result != QDialog.DialogCode.Accepted or added is None or dialog.extracted is None:
            return
        title = added.entry.get("title", added.id)
        ex = dialog.extracted
        message = (
            f"Added “{title}” to the library as source '{added.id}' "
            f"({ex.pages} page{'s' if ex.pages != 1 else ''} of text)"
        )
        if added.warnings:
            n = len(added.warnings)
            message += f" — {n} warning{'s' if n != 1 else ''} (View → Library problems)"
        self._reload(dialog.root, message + ".")

    # --- New library… --------------------------------------------------------------------------

    def new_library(self) -> NewLibraryDialog:
        start = self._library().root.parent
        dialog = NewLibraryDialog(start if start.is_dir() else None, self.window)
        self.new_dialog = dialog
        dialog.finished.connect(lambda result: self._new_finished(dialog, result))
        dialog.open()
        return dialog

    def _new_finished(self, dialog: NewLibraryDialog, result: int) -> None:
        if self.new_dialog is dialog:
            self.new_dialog = None
        dialog.deleteLater()
        folder = dialog.created
        if result != QDialog.DialogCode.Accepted or folder is None:
            return
        self._reload(
            folder,
            f"Created the library “{dialog.title_edit.text().strip()}” in {folder}. Add its "
            "first source with File → Add source document….",
        )

    # --- after writing -------------------------------------------------------------------------

    def _reload(self, folder: Path, message: str) -> None:
        self._after_load = (folder, message)
        self.window.statusBar().showMessage(message)
        self.window.switch_library(folder)

    def _loaded(self, folder: Path, _opened: object) -> None:
        pending, self._after_load = self._after_load, None
        if pending is not None and pending[0] == folder:
            # After the window's own "Library …: n findings" message, which this replaces.
            self.window.statusBar().showMessage(pending[1], 15000)

    def _forget(self, *_args: object) -> None:
        self._after_load = None
