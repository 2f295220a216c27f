"""Right-click menus on the findings list and the briefing outline.

Each menu is made of the window's own actions (one action, many places), so a shortcut shown
in a menu is the one that works and an action greyed out in the Edit menu is greyed out here.
The menus are built by methods that return them, unshown, and shown at the pointer by the
right-click handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from ..core.model import Finding

if TYPE_CHECKING:
    from .main_window import MainWindow

#: The outline's menu, by the window's action attributes (None: a separator). Actions the window
#: does not have are left out, so the menu takes up new ones (Cut, Paste...) as they are added.
OUTLINE_MENU: tuple[str | None, ...] = (
    "act_edit",
    "act_delete",
    None,
    "act_cut",
    "act_copy",
    "act_paste",
    "act_move_to_section",
    None,
    "act_new_section",
    "act_new_subsection",
    "act_new_note",
    None,
    "act_up",
    "act_down",
    "act_indent",
    "act_outdent",
)

#: The findings list's menu: the window's actions, then Copy and the filters for the finding.
FINDINGS_MENU: tuple[str | None, ...] = ("act_add", "act_show_source")
#: Then the library's own: change or retire the finding, correct its source (gui/curation.py).
CURATION_MENU: tuple[str | None, ...] = (
    "act_edit_finding",
    "act_retire_finding",
    "act_edit_source",
)


def add_actions(menu: QMenu, owner: object, names: Sequence[str | None]) -> None:
    """Add ``owner``'s actions named in ``names`` to ``menu``, with no empty groups."""
    pending_separator = False
    for name in names:
        if name is None:
            pending_separator = bool(menu.actions())
            continue
        action = getattr(owner, name, None)
        if not isinstance(action, QAction):
            continue
        if pending_separator:
            menu.addSeparator()
            pending_separator = False
        menu.addAction(action)


def quote_with_citation(finding: Finding, citation: str) -> str:
    """A finding as it would be pasted into an email or a draft: the quote, then its source."""
    if citation.startswith("Note 1: "):  # a note style's first note: just the reference
        citation = citation[len("Note 1: ") :]
    quote = f"“{finding.text.strip()}”"
    if citation.startswith("("):  # author-date: "(Scottish Government, n.d., section 3)"
        return f"{quote} {citation}"
    return f"{quote} — {citation}"


class ContextMenus(QObject):
    """The window's right-click menus."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.act_copy_citation = window._action(
            "&Copy quote with citation",
            self.copy_quote_with_citation,
            tip="Copy the finding's text and its reference, to paste into an email or a draft",
        )
        for view, handler in (
            (window.list, self._findings_requested),
            (window.outline, self._outline_requested),
        ):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(handler)

    # --- the findings list ---------------------------------------------------------------------

    def _clicked_finding(self) -> Finding | None:
        findings = self.window.selected_findings()
        return findings[0] if len(findings) == 1 else self.window.detail.finding

    def findings_menu(self) -> QMenu:
        """Add, show in source, copy; then filter by the current finding's source or theme."""
        w = self.window
        menu = QMenu(w.list)
        add_actions(menu, w, FINDINGS_MENU)
        menu.addAction(self.act_copy_citation)
        curation = getattr(w, "curation", None)
        if curation is not None:
            menu.addSeparator()
            add_actions(menu, curation, CURATION_MENU)
        finding = self._clicked_finding()
        lib = w.opened.library
        if finding is not None:
            menu.addSeparator()
            source = lib.source(finding.source)
            name = source.short if source is not None else finding.source
            by_source = menu.addAction(f"Filter by this source ({name})")
            by_source.triggered.connect(lambda: self.filter_by("sources", finding.source))
            themes = [t for t in (lib.theme(i) for i in finding.themes) if t is not None]
            if len(themes) == 1:
                theme = themes[0]
                act = menu.addAction(f"Filter by this theme ({theme.label})")
                act.triggered.connect(lambda: self.filter_by("themes", theme.id))
            elif themes:
                sub = menu.addMenu("Filter by this theme")
                for theme in themes:
                    act = sub.addAction(theme.label)
                    act.triggered.connect(lambda _c=False, t=theme.id: self.filter_by("themes", t))
        return menu

    def filter_by(self, facet: str, value: str) -> None:
        """Show only the findings with this value (the other filters stay as they are)."""
        filters = self.window.filters
        filters.set_filter(filters.current.with_values(facet, {value}))

    def copy_quote_with_citation(self) -> str:
        w = self.window
        findings = w.selected_findings() or ([w.detail.finding] if w.detail.finding else [])
        text = "\n\n".join(
            quote_with_citation(f, w.detail.citation(f, w.opened.library)) for f in findings
        )
        if text:
            QGuiApplication.clipboard().setText(text)
            n = len(findings)
            w.statusBar().showMessage(
                f"Copied {n} quote{'s' if n != 1 else ''} with {'its' if n == 1 else 'their'} "
                "citation",
                4000,
            )
        return text

    def _findings_requested(self, pos: QPoint) -> None:
        if self.window.list.indexAt(pos).isValid():
            menu = self.findings_menu()
            menu.exec(self.window.list.viewport().mapToGlobal(pos))
            menu.deleteLater()

    # --- the outline -----------------------------------------------------------------------------

    def outline_menu(self) -> QMenu:
        menu = QMenu(self.window.outline)
        add_actions(menu, self.window, OUTLINE_MENU)
        return menu

    def _outline_requested(self, pos: QPoint) -> None:
        menu = self.outline_menu()
        menu.exec(self.window.outline.viewport().mapToGlobal(pos))
        menu.deleteLater()
