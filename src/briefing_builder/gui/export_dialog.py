"""File → Export…: format, citation style, contents, numbered paragraphs, the evidence annex, the
organisation's template and output path.

The export runs on a worker thread (the core's export generator yields progress), so the window
stays responsive; it ends with "Open file" / "Show in folder", and errors are told in plain words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.briefing import Briefing
from ..core.briefing_io import template_path
from ..core.filenames import safe_file_name
from ..core.logs import where_logged
from ..core.model import Finding, Library
from ..export import TEMPLATE_FORMATS, Document, ExportError, ExportOptions, export_briefing, styles
from ..export.citations import get_style
from ..export.inline import plain
from ..export.length import over_limit_message, pages_phrase, written_pages
from ..export.template import load_template

log = logging.getLogger(__name__)

FORMAT_LABELS = {
    "docx": "Word document (.docx)",
    "pdf": "PDF for a committee pack (.pdf)",
    "html": "Web page (HTML)",
}


@dataclass(frozen=True, slots=True)
class ExportReport:
    """A finished export, for the window: what was written, with what choices, how long."""

    path: Path
    briefing_file: Path | None  # the briefing exported, None if never saved
    format: str
    style: str
    pages: int
    pages_known: bool  # the writer's own count (PDF), not an estimate (Word)
    max_pages: int | None
    # The dialog's other choices, for the settings to remember: "annex", "annex-ids",
    # "numbered-paragraphs", each "yes" or "no".
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def length_text(self) -> str:
        """ "PDF: 6 pages", or "Word: about 6 pages" (Word lays out its own pages), or
        "Web page: about 6 pages when printed"."""
        if self.format == "html":
            return f"Web page: {pages_phrase(self.pages, self.pages_known)} when printed"
        label = "PDF" if self.pages_known else "Word"
        return f"{label}: {pages_phrase(self.pages, self.pages_known)}"

    @property
    def over_limit(self) -> str | None:
        return over_limit_message(self.pages, self.max_pages)


def report_for(
    path: Path,
    briefing_file: Path | None,
    fmt: str,
    style: str,
    document: Document,
    max_pages: int | None,
    choices: dict[str, str] | None = None,
) -> ExportReport:
    """The PDF writer's own page count; for Word, the estimate (Word lays out its own pages)."""
    pages, known = written_pages(document)
    return ExportReport(path, briefing_file, fmt, style, pages, known, max_pages, choices or {})


def citation_text(finding: Finding, library: Library, style_id: str) -> str:
    """A finding's citation exactly as an export in ``style_id`` prints it."""
    src = library.source(finding.source)
    if src is None:
        return finding.source
    processor = get_style(style_id).processor({src.id: src.csl}, [src.id])
    citation = processor.cite(src.id, finding.locator)
    text = plain(citation.spans)
    return f"Note 1: {text}" if citation.is_note else text


class _Worker(QObject):
    progress = Signal(int, str)
    finished = Signal(str)  # output path
    failed = Signal(str)

    def __init__(
        self,
        briefing: Briefing,
        library: Library,
        path: Path,
        options: ExportOptions,
        briefing_file: Path | None,
    ) -> None:
        super().__init__()
        self.briefing, self.library, self.path, self.options = briefing, library, path, options
        self.briefing_file = briefing_file
        self.cancelled = False
        self.document: Document | None = None  # the model written, once finished

    def run(self) -> None:
        try:
            self._run()
        finally:
            # Ends the worker thread's event loop from inside it (no round trip through the UI).
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()

    def _run(self) -> None:
        try:
            gen = export_briefing(
                self.briefing,
                self.library,
                self.path,
                self.options,
                briefing_file=self.briefing_file,
            )
            while True:
                try:
                    p = next(gen)
                except StopIteration as done:
                    self.document = done.value
                    break
                if self.cancelled:
                    gen.close()
                    self.failed.emit("Export cancelled; no file was written.")
                    return
                self.progress.emit(round(p.fraction * 100), getattr(p, "message", "") or "")
        except ExportError as exc:
            problems = getattr(exc, "problems", None) or []
            detail = "\n".join(str(p) for p in problems[:8])
            self.failed.emit(
                f"{exc}" + (f"\n\n{detail}" if detail and detail not in str(exc) else "")
            )
            return
        except Exception as exc:  # never a traceback in the officer's face: it goes to the log
            log.error("Export to %s failed unexpectedly", self.path, exc_info=True)
            self.failed.emit(f"The export failed unexpectedly: {exc}\n{where_logged()}")
            return
        self.finished.emit(str(self.path))


