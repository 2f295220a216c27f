"""Every control can be named by a screen reader, and nothing collapses at a laptop's 1366×768."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

from .helpers import settle


def controls(window: MainWindow) -> list[QWidget]:
    """What a keyboard user can reach (takes Tab focus) plus every button, in the window itself.

    Left out: popups (another window), the internal parts of composite controls (the line edit in
    a combo box or date field, a line edit's clear button, the menu bar's overflow button), and a
    tab widget's frame, whose tab bar is the control.
    """
    out = []
    for w in window.findChildren(QWidget):
        if w.window() is not window:
            continue
        if isinstance(w.parent(), (QComboBox, QAbstractSpinBox, QLineEdit, QMenuBar)):
            continue
        if isinstance(w, QTabWidget):
            continue
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus or isinstance(w, QAbstractButton):
            out.append(w)
    return out


def test_every_control_has_a_name(window: MainWindow) -> None:
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    found = controls(window)
    assert len(found) >= 25  # the filter panel, list, detail, outline, editor and details form
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r} in {type(w.parent()).__name__}"
        for w in found
        if not w.accessibleName().strip() and id(w) not in buddies and not isinstance(w, QTabBar)
    ]
    assert unnamed == []
    # What a screen reader gets: a name for every one (a tab bar's is its current tab).
    for w in found:
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None and iface.text(QAccessible.Text.Name).strip(), w
    tabs = window.briefing_panel.tabBar()
    assert all(tabs.tabText(i).replace("&", "").strip() for i in range(tabs.count()))


def test_named_controls_are_the_expected_ones(window: MainWindow) -> None:
    names = {w.accessibleName() for w in controls(window)}
    for expected in (
        "Search findings",
        "Clear filters",
        "Theme matching",
        "Themes filter",
        "Sources filter",
        "Kinds filter",
        "Places filter",
        "Findings",
        "Sort findings",
        "Finding detail",
        "Show in source",
        "Add to briefing",
        "Briefing outline",
        "Commentary",
        "Title",
        "Date",
        "Protective marking",
        "Summary",
        "Library problems",
    ):
        assert expected in names, expected


def test_main_panes_have_room_at_1366_by_768(qtbot: QtBot, window: MainWindow) -> None:
    window.showNormal()
    window.resize(1366, 768)
    settle(qtbot)
    assert window.width() <= 1366 and window.height() <= 768
    panes = {
        "filters": window.filters,
        "search": window.filters.search,
        "themes": window.filters.views["themes"],
        "places": window.filters.views["places"],
        "findings": window.list,
        "detail": window.detail,
        "briefing": window.briefing_panel,
        "outline": window.outline,
        "editor": window.briefing_panel.editor,
    }
    for name, pane in panes.items():
        assert pane.isVisible(), name
        assert pane.width() >= 150, (name, pane.width())
        assert pane.height() >= 20, (name, pane.height())
    assert all(size > 0 for size in window.splitter.sizes())
    # The three columns fit side by side.
    right = window.filters.mapTo(window, window.filters.rect().topRight()).x()
    left_of_list = window.list.mapTo(window, window.list.rect().topLeft()).x()
    assert right < left_of_list
    # And a finding card shows at least a few rows.
    assert window.list.height() >= 3 * window.list.sizeHintForRow(0)


def test_main_panes_have_room_with_the_problems_dock(
    qtbot: QtBot, window: MainWindow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    window.problems_dock.show()
    window.resize(1366, 768)
    settle(qtbot)
    for pane in (window.filters, window.list, window.detail, window.outline, window.problems):
        assert pane.width() > 0 and pane.height() > 0, pane
