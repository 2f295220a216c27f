"""The whole finding, with the citation as it will be printed, and "Show in source"."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.model import KIND_LABELS, Finding, Library
from ..core.textmatch import locate_quote_parts

CitationFormatter = Callable[[Finding, Library], str]


def plain_citation(finding: Finding, library: Library) -> str:
    src = library.source(finding.source)
    return f"{src.short if src else finding.source}, {finding.locator}"


class DetailPane(QWidget):
    showInSource = Signal(object)  # Finding
    addRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library: Library | None = None
        self.finding: Finding | None = None
        self.citation: CitationFormatter = plain_citation
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Finding detail")
        self.browser.setOpenLinks(False)
        self.show_button = QPushButton("Show in source")
        self.show_button.setToolTip("Read the quote in its source's text (Ctrl+Shift+R)")
        self.show_button.setAccessibleName("Show in source")
        self.add_button = QPushButton("Add to briefing")
        self.add_button.setToolTip("Add the selected findings to the current section (Ctrl+Return)")
        self.add_button.setAccessibleName("Add to briefing")
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.show_button.clicked.connect(
            lambda: self.finding and self.showInSource.emit(self.finding)
        )
        self.add_button.clicked.connect(self.addRequested.emit)
        self.show_finding(None)

    def show_finding(self, finding: Finding | None) -> None:
        self.finding = finding
        lib = self.library
        self.show_button.setEnabled(
            bool(finding and lib and lib.source_text(finding.source) is not None)
        )
        self.add_button.setEnabled(finding is not None)
        if finding is None or lib is None:
            self.browser.setHtml("<p style='color:gray'>Select a finding to read it in full.</p>")
            return
        src = lib.source(finding.source)
        themes = ", ".join(t.label for tid in finding.themes if (t := lib.theme(tid)))
        rows: list[tuple[str, str]] = []
        if finding.speaker:
            rows.append(("Speaker", finding.speaker))
        rows += [
            ("Source", src.title if src else finding.source),
            ("Where", str(finding.locator)),
            ("Kind", KIND_LABELS.get(finding.kind, finding.kind)),
            ("Themes", themes),
        ]
        if finding.places:
            rows.append(("Places", ", ".join(finding.places)))
        table = "".join(
            f"<tr><td style='padding-right:10px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
            for k, v in rows
        )
        citation = escape(self.citation(finding, lib))
        verified = "Checked word for word against the source text." if finding.verified else ""
        self.browser.setHtml(
            f"<p style='font-size:large; margin:6px 4px'>“{escape(finding.text)}”</p>"
            f"<p style='margin:6px 4px'><b>Cited as:</b> {citation}</p>"
            f"<table cellspacing=2 style='margin:4px'>{table}</table>"
            f"<p style='color:gray; margin:6px 4px'>{escape(finding.id)}. {verified}</p>"
        )

    def show_outline_item(
        self, finding: Finding | None, lead_in: str = "", title: str = "", text: str = ""
    ) -> None:
        """What an outline row holds: a finding (with the officer's lead-in above it), or a
        section's or note's own words (``title`` and ``text``)."""
        if finding is not None:
            self.show_finding(finding)
            if lead_in.strip():
                cursor = QTextCursor(self.browser.document())
                cursor.insertHtml(
                    f"<p style='margin:6px 4px'><b>Lead-in:</b> {escape(lead_in.strip())}</p><br>"
                )
            return
        self.show_finding(None)
        self.add_button.setEnabled(False)
        body = escape(text.strip()) or "<span style='color:gray'>No text of its own.</span>"
        self.browser.setHtml(
            f"<p style='margin:6px 4px'><b>{escape(title)}</b></p>"
            f"<p style='white-space:pre-wrap; margin:6px 4px'>{body}</p>"
        )


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


class SourceViewer(QDialog):
    """The source's text with the quote highlighted and scrolled into view."""

    def __init__(self, library: Library, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        src = library.source(finding.source)
        self.setWindowTitle(
            f"In context — {src.short if src else finding.source}, {finding.locator}"
        )
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Source text")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        body = library.source_text(finding.source) or ""
        self.text.setPlainText(body)
        # Qt counts positions in UTF-16 code units; Python counts code points.
        self.spans = [
            (_utf16(body, s), _utf16(body, e)) for s, e in locate_quote_parts(body, finding.text)
        ]
        self._body = body
        heading = QLabel(
            f"<b>{escape(src.title if src else finding.source)}</b> — the quote is highlighted."
        )
        heading.setWordWrap(True)
        if not self.spans:
            heading.setText(heading.text() + " <i>The quote could not be found in this text.</i>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self._highlight()

    def _highlight(self) -> None:
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fde68a"))
        fmt.setForeground(QColor("#111111"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        for start, end in self.spans:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = fmt
            selections.append(sel)
        self.text.setExtraSelections(selections)
        if self.spans:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self.spans[0][0])
            self.text.setTextCursor(cursor)
            self.text.centerCursor()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Centre again once the dialog has its real size; before that the viewport is too small.
        QTimer.singleShot(0, self.text.centerCursor)

    def highlighted_text(self) -> list[str]:
        out = []
        for start, end in self.spans:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            out.append(cursor.selectedText().replace("\u2029", "\n"))
        return out

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
