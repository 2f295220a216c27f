"""The Help menu: the keyboard shortcuts, the user guide and the example briefing.

The shortcuts are read from the window's own actions each time the list is shown, so it cannot
drift from what the keys actually do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.briefing_io import BriefingError, library_path, read_briefing
from ..core.paths import data_dir

if TYPE_CHECKING:
    from .main_window import MainWindow

EXAMPLE_NAME = "partnership-working.briefing.yaml"


def plain_text(text: str) -> str:
    """A menu text as a reader sees it: no ``&`` mnemonics (``&&`` is a real ampersand)."""
    return re.sub(r"&(.)", r"\1", text).rstrip("…").strip()


def shortcut_text(action: QAction) -> str:
    """All of an action's shortcuts, as this platform writes them (``Ctrl+S``, ``⌘S``)."""
    native = QKeySequence.SequenceFormat.NativeText
    seen: list[str] = []
    for seq in action.shortcuts():
        text = seq.toString(native)
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)


# --- tooltips --------------------------------------------------------------------------------


class _Tooltips(QObject):
    """Keeps toolbar tooltips as "Name (shortcut)", plus what the action does, up to date:
    Undo and Redo change their names with the change they would undo."""

    def __init__(self, actions: Iterable[QAction], parent: QObject) -> None:
        super().__init__(parent)
        self.actions = list(actions)
        for action in self.actions:
            self._update(action)
            # A bound method, not a lambda: Qt disconnects it when the window goes away.
            action.changed.connect(self._changed)

    def _changed(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._update(action)

    @staticmethod
    def _update(action: QAction) -> None:
        tip = plain_text(action.text())
        keys = shortcut_text(action)
        if keys:
            tip += f" ({keys})"
        about = action.statusTip()
        if about and about != tip:
            tip += f"\n{about}"
        if action.toolTip() != tip:
            action.setToolTip(tip)


def shortcut_tooltips(actions: Iterable[QAction], parent: QObject) -> QObject:
    """Give ``actions`` tooltips that name their shortcut, and keep them current."""
    return _Tooltips(actions, parent)


# --- keyboard shortcuts ----------------------------------------------------------------------


def _menu_actions(menu: QMenu) -> Iterable[QAction]:
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_actions(sub)
        elif not action.isSeparator():
            yield action


def _where(action: QAction) -> str:
    """ " (in the briefing outline)" for a key that works only while that panel has the focus."""
    if action.shortcutContext() != Qt.ShortcutContext.WidgetWithChildrenShortcut:
        return ""
    for owner in action.associatedObjects():
        if isinstance(owner, QWidget) and not isinstance(owner, QMenu) and owner.accessibleName():
            return f" (in the {owner.accessibleName().lower()})"
    return ""


def shortcut_groups(window: MainWindow) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(action, shortcuts)]) for every action of ``window`` that has a shortcut.

    Grouped by menu in menu-bar order; then the keys of docked panels (the source reader's Find,
    for example), which work while the focus is in that panel.
    """
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    listed: set[int] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        rows = []
        for action in _menu_actions(menu):
            keys = shortcut_text(action)
            if keys and id(action) not in listed:
                listed.add(id(action))
                rows.append((plain_text(action.text()) + _where(action), keys))
        if rows:
            groups.append((f"{plain_text(top.text())} menu", rows))
    panels: dict[str, list[tuple[str, str]]] = {}
    for action in window.findChildren(QAction):
        keys = shortcut_text(action)
        if not keys or id(action) in listed:
            continue
        listed.add(id(action))
        owner = action.parent()
        if isinstance(owner, QDockWidget):
            group = f"In the {plain_text(owner.toggleViewAction().text()).lower()}"
        else:
            group = "Elsewhere"
        panels.setdefault(group, []).append((plain_text(action.text()), keys))
    groups.extend(panels.items())
    return groups


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, by menu."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        for group, rows in shortcut_groups(window):
            head = QTreeWidgetItem(self.tree, [group])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFirstColumnSpanned(True)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for name, keys in rows:
                QTreeWidgetItem(head, [name, keys])
        self.tree.expandAll()
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        note = QLabel(
            "Keys marked “in the briefing outline” work while the outline has the focus: "
            "click it, or use View → Go to outline."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(600, 660)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, action, shortcut) as listed, for checking what the dialog shows."""
        out = []
        for g in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(g)
            assert head is not None
            for r in range(head.childCount()):
                item = head.child(r)
                assert item is not None
                out.append((head.text(0), item.text(0), item.text(1)))
        return out


def show_shortcuts(window: MainWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# --- user guide ------------------------------------------------------------------------------


def user_guide_path() -> Path:
    return data_dir("docs") / "user-guide.md"


class UserGuide(QDialog):
    """The user guide (docs/user-guide.md), read offline from the app's own files."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Briefing Builder user guide")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setAccessibleName("User guide")
        self.browser.setMarkdown(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(720, 680)


def show_user_guide(window: QWidget) -> UserGuide | None:
    path = user_guide_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        QMessageBox.warning(
            window,
            "Cannot show the user guide",
            f"The user guide {path} could not be read ({getattr(exc, 'strerror', None) or exc}). "
            "This copy of Briefing Builder may be incomplete; reinstalling it restores the guide.",
        )
        return None
    dialog = UserGuide(text, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# --- example briefing --------------------------------------------------------------------------


def example_briefing_path() -> Path:
    return data_dir("examples") / EXAMPLE_NAME


def open_example_briefing(window: MainWindow) -> bool:
    """Open the example as a new, untitled briefing: saving asks for a name, so the copy that
    ships with the app is never overwritten."""
    if not window.maybe_save():
        return False
    path = example_briefing_path()
    try:
        briefing = read_briefing(path)
    except BriefingError as exc:
        QMessageBox.warning(
            window,
            "Cannot open the example briefing",
            f"{path} could not be opened:\n\n" + "\n".join(str(p) for p in exc.problems[:10]),
        )
        return False
    folder = library_path(briefing, path)
    if folder is not None:
        # Named in full: the copy has no file yet that a relative name could start from.
        briefing.library = str(folder.resolve())
        in_use = (window.library_loader.loading or window.opened.library.root).resolve()
        if folder.is_dir() and folder.resolve() != in_use:
            window.switch_library(folder)
    window.doc.replace(briefing, None, None)
    window._discard_recovery()
    window.statusBar().showMessage(
        "Opened a copy of the example briefing. Save it under a name of your own to keep it.",
        8000,
    )
    return True
