"""The main window: filter the library, read findings, build and save the briefing."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.briefing import Briefing, EvidenceItem, NoteItem, OutlineError, Section
from ..core.briefing_io import (
    SUFFIX,
    BriefingError,
    FileChangedOnDisk,
    file_hash,
    library_path,
    read_briefing,
    save_briefing,
)
from ..core.cache import OpenedLibrary
from ..core.filenames import safe_file_name
from ..core.filtering import Filter
from ..core.logs import one_sentence
from ..core.model import Finding
from ..core.paths import resources_dir
from ..core.recovery import RecoverySession
from ..core.settings import Settings
from ..export.citations import STYLES, usable_style
from .context_menus import ContextMenus
from .curation import Curation
from .detail_pane import DetailPane
from .document import BriefingDocument
from .errors import open_log_folder
from .export_dialog import ExportDialog, ExportReport, citation_text
from .filter_panel import FilterPanel
from .finding_delegate import FindingDelegate
from .findings_model import SORT_MODES, FindingsModel
from .findings_view import FindingsView
from .help import (
    open_example_briefing,
    plain_text,
    shortcut_tooltips,
    show_shortcuts,
    show_user_guide,
)
from .icons import PaletteIcons
from .length_status import LengthStatus
from .library_loader import LibraryLoader
from .outline_clipboard import OutlineClipboard
from .outline_panel import BriefingPanel
from .shortcuts import WindowKeys, redo_keys, undo_keys
from .source_actions import SourceActions
from .source_reader import SourceReader

log = logging.getLogger(__name__)

FILE_FILTER = f"Briefings (*{SUFFIX} *.yaml *.yml);;All files (*)"
AUTOSAVE_DELAY_MS = 2000
RECENT_TEXT_WIDTH = 560  # pixels; a longer path in Open recent is elided in the middle
SHOW_IN_SOURCE_KEY = "Ctrl+Shift+R"


def _library_relative_to(briefing: Briefing, old: Path | None, new: Path) -> str | None:
    """The briefing's ``library``, rewritten for a file saved at ``new`` instead of ``old``."""
    if not briefing.library or old is None or Path(briefing.library).expanduser().is_absolute():
        return briefing.library
    folder = library_path(briefing, old)
    assert folder is not None
    try:
        return Path(os.path.relpath(folder.resolve(), new.parent.resolve())).as_posix()
    except ValueError:  # on another drive (Windows): only an absolute path reaches it
        return str(folder.resolve())


# Column widths at first start (filters, findings, briefing), as shares of the window's width.
INITIAL_COLUMNS = (22, 45, 33)  # per cent
FILTERS_WIDE = 340  # pixels: on a wide screen the filters need no more


def _b64(state: QByteArray) -> str:
    return bytes(state.toBase64().data()).decode()


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "briefing-builder.svg"))


