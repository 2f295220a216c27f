"""Keyboard shortcuts of the main window: each key does one thing, and window-wide keys work
wherever the focus is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

from .helpers import settle

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
Key = Qt.Key


def all_actions(window: MainWindow) -> list[QAction]:
    """Every QAction of the window: its children, and those added to any of its widgets."""
    found: dict[int, QAction] = {id(a): a for a in window.findChildren(QAction)}
    for widget in [window, *window.findChildren(QWidget)]:
        for action in widget.actions():
            found.setdefault(id(action), action)
    return list(found.values())


SCOPED = (Qt.ShortcutContext.WidgetShortcut, Qt.ShortcutContext.WidgetWithChildrenShortcut)


def _panels(action: QAction) -> list[QWidget]:
    return [w for w in action.associatedObjects() if isinstance(w, QWidget)]


def _one_meaning_wherever_the_focus_is(actions: list[QAction]) -> bool:
    """At most one window-wide action, and panel-scoped ones on panels apart from each other
    (the panel's action wins inside it: see shortcuts.WindowKeys)."""
    wide = [a for a in actions if a.shortcutContext() not in SCOPED]
    panels = [w for a in actions if a.shortcutContext() in SCOPED for w in _panels(a)]
    apart = all(
        p is not q and not p.isAncestorOf(q) and not q.isAncestorOf(p)
        for i, p in enumerate(panels)
        for q in panels[i + 1 :]
    )
    return len(wide) <= 1 and apart


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    owners: dict[str, list[QAction]] = defaultdict(list)
    for action in all_actions(window):
        for seq in action.shortcuts():
            owners[seq.toString(QKeySequence.SequenceFormat.PortableText)].append(action)
    assert owners, "the window has no shortcuts at all?"
    shared = {
        key: sorted(f"{a.text().replace('&', '')} ({id(a):x})" for a in actions)
        for key, actions in owners.items()
        if len(actions) > 1 and not _one_meaning_wherever_the_focus_is(actions)
    }
    assert shared == {}
    # The keys with two meanings: Find and New finding in the source reader, Search findings
    # and New section elsewhere; F2 edits the finding in the list and detail pane, the heading
    # or note in the outline.
    assert {
        key: sorted(a.text().replace("&", "") for a in actions)
        for key, actions in owners.items()
        if len(actions) > 1
    } == {
        "Ctrl+F": ["Find in source", "Search findings"],
        "Ctrl+Shift+N": ["New finding…", "New section"],
        "F2": ["Edit finding…", "Edit heading or note"],
    }
    # The standard Save As key is Save As's.
    assert QKeySequence(QKeySequence.StandardKey.SaveAs) in window.act_save_as.shortcuts()


def test_save_as_and_show_in_source_keys_each_fire(
    qtbot: QtBot, window: MainWindow, dialogs
) -> None:  # type: ignore[no-untyped-def]
    window.list.setFocus()
    window.list.setCurrentIndex(window.model.index(0))
    settle(qtbot)
    qtbot.keyClick(window.list, Key.Key_R, Ctrl | Shift)
    settle(qtbot)
    assert window.reader.isVisible()
    window.reader.close()
    # Ctrl+Shift+S (the standard Save As key on every platform here) asks where to save.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.list.setFocus()
    dialogs.choose_file("")  # cancelled
    qtbot.keyClick(window.list, Key.Key_S, Ctrl | Shift)
    settle(qtbot)
    assert dialogs.titles("save") == ["Save briefing as"]


# --- window-wide keys from every field ----------------------------------------------------------


def focus_targets(window: MainWindow) -> dict[str, QWidget]:
    form = window.briefing_panel.details
    return {
        "search box": window.filters.search,
        "findings list": window.list,
        "sort box": window.sort,
        "outline": window.outline,
        "commentary": window.briefing_panel.editor.edit,
        "title": form.fields["title"],
        "date": form.date.edit,
        "marking": form.marking,
        "summary": form.summary,
    }


def give_focus(qtbot: QtBot, window: MainWindow, widget: QWidget) -> None:
    panel = window.briefing_panel
    panel.setCurrentWidget(panel.details if panel.details.isAncestorOf(widget) else panel.widget(0))
    if widget is window.briefing_panel.editor.edit:
        window.outline.setCurrentIndex(window.briefing_panel.model.index(0, 0))
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


WINDOW_KEYS = [
    ("act_export", Key.Key_E, Ctrl),
    ("act_clear", Key.Key_L, Ctrl | Shift),
    ("act_focus_outline", Key.Key_2, Ctrl),
    ("act_new_section", Key.Key_N, Ctrl | Shift),
]


@pytest.mark.parametrize(
    "where",
    [
        "search box",
        "findings list",
        "sort box",
        "outline",
        "commentary",
        "title",
        "date",
        "marking",
        "summary",
    ],
)
def test_window_wide_keys_work_from_every_field(
    qtbot: QtBot, window: MainWindow, where: str
) -> None:
    fired: list[str] = []
    for name, _k, _m in WINDOW_KEYS:
        action: QAction = getattr(window, name)
        action.triggered.disconnect()  # record the key, without opening the export dialog etc.
        action.triggered.connect(lambda _c=False, name=name: fired.append(name))
    widget = focus_targets(window)[where]
    for name, k, mods in WINDOW_KEYS:
        give_focus(qtbot, window, widget)
        qtbot.keyClick(widget, k, mods)
        settle(qtbot)
        assert fired[-1:] == [name], f"{name} did not fire from the {where}"
    assert len(fired) == len(WINDOW_KEYS)


def test_editing_keys_stay_the_search_boxs(qtbot: QtBot, window: MainWindow) -> None:
    """Undo in the search box undoes the typing there, not a change to the briefing."""
    window.briefing_panel.model.add_section(None, 1, "Two")
    settle(qtbot)
    search = window.filters.search
    give_focus(qtbot, window, search)
    qtbot.keyClicks(search, "trust")
    qtbot.keyClick(search, Key.Key_Z, Ctrl)
    settle(qtbot)
    assert search.text() == ""
    assert [s.heading for s in window.doc.briefing.sections] == ["Introduction", "Two"]


# --- the same tests on a Linux desktop's key bindings -----------------------------------------

XVFB_RUN = shutil.which("xvfb-run")
INNER = "BRIEFING_BUILDER_DESKTOP_KEYS"


def test_the_desktop_key_bindings_are_in_force() -> None:
    """Inside the re-run below: GNOME's bindings, where a line edit claims Ctrl+E."""
    if not os.environ.get(INNER):
        pytest.skip("only inside the re-run under X11")
    assert QApplication.platformName() == "xcb"
    assert QKeySequence("Ctrl+E") in QKeySequence.keyBindings(
        QKeySequence.StandardKey.MoveToEndOfLine
    )


@pytest.mark.skipif(bool(os.environ.get(INNER)), reason="this is the re-run")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 key bindings are Linux's")
@pytest.mark.skipif(XVFB_RUN is None, reason="xvfb-run is not installed (apt-get install xvfb)")
def test_keys_with_a_linux_desktops_key_bindings() -> None:
    """The offscreen platform has Windows' key bindings. A GNOME or KDE desktop's give line edits
    Emacs keys (Ctrl+E, Ctrl+U, Ctrl+K...) and Redo on Ctrl+Shift+Z only: run this file again
    on a real X server (Xvfb) with GNOME's bindings."""
    assert XVFB_RUN is not None
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_CURRENT_DESKTOP="GNOME", **{INNER: "1"})
    env.pop("QT_QPA_PLATFORMTHEME", None)
    proc = subprocess.run(
        [XVFB_RUN, "-a", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,  # against a hang only
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " skipped" in proc.stdout and " failed" not in proc.stdout


# --- undo and redo ---------------------------------------------------------------------------


def test_redo_is_ctrl_y_and_ctrl_shift_z(window: MainWindow) -> None:
    keys = {
        s.toString(QKeySequence.SequenceFormat.PortableText) for s in window.act_redo.shortcuts()
    }
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= keys
    assert "Ctrl+Z" in {
        s.toString(QKeySequence.SequenceFormat.PortableText) for s in window.act_undo.shortcuts()
    }


def headings(window: MainWindow) -> list[str]:
    return [s.heading for s in window.doc.briefing.sections]


@pytest.mark.parametrize("redo", ["Ctrl+Y", "Ctrl+Shift+Z"])
@pytest.mark.parametrize(
    "where", ["title", "summary", "marking", "date", "commentary", "findings list", "outline"]
)
def test_undo_and_redo_keys_work_from_every_briefing_field(
    qtbot: QtBot, window: MainWindow, where: str, redo: str
) -> None:
    window.briefing_panel.model.add_section(None, 1, "Two")
    settle(qtbot)
    widget = focus_targets(window)[where]
    give_focus(qtbot, window, widget)
    qtbot.keyClick(widget, Key.Key_Z, Ctrl)
    settle(qtbot)
    assert headings(window) == ["Introduction"], f"Ctrl+Z from the {where}"
    give_focus(qtbot, window, widget)
    key = QKeySequence(redo)[0]
    qtbot.keyClick(widget, key.key(), key.keyboardModifiers())
    settle(qtbot)
    assert headings(window) == ["Introduction", "Two"], f"{redo} from the {where}"


def test_redo_inside_a_details_field_after_undo_from_the_menu(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Typing undone from the Edit menu is redone by the key in the field (it did nothing)."""
    title = window.briefing_panel.details.fields["title"]
    give_focus(qtbot, window, title)
    title.selectAll()
    qtbot.keyClicks(title, "Partnership evidence")
    assert window.doc.briefing.title == "Partnership evidence"
    window.act_undo.trigger()
    assert title.text() == window.doc.briefing.title == "Untitled briefing"
    give_focus(qtbot, window, title)
    qtbot.keyClick(title, Key.Key_Z, Ctrl | Shift)
    assert title.text() == window.doc.briefing.title == "Partnership evidence"
    # And Ctrl+Z in the field undoes the briefing's typing, as one step.
    qtbot.keyClick(title, Key.Key_Z, Ctrl)
    assert title.text() == window.doc.briefing.title == "Untitled briefing"
    qtbot.keyClick(title, Key.Key_Y, Ctrl)
    assert window.doc.briefing.title == "Partnership evidence"
