"""File → Add source document…: a document's text and its reference into the library.

On the left, the document: chosen, read on a thread of its own (a 500-page report takes seconds,
and the window must keep answering; its pages count up in a progress bar, with Stop), and its
first pages shown as they will be quoted, each with its printed page label, so the officer can
see that page 1 is page 1. On the right, its reference: typed, imported from a reference
manager's export, or pasted; the id proposed from author and year and checked as it is typed.
The writing is the core's :func:`~briefing_builder.curation.add_source.add_source`, on a thread
of its own too (it checks the whole library); the dialog waits for it, even if Cancel is pressed,
so a write is never cut half-way. When it refuses, its message is shown here and the form is
kept, so nothing typed is lost.

The reading thread is :mod:`.background`'s, as for opening a library: a thread still reading
when the dialog goes away cannot take Qt objects down with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.logs import one_sentence
from ..curation.add_source import TEXTS, Added, AddSourceError, add_source, existing_ids
from ..curation.extract import FORMATS, Extracted, ExtractionError, extract
from ..curation.reference import (
    ReferenceError,
    id_problem,
    parse_reference_text,
    propose_id,
    read_reference,
)
from .background import Job
from .dialog_buttons import tab_in_reading_order
from .reference_form import ReferenceForm

log = logging.getLogger(__name__)

DOCUMENT_FILTER = (
    "Documents (*.pdf *.docx *.html *.htm *.txt *.md);;PDF (*.pdf);;Word (*.docx);;"
    "Web pages (*.html *.htm);;Text and Markdown (*.txt *.md);;All files (*)"
)
REFERENCE_FILTER = (
    "References (*.json *.yaml *.yml *.bib *.ris);;CSL JSON (*.json);;CSL YAML (*.yaml *.yml);;"
    "BibTeX (*.bib);;RIS (*.ris)"
)
PREVIEW_PAGES = 3
ERROR_STYLE = "color: #b00020"


@dataclass(eq=False)
class _Reading:
    """One document being read: its path and the job reading it."""

    path: Path
    job: Job[Extracted]


def _extract(path: Path) -> Callable[[Job[Extracted]], Extracted]:
    def work(job: Job[Extracted]) -> Extracted:
        return extract(path, progress=job.progress)

    return work


def _reading_error(path: Path, error: BaseException | None) -> str | None:
    """What to tell the officer about a reading that failed (None: it did not)."""
    if error is None:
        return None
    if isinstance(error, ExtractionError):
        return error.message
    # A reader library's own failure: told, and logged in full.
    log.error("Cannot read %s", path, exc_info=error)
    return f"{path} cannot be read: {one_sentence(error)}."


def preview_text(extracted: Extracted, pages: int = PREVIEW_PAGES) -> str:
    """The first pages of the text, each under a line naming its printed page label."""
    texts = extracted.text.split("\f")
    labels = extracted.page_labels or [str(i + 1) for i in range(len(texts))]
    out = []
    for i, page in enumerate(texts[:pages]):
        label = labels[i] if i < len(labels) else str(i + 1)
        where = f"Page {label}" + (f" (page {i + 1} of the file)" if label != str(i + 1) else "")
        if extracted.format != "PDF" and len(texts) == 1:
            where = "The text"
        out.append(f"── {where} ──\n{page.strip()}")
    if len(texts) > pages:
        out.append(f"── … and {len(texts) - pages} more pages ──")
    return "\n\n".join(out)


class AddSourceDialog(QDialog):
    """Choose a document, give its reference, add both to the library in ``root``."""

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = Path(root)
        self.setWindowTitle("Add source document")
        self.setModal(True)
        self.extracted: Extracted | None = None
        self.added: Added | None = None
        self._reading: _Reading | None = None
        self._adding: Job[Added] | None = None  # the source being written, on its own thread
        self._id_typed = False  # the officer typed the id: it is no longer proposed
        self._existing = existing_ids(self.root)

        # --- the document --------------------------------------------------------------------
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            "PDF, Word (.docx), web page (.html), text or Markdown; or drop it here"
        )
        self.path_edit.setAccessibleName("Document file")
        self.path_edit.returnPressed.connect(lambda: self.set_document(self.path_edit.text()))
        self.choose_button = QPushButton("&Choose…")
        self.choose_button.clicked.connect(self.choose_document)
        file_row = QHBoxLayout()
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        file_row.addWidget(file_label)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Reading the document")
        self.progress.setFormat("Page %v of %m")
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setToolTip("Stop reading the document")
        self.stop_button.clicked.connect(self.stop_reading)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress_box.hide()

        self.document_message = QLabel(
            "Choose the document to add. Its text is kept in the library, page by page, so "
            "quotes can be checked word for word and cited with the printed page numbers."
        )
        self.document_message.setWordWrap(True)
        self.document_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("The first pages of the text")
        self.preview.setPlaceholderText("The first pages of its text will show here.")
        preview_label = QLabel("&First pages, as they will be quoted and cited:")
        preview_label.setBuddy(self.preview)

        doc_box = QGroupBox("1. The document")
        doc_lay = QVBoxLayout(doc_box)
        doc_lay.addLayout(file_row)
        doc_lay.addWidget(self.progress_box)
        doc_lay.addWidget(self.document_message)
        doc_lay.addWidget(preview_label)
        doc_lay.addWidget(self.preview, 1)

        # --- the reference -------------------------------------------------------------------
        self.import_button = QPushButton("&Import reference…")
        self.import_button.setToolTip(
            "Fill the form from a reference exported by Zotero, EndNote or Mendeley "
            "(CSL JSON, CSL YAML, BibTeX or RIS file)"
        )
        self.import_button.clicked.connect(self.import_reference)
        self.paste_button = QPushButton("&Paste reference")
        self.paste_button.setToolTip(
            "Fill the form from a reference copied from a reference manager (CSL JSON, BibTeX "
            "or RIS)"
        )
        self.paste_button.clicked.connect(self.paste_reference)
        ref_buttons = QHBoxLayout()
        ref_buttons.addWidget(self.import_button)
        ref_buttons.addWidget(self.paste_button)
        ref_buttons.addStretch(1)
        self.reference_message = QLabel()
        self.reference_message.setWordWrap(True)
        self.reference_message.hide()
        self.form = ReferenceForm()
        self.form.changed.connect(self._form_changed)

        self.id_edit = QLineEdit()
        self.id_edit.setAccessibleName("Source id")
        self.id_edit.setToolTip(
            "How findings name this source (e.g. smith-2024): a-z, 0-9 and '-'. Proposed from "
            "the first author and the year; change it if you like."
        )
        self.id_edit.textEdited.connect(self._id_edited)
        self.id_edit.textChanged.connect(self._update)
        self.id_reason = QLabel()
        self.id_reason.setWordWrap(True)
        self.id_reason.setStyleSheet(ERROR_STYLE)
        id_box = QWidget()
        id_row = QHBoxLayout(id_box)
        id_row.setContentsMargins(0, 0, 0, 0)
        id_row.addWidget(self.id_edit, 1)
        id_row.addWidget(self.id_reason, 1)
        # A row of the form, lined up with the fields above it.
        self.form.add_row("Source &id:", id_box, buddy=self.id_edit)

        ref_box = QGroupBox("2. Its reference")
        ref_lay = QVBoxLayout(ref_box)
        ref_lay.addLayout(ref_buttons)
        ref_lay.addWidget(self.reference_message)
        ref_lay.addWidget(self.form)
        ref_lay.addStretch(1)

        # --- adding --------------------------------------------------------------------------
        self.add_message = QLabel()
        self.add_message.setWordWrap(True)
        self.add_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(
            "&Add to library", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button.setDefault(True)
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        tab_in_reading_order(self.buttons)
        self.add_progress = QProgressBar()
        self.add_progress.setAccessibleName("Adding the source")
        self.add_progress.setRange(0, 0)  # busy: the library's check cannot say how far it is
        self.add_progress.setMaximumWidth(120)
        self.add_progress.setTextVisible(False)
        self.add_progress.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_message, 1)
        bottom.addWidget(self.add_progress)
        bottom.addWidget(self.buttons)

        columns = QHBoxLayout()
        columns.addWidget(doc_box, 1)
        columns.addWidget(ref_box, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(columns, 1)
        lay.addLayout(bottom)
        self.resize(1100, 680)
        self.setAcceptDrops(True)  # a document dropped from the file browser is read at once
        self._propose_id()
        self._update()

    # --- the document --------------------------------------------------------------------------

    def choose_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the source document", str(Path.home()), DOCUMENT_FILTER
        )
        if path:
            self.set_document(path)

    def set_document(self, path: str | Path) -> None:
        """Start reading ``path`` (any reading under way is stopped first)."""
        text = str(path).strip()
        if not text:
            return
        self.stop_reading(quiet=True)
        path = Path(text).expanduser()
        self.path_edit.setText(str(path))
        self.extracted = None
        self.preview.clear()
        job = Job(_extract(path), f"extract {path.name}", daemon=True)
        reading = _Reading(path, job.connect(self._ended, self._progressed))
        self._reading = reading
        kind = FORMATS.get(path.suffix.lower(), "document")
        self._say_document(f"Reading the {kind} {path.name}…")
        self.progress.setRange(0, 0)  # busy until the page count is known
        self.progress_box.show()
        job.start()
        self._update()

    @staticmethod
    def _dropped_file(event: QDropEvent | QDragEnterEvent) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return files[0] if len(files) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.set_document(path)

    @property
    def reading(self) -> bool:
        """Whether a document is being read now."""
        return self._reading is not None

    def stop_reading(self, quiet: bool = False) -> None:
        reading, self._reading = self._reading, None
        if reading is None:
            return
        reading.job.stop()
        self.progress_box.hide()
        if not quiet:
            self._say_document(
                f"Stopped reading {reading.path.name}; nothing was added. Choose it again to "
                "read it, or choose another document."
            )
        self._update()

    @Slot(object, int, int)
    def _progressed(self, job: Job[Extracted], done: int, total: int) -> None:
        if self._reading is None or job is not self._reading.job:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    @Slot(object)
    def _ended(self, job: Job[Extracted]) -> None:
        reading = self._reading
        if reading is None or job is not reading.job:  # stopped, or another document since
            log.info("Stopped reading %s", job.name)
            return
        self._reading = None
        self.progress_box.hide()
        error = _reading_error(reading.path, job.error)
        if error is not None or job.result is None:
            # The file is named in full in the File field: the message names it short, so a
            # long path does not push the reason out of sight.
            message = (error or f"{reading.path} could not be read.").replace(
                str(reading.path), reading.path.name
            )
            self._say_document(message + " Nothing was added to the library.", error=True)
            self._update()
            return
        self.extracted = ex = job.result
        pages = f"{ex.pages} page{'s' if ex.pages != 1 else ''}"
        if ex.page_labels:
            pages += f", printed {ex.page_labels[0]} to {ex.page_labels[-1]}"
        headings = f"{ex.headings} heading{'s' if ex.headings != 1 else ''}"
        lines = [f"Read {reading.path.name} ({ex.format}): {pages}, {headings}."]
        lines += [remark[0].upper() + remark[1:] + "." for remark in ex.remarks]
        self._say_document("\n".join(lines))
        self.preview.setPlainText(preview_text(ex))
        self.form.set_title_if_empty(ex.title)
        self._update()

    def _say_document(self, text: str, *, error: bool = False) -> None:
        self.document_message.setText(text)
        self.document_message.setStyleSheet(ERROR_STYLE if error else "")

    # --- the reference -------------------------------------------------------------------------

    def import_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import the reference", str(Path.home()), REFERENCE_FILTER
        )
        if not path:
            return
        try:
            csl = read_reference(path)
        except ReferenceError as exc:
            self._say_reference(exc.message, error=True)
            return
        self._fill(csl, f"Filled from {Path(path).name}.")

    def paste_reference(self) -> None:
        text = QGuiApplication.clipboard().text()
        try:
            csl = parse_reference_text(text)
        except ReferenceError as exc:
            self._say_reference(exc.message, error=True)
            return
        self._fill(csl, "Filled from the pasted reference.")

    def _fill(self, csl: dict[str, object], message: str) -> None:
        title = self.form.fields["title"].text()
        self.form.set_csl(csl)
        if not csl.get("title"):  # a reference without a title keeps the document's
            self.form.set_title_if_empty(
                title or (self.extracted.title if self.extracted else None)
            )
        self._say_reference(message + " Check the fields before adding.")

    def _say_reference(self, text: str, *, error: bool = False) -> None:
        self.reference_message.setText(text)
        self.reference_message.setStyleSheet(ERROR_STYLE if error else "")
        self.reference_message.show()

    def _form_changed(self) -> None:
        self._propose_id()
        self._update()

    def _id_edited(self, text: str) -> None:
        self._id_typed = bool(text.strip())
        if not self._id_typed:
            self._propose_id()

    def _propose_id(self) -> None:
        if not self._id_typed:
            csl = self.form.csl()
            known = csl.get("author") or csl.get("title")  # nothing to make an id from yet
            self.id_edit.setText(propose_id(csl, self._existing) if known else "")

    def id_problem(self) -> str | None:
        """Why the id typed cannot be used, or None."""
        sid = self.id_edit.text().strip()
        if not sid:
            return "give the source an id"
        problem = id_problem(sid, self._existing)
        if problem is None and (self.root / TEXTS / f"{sid}.txt").exists():
            problem = f"the library already has a text texts/{sid}.txt; choose another id"
        return problem

    # --- adding --------------------------------------------------------------------------------

    def missing(self) -> list[str]:
        """What is still needed before the source can be added, in words for the officer."""
        out = []
        if self.reading:
            out.append("wait until the document has been read")
        elif self.extracted is None:
            out.append("choose a document that can be read")
        out += self.form.problems()
        if self.id_problem():
            out.append("give a usable source id")
        return out

    def _update(self) -> None:
        problem = self.id_problem() if self.id_edit.text().strip() else None
        self.id_reason.setText(problem[0].upper() + problem[1:] + "." if problem else "")
        missing = self.missing()
        self.add_button.setEnabled(not missing and not self.adding)
        if self.adding:
            return
        if not self.add_message.styleSheet():  # a refusal stays until the next Add
            self.add_message.setText("To add it: " + "; ".join(missing) + "." if missing else "")

    @property
    def adding(self) -> bool:
        """Whether the source is being written to the library now."""
        return self._adding is not None

    def add(self) -> None:
        """Write the text and the reference on a thread of their own (the library's check takes
        seconds on a large library); the dialog closes once they are in, or says why not."""
        if self.adding or self.missing() or self.extracted is None:
            self._update()
            return
        root, extracted, csl = self.root, self.extracted, self.form.csl()
        sid, short = self.id_edit.text().strip(), self.form.short_name()

        def work(_job: Job[Added]) -> Added:
            return add_source(root, extracted, csl, sid, short=short)

        self._adding = Job(work, f"add source {sid}").connect(self._added)
        self.add_message.setStyleSheet("")
        self.add_message.setText("Adding the source and checking the library…")
        self.add_progress.show()
        self._update()
        self._adding.start()

    @Slot(object)
    def _added(self, job: Job[Added]) -> None:
        if job is not self._adding:
            return
        self._adding = None
        self.add_progress.hide()
        if job.error is None and job.result is not None:
            self.added = job.result
            self.accept()
            return
        exc = job.error
        if isinstance(exc, AddSourceError):
            message = exc.message + "".join(f"\n• {p}" for p in exc.problems[:6])
        else:  # not a refusal: the disk, or a fault of the app's own
            log.error("Cannot add the source to %s", self.root, exc_info=exc)
            message = (
                f"The source could not be added: {one_sentence(exc) if exc else 'unknown'}. "
                f"Check that the library's folder {self.root} can be reached, then try again."
            )
        self.add_message.setStyleSheet(ERROR_STYLE)
        self.add_message.setText(message)
        self._existing = existing_ids(self.root)  # a colleague may have added one meanwhile
        self._update()

    def done(self, result: int) -> None:
        if self.adding:  # a write is never cut half-way: the dialog closes once it is in
            self.add_message.setStyleSheet("")
            self.add_message.setText(
                "Adding the source and checking the library… The dialog closes when it is done."
            )
            return
        self.stop_reading(quiet=True)
        super().done(result)