class MainWindow(QMainWindow):
    def __init__(
        self,
        opened: OpenedLibrary,
        settings: Settings | None = None,
        recovery: RecoverySession | None = None,
    ) -> None:
        super().__init__()
        self.opened = opened
        self.settings = settings or Settings()
        self.recovery = recovery
        self.setWindowIcon(app_icon())
        self.doc = BriefingDocument(opened.library, parent=self)

        # --- widgets -------------------------------------------------------------------------
        self.filters = FilterPanel()
        self.model = FindingsModel(opened.library, opened.index, self)
        self.list = FindingsView()
        self.list.setModel(self.model)
        delegate = FindingDelegate(self.list)
        self.list.setItemDelegate(delegate)
        self.list.fit_rows(delegate)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list.setAccessibleName("Findings")
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.sort = QComboBox()
        for key, label in SORT_MODES.items():
            self.sort.addItem(label, key)
        self.sort.setAccessibleName("Sort findings")
        # The longest sort name must not set the findings column's minimum width: below its
        # natural width the combo shrinks (and elides) rather than squeezing the list.
        self.sort.setMinimumWidth(self.sort.fontMetrics().averageCharWidth() * 16)
        self.count_label = QLabel()
        self.detail = DetailPane()
        self.detail.library = opened.library
        self.detail.citation = lambda f, lib: citation_text(
            f, lib, usable_style(self.doc.briefing.style, self.settings.default_style)
        )
        self.briefing_panel = BriefingPanel(self.doc)
        self.outline = self.briefing_panel.view

        list_box = QWidget()
        lay = QVBoxLayout(list_box)
        lay.setContentsMargins(4, 6, 4, 0)
        head = QHBoxLayout()
        head.addWidget(self.count_label, 1)
        sort_label = QLabel("S&ort:")
        sort_label.setBuddy(self.sort)
        head.addWidget(sort_label)
        head.addWidget(self.sort)
        lay.addLayout(head)
        lay.addWidget(self.list, 1)
        self.detail_splitter = middle = QSplitter(Qt.Orientation.Vertical)
        middle.setObjectName("detail_splitter")
        middle.addWidget(list_box)
        middle.addWidget(self.detail)
        middle.setChildrenCollapsible(False)
        middle.setStretchFactor(0, 2)
        middle.setStretchFactor(1, 1)
        middle.setSizes([470, 250])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.filters)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.briefing_panel)
        self.splitter.setChildrenCollapsible(False)
        # When the window grows or shrinks the findings list gains or gives the most: it is
        # what the officer reads; the filters keep their width.
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([13 * p for p in INITIAL_COLUMNS])
        self._columns_fitted = False
        self.setCentralWidget(self.splitter)

        self.problems = QListWidget()
        self.problems.setAccessibleName("Library problems")
        self.problems_dock = QDockWidget("Library problems", self)
        self.problems_dock.setObjectName("problems")
        self.problems_dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        # Show in source: beside the window, following the selected finding until closed.
        self.reader = SourceReader(opened.library, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.reader)
        self.reader.hide()

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.write_recovery)
        # Shown, in the status bar, for as long as unsaved work cannot be autosaved.
        self.autosave_off = QLabel("⚠ Autosave off")
        self.autosave_off.setAccessibleName("Autosave is off")
        self.autosave_off.hide()
        self.statusBar().addPermanentWidget(self.autosave_off)
        self.length_status = LengthStatus(
            self.doc, lambda: usable_style(self.doc.briefing.style, self.settings.default_style)
        )
        self.statusBar().addPermanentWidget(self.length_status)
        self._export_message = ""  # the status message about the last export, while it holds
        # Libraries open in the background; the one in use stays usable until the next is ready.
        self.library_loader = LibraryLoader(self.statusBar(), self)
        self.library_loader.loaded.connect(self._library_loaded)
        self.library_loader.failed.connect(self._library_failed)
        self.library_loader.cancelled.connect(self._library_cancelled)
        self._flags_to_report: Path | None = None  # a briefing opened with its library

        self._build_actions()
        self._build_toolbar()
        self._build_context_menus()
        # Library → new findings, edits, themes, with the library's own undo history.
        self.curation = Curation(self)
        # Window-wide keys (Ctrl+E...) work wherever the focus is, the search box included.
        self._keys = WindowKeys(self, [self.act_undo, self.act_redo])
        self._connect()
        self._show_library()
        self._update_title()
        self.resize(1366, 768)
        self._restore_geometry()
        self._start_recovery()

    # --- actions -------------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        S = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New briefing", self.new_briefing, S.New)
        self.act_open = a("&Open briefing…", self.open_briefing_dialog, S.Open)
        self.act_save = a("&Save", self.save, S.Save)
        self.act_save_as = a("Save &As…", self.save_as, S.SaveAs)
        self.act_export = a(
            "&Export…",
            self.export_dialog,
            "Ctrl+E",
            "Export the briefing as a referenced Word document or PDF",
        )
        self.act_open_library = a(
            "Open &library…",
            self.open_library_dialog,
            "Ctrl+Shift+O",
            "Switch to another evidence library folder",
        )
        self.act_quit = a("&Quit", self.close, S.Quit)
        self.recent_menu_actions: list[QAction] = []

        self.act_undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts(undo_keys())
        self.act_redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts(redo_keys())  # Ctrl+Y and Ctrl+Shift+Z on every platform
        self.act_add = a(
            "&Add to briefing",
            self.add_selected_findings,
            "Ctrl+Return",
            "Add the selected findings after the current outline item",
        )
        self.act_add.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.act_new_section = a(
            "New &section", lambda: self.new_section(sub=False), "Ctrl+Shift+N"
        )
        self.act_new_subsection = a(
            "New s&ubsection", lambda: self.new_section(sub=True), "Ctrl+Alt+N"
        )
        self.act_new_note = a(
            "New &note", self.new_note, "Ctrl+Shift+M", "Add a paragraph of your own commentary"
        )
        self.act_edit = a("&Edit heading or note", self.edit_current, "F2")
        self.act_delete = a("&Delete", self.delete_selected, QKeySequence(Qt.Key.Key_Delete))
        self.act_up = a("Move &up", lambda: self.move_current(-1), "Alt+Up")
        self.act_down = a("Move do&wn", lambda: self.move_current(1), "Alt+Down")
        self.act_indent = a("&Indent section", self.indent_current, "Alt+Right")
        self.act_outdent = a("&Outdent section", self.outdent_current, "Alt+Left")
        self.outline_clipboard = OutlineClipboard(self.briefing_panel, self.statusBar())
        self.act_cut = a("Cu&t", self.outline_clipboard.cut, S.Cut)
        self.act_copy = a("&Copy", lambda: self.outline_clipboard.copy(), S.Copy)
        self.act_paste = a("&Paste", self.outline_clipboard.paste, S.Paste)
        self.act_move_to = a(
            "Move to sec&tion…",
            lambda: self.outline_clipboard.move_to_section(self),
            "Ctrl+Shift+T",
            "Move the selected outline items into another section",
        )
        for act in (
            self.act_cut,
            self.act_copy,
            self.act_paste,
            self.act_move_to,
            self.act_edit,
            self.act_delete,
            self.act_up,
            self.act_down,
            self.act_indent,
            self.act_outdent,
        ):
            # Outline-only keys: active while the outline has focus, so text fields keep Delete etc.
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.outline.addAction(act)

        self.act_find = a("&Search findings", self.focus_search, S.Find)
        self.act_clear = a("&Clear filters", self.filters.clear, "Ctrl+Shift+L")
        # Ctrl+Shift+S is Save As everywhere; R for reading the quote in its source.
        self.act_show_source = a("Show in &source", self.show_in_source, SHOW_IN_SOURCE_KEY)
        self.act_focus_list = a("Go to &findings", lambda: self.list.setFocus(), "Ctrl+1")
        self.act_focus_outline = a("Go to &outline", lambda: self.outline.setFocus(), "Ctrl+2")
        self.act_focus_filters = a(
            "Go to &themes filter", lambda: self.filters.views["themes"].setFocus(), "Ctrl+3"
        )
        self.act_problems = self.problems_dock.toggleViewAction()
        self.act_problems.setText("Library &problems")
        self.act_reader = self.reader.toggleViewAction()
        self.act_reader.setText("Source &reader")

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &recent")
        # Built afresh each time it opens, so a file deleted meanwhile shows greyed out.
        self.recent_menu.aboutToShow.connect(self._refresh_recent_menu)
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_open_library)
        self.sources = SourceActions(self)
        file_menu.addActions(self.sources.actions)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_undo, self.act_redo])
        edit_menu.addSeparator()
        edit_menu.addActions(
            [self.act_add, self.act_new_section, self.act_new_subsection, self.act_new_note]
        )
        edit_menu.addSeparator()
        edit_menu.addActions(
            [
                self.act_edit,
                self.act_delete,
                self.act_up,
                self.act_down,
                self.act_indent,
                self.act_outdent,
            ]
        )
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_move_to])
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.act_find, self.act_clear, self.act_show_source])
        view_menu.addSeparator()
        view_menu.addActions(
            [self.act_focus_filters, self.act_focus_list, self.act_focus_outline, self.act_problems]
        )
        view_menu.addAction(self.act_reader)
        self.view_menu = view_menu  # the toolbar's entry joins it in _build_toolbar
        help_menu = bar.addMenu("&Help")
        self.act_user_guide = self._action(
            "&User guide", lambda: show_user_guide(self), S.HelpContents, "How to use the app"
        )
        self.act_shortcuts = self._action(
            "&Keyboard shortcuts",
            lambda: show_shortcuts(self),
            tip="Every keyboard shortcut, by menu",
        )
        self.act_open_example = self._action(
            "Open &example briefing",
            lambda: open_example_briefing(self),
            tip="Open a copy of the example briefing that comes with the app",
        )
        help_menu.addActions([self.act_user_guide, self.act_shortcuts, self.act_open_example])
        help_menu.addSeparator()
        self.act_open_log_folder = self._action(
            "Open &log folder",
            lambda: open_log_folder(self),
            tip="Show the folder of the app's log, which records the details of any error",
        )
        help_menu.addAction(self.act_open_log_folder)
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About Briefing Builder", self.about))
        self._refresh_recent_menu()

    # Toolbar actions: (attribute, icon in resources/icons), None for a separator.
    TOOLBAR = (
        ("act_new", "file-plus"),
        ("act_open", "folder-open"),
        ("act_save", "save"),
        ("act_export", "file-output"),
        None,
        ("act_undo", "undo-2"),
        ("act_redo", "redo-2"),
        None,
        ("act_add", "list-plus"),
        ("act_new_section", "folder-plus"),
        ("act_new_note", "message-square-plus"),
        None,
        ("act_show_source", "book-open"),
        ("act_open_library", "library"),
    )
    # Shown with their names beside the icon; the others as icons with tooltips.
    TOOLBAR_LABELLED = ("act_export", "act_add", "act_show_source")

    def _build_toolbar(self) -> None:
        """The everyday actions as icons: the same QAction objects as the menus."""
        self.toolbar = bar = self.addToolBar("Toolbar")
        bar.setObjectName("main_toolbar")  # saveState keeps where it is and whether shown
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons: dict[QAction, str] = {}
        for entry in self.TOOLBAR:
            if entry is None:
                bar.addSeparator()
                continue
            name, icon = entry
            action: QAction = getattr(self, name)
            if name not in self.TOOLBAR_LABELLED:
                action.setPriority(QAction.Priority.LowPriority)  # icon only in the toolbar
            icons[action] = icon
            bar.addAction(action)
            # Named for a screen reader ("Undo", not the change it would undo).
            bar.widgetForAction(action).setAccessibleName(plain_text(action.text()))
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:  # shown when the window is too narrow for every button
            more.setAccessibleName("More toolbar buttons")
        self.toolbar_icons = PaletteIcons(self, icons)
        self._tooltips = shortcut_tooltips(list(icons), self)
        self.act_toolbar = bar.toggleViewAction()
        self.act_toolbar.setText("&Toolbar")
        self.view_menu.addAction(self.act_toolbar)

    def _build_context_menus(self) -> None:
        """Right-click menus on the findings, the outline and the filter lists."""
        self.context_menus = ContextMenus(self)

    def _connect(self) -> None:
        self.filters.filterChanged.connect(self.apply_filter)
        self.sort.currentIndexChanged.connect(
            lambda _i: self.model.set_sort(self.sort.currentData())
        )
        self.list.selectionModel().currentChanged.connect(self._current_finding_changed)
        self.list.doubleClicked.connect(lambda _i: self.add_selected_findings())
        self.detail.showInSource.connect(lambda f: self.show_in_source(f))
        self.reader.findingChosen.connect(self._reader_moved)
        self.detail.addRequested.connect(self.add_selected_findings)
        # Bound methods, not lambdas: Qt disconnects them when the window goes away.
        self.doc.undo_stack.cleanChanged.connect(self._update_title)
        self.doc.undo_stack.indexChanged.connect(self._document_changed)
        self.doc.metadataChanged.connect(self._update_title)
        self.doc.pathChanged.connect(self._update_title)
        self.doc.undo_stack.indexChanged.connect(self._clear_export_message)
        self.doc.pathChanged.connect(self._clear_export_message)
        self.briefing_panel.model.modelReset.connect(self._update_in_briefing)
        self.briefing_panel.currentNodeChanged.connect(self._current_node_changed)

    # --- library -------------------------------------------------------------------------------

    def _show_library(self, *, keep_search: bool = False) -> None:
        lib = self.opened.library
        self.filters.set_library(lib, keep_search=keep_search)
        result = self.model.set_library(lib, self.opened.index, self.filters.current)
        self.filters.show_result(result)
        self.detail.library = lib
        self.reader.set_library(lib)
        self.detail.set_query(self.model.current_filter.text)
        self._update_count(len(result))
        self.problems.clear()
        for p in lib.problems:
            self.problems.addItem(str(p))
        # Errors (findings left out) open the panel; warnings alone are only mentioned, so a
        # sound library with, say, an online source lacking its access date does not take room
        # from the officer's work at every start.
        errors = len(lib.errors)
        warnings = len(lib.problems) - errors
        self.problems_dock.setVisible(bool(errors))
        status = (
            f"Library “{lib.title}”: {len(lib.findings)} findings from {len(lib.sources)} sources"
        )
        if errors:
            status += f" — {errors} problem{'s' if errors != 1 else ''} (see Library problems)"
        elif warnings:
            status += (
                f" — {warnings} warning{'s' if warnings != 1 else ''} (View → Library problems)"
            )
        self.statusBar().showMessage(status)
        self._update_in_briefing()
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self.detail.show_finding(None)

    def switch_library(self, folder: Path) -> None:
        """Open the library in ``folder`` in the background (stopping any other being opened);
        the library in use stays usable until it is ready, then :meth:`_library_loaded`."""
        self.library_loader.start(folder, self.opened.library.title)
        if not self.opened.library.findings:  # nothing in use yet (start-up)
            self.count_label.setText("Opening the library…")
            self.statusBar().clearMessage()

    def _library_loaded(self, folder: Path, opened: OpenedLibrary) -> None:
        # Refused only when there is a library in use to keep; otherwise its problems are shown.
        if not opened.library.findings and opened.library.errors and self.opened.library.findings:
            QMessageBox.warning(
                self,
                "Cannot open library",
                f"No findings could be read from {folder}.\n\n"
                + "\n".join(str(p) for p in opened.library.problems[:8]),
            )
            self._report_flags()
            return
        starting = not self.opened.library.findings  # what was typed meanwhile is for this one
        self.opened = opened
        self.doc.set_library(opened.library)
        self._show_library(keep_search=starting)
        self.settings.last_library = str(folder)
        self._save_settings()
        self._report_flags()

    def _in_use(self) -> str:
        if self.opened.library.findings:
            return f"You are still working with “{self.opened.library.title}”."
        self._update_count(0)
        return "No library is open: choose one with File → Open library…."

    def _library_failed(self, folder: Path, exc: BaseException) -> None:
        log.error("Cannot open the library %s", folder, exc_info=exc)
        QMessageBox.warning(
            self,
            "Cannot open library",
            f"The library in {folder} could not be opened: {one_sentence(exc)}.\n\n"
            f"{self._in_use()} The details were written to the log (Help → Open log folder).",
        )
        self._report_flags()

    def _library_cancelled(self, folder: Path) -> None:
        self.statusBar().showMessage(
            f"Stopped opening the library in {folder}. {self._in_use()}", 8000
        )
        self._report_flags()

    def _report_flags(self) -> None:
        """Once a briefing's library is in (or not), say how many of its findings are flagged."""
        path, self._flags_to_report = self._flags_to_report, None
        if path is None:
            return
        flagged = [
            self.briefing_panel.model.flag_text(e) for e in self.doc.briefing.evidence_items()
        ]
        n = sum(1 for f in flagged if f)
        if n:
            self.statusBar().showMessage(
                f"Opened {path.name}: {n} finding{'s' if n != 1 else ''} flagged — see ⚠ in the outline",
                8000,
            )

    def open_library_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Open evidence library", str(self.opened.library.root)
        )
        if folder:
            self.switch_library(Path(folder))

    # --- filtering and the findings list ---------------------------------------------------

    def apply_filter(self, flt: Filter) -> None:
        current = self.list.currentIndex()
        at = self.model.finding_at(current.row()) if current.isValid() else None
        keep = at.id if at is not None else None
        result = self.model.apply_filter(flt)
        self.detail.set_query(flt.text)  # the list marks hits through the model
        self.filters.show_result(result)
        self._update_count(len(result))
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        else:
            self.detail.show_finding(None)

    def _update_count(self, n: int) -> None:
        total = len(self.opened.library.findings)
        self.count_label.setText(f"<b>{n}</b> of {total} findings")

    def _current_finding_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        finding = self.model.finding_at(current.row()) if current.isValid() else None
        self.detail.show_finding(finding)
        self.reader.follow(finding)

    def _current_node_changed(self, node: Section | EvidenceItem | NoteItem | None) -> None:
        """The detail pane shows the outline row just chosen there."""
        if node is None or not self.outline.hasFocus():
            return
        self.detail.show_outline_item(*self.briefing_panel.model.detail_of(node))

    def selected_findings(self) -> list[Finding]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        if not rows and self.list.currentIndex().isValid():
            rows = [self.list.currentIndex().row()]
        return [f for r in rows if (f := self.model.finding_at(r)) is not None]

    def show_in_source(self, finding: Finding | None = None) -> SourceReader | None:
        """Open the reader on the finding (it says so when the source has no readable text)."""
        finding = finding or self.detail.finding
        if finding is None:
            return None
        self.reader.follow(finding)  # shown as the reader opens, not the one it last showed
        self.reader.show()
        self.reader.raise_()
        self.reader.reveal(finding)
        self.reader.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.reader

    def _reader_moved(self, finding_id: str) -> None:
        """The reader went to another finding: select it in the list, if the filters show it."""
        row = self.model.row_of(finding_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        else:
            self.statusBar().showMessage(
                "That finding is hidden by the filters; clear them to see it in the list", 5000
            )

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def _update_in_briefing(self) -> None:
        counts: dict[str, int] = {}
        for fid in self.doc.briefing.finding_ids():
            counts[fid] = counts.get(fid, 0) + 1
        self.model.set_in_briefing(counts)
        self.reader.set_in_briefing(counts)

    # --- outline editing -------------------------------------------------------------------

    def current_node(self) -> Section | EvidenceItem | NoteItem | None:
        return self.briefing_panel.model.node(self.outline.currentIndex())

    def _insertion_point(self) -> tuple[Section | None, int]:
        node = self.current_node()
        if isinstance(node, Section):
            return node, len(node.items)
        if node is not None:
            section = self.doc.briefing.section_of(node)
            return section, next(i for i, x in enumerate(section.items) if x is node) + 1
        sections = self.doc.briefing.sections
        return (sections[-1], len(sections[-1].items)) if sections else (None, 0)

    def add_selected_findings(self) -> None:
        findings = self.selected_findings()
        if not findings:
            return
        section, row = self._insertion_point()
        already = [f.id for f in findings if f.id in set(self.doc.briefing.finding_ids())]
        self.briefing_panel.model.add_findings([f.id for f in findings], section, row)
        msg = f"Added {len(findings)} finding{'s' if len(findings) != 1 else ''} to the briefing"
        if already:
            msg += f" — {len(already)} already in it (flagged in the outline)"
        self.statusBar().showMessage(msg, 5000)

    def new_section(self, sub: bool) -> None:
        node = self.current_node()
        model = self.briefing_panel.model
        if isinstance(node, (EvidenceItem, NoteItem)):
            node = self.doc.briefing.section_of(node)
        if sub and isinstance(node, Section):
            nid = model.add_section(node, len(node.sections), "New subsection")
        else:
            parent = self.doc.briefing.parent_of(node) if isinstance(node, Section) else None
            siblings = self.doc.briefing.section_list(parent)
            row = next((i + 1 for i, s in enumerate(siblings) if s is node), len(siblings))
            nid = model.add_section(parent, row)
        QTimer.singleShot(0, lambda: self._edit_node(nid))

    def new_note(self) -> None:
        section, row = self._insertion_point()
        if section is None:
            self.briefing_panel.model.add_section(None, 0, "Introduction")
            section, row = self.doc.briefing.sections[0], 0
        nid = self.briefing_panel.model.add_note(section, row)
        QTimer.singleShot(0, lambda: self.briefing_panel.editor.edit.setFocus())
        self._last_new_node = nid

    def _edit_node(self, node_id: str) -> None:
        idx = self.briefing_panel.model.index_of_id(node_id)
        if idx.isValid():
            self.outline.setCurrentIndex(idx)
            self.outline.edit(idx)

    def edit_current(self) -> None:
        idx = self.outline.currentIndex()
        if idx.isValid():
            self.outline.edit(idx)

    def selected_nodes(self) -> list[Section | EvidenceItem | NoteItem]:
        model = self.briefing_panel.model
        return [
            n
            for i in self.outline.selectionModel().selectedRows()
            if (n := model.node(i)) is not None
        ]

    def delete_selected(self) -> None:
        nodes = self.selected_nodes() or ([n] if (n := self.current_node()) is not None else [])
        self.briefing_panel.model.delete_nodes(nodes)

    def _outline_edit(self, fn: object) -> None:
        try:
            fn()  # type: ignore[operator]
        except OutlineError as exc:
            self.statusBar().showMessage(str(exc).capitalize(), 4000)

    def move_current(self, step: int) -> None:
        node = self.current_node()
        if node is not None:
            self._outline_edit(lambda: self.briefing_panel.model.move_by(node, step))

    def indent_current(self) -> None:
        node = self.current_node()
        if isinstance(node, Section):
            self._outline_edit(lambda: self.briefing_panel.model.indent(node))

    def outdent_current(self) -> None:
        node = self.current_node()
        if isinstance(node, Section):
            self._outline_edit(lambda: self.briefing_panel.model.outdent(node))

    # --- files ---------------------------------------------------------------------------------

    def _update_title(self, *_args: object) -> None:
        """ "Name — Briefing Builder": the file's name, or the title of a briefing never saved;
        ``[*]`` shows the unsaved mark (an asterisk, or the dot on macOS)."""
        path = self.doc.path
        if path is not None:
            name = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
        else:
            name = self.doc.briefing.title.strip() or "Untitled briefing"
        self.setWindowTitle(f"{name}[*] — Briefing Builder")
        self.setWindowModified(self.doc.modified)

    def _document_changed(self, _index: int) -> None:
        self._update_in_briefing()
        if self.doc.modified:
            self._autosave.start()
        elif self.recovery is not None:
            self._autosave.stop()
            self.recovery.discard()

    def write_recovery(self) -> None:
        if self.recovery is not None and self.doc.modified:
            try:
                self.recovery.write(self.doc.briefing, self.doc.path, self.doc.file_hash)
            except OSError as exc:  # the next change tries again
                log.warning("Cannot autosave to %s", self.recovery.directory, exc_info=True)
                self._autosave_unavailable(exc)
            else:
                self._autosave_available()

    def _start_recovery(self) -> None:
        """Take the recovery slot now, so an unusable folder is said at once, not at the crash."""
        if self.recovery is None:
            return
        try:
            self.recovery.start()
        except OSError as exc:
            log.warning(
                "Autosave is off: %s cannot be used", self.recovery.directory, exc_info=True
            )
            self._autosave_unavailable(exc)

    def _autosave_unavailable(self, exc: OSError) -> None:
        assert self.recovery is not None
        reason = exc.strerror or str(exc)
        folder = self.recovery.directory
        self.autosave_off.setToolTip(
            f"Unsaved work cannot be autosaved to {folder} ({reason}), so it would be lost if "
            "Briefing Builder closed unexpectedly. Save your work often; autosave resumes by "
            "itself once the folder can be written."
        )
        if self.autosave_off.isHidden():
            self.autosave_off.show()
            self.statusBar().showMessage(
                f"Autosave is off: {folder} cannot be used ({reason}). Save your work often.",
                15000,
            )

    def _autosave_available(self) -> None:
        if not self.autosave_off.isHidden():
            self.autosave_off.hide()
            log.info("Autosave is on again")
            self.statusBar().showMessage("Autosave is on again", 5000)

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the officer cancelled."""
        if not self.doc.modified:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to “{self.doc.briefing.title}” before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_briefing(self) -> None:
        if self.maybe_save():
            self.doc.replace(Briefing(sections=[Section("Introduction")]), None, None)
            self._discard_recovery()

    def open_briefing_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.doc.path.parent) if self.doc.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open briefing", start, FILE_FILTER)
        if path:
            self.open_briefing(Path(path))

    def open_briefing(self, path: Path) -> bool:
        try:
            briefing = read_briefing(path)
        except BriefingError as exc:
            QMessageBox.warning(
                self,
                "Cannot open briefing",
                f"{path.name} could not be opened:\n\n"
                + "\n".join(str(p) for p in exc.problems[:10]),
            )
            return False
        warnings: list[str] = []
        lib_folder = library_path(briefing, path)
        if lib_folder is not None and not lib_folder.is_dir():
            warnings.append(
                f"Its library folder {lib_folder} is not found. The briefing uses the copies of "
                f"the quotes saved in the file; findings this library ({self.opened.library.title})"
                " does not have are marked ⚠ in the outline."
            )
        elif (
            lib_folder is not None
            and lib_folder.resolve()
            != (self.library_loader.loading or self.opened.library.root).resolve()
        ):
            self.switch_library(lib_folder)
        if briefing.style and briefing.style not in STYLES:
            line = briefing.key_lines.get("style")
            fallback = usable_style(self.settings.default_style)
            warnings.append(
                f"{path.name}:{line}: the citation style '{briefing.style}' is not one this version "
                f"knows ({', '.join(STYLES)}); citations use '{fallback}' until you choose "
                "another in File → Export…."
            )
        self.doc.replace(briefing, path, file_hash(path))
        self._discard_recovery()
        self.settings.add_recent(path)
        self._save_settings()
        self._refresh_recent_menu()
        if warnings:
            QMessageBox.warning(
                self, "Briefing opened with warnings", f"{path.name}:\n\n" + "\n\n".join(warnings)
            )
        # Flags are counted against the briefing's own library: once it is in, if it is opening.
        self._flags_to_report = path
        if self.library_loader.loading is None:
            self._report_flags()
        return True

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path, self.doc.file_hash)

    def save_as(self) -> bool:
        start = (
            str(self.doc.path)
            if self.doc.path
            else str(Path.home() / f"{safe_file_name(self.doc.briefing.title)}{SUFFIX}")
        )
        path, _ = QFileDialog.getSaveFileName(self, "Save briefing as", start, FILE_FILTER)
        if not path:
            return False
        target = Path(path)
        if not target.name.endswith((".yaml", ".yml")):
            target = target.with_name(target.name + SUFFIX)
        # A library named relative to the old file must be named relative to the new one.
        old_library = self.doc.briefing.library
        self.doc.briefing.library = _library_relative_to(self.doc.briefing, self.doc.path, target)
        # The dialog has asked about replacing an existing file.
        if self._save_to(target, file_hash(target)):
            return True
        self.doc.briefing.library = old_library
        return False

    def _save_to(self, path: Path, expected: str | None) -> bool:
        self.doc.briefing.refresh_snapshots(self.opened.library)
        try:
            new_hash = save_briefing(self.doc.briefing, path, expected_hash=expected)
        except FileChangedOnDisk:
            answer = QMessageBox.warning(
                self,
                "File changed on disk",
                f"{path.name} has been changed by another program since you opened it.\n\n"
                "Overwrite it with your version?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Save:
                return False
            return self._force_save(path)
        except OSError as exc:
            QMessageBox.critical(
                self,
                "Cannot save",
                f"{path} could not be saved: {exc.strerror or exc}.\nYour work is still open.",
            )
            return False
        self._after_save(path, new_hash)
        return True

    def _force_save(self, path: Path) -> bool:
        try:
            new_hash = save_briefing(self.doc.briefing, path, force=True)
        except OSError as exc:
            QMessageBox.critical(
                self, "Cannot save", f"{path} could not be saved: {exc.strerror or exc}."
            )
            return False
        self._after_save(path, new_hash)
        return True

    def _after_save(self, path: Path, new_hash: str) -> None:
        self.doc.mark_saved(path, new_hash)
        self._discard_recovery()
        self.settings.add_recent(path)
        self._save_settings()
        self._refresh_recent_menu()
        self.statusBar().showMessage(f"Saved {path}", 4000)

    def _discard_recovery(self) -> None:
        self._autosave.stop()
        if self.recovery is not None:
            self.recovery.discard()

    def recover(
        self, briefing: Briefing, original: Path | None, expected_hash: str | None = None
    ) -> None:
        """Load recovered work: unsaved, so the officer decides where to save it.

        ``expected_hash`` is the original file's hash as the work was based on (recorded at
        autosave time): if the file has changed since, saving over it asks first.
        """
        self.doc.replace(briefing, original, expected_hash)
        # Make it count as an unsaved change, so closing asks and autosave keeps it.
        self.doc.undo_stack.resetClean()
        self._update_title()
        self.write_recovery()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        self.recent_menu_actions = []
        self.recent_menu.setToolTipsVisible(True)
        metrics = self.recent_menu.fontMetrics()
        for p in self.settings.recent_files:
            path = Path(p)
            # The full path, so two briefings of one name in different folders can be told apart.
            text = metrics.elidedText(str(path), Qt.TextElideMode.ElideMiddle, RECENT_TEXT_WIDTH)
            act = self.recent_menu.addAction(text.replace("&", "&&"))
            exists = path.exists()
            act.setToolTip(str(path) if exists else f"{path} (no longer there)")
            act.setStatusTip(str(path) if exists else f"{path} is no longer there")
            act.setEnabled(exists)
            self.recent_menu_actions.append(act)
            act.triggered.connect(
                lambda _c=False, path=path: self.maybe_save() and self.open_briefing(path)
            )
        if self.settings.recent_files:
            self.recent_menu.addSeparator()
            reopen = self.recent_menu.addAction("Reopen the last briefing at &start")
            reopen.setCheckable(True)
            reopen.setChecked(self.settings.reopen_last)
            reopen.setStatusTip(
                "Start with the briefing that was open when Briefing Builder closed"
            )
            reopen.toggled.connect(self._set_reopen_last)
            self.act_reopen_last = reopen
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    def _set_reopen_last(self, on: bool) -> None:
        self.settings.reopen_last = on
        self._save_settings()

    # --- window ----------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        s = self.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.window_state:
            self.restoreState(QByteArray.fromBase64(s.window_state.encode()))
        if s.splitter_state:
            self.splitter.restoreState(QByteArray.fromBase64(s.splitter_state.encode()))
        if s.detail_splitter_state:
            self.detail_splitter.restoreState(
                QByteArray.fromBase64(s.detail_splitter_state.encode())
            )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._columns_fitted:
            # Only now is the real width known (a saved geometry, a small screen, maximised).
            self._columns_fitted = True
            if not self.settings.splitter_state:
                width = max(1, sum(self.splitter.sizes()))
                filters = min(width * INITIAL_COLUMNS[0] // 100, FILTERS_WIDE)
                rest = width - filters
                share = INITIAL_COLUMNS[1] * 100 // (INITIAL_COLUMNS[1] + INITIAL_COLUMNS[2])
                self.splitter.setSizes([filters, rest * share // 100, rest - rest * share // 100])
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Keep the findings list usable: a layout saved on a larger screen (or a column dragged
        too far) must not leave it squeezed by the outline or the filters. The officer may still
        widen the outline, up to a little over half of what the filters leave."""
        sizes = self.splitter.sizes()
        if len(sizes) != 3 or sum(sizes) <= 0:
            return
        total = sum(sizes)
        filters = min(sizes[0], max(self.filters.minimumSizeHint().width(), total * 30 // 100))
        rest = total - filters
        findings = max(sizes[1] + sizes[0] - filters, rest * 45 // 100)
        self.splitter.setSizes([filters, findings, rest - findings])

    def _set_require_marking(self, on: bool) -> None:
        self.settings.require_marking = on
        self._save_settings()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError:
            log.warning("Cannot save the settings", exc_info=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self._autosave.stop()
        self.library_loader.shutdown()  # a library still opening is stopped, its thread ended
        self.curation.finish_writing()  # a write to the library is never cut half-way
        if self.recovery is not None:
            self.recovery.close()
        self.settings.window_geometry = _b64(self.saveGeometry())
        self.settings.window_state = _b64(self.saveState())
        self.settings.splitter_state = _b64(self.splitter.saveState())
        self.settings.detail_splitter_state = _b64(self.detail_splitter.saveState())
        self.settings.last_briefing = str(self.doc.path) if self.doc.path else None
        self._save_settings()
        event.accept()

    def reopen_last(self) -> bool:
        """At start: open the briefing that was open when the app last closed, if the setting
        asks for it. A briefing that has gone or cannot be read is said in the status bar."""
        last = self.settings.last_briefing
        if not self.settings.reopen_last or not last:
            return False
        path = Path(last)
        if not path.is_file():
            self._start_message(
                f"The briefing open last time, {path}, is no longer there; this is a new briefing."
            )
            return False
        try:
            read_briefing(path)
        except (BriefingError, OSError) as exc:
            log.warning("Cannot reopen %s: %s", path, exc)
            self._start_message(
                f"The briefing open last time, {path}, cannot be read; open it with File → "
                "Open to see why."
            )
            return False
        return self.open_briefing(path)

    def _start_message(self, message: str) -> None:
        """Say ``message`` now, and again once the library opening at start has said its piece."""
        self.statusBar().showMessage(message, 15000)
        if self.library_loader.loading is not None:
            self.library_loader.loaded.connect(
                lambda *_a: self.statusBar().showMessage(message, 15000),
                Qt.ConnectionType.SingleShotConnection,
            )

    def _exported(self, report: ExportReport) -> None:
        """After an export: remember its choices for this briefing, and say how long it came out."""
        self.settings.remember_export(
            report.briefing_file, report.format, report.style, report.path.parent, report.choices
        )
        self._save_settings()
        message = f"Exported to {report.path} — {report.length_text}"
        if report.over_limit:
            message += f". ⚠ {report.over_limit}"
        self._export_message = message
        self.statusBar().showMessage(message)
        self.length_status.set_report(report)

    def _template_chosen(self, path: str) -> None:
        """The organisation's template chosen in the export dialog: kept for every export."""
        self.settings.export_template = path or None
        self._save_settings()

    def _clear_export_message(self, *_args: object) -> None:
        """The briefing changed: what was said about its last export no longer holds."""
        if self._export_message and self.statusBar().currentMessage() == self._export_message:
            self.statusBar().clearMessage()
        self._export_message = ""

    def export_dialog(self) -> ExportDialog:
        """Open the export dialog (non-modal, so the officer can keep reading)."""
        self.doc.briefing.refresh_snapshots(self.opened.library)
        dialog = ExportDialog(
            copy.deepcopy(self.doc.briefing),
            self.opened.library,
            self.doc.path,
            self.settings.default_style,
            self,
            remembered=self.settings.export_choice(self.doc.path, self.doc.briefing.style),
            require_marking=self.settings.require_marking,
            template=self.settings.export_template,
        )
        dialog.exported.connect(self._exported)
        dialog.requireMarkingChanged.connect(self._set_require_marking)
        dialog.markingRequested.connect(self.briefing_panel.show_marking)
        dialog.template_chosen.connect(self._template_chosen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self._export_dialog = dialog
        return dialog

    def about(self) -> None:
        from PySide6.QtCore import qVersion

        from ..core.about import about_html

        QMessageBox.about(
            self,
            "About Briefing Builder",
            about_html(
                self.opened.library.title, self.opened.library.root, qVersion(), __version__
            ),
        )
