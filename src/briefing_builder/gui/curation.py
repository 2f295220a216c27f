"""Curating the library from the window: new findings from the reader, editing, retiring,
themes, correcting a source's reference — each an undoable step of the library's own history.

Every write is the curation core's (:mod:`..curation.findings`, :mod:`..curation.library_edit`):
it checks, writes atomically and refuses with a message naming the file. The window only asks,
shows the refusal, and reloads the library keeping what the officer was looking at (filters,
the finding chosen, where the list and the reader were scrolled).

The library's history is kept apart from the briefing's. Undo in the Edit menu (Ctrl+Z) takes
back the last change to the briefing and never touches the library's files; Library → Undo takes
back the last change to the library, named ("Undo new finding “…”"). So the briefing's unsaved
mark and its undo are never changed by curating, and a curator is never surprised by a file
edit undone with a key meant for the outline.

Every write, and the reading of the library after it, runs on a thread of its own
(:mod:`.background`): checking a library of 20,000 findings takes seconds, and the officer keeps
reading, filtering and editing the briefing meanwhile. The status bar says what is being saved;
the other curation actions wait (greyed out, saying why) until it is done, one write at a time;
closing the window waits for a write under way, so a file is never left half-written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ..core.cache import OpenedLibrary, open_library
from ..core.loader import gc_paused
from ..core.logs import one_sentence
from ..core.model import Finding
from ..curation.findings import (
    ConflictError,
    CurationError,
    Written,
    add_finding,
    edit_finding,
    remove_added_finding,
    restore_finding,
    retire_finding,
)
from ..curation.library_edit import (
    add_theme,
    edit_theme,
    read_only_reason,
    remove_added_theme,
)
from ..curation.source_edit import edit_source, source_entry
from ..curation.writes import current_library
from .background import Job
from .finding_editor import EditFindingDialog, RetireDialog, finding_values
from .new_finding_dialog import NewFindingDialog
from .source_editor import EditSourceDialog
from .themes_dialog import ThemesDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

NEW_FINDING_KEY = "Ctrl+Shift+N"  # in the reader; New section everywhere else
EDIT_FINDING_KEY = "F2"  # in the findings list and the detail pane; Edit heading in the outline
UNDO_HINT = "Library → Undo takes it back."  # Ctrl+Z is the briefing's
QUOTE_WORDS = 6  # words of a finding's quote naming it in Undo and messages


def quote_name(text: str) -> str:
    words = text.split()
    return "“" + " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "") + "”"


def theme_id_for(label: str, taken: set[str]) -> str:
    """A theme id made from its label ("Culture and trust" → culture-and-trust), unique."""
    base = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")[:40].strip("-") or "theme"
    if base[0].isdigit():
        base = f"theme-{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    return out


def _remove_if_unchanged(root: Path, finding_id: str, added: Finding | None) -> Written:
    """Undo of a new finding: refused if a colleague has changed the finding since it was added
    (taking it out would lose their change)."""
    current = current_library(root).finding(finding_id)  # from the cache the last write filled
    if added is not None and current is not None and _curated(current) != _curated(added):
        raise ConflictError(
            f"{root / current.file}: finding '{finding_id}' was changed since it was added, so "
            "it was not taken out."
        )
    return remove_added_finding(root, finding_id)


def _curated(finding: Finding) -> tuple[Any, ...]:
    return (finding.text, finding.source, *finding_values(finding).values())


@dataclass
class Outcome:
    """What a write on the background thread came to: what it wrote, or why it refused, and
    the library as its files are now (read from the cache the write's check has just filled)."""

    written: Written | None
    refused: CurationError | None
    opened: OpenedLibrary


def _write_and_read(
    root: Path, write: Callable[[], Written] | None
) -> Callable[[Job[Outcome]], Outcome]:
    def work(_job: Job[Outcome]) -> Outcome:
        written, refused = None, None
        if write is not None:
            try:
                # The write parses its file two or three times: with the collector on, its
                # collections of the window's objects held the interpreter, and so the window,
                # for up to a tenth of a second at a time.
                with gc_paused():
                    written = write()
            except CurationError as exc:
                refused = exc
            except Exception as exc:  # not a refusal: the disk, or a fault of the app's own
                log.error("A write to the library in %s failed", root, exc_info=True)
                refused = CurationError(
                    f"The change could not be saved: {one_sentence(exc)}. Check that the "
                    f"library's folder {root} can be reached, then try again."
                )
        return Outcome(written, refused, open_library(root))

    return work


class WriteProgress(QWidget):
    """What is being saved, with a busy bar (in the status bar while a write is under way)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Saving to the library")
        self.bar.setRange(0, 0)  # busy: a check cannot say how far it has got
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)


class LibraryCommand(QUndoCommand):
    """One curation edit: ``do`` and ``undo`` call the curation core. The edit is already made
    when the command is pushed, so the stack's first redo does nothing."""

    def __init__(
        self,
        curation: Curation,
        text: str,
        do: Callable[[], Written],
        undo: Callable[[], Written],
        select: str | None = None,
    ) -> None:
        super().__init__(text)
        self.curation = curation
        self._do = do
        self._undo = undo
        self._select = select  # the finding to show once done
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self.curation.run_history_step(self._do, "redo", self.text(), self._select)

    def undo(self) -> None:
        self.curation.run_history_step(self._undo, "undo", self.text(), None)


class Curation(QObject):
    """The window's curation actions, the library's history and the reload that follows every
    write (see the module's description)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(self)
        self._stack_root: Path | None = None
        self.read_only: str | None = None
        self.new_finding_dialog: NewFindingDialog | None = None
        self.dialog: QWidget | None = None  # the edit, retire or themes dialog open
        self.busy: str | None = None  # what is being saved now, in words for the officer
        self._job: Job[Outcome] | None = None
        self._then: Callable[[Outcome], None] | None = None
        self.progress = WriteProgress()
        window.statusBar().addPermanentWidget(self.progress)
        self.progress.hide()
        self._build_actions()
        self._build_menu()
        self._wire()
        self.library_changed()

    @property
    def root(self) -> Path:
        return self.window.opened.library.root

    # --- actions -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        w = self.window
        # Its key is the reader's own (see _new_finding_key); its tips name it.
        self.act_new_finding = QAction("&New finding…", w)
        self.act_new_finding.triggered.connect(self.new_finding)
        self.act_edit_finding = QAction("&Edit finding…", w)
        self.act_edit_finding.setShortcut(QKeySequence(EDIT_FINDING_KEY))
        self.act_edit_finding.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_edit_finding.triggered.connect(lambda: self.edit_finding())
        self.act_retire_finding = QAction("Re&tire finding…", w)
        self.act_retire_finding.triggered.connect(lambda: self.retire_finding())
        self.act_edit_source = QAction("Edit source re&ference…", w)
        self.act_edit_source.triggered.connect(lambda: self.edit_source())
        # In the reader's right-click menu: the reference of the source being read.
        self.act_edit_reader_source = QAction("Edit this source's reference…", w.reader)
        self.act_edit_reader_source.triggered.connect(
            lambda: self.edit_source(self.window.reader.source_id)
        )
        self.act_themes = QAction("T&hemes…", w)
        self.act_themes.triggered.connect(self.themes)
        self.act_undo = self.stack.createUndoAction(w, "&Undo")
        self.act_redo = self.stack.createRedoAction(w, "&Redo")
        self.act_undo.setStatusTip("Take back the last change to the library's files")
        self.act_redo.setStatusTip("Make again the change to the library's files just undone")
        # The key of New finding, in the reader: always there, so that with nothing selected it
        # says what to do rather than falling through to New section.
        self._new_finding_key = QAction("New finding…", w.reader)  # listed as the reader's key
        self._new_finding_key.setShortcut(QKeySequence(NEW_FINDING_KEY))
        self._new_finding_key.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._new_finding_key.triggered.connect(self._new_finding_by_key)

    def _build_menu(self) -> None:
        w = self.window
        menu = QMenu("&Library", w)
        self.menu = menu
        menu.addActions([self.act_undo, self.act_redo])
        menu.addSeparator()
        menu.addActions([self.act_new_finding, self.act_edit_finding, self.act_retire_finding])
        menu.addSeparator()
        self.read_menu = menu.addMenu("Read a &source")
        self.read_menu.aboutToShow.connect(self._fill_read_menu)
        menu.addAction(self.act_edit_source)
        menu.addAction(self.act_themes)
        bar = w.menuBar()
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        bar.insertMenu(help_menu, menu) if help_menu else bar.addMenu(menu)

    def _fill_read_menu(self) -> None:
        self.read_menu.clear()
        lib = self.window.opened.library
        for src in sorted(lib.sources, key=lambda s: (s.short or s.title).casefold()):
            act = self.read_menu.addAction(f"{src.short} — {src.title}".replace("&", "&&"))
            act.setEnabled(src.text_path is not None)
            if src.text_path is None:
                act.setStatusTip("This source has no text in the library")
            act.triggered.connect(lambda _c=False, sid=src.id: self.read_source(sid))
        self.read_menu.setEnabled(bool(lib.sources))

    def _wire(self) -> None:
        w = self.window
        reader = w.reader
        reader.widget().addAction(self._new_finding_key)
        self.reader_button = reader.add_tool_action(self.act_new_finding)
        reader.view.menu_actions.append(self.act_edit_reader_source)
        reader.selectionChanged.connect(self._update_actions)
        w.list.addAction(self.act_edit_finding)
        w.detail.addAction(self.act_edit_finding)
        # A button like the pane's others (its key, F2, is the action's, scoped to the pane).
        self.detail_button = QPushButton("Edit finding…")
        self.detail_button.setAccessibleName("Edit finding")
        self.detail_button.clicked.connect(self.act_edit_finding.trigger)
        self.act_edit_finding.changed.connect(self._sync_detail_button)
        w.detail.buttons.insertWidget(1, self.detail_button)
        # Bound methods, not lambdas: Qt disconnects them when this object goes.
        w.list.selectionModel().currentChanged.connect(self._update_actions)
        w.library_loader.loaded.connect(self.library_changed)
        self.stack.indexChanged.connect(self._update_actions)
        # After the stack's own enabling of Undo and Redo (a write under way keeps them off).
        self.stack.canUndoChanged.connect(self._update_actions)
        self.stack.canRedoChanged.connect(self._update_actions)

    def _sync_detail_button(self) -> None:
        self.detail_button.setEnabled(self.act_edit_finding.isEnabled())
        self.detail_button.setToolTip(self.act_edit_finding.toolTip())

    # --- state -------------------------------------------------------------------------------

    def library_changed(self, *_args: object) -> None:
        """Another library (or the same one reopened): its history is not this one's."""
        root = self.root.resolve()
        if self._stack_root != root:
            self.stack.clear()
            self._stack_root = root
        # A library being opened at start shows nothing yet (every library has themes).
        self.read_only = (
            read_only_reason(self.root)
            if self.window.opened.library.themes
            else "No library is open yet."
        )
        self._update_actions()

    def current_finding(self) -> Finding | None:
        w = self.window
        findings = w.selected_findings()
        return findings[0] if len(findings) == 1 else w.detail.finding

    def current_source(self) -> str | None:
        """The source of the finding chosen, else the source being read: whose reference
        Edit source reference… changes."""
        lib = self.window.opened.library
        finding = self.current_finding()
        sid = finding.source if finding is not None else self.window.reader.source_id
        return sid if sid is not None and lib.source(sid) is not None else None

    def _source_tip(self, source_id: str | None) -> str:
        src = self.window.opened.library.source(source_id) if source_id else None
        if src is None:
            return "Choose a finding, or read a source, to correct its source's reference"
        return f"Correct the reference of “{src.title}”: title, authors, date, publisher…"

    def _update_actions(self, *_args: object) -> None:
        reason = self.read_only
        if reason is None and self.busy is not None:
            reason = f"Wait until the library has been saved: {self.busy[0].lower()}{self.busy[1:]}"
        has_selection = self.window.reader.selected_range() is not None
        finding = self.current_finding()
        source = self.current_source()
        read = self.window.reader.source_id
        tips = {
            self.act_new_finding: (
                has_selection,
                "Make a finding of the passage selected in the source (Ctrl+Shift+N)"
                if has_selection
                else "Select a passage in the source reader to make a finding of it",
            ),
            self.act_edit_finding: (
                finding is not None,
                "Change the chosen finding's themes, kind, places, speaker, note or where it is",
            ),
            self.act_retire_finding: (
                finding is not None,
                "Take the chosen finding out of the library's list; its number is never reused",
            ),
            self.act_edit_source: (source is not None, self._source_tip(source)),
            self.act_edit_reader_source: (read is not None, self._source_tip(read)),
            self.act_themes: (True, "Add a theme, rename one or describe it"),
        }
        for action, (possible, tip) in tips.items():
            action.setEnabled(reason is None and possible)
            text = reason if reason is not None else tip
            action.setToolTip(text)
            action.setStatusTip(text)
        for action, can in (
            (self.act_undo, self.stack.canUndo()),
            (self.act_redo, self.stack.canRedo()),
        ):
            action.setEnabled(reason is None and can)
            action.setToolTip(reason if reason is not None else action.statusTip())
        self._new_finding_key.setEnabled(self.window.reader.source_id is not None)

    def _busy_changed(self) -> None:
        self._update_actions()
        source_actions = getattr(self.window, "sources", None)
        if source_actions is not None:  # Add source document… waits too
            source_actions.update_read_only()

    # --- reloading -----------------------------------------------------------------------------

    def reload(self, select: str | None = None, message: str = "") -> None:
        """Read the library again (in the background), then show it as :meth:`show_library`."""
        self.run(
            "Reading the library again…",
            self.root,
            None,
            lambda outcome: self.show_library(outcome.opened, select, message),
        )

    def show_library(self, opened: OpenedLibrary, select: str | None, message: str = "") -> None:
        """Show the library as read after a write, keeping the filters, the finding chosen (or
        choosing ``select``), where the list was scrolled, and the reader's place."""
        w = self.window
        flt = w.filters.current
        current = w.list.currentIndex()
        at = w.model.finding_at(current.row()) if current.isValid() else None
        current_id = at.id if at is not None else None
        selected = {f.id for f in w.selected_findings()}
        list_scroll = w.list.verticalScrollBar().value()
        reader = w.reader
        reader_source = reader.source_id
        reader_finding = reader.finding.id if reader.finding is not None else None
        reader_scroll = reader.view.verticalScrollBar().value()
        reader_selection = reader.selected_range()

        # The reader lays out its text once: for the finding that ends up chosen.
        with reader.holding():
            w.opened = opened
            w.doc.set_library(opened.library)
            w._show_library()
            w.filters.set_filter(flt)

            target = select if select is not None else current_id
            in_place = target == current_id  # the finding chosen stays chosen: so does the list
            row = w.model.row_of(target) if target else -1
            if row >= 0:
                w.list.setCurrentIndex(w.model.index(row))
                if in_place:
                    selection = w.list.selectionModel()
                    for fid in selected - {target}:
                        r = w.model.row_of(fid)
                        if r >= 0:
                            selection.select(w.model.index(r), selection.SelectionFlag.Select)
            if in_place:
                w.list.verticalScrollBar().setValue(list_scroll)
            elif row >= 0:
                w.list.scrollTo(w.model.index(row))
            elif select:
                message += " It is hidden by the filters: clear them to see it in the list."

            # The reader stays where the officer was reading.
            if reader.isVisible() and reader_source is not None:
                made = opened.library.finding(select) if select is not None else None
                if made is not None:
                    reader.show_finding(made)
                else:
                    chosen = opened.library.finding(reader_finding) if reader_finding else None
                    if chosen is not None:
                        reader.show_finding(chosen)
                    else:
                        reader.show_source(reader_source)
                    reader._anchored = False
                    reader.view.verticalScrollBar().setValue(reader_scroll)
                    if reader_selection is not None and select is None:
                        reader.select_range(*reader_selection)
                        reader.view.verticalScrollBar().setValue(reader_scroll)
        self.library_changed()
        if message:
            w.statusBar().showMessage(message.strip(), 10000)

    # --- running the core ----------------------------------------------------------------------

    @property
    def writing(self) -> bool:
        """Whether a write (or the reading after it) is under way."""
        return self._job is not None

    def run(
        self,
        busy: str,
        root: Path,
        write: Callable[[], Written] | None,
        then: Callable[[Outcome], None],
    ) -> bool:
        """Make ``write`` (None: only read the library) on the background thread, read the
        library in ``root`` again, then call ``then`` with the outcome on the window's thread.
        ``busy`` is said in the status bar meanwhile. False (nothing done) while another write
        is under way: there is one at a time."""
        if self._job is not None:
            self.window.statusBar().showMessage(
                "Wait until the library has been saved before changing it again.", 6000
            )
            return False
        self.busy = busy
        self.progress.label.setText(busy)
        self.progress.setToolTip(
            f"{busy} You can keep reading, filtering and working on the briefing meanwhile."
        )
        self.progress.show()
        self._then = then
        self._job = Job(_write_and_read(root, write), "library-write").connect(self._written)
        self._busy_changed()
        self._job.start()
        return True

    @Slot(object)
    def _written(self, job: Job[Outcome]) -> None:
        if job is not self._job:
            return
        then, self._then, self._job, self.busy = self._then, None, None, None
        self.progress.hide()
        self._busy_changed()
        if job.error is not None or job.result is None:
            # Not a refusal (those name their file): the disk, or a fault of the app's own.
            log.error("A write to the library failed", exc_info=job.error)
            QMessageBox.warning(
                self.window,
                "Cannot save the change",
                "The change to the library could not be saved: "
                f"{one_sentence(job.error) if job.error else 'it stopped unexpectedly'}.\n\n"
                "Check that the library's folder can be reached, then try again.",
            )
            return
        outcome = job.result
        written_to = outcome.opened.library.root
        if written_to.resolve() != self.root.resolve():
            self._written_elsewhere(written_to, outcome)
        elif then is not None:
            then(outcome)

    def _written_elsewhere(self, root: Path, outcome: Outcome) -> None:
        """Another library was opened while the write was under way: the window keeps showing
        it, and the officer is told how the write in ``root`` went."""
        dialog = self.new_finding_dialog
        if dialog is not None and Path(dialog.library.root).resolve() != root.resolve():
            dialog = None  # not the finding that was being saved
        if outcome.refused is not None:
            if dialog is not None:
                dialog.show_error(outcome.refused.message)
                dialog.save_button.setEnabled(True)
            else:
                self._refused("The change was not saved", outcome.refused)
            return
        if dialog is not None:
            dialog.accept()
        self.window.statusBar().showMessage(f"Saved the change to the library in {root}.", 10000)

    def finish_writing(self, timeout: float | None = None) -> bool:
        """Wait for a write under way (the window is closing): a file is never cut half-way.
        True when none is left running."""
        job = self._job
        return job is None or job.wait(timeout)

    def _refused(self, title: str, exc: CurationError) -> None:
        QMessageBox.warning(self.window, title, exc.message)

    def _push(
        self,
        text: str,
        do: Callable[[], Written],
        undo: Callable[[], Written],
        select: str | None = None,
    ) -> None:
        self.stack.push(LibraryCommand(self, text, do, undo, select))

    def run_history_step(
        self, step: Callable[[], Written], which: str, text: str, select: str | None
    ) -> None:
        """Undo or redo one curation edit; if the files changed meanwhile, the history cannot
        be followed any further: it is cleared, and nothing is written."""

        def then(outcome: Outcome) -> None:
            if outcome.refused is not None:
                QMessageBox.warning(
                    self.window,
                    f"Cannot {which}",
                    f"“{which.capitalize()} {text}” could not be done: "
                    f"{outcome.refused.message}\n\n"
                    "The library's files have changed since; its undo history has been cleared.",
                )
                self.stack.clear()
            self.show_library(outcome.opened, select, f"{which.capitalize()}: {text}")
            self._themes_dialog_refresh()

        doing = "Undoing" if which == "undo" else "Redoing"
        if not self.run(f"{doing} the {text} and checking the library…", self.root, step, then):
            # Refused before it began (cannot happen while the actions wait): keep the history
            # true to the files.
            QTimer.singleShot(0, self.stack.clear)  # not while the stack is stepping

    # --- new finding ---------------------------------------------------------------------------

    def _new_finding_by_key(self) -> None:
        if self.act_new_finding.isEnabled():
            self.new_finding()
        else:
            self.window.statusBar().showMessage(self.act_new_finding.statusTip(), 6000)

    def new_finding(self) -> NewFindingDialog | None:
        """New finding… from the passage selected in the reader."""
        reader = self.window.reader
        chosen = reader.selected_range()
        lib = self.window.opened.library
        source = lib.source(reader.source_id) if reader.source_id else None
        if chosen is None or source is None or self.read_only is not None:
            return None
        if self.new_finding_dialog is not None:
            # One finding at a time: what is typed in the open one is never thrown away.
            open_dialog = self.new_finding_dialog
            open_dialog.show_error(
                "Save or cancel this finding before making another. To add the words selected "
                "in the source to this one, press Add another part."
            )
            open_dialog.raise_()
            open_dialog.activateWindow()
            return open_dialog
        dialog = NewFindingDialog(
            lib,
            source,
            reader.source_text,
            chosen,
            # Only a selection in this source's text can be a part of this finding.
            lambda: reader.selected_range() if reader.source_id == source.id else None,
            self._add,
            self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_a: setattr(self, "new_finding_dialog", None))
        self.new_finding_dialog = dialog
        # Over the findings, not the reader: the officer selects the next part there.
        frame = self.window.frameGeometry()
        dialog.move(frame.left() + 60, frame.top() + 80)
        dialog.show()
        return dialog

    def _add(self, finding: dict[str, Any]) -> bool:
        """Save the new finding in the background; False: the dialog stays open until it is
        written (it closes then) or refused (it says why)."""
        dialog = self.new_finding_dialog
        # The library the passage was selected in, even if another has been opened since.
        root = Path(dialog.library.root) if dialog is not None else self.root
        name = quote_name(finding["text"])

        def then(outcome: Outcome) -> None:
            if outcome.refused is not None or outcome.written is None:
                exc = outcome.refused or CurationError("The finding was not added.")
                if dialog is not None and self.new_finding_dialog is dialog:
                    dialog.show_error(exc.message)
                    dialog.save_button.setEnabled(True)  # to try again once put right
                else:
                    self._refused("Cannot add the finding", exc)
                return
            if dialog is not None and self.new_finding_dialog is dialog:
                dialog.accept()
            fid = outcome.written.finding_id
            assert fid is not None
            again = {**finding, "id": fid}
            self.show_library(
                outcome.opened, fid, f"Added a finding to the library: {name}. {UNDO_HINT}"
            )
            added = outcome.opened.library.finding(fid)
            self._push(
                f"new finding {name}",
                lambda: add_finding(root, again),
                lambda: _remove_if_unchanged(root, fid, added),
                fid,
            )

        busy = "Saving the new finding and checking the library…"
        if self.run(busy, root, lambda: add_finding(root, finding), then) and dialog is not None:
            dialog.show_error(busy)
            dialog.save_button.setEnabled(False)  # once is enough
        return False

    # --- edit and retire -----------------------------------------------------------------------

    def _keep(self, dialog: QWidget) -> None:
        """The edit, retire or themes dialog open now (forgotten as it closes)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_a: setattr(self, "dialog", None))
        self.dialog = dialog

    def edit_finding(self, finding: Finding | None = None) -> EditFindingDialog | None:
        finding = finding or self.current_finding()
        if finding is None or self.read_only is not None:
            return None
        dialog = EditFindingDialog(
            self.window.opened.library, finding, self._save_edit, self.window
        )
        self._keep(dialog)
        dialog.open()
        return dialog

    def _save_edit(self, changes: dict[str, Any], shown: dict[str, Any]) -> bool:
        """Write an edit in the background; False: the dialog stays open until it is written
        (it closes then) or refused (it says why)."""
        dialog = self.dialog
        assert isinstance(dialog, EditFindingDialog)
        fid = dialog.finding.id
        name = quote_name(dialog.finding.text)
        expected = {k: shown.get(k) for k in changes}
        root = self.root

        def then(outcome: Outcome) -> None:
            still_open = self.dialog is dialog
            if isinstance(outcome.refused, ConflictError):
                self.show_library(outcome.opened, fid)
                if still_open and self._edit_conflict(dialog, changes, outcome.refused):
                    dialog.accept()
                return
            if outcome.refused is not None or outcome.written is None:
                self._refused(
                    "Cannot change the finding",
                    outcome.refused or CurationError("The finding was not changed."),
                )
                if still_open:
                    dialog.problem.setText("")
                    dialog.save_button.setEnabled(True)
                return
            before = dict(outcome.written.before or expected)
            self._push(
                f"edit of {name}",
                lambda: edit_finding(root, fid, changes, expected=before),
                lambda: edit_finding(root, fid, before, expected=changes),
                fid,
            )
            if still_open:
                dialog.accept()
            self.show_library(outcome.opened, fid, f"Changed the finding {name}. {UNDO_HINT}")

        busy = "Saving the change to the finding and checking the library…"
        write = lambda: edit_finding(root, fid, changes, expected=expected)  # noqa: E731
        if self.run(busy, root, write, then):
            dialog.problem.setText(busy)
            dialog.save_button.setEnabled(False)
        return False

    def _edit_conflict(
        self, dialog: EditFindingDialog, changes: dict[str, Any], exc: ConflictError
    ) -> bool:
        """The library is shown as it is now; True when the dialog may close."""
        fid = dialog.finding.id
        log.info("Edit of %s not written: %s", fid, exc.message)
        new = self.window.opened.library.finding(fid)
        if new is None:
            QMessageBox.information(
                self.window,
                "Finding no longer in the library",
                "Another curator has retired or removed this finding since you opened it, so "
                "your changes were not saved.",
            )
            return True
        answer = QMessageBox.question(
            self.window,
            "Changed by someone else",
            "Another curator has changed this finding since you opened it, so your changes "
            "were not saved and theirs are kept.\n\nApply your changes to their version? You "
            "can check the result before saving it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return True
        dialog.rebase(self.window.opened.library, new, changes)
        return False

    def retire_finding(self, finding: Finding | None = None) -> RetireDialog | None:
        finding = finding or self.current_finding()
        if finding is None or self.read_only is not None:
            return None
        in_briefing = finding.id in set(self.window.doc.briefing.finding_ids())
        note = (
            "It is in this briefing: the briefing keeps its copy of the quote and marks it "
            "“retired from the library”."
            if in_briefing
            else ""
        )
        dialog = RetireDialog(finding, note, self.window)
        dialog.accepted.connect(lambda: self._retire(finding, dialog.reason_text()))
        self._keep(dialog)
        dialog.open()
        return dialog

    def _retire(self, finding: Finding, reason: str | None) -> None:
        root, fid, name = self.root, finding.id, quote_name(finding.text)

        def then(outcome: Outcome) -> None:
            if outcome.refused is not None:
                self._refused("Cannot retire the finding", outcome.refused)
                return
            self._push(
                f"retiring of {name}",
                lambda: retire_finding(root, fid, reason),
                lambda: restore_finding(root, fid),
            )
            self.show_library(outcome.opened, None, f"Retired the finding {name}. {UNDO_HINT}")

        self.run(
            "Retiring the finding and checking the library…",
            root,
            lambda: retire_finding(root, fid, reason),
            then,
        )

    # --- a source's reference ---------------------------------------------------------------

    def edit_source(self, source_id: str | None = None) -> EditSourceDialog | None:
        """Edit source reference… for ``source_id`` (default: :meth:`current_source`)."""
        sid = source_id or self.current_source()
        if sid is None or self.read_only is not None:
            return None
        try:
            entry = source_entry(self.root, sid)
        except CurationError as exc:
            self._refused("Cannot edit the reference", exc)
            return None
        lib = self.window.opened.library
        findings = sum(1 for f in lib.findings if f.source == sid)
        dialog = EditSourceDialog(sid, entry, findings, self._save_source, self.window)
        self._keep(dialog)
        dialog.open()
        return dialog

    def _save_source(self, changes: dict[str, Any], shown: dict[str, Any]) -> bool:
        """Write the change to the reference in the background; False: the dialog stays open
        until it is written (it closes then) or refused (it says why)."""
        dialog = self.dialog
        assert isinstance(dialog, EditSourceDialog)
        sid, root = dialog.source_id, self.root
        src = self.window.opened.library.source(sid)
        name = f"“{src.title}”" if src is not None else f"'{sid}'"

        def then(outcome: Outcome) -> None:
            still_open = self.dialog is dialog
            if outcome.refused is not None or outcome.written is None:
                exc = outcome.refused or CurationError("The reference was not changed.")
                if isinstance(exc, ConflictError):
                    self.show_library(outcome.opened, None)
                    if still_open:
                        self._source_conflict(dialog, changes, exc)
                    return
                if still_open:
                    dialog.show_error("\n".join([exc.message, *(f"  {p}" for p in exc.problems)]))
                    dialog.save_button.setEnabled(True)  # to try again once put right
                else:
                    self._refused("Cannot change the reference", exc)
                return
            before = dict(outcome.written.before or shown)
            self._push(
                f"change to the reference of {name}",
                lambda: edit_source(root, sid, changes, expected=before),
                lambda: edit_source(root, sid, before, expected=changes),
            )
            if still_open:
                dialog.accept()
            now = outcome.opened.library.source(sid)
            named = f"“{now.title}”" if now is not None else name
            self.show_library(
                outcome.opened, None, f"Changed the reference of {named}. {UNDO_HINT}"
            )

        busy = "Saving the reference and checking the library…"
        write = lambda: edit_source(root, sid, changes, expected=shown)  # noqa: E731
        if self.run(busy, root, write, then):
            dialog.show_error(busy)
            dialog.save_button.setEnabled(False)
        return False

    def _source_conflict(
        self, dialog: EditSourceDialog, changes: dict[str, Any], exc: ConflictError
    ) -> None:
        """As for a finding (:meth:`_edit_conflict`): offer to apply the officer's changes to
        the reference as it is now. Declined, or with the source no longer readable, the dialog
        stays open with what was typed, to save again or cancel."""
        sid = dialog.source_id
        log.info("Change to the reference of %s not written: %s", sid, exc.message)
        try:
            entry = source_entry(self.root, sid)
        except CurationError as err:  # removed, or sources.yaml cannot be read
            dialog.show_error(f"Not saved: {err.message}")
            dialog.save_button.setEnabled(True)
            return
        answer = QMessageBox.question(
            self.window,
            "Changed by someone else",
            "Another curator has changed this source's reference since you opened it, so your "
            "changes were not saved and theirs are kept.\n\nApply your changes to their "
            "version? You can check the result before saving it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            dialog.rebase(entry, changes)
            if dialog.save_button.isEnabled():
                dialog.show_error(
                    "Your changes are now applied to the reference as the other curator saved "
                    "it. Check it, then save."
                )
        else:
            dialog.show_error(
                "Not saved: another curator has changed this reference since you opened it. "
                "Your changes are still here: save again to apply them to their version, or "
                "cancel to keep theirs."
            )
            dialog.save_button.setEnabled(True)

    # --- themes --------------------------------------------------------------------------------

    def themes(self) -> ThemesDialog | None:
        if self.read_only is not None:
            return None
        dialog = ThemesDialog(
            self.window.opened.library, self._add_theme, self._edit_theme, self.window
        )
        self._keep(dialog)
        dialog.open()
        return dialog

    def _themes_dialog_refresh(self) -> None:
        if isinstance(self.dialog, ThemesDialog):
            self.dialog.set_library(self.window.opened.library)

    def _add_theme(self, label: str, description: str) -> str | None:
        """Add a theme in the background; the themes dialog shows it once it is written (so
        None here)."""
        lib = self.window.opened.library
        tid = theme_id_for(label, {t.id for t in lib.themes})
        root = self.root
        dialog = self.dialog

        def then(outcome: Outcome) -> None:
            if outcome.refused is not None:
                self._refused("Cannot add the theme", outcome.refused)
                return
            self._push(
                f"new theme “{label}”",
                lambda: add_theme(root, tid, label, description),
                lambda: remove_added_theme(root, tid),
            )
            self.show_library(outcome.opened, None, f"Added the theme “{label}”. {UNDO_HINT}")
            if isinstance(dialog, ThemesDialog) and self.dialog is dialog:
                dialog.set_library(self.window.opened.library, choose=tid)

        self.run(
            "Adding the theme and checking the library…",
            root,
            lambda: add_theme(root, tid, label, description),
            then,
        )
        return None

    def _edit_theme(self, theme_id: str, label: str, description: str) -> bool:
        """Change a theme in the background; False when it cannot even be begun."""
        theme = self.window.opened.library.theme(theme_id)
        if theme is None:
            return False
        before = {"label": theme.label, "description": theme.description}
        after = {"label": label, "description": description}
        root = self.root

        def then(outcome: Outcome) -> None:
            if outcome.refused is not None:
                self._refused("Cannot change the theme", outcome.refused)
                self.show_library(outcome.opened, None)
                self._themes_dialog_refresh()
                return
            self._push(
                f"change to the theme “{theme.label}”",
                lambda: edit_theme(root, theme_id, **after, expected=before),
                lambda: edit_theme(root, theme_id, **before, expected=after),
            )
            self.show_library(outcome.opened, None, f"Changed the theme “{label}”. {UNDO_HINT}")
            self._themes_dialog_refresh()

        return self.run(
            "Saving the change to the theme and checking the library…",
            root,
            lambda: edit_theme(
                root, theme_id, label=label, description=description, expected=before
            ),
            then,
        )

    # --- reading a source ----------------------------------------------------------------------

    def read_source(self, source_id: str) -> None:
        """Open the reader on a source's text from its start (to make findings of it)."""
        reader = self.window.reader
        reader.show()
        reader.raise_()
        reader.show_source(source_id)
        reader.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()
