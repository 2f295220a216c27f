"""The briefing's length in the status bar: words, estimated pages, the limit, the last export.

Counted by the core (:mod:`briefing_builder.export.length`) from the same document model the
exporters render, a moment after the officer stops typing, so typing stays quick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ..export.document import ExportError
from ..export.length import Length, briefing_length, pages_text
from .document import BriefingDocument
from .export_dialog import ExportReport

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
WARNING_STYLE = "QLabel { color: #9a3412; font-weight: bold; }"


class LengthStatus(QLabel):
    """ "2,026 words · about 6 pages" — and "· over the 4-page limit" in a warning style."""

    def __init__(
        self, doc: BriefingDocument, style: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self._style = style
        self.length: Length | None = None
        self.report: ExportReport | None = None
        self.setAccessibleName("Briefing length")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        doc.undo_stack.indexChanged.connect(self._changed)
        doc.metadataChanged.connect(self._changed)
        doc.sectionsReplaced.connect(self._changed)
        doc.libraryChanged.connect(self._changed)
        doc.pathChanged.connect(self.refresh)  # another briefing opened: no stale count meanwhile
        self.refresh()

    def _changed(self, *_args: object) -> None:
        """An edit: the last export's page count is out of date; count again shortly."""
        if self.report is not None:
            self.report = None
            self._show()
        self._timer.start()

    def set_report(self, report: ExportReport) -> None:
        """After an export: show its page count (the PDF's own, or Word's estimate)."""
        self.report = report
        self._show()

    def refresh(self) -> None:
        self._timer.stop()
        try:
            self.length = briefing_length(self.doc.briefing, self.doc.library, self._style())
        except ExportError:  # findings the library lacks: no count until they are sorted out
            self.length = None
        except Exception:  # a count must never break editing
            log.warning("Cannot count the briefing's length", exc_info=True)
            self.length = None
        self._show()

    def _show(self) -> None:
        length = self.length
        if length is None:
            self.clear()
            self.setToolTip("")
            self.setStyleSheet("")
            return
        parts = [f"{length.words:,} words", f"about {pages_text(length.pages)}"]
        over = length.over_limit
        if length.max_pages is not None:
            parts.append(
                f"over the {length.max_pages}-page limit"
                if over
                else f"limit {pages_text(length.max_pages)}"
            )
        if self.report is not None:
            parts.append(f"last export — {self.report.length_text}")
            over = over or self.report.over_limit is not None
        self.setText(("⚠ " if over else "") + " · ".join(parts))
        self.setStyleSheet(WARNING_STYLE if over else "")
        tip = (
            "Words as they will print: headings, your paragraphs and notes, lead-ins, quotes "
            "with their citations, notes and references. Pages are an estimate for the chosen "
            "citation style."
        )
        if length.max_pages is not None:
            tip += (
                f" This briefing's limit is {pages_text(length.max_pages)}"
                " (Briefing details → Maximum pages)."
            )
        self.setToolTip(tip)
