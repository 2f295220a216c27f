"""Window-wide shortcuts that work wherever the focus is.

A focused field may claim a key before the window's shortcuts see it (Qt's ShortcutOverride). On
Linux desktops a line edit claims Ctrl+E (end of line, as in Emacs) and more, so Export did nothing
while the search box had the focus. :class:`WindowKeys` hands such keys back to the window's
action, except the keys a field edits with (undo, cut, copy, paste, select all, delete...), which
stay the field's. Fields that edit the briefing itself (its details, the outline text) are marked
with :data:`DOCUMENT_UNDO`: their undo and redo keys are the briefing's Undo and Redo, one history
for everything the officer typed.

A panel may give a window key a meaning of its own while the focus is inside it (Ctrl+F finds in
the source reader, and searches the findings everywhere else): its action is scoped to the panel
(``WidgetWithChildrenShortcut``) and wins there. Qt alone would call the key ambiguous and do
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

S = QKeySequence.StandardKey

#: Property set (to True) on a field whose undo and redo are the briefing's.
DOCUMENT_UNDO = "briefingDocumentUndo"

#: Keys that edit the focused field and stay its own even when a window action has them too.
EDITING_KEYS: tuple[QKeySequence.StandardKey, ...] = (
    S.Undo,
    S.Redo,
    S.Cut,
    S.Copy,
    S.Paste,
    S.SelectAll,
    S.Delete,
    S.Backspace,
    S.DeleteStartOfWord,
    S.DeleteEndOfWord,
    S.DeleteEndOfLine,
    S.DeleteCompleteLine,
    S.InsertLineSeparator,
    S.InsertParagraphSeparator,
)


def _unique(sequences: Iterable[QKeySequence]) -> list[QKeySequence]:
    seen: set[str] = set()
    out: list[QKeySequence] = []
    for seq in sequences:
        text = seq.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in seen:
            seen.add(text)
            out.append(seq)
    return out


def undo_keys() -> list[QKeySequence]:
    """Every key this platform uses for Undo (Ctrl+Z, and Alt+Backspace on Windows)."""
    return _unique(QKeySequence.keyBindings(S.Undo))


def redo_keys() -> list[QKeySequence]:
    """The platform's Redo keys, plus Ctrl+Y and Ctrl+Shift+Z wherever they are not already."""
    return _unique(
        [
            *QKeySequence.keyBindings(S.Redo),
            QKeySequence("Ctrl+Y"),
            QKeySequence("Ctrl+Shift+Z"),
        ]
    )


def _sequence(event: QKeyEvent) -> QKeySequence:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeySequence(QKeyCombination(mods, Qt.Key(event.key())))


class WindowKeys(QObject):
    """Routes a window's shortcut keys to its actions from any focused child widget.

    ``document_actions`` (Undo and Redo) take their keys even from fields, but only from fields
    marked :data:`DOCUMENT_UNDO`; elsewhere (the search box) those keys edit the field.
    """

    def __init__(self, window: QWidget, document_actions: Iterable[QAction] = ()) -> None:
        super().__init__(window)
        self._window = window
        self._document_actions = list(document_actions)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # A bound method: disconnected when this object goes with its window.
            app.focusChanged.connect(self._focus_changed)
            self._focus_changed(None, app.focusWidget())

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._inside(new):
            new.installEventFilter(self)  # installing it again does not add a second one

    def _inside(self, widget: QWidget) -> bool:
        """In the window, or in one of its panels floated off it (a dock widget)."""
        w: QWidget | None = widget
        while w is not None:
            if w is self._window:
                return True
            if w.isWindow() and not isinstance(w, QDockWidget):
                return False  # a dialog of the window has keys of its own
            w = w.parentWidget()
        return False

    def window_actions(self) -> list[QAction]:
        """The window's actions whose shortcuts are meant to work anywhere in it."""
        wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
        return [
            a
            for a in self._window.findChildren(QAction)
            if a.shortcutContext() in wide and a.shortcuts()
        ]

    def action_for(self, event: QKeyEvent) -> QAction | None:
        """The window-wide action the key belongs to, if any."""
        seq = _sequence(event)
        for action in self.window_actions():
            for shortcut in action.shortcuts():
                if shortcut.matches(seq) == QKeySequence.SequenceMatch.ExactMatch:
                    return action
        return None

    def window_takes(self, widget: QObject, event: QKeyEvent) -> bool:
        action = self.action_for(event)
        if action is None:
            return False
        if action in self._document_actions and widget.property(DOCUMENT_UNDO):
            return True
        if not action.isEnabled():
            return False
        return not any(event.matches(k) for k in EDITING_KEYS)

    def local_action(self, widget: QObject, event: QKeyEvent) -> QAction | None:
        """An enabled action scoped to the focused widget, or to a panel around it, whose key this
        is and is also a window action's: there, the key is the panel's."""
        if not isinstance(widget, QWidget):
            return None
        seq = _sequence(event)
        scoped = (Qt.ShortcutContext.WidgetShortcut, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        w: QWidget | None = widget
        while w is not None and w is not self._window:
            for action in w.actions():
                context = action.shortcutContext()
                if (
                    context in scoped
                    and (w is widget or context == Qt.ShortcutContext.WidgetWithChildrenShortcut)
                    and action.isEnabled()
                    and any(
                        s.matches(seq) == QKeySequence.SequenceMatch.ExactMatch
                        for s in action.shortcuts()
                    )
                ):
                    return action if self.action_for(event) is not None else None
            w = w.parentWidget()
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(
            event, QKeyEvent
        ):
            local = self.local_action(watched, event)
            if local is not None:
                if kind == QEvent.Type.ShortcutOverride:
                    event.accept()  # the focused widget takes the key: it comes as a key press
                else:
                    local.trigger()
                return True
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self.window_takes(watched, event)
        ):
            event.ignore()  # not claimed by the field: the window's shortcut fires
            return True
        return False
