"""The main window: filter the library, read findings, build and save the briefing."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
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
from ..core.cache import OpenedLibrary, open_library
from ..core.filenames import safe_file_name
from ..core.filtering import Filter
from ..core.model import Finding
from ..core.paths import resources_dir
from ..core.recovery import RecoverySession
from ..core.settings import Settings
from ..export.citations import STYLES, usable_style
from .detail_pane import DetailPane, SourceViewer
from .document import BriefingDocument
from .errors import open_log_folder
from .export_dialog import ExportDialog, citation_text
from .filter_panel import FilterPanel
from .finding_delegate import FindingDelegate
from .findings_model import SORT_MODES, FindingsModel
from .outline_clipboard import OutlineClipboard
from .outline_panel import BriefingPanel
from .shortcuts import WindowKeys, redo_keys, undo_keys

log = logging.getLogger(__name__)

FILE_FILTER = f"Briefings (*{SUFFIX} *.yaml *.yml);;All files (*)"
AUTOSAVE_DELAY_MS = 2000
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


class FindingsView(QTableView):
    """The findings as one column of equal-height cards.

    A table view with fixed row heights lays out 100,000 rows in constant time after a filter
    change; a QListView walks every row (calling into the Python model twice per row), which
    stalled typing in the search box by a quarter of a second at 100,000 findings.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        for button in self.findChildren(QAbstractButton):
            button.setAccessibleName("Select all findings")
        self.setWordWrap(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_rows(self, delegate: FindingDelegate) -> None:
        from PySide6.QtWidgets import QStyleOptionViewItem

        option = QStyleOptionViewItem()
        option.initFrom(self)
        self.verticalHeader().setDefaultSectionSize(
            delegate.sizeHint(option, QModelIndex()).height()
        )

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # Follow the system font size.
        if event.type() == event.Type.FontChange and isinstance(
            self.itemDelegate(), FindingDelegate
        ):
            self.fit_rows(self.itemDelegate())  # type: ignore[arg-type]


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
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(list_box)
        middle.addWidget(self.detail)
        middle.setSizes([470, 250])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.filters)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.briefing_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([290, 560, 500])
        self.setCentralWidget(self.splitter)

        self.problems = QListWidget()
        self.problems.setAccessibleName("Library problems")
        self.problems_dock = QDockWidget("Library problems", self)
        self.problems_dock.setObjectName("problems")
        self.problems_dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.write_recovery)
        # Shown, in the status bar, for as long as unsaved work cannot be autosaved.
        self.autosave_off = QLabel("⚠ Autosave off")
        self.autosave_off.setAccessibleName("Autosave is off")
        self.autosave_off.hide()
        self.statusBar().addPermanentWidget(self.autosave_off)

        self._build_actions()
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

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_open_library)
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
        help_menu = bar.addMenu("&Help")
        self.act_open_log_folder = self._action(
            "Open &log folder",
            lambda: open_log_folder(self),
            tip="Show the folder of the app's log, which records the details of any error",
        )
        help_menu.addAction(self.act_open_log_folder)
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About Briefing Builder", self.about))
        self._refresh_recent_menu()

    def _connect(self) -> None:
        self.filters.filterChanged.connect(self.apply_filter)
        self.sort.currentIndexChanged.connect(
            lambda _i: self.model.set_sort(self.sort.currentData())
        )
        self.list.selectionModel().currentChanged.connect(self._current_finding_changed)
        self.list.doubleClicked.connect(lambda _i: self.add_selected_findings())
        self.detail.showInSource.connect(lambda f: self.show_in_source(f))
        self.detail.addRequested.connect(self.add_selected_findings)
        # Bound methods, not lambdas: Qt disconnects them when the window goes away.
        self.doc.undo_stack.cleanChanged.connect(self._update_title)
        self.doc.undo_stack.indexChanged.connect(self._document_changed)
        self.doc.metadataChanged.connect(self._update_title)
        self.doc.pathChanged.connect(self._update_title)
        self.briefing_panel.model.modelReset.connect(self._update_in_briefing)
        self.briefing_panel.currentNodeChanged.connect(self._current_node_changed)

    # --- library -------------------------------------------------------------------------------

    def _show_library(self) -> None:
        lib = self.opened.library
        self.filters.set_library(lib)
        result = self.model.set_library(lib, self.opened.index)
        self.filters.show_result(result)
        self.detail.library = lib
        self._update_count(len(result))
        self.problems.clear()
        for p in lib.problems:
            self.problems.addItem(str(p))
        self.problems_dock.setVisible(bool(lib.problems))
        n = len(lib.problems)
        status = (
            f"Library “{lib.title}”: {len(lib.findings)} findings from {len(lib.sources)} sources"
        )
        if n:
            status += f" — {n} problem{'s' if n != 1 else ''} (see Library problems)"
        self.statusBar().showMessage(status)
        self._update_in_briefing()
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self.detail.show_finding(None)

    def switch_library(self, folder: Path) -> None:
        opened = open_library(folder)
        if not opened.library.findings and opened.library.problems:
            QMessageBox.warning(
                self,
                "Cannot open library",
                f"No findings could be read from {folder}.\n\n"
                + "\n".join(str(p) for p in opened.library.problems[:8]),
            )
            return
        self.opened = opened
        self.doc.set_library(opened.library)
        self._show_library()
        self.settings.last_library = str(folder)
        self._save_settings()

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
        self.detail.show_finding(
            self.model.finding_at(current.row()) if current.isValid() else None
        )

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

    def show_in_source(self, finding: Finding | None = None) -> SourceViewer | None:
        finding = finding or self.detail.finding
        if finding is None or self.opened.library.source_text(finding.source) is None:
            return None
        viewer = SourceViewer(self.opened.library, finding, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self._last_viewer = viewer
        return viewer

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def _update_in_briefing(self) -> None:
        counts: dict[str, int] = {}
        for fid in self.doc.briefing.finding_ids():
            counts[fid] = counts.get(fid, 0) + 1
        self.model.set_in_briefing(counts)

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
        name = self.doc.path.name if self.doc.path else "Untitled"
        self.setWindowTitle(f"{name}[*] — {self.doc.briefing.title} — Briefing Builder")
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
        elif lib_folder is not None and lib_folder.resolve() != self.opened.library.root.resolve():
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
        flagged = [self.briefing_panel.model.flag_text(e) for e in briefing.evidence_items()]
        n = sum(1 for f in flagged if f)
        if n:
            self.statusBar().showMessage(
                f"Opened {path.name}: {n} finding{'s' if n != 1 else ''} flagged — see ⚠ in the outline",
                8000,
            )
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
        for p in self.settings.recent_files:
            path = Path(p)
            act = self.recent_menu.addAction(path.name)
            act.setToolTip(str(path))
            act.setStatusTip(str(path))
            act.setEnabled(path.exists())
            act.triggered.connect(
                lambda _c=False, path=path: self.maybe_save() and self.open_briefing(path)
            )
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # --- window ----------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        s = self.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.splitter_state:
            self.splitter.restoreState(QByteArray.fromBase64(s.splitter_state.encode()))

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
        if self.recovery is not None:
            self.recovery.close()
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.splitter_state = bytes(self.splitter.saveState().toBase64().data()).decode()
        self._save_settings()
        event.accept()

    def export_dialog(self) -> ExportDialog:
        """Open the export dialog (non-modal, so the officer can keep reading)."""
        self.doc.briefing.refresh_snapshots(self.opened.library)
        dialog = ExportDialog(
            copy.deepcopy(self.doc.briefing),
            self.opened.library,
            self.doc.path,
            self.settings.default_style,
            self,
        )
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