class ExportDialog(QDialog):
    exported = Signal(object)  # an ExportReport
    requireMarkingChanged = Signal(bool)  # the setting, changed here
    markingRequested = Signal()  # "Set the marking…": show Briefing details' marking field
    template_chosen = Signal(str)  # the organisation's template, "" for none: for the settings

    def __init__(
        self,
        briefing: Briefing,
        library: Library,
        briefing_file: Path | None,
        default_style: str,
        parent: QWidget | None = None,
        remembered: dict[str, str] | None = None,
        require_marking: bool = False,
        template: str | None = None,
    ) -> None:
        """``remembered``: the format, style, folder and other choices last used for this
        briefing (or, for a briefing without them, the last used at all), as the settings keep
        them. Numbered paragraphs start from the briefing's own ``numbering:`` unless this
        briefing was exported with another choice. ``require_marking``: the setting that refuses
        an export without a protective marking. ``template``: the organisation's template from
        the settings."""
        super().__init__(parent)
        self.setWindowTitle("Export briefing")
        self.briefing, self.library, self.briefing_file = briefing, library, briefing_file
        self.output: Path | None = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.format.setAccessibleName("Format")
        self.style_box = QComboBox()
        for info in styles():
            self.style_box.addItem(info.label, info.id)
            self.style_box.setItemData(
                self.style_box.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
            )
        self.style_box.setAccessibleName("Citation style")
        remembered = remembered or {}
        self.report: ExportReport | None = None
        chosen = remembered.get("style") or briefing.style or default_style
        if self.style_box.findData(chosen) < 0:
            chosen = briefing.style or default_style
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(chosen)))
        self.contents = QCheckBox("Include a &contents list")
        self.contents.setChecked(True)
        self.numbered = QCheckBox("&Number the paragraphs 1.1, 1.2 … in each section")
        self.numbered.setToolTip(
            "As committee reports do: your paragraphs and lead-ins are numbered; quotes sit in "
            "the paragraph that introduces them, and only main headings keep their numbers."
        )
        own = remembered.get("numbered-paragraphs")
        self.numbered.setChecked(own == "yes" if own else briefing.numbered_paragraphs)
        self.table = QCheckBox(
            "Add the evidence &annex: each quote cited, its source and where it is cited"
        )
        self.table.setToolTip(
            "On landscape pages at the end, one row per quote, flagging any whose wording has "
            "changed in the library since the briefing was saved."
        )
        self.table.setChecked(remembered.get("annex") == "yes")
        self.annex_ids = QCheckBox("Show each finding's &id in the annex")
        self.annex_ids.setChecked(remembered.get("annex-ids") == "yes")
        self.annex_ids.setEnabled(self.table.isChecked())
        self.table.toggled.connect(self.annex_ids.setEnabled)
        self.require_marking = QCheckBox("&Require a protective marking before export")
        self.require_marking.setToolTip(
            "A setting for every briefing: an export without a marking (such as OFFICIAL) is "
            "refused until one is set in Briefing details."
        )
        self.require_marking.setChecked(require_marking)
        self.require_marking.toggled.connect(self.requireMarkingChanged)
        self.path = QLineEdit()
        self.path.setAccessibleName("Output file")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose output file")
        browse.clicked.connect(self._browse)
        folder = briefing_file.parent if briefing_file else Path.home()
        if remembered.get("folder") and Path(remembered["folder"]).is_dir():
            folder = Path(remembered["folder"])
        fmt = remembered.get("format")
        if fmt in FORMAT_LABELS:
            self.format.setCurrentIndex(self.format.findData(fmt))
        base = folder / safe_file_name(briefing.title)
        self.path.setText(str(base.with_suffix(f".{self.format.currentData()}")))
        self._confirmed: Path | None = None  # a path the file dialog asked about replacing
        self.format.currentIndexChanged.connect(self._format_changed)
        self.path.textEdited.connect(self._path_edited)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Format", self.format)
        form.addRow("Citation &style", self.style_box)
        form.addRow("", self.contents)
        form.addRow("", self.numbered)
        form.addRow("", self.table)
        ids_row = QHBoxLayout()  # indented under the annex it belongs to
        ids_row.addSpacing(24)
        ids_row.addWidget(self.annex_ids, 1)
        form.addRow("", ids_row)
        form.addRow("", self.require_marking)
        self.template = TemplateChooser(template or "", briefing, briefing_file, self)
        self.template.chosen.connect(self.template_chosen)
        self.template.chosen.connect(self._choices_changed)
        template_label = QLabel("Organisation tem&plate")
        template_label.setBuddy(self.template.path)
        form.addRow(template_label, self.template)
        self._template_for(self.format.currentData())
        save_to = QLabel("Save &to")  # a label without a buddy would show the & itself
        save_to.setBuddy(self.path)
        form.addRow(save_to, path_row)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button = self.buttons.addButton(
            "&Open file", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.folder_button = self.buttons.addButton(
            "Show in &folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.marking_button = self.buttons.addButton(
            "Set the &marking…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.marking_button.setToolTip("Close this and go to the marking in Briefing details")
        self.marking_button.setVisible(False)
        self.marking_button.clicked.connect(self._set_marking)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_button.setVisible(False)
        self.folder_button.setVisible(False)
        self.export_button.clicked.connect(self.start)
        self.open_button.clicked.connect(
            lambda: self.output and QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output)))
        )
        self.folder_button.clicked.connect(
            lambda: (
                self.output
                and QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output.parent)))
            )
        )
        self.close_button.clicked.connect(self.reject)
        # A result line never outlives the choices it was for.
        self.format.currentIndexChanged.connect(self._choices_changed)
        self.style_box.currentIndexChanged.connect(self._choices_changed)
        self.path.textChanged.connect(self._choices_changed)
        self.contents.toggled.connect(self._choices_changed)
        self.table.toggled.connect(self._choices_changed)
        self.numbered.toggled.connect(self._choices_changed)
        self.annex_ids.toggled.connect(self._choices_changed)
        self.require_marking.toggled.connect(self._choices_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 0)

    def _choices_changed(self, *_args: object) -> None:
        if self._thread is not None and self._thread.isRunning():
            return
        self.status.clear()
        self.progress.setVisible(False)
        self.open_button.setVisible(False)
        self.folder_button.setVisible(False)
        self.marking_button.setVisible(False)

    def _set_marking(self) -> None:
        self.reject()  # first: closing gives the focus back to where it was
        self.markingRequested.emit()

    def _format_changed(self, _i: int) -> None:
        fmt = self.format.currentData()
        current = Path(self.path.text())
        if _format_of(current) not in (None, fmt):
            self.path.setText(str(current.with_suffix(f".{fmt}")))
        self._template_for(fmt)

    def _template_for(self, fmt: str) -> None:
        """The organisation's template is for Word and PDF; the web page keeps its own look."""
        self.template.setEnabled(fmt in TEMPLATE_FORMATS)
        self.template.setToolTip(
            "" if fmt in TEMPLATE_FORMATS else "The web page keeps its own look."
        )

    def _path_edited(self, text: str) -> None:
        """A typed .pdf, .docx or .html chooses the format (never 'x.pdf.docx')."""
        self._confirmed = None
        self._choose_format(Path(text))

    def _choose_format(self, path: Path) -> None:
        fmt = _format_of(path)
        if fmt is not None and fmt != self.format.currentData():
            self.format.setCurrentIndex(self.format.findData(fmt))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        filters = {f"{label} (*.{key})": key for key, label in FORMAT_LABELS.items()}
        chosen = next(f for f, key in filters.items() if key == fmt)
        name, selected = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), ";;".join(filters), chosen
        )
        if not name:
            return
        path = Path(name)
        if _format_of(path) is None:
            path = path.with_name(f"{path.name}.{filters.get(selected, fmt)}")
        self._choose_format(path)
        self.path.setText(str(path))
        # The file dialog has asked about replacing an existing file.
        self._confirmed = path

    def target(self) -> Path:
        """The file to write: the typed extension chooses the format, else the format's is added."""
        path = Path(self.path.text().strip()).expanduser()
        if _format_of(path) is None:
            path = path.with_name(f"{path.name}.{self.format.currentData()}")
        self._choose_format(path)
        return path

    def _may_replace(self, path: Path) -> bool:
        if not path.exists() or path == self._confirmed:
            return True
        answer = QMessageBox.question(
            self,
            "Replace the existing file?",
            f"“{path.name}” already exists in {path.parent}.\n\n"
            "Replace it with this export? Anything changed in it since it was made "
            "(such as edits in Word) would be lost.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def options(self) -> ExportOptions:
        return ExportOptions(
            format=self.format.currentData(),
            style=self.style_box.currentData(),
            include_contents=self.contents.isChecked(),
            include_evidence_table=self.table.isChecked(),
            annex_ids=self.table.isChecked() and self.annex_ids.isChecked(),
            numbered_paragraphs=self.numbered.isChecked(),
            require_marking=self.require_marking.isChecked(),
            default_template=self.template.path.text().strip() or None,
        )

    def choices(self) -> dict[str, str]:
        """The choices besides format, style and folder, as the settings remember them."""
        yes = {True: "yes", False: "no"}
        return {
            "annex": yes[self.table.isChecked()],
            "annex-ids": yes[self.annex_ids.isChecked()],
            "numbered-paragraphs": yes[self.numbered.isChecked()],
        }

    def start(self) -> None:
        if self.require_marking.isChecked() and not self.briefing.printed_marking():
            # Said plainly before anything is written, with the way to put it right.
            self.status.setText(
                "<b>Nothing was exported.</b> This briefing has no protective marking, and "
                "exports require one. Set it in <b>Briefing details → Marking</b> (for example "
                "OFFICIAL), then export again."
            )
            self.marking_button.setVisible(True)
            self.marking_button.setFocus()
            return
        path = self.target()
        if str(path) != self.path.text():
            self.path.setText(str(path))
        if not self._may_replace(path):
            self.status.setText("Not exported: choose another file name, or export again.")
            return
        self._confirmed = None  # asked once: an export made since may have been edited
        self.report = None
        self.output = None
        self.export_button.setEnabled(False)
        self.open_button.setVisible(False)
        self.folder_button.setVisible(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Exporting…")
        self._thread = QThread(self)
        self._worker = _Worker(
            self.briefing, self.library, path, self.options(), self.briefing_file
        )
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    def _on_progress(self, value: int, message: str) -> None:
        self.progress.setValue(value)
        if message:
            self.status.setText(message)

    def _on_finished(self, path: str) -> None:
        self.output = Path(path)
        self.progress.setValue(100)
        options = self.options()
        document = self._worker.document if self._worker is not None else None
        text = f"Exported to {path}"
        if document is not None:
            self.report = report_for(
                self.output,
                self.briefing_file,
                options.format or "",
                options.style or "",
                document,
                self.briefing.max_pages,
                self.choices(),
            )
            text += f"\n{self.report.length_text}"
            if self.report.over_limit:
                text += f"\n⚠ {self.report.over_limit}"
            for warning in document.warnings:
                text += f"\n⚠ {warning[:1].upper()}{warning[1:]}."
        self.status.setText(text)
        self.export_button.setEnabled(True)
        self.open_button.setVisible(True)
        self.folder_button.setVisible(True)
        self.open_button.setFocus()
        if self.report is not None:
            self.exported.emit(self.report)

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.status.setText(f"<b>Nothing was exported.</b> {message}".replace("\n", "<br>"))
        self.export_button.setEnabled(True)

    def wait(self, ms: int = 60000) -> bool:
        """For tests and closing: wait for a running export to end."""
        return self._thread.wait(ms) if self._thread is not None else True

    def reject(self) -> None:
        if self._worker is not None:
            self._worker.cancelled = True
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(30000)
        super().reject()


def _format_of(path: Path) -> str | None:
    """The export format a file name's extension asks for, if any."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        return "html"
    return suffix if suffix in FORMAT_LABELS else None


class TemplateChooser(QWidget):
    """The organisation's Word template: a path, Choose… (a file picker that checks the file at
    once) and Clear; a line below says when the briefing names its own, which is used instead."""

    chosen = Signal(str)

    def __init__(
        self, current: str, briefing: Briefing, briefing_file: Path | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.path = QLineEdit(current)
        self.path.setReadOnly(True)
        self.path.setToolTip(current)
        self.path.setPlaceholderText("None: the app's own look")
        self.path.setAccessibleName("Organisation template")
        choose = QPushButton("C&hoose…")
        choose.setAccessibleName("Choose the organisation template")
        choose.clicked.connect(self._choose)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Use no organisation template")
        self.clear_button.clicked.connect(lambda: self.set_template(""))
        self.clear_button.setEnabled(bool(current))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        own = template_path(briefing, briefing_file)
        if own is not None:
            self.note.setText(
                f"This briefing names its own template, {own.name}, which is used instead."
            )
        self.note.setVisible(bool(self.note.text()))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def _choose(self) -> None:
        start = self.path.text() or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Organisation template", start, "Word templates (*.dotx *.docx)"
        )
        if name:
            self.set_template(name)

    def set_template(self, name: str) -> bool:
        """Use ``name`` ("" for none) if it is a template the export can use; else say why."""
        if name:
            try:
                load_template(name)
            except ExportError as exc:
                text = str(exc)
                self.note.setText(
                    f"<b>Not used.</b> {text[:1].upper()}{text[1:]}.".replace("\n", "<br>")
                )
                self.note.setVisible(True)
                return False
        self.note.setVisible(False)
        self.path.setText(name)
        self.path.setToolTip(name)
        self.clear_button.setEnabled(bool(name))
        self.chosen.emit(name)
        return True
