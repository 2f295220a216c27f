"""Application start-up: the main window over the bundled (or a chosen) library."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.cache import OpenedLibrary, open_library
from ..core.filtering import Filter
from ..core.model import KIND_LABELS
from ..core.paths import bundled_library
from .findings_model import FindingsModel


class MainWindow(QMainWindow):
    """Search the library's findings and read each one in full."""

    def __init__(self, opened: OpenedLibrary) -> None:
        super().__init__()
        self.library = opened.library
        self.setWindowTitle(f"Briefing Builder — {self.library.title}")
        self.model = FindingsModel(opened.library, opened.index, self)

        self.search = QLineEdit(placeholderText='Search findings (words, or a "quoted phrase")')
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search findings")
        self.summary = QLabel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Findings")
        self.list.setAlternatingRowColors(True)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Finding detail")
        self.detail.setOpenExternalLinks(False)

        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setSizes([620, 460])
        self.setCentralWidget(splitter)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.list.selectionModel().currentChanged.connect(self._show_current)
        self._apply_search()
        problems = len(self.library.problems)
        status = f"{len(self.library.findings)} findings from {len(self.library.sources)} sources"
        if problems:
            status += f" — {problems} problem{'s' if problems != 1 else ''} in the library (run “briefing-builder check”)"
        self.statusBar().showMessage(status)
        self.resize(1180, 720)

    def _apply_search(self) -> None:
        flt = Filter(text=self.search.text())
        result = self.model.apply_filter(flt)
        self.summary.setText(f"{flt.describe(self.library)}: {len(result)}")
        if len(result):
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self.detail.clear()

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        finding = self.model.finding_at(current.row()) if current.isValid() else None
        if finding is None:
            self.detail.clear()
            return
        src = self.library.source(finding.source)
        themes = ", ".join(t.label for tid in finding.themes if (t := self.library.theme(tid)))
        rows = [
            ("Source", f"{src.title if src else finding.source}"),
            ("Where", str(finding.locator)),
            ("Kind", KIND_LABELS.get(finding.kind, finding.kind)),
            ("Themes", themes),
        ]
        if finding.speaker:
            rows.insert(0, ("Speaker", finding.speaker))
        if finding.places:
            rows.append(("Places", ", ".join(finding.places)))
        from html import escape

        table = "".join(
            f"<tr><th align=left>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows
        )
        self.detail.setHtml(
            f"<blockquote style='font-size:large'>{escape(finding.text)}</blockquote>"
            f"<table cellspacing=4>{table}</table><p style='color:gray'>{escape(finding.id)}</p>"
        )


def run(library: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Briefing Builder")
    app.setApplicationVersion(__version__)
    opened = open_library(library if library is not None else bundled_library())
    window = MainWindow(opened)
    window.show()
    return app.exec()
