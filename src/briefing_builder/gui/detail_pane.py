"""The whole finding, with the citation as it will be printed, and "Show in source"."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.model import KIND_LABELS, Finding, Library
from ..core.search import Query, hit_spans
from ..core.strength import EMMIE, EvidenceStrength, maryland_explained, maryland_text
from .highlight import hit_html

CitationFormatter = Callable[[Finding, Library], str]
EMMIE_LINK = "emmie:toggle"  # the link that unfolds and folds a source's EMMIE notes


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
        self.query = Query()  # the search, whose hits are marked
        self.emmie_open = False  # EMMIE notes unfolded (kept from finding to finding)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Finding detail")
        self.browser.setOpenLinks(False)
        self.show_button = QPushButton("Show in source")
        self.show_button.setToolTip("Read the quote in its source's text (Ctrl+Shift+R)")
        self.show_button.setAccessibleName("Show in source")
        self.add_button = QPushButton("Add to briefing")
        self.add_button.setToolTip("Add the selected findings to the current section (Ctrl+Return)")
        self.add_button.setAccessibleName("Add to briefing")
        # Curation adds Edit finding… here.
        self.buttons = buttons = QHBoxLayout()
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
        self.browser.anchorClicked.connect(self._link)
        self.show_finding(None)

    def _link(self, url: QUrl) -> None:
        if url.toString() == EMMIE_LINK:
            self.toggle_emmie()

    def toggle_emmie(self) -> None:
        """Unfold or fold the EMMIE notes of the finding's source."""
        self.emmie_open = not self.emmie_open
        scroll = self.browser.verticalScrollBar().value()
        self.show_finding(self.finding)
        self.browser.verticalScrollBar().setValue(scroll)

    def set_query(self, text: str) -> None:
        """Mark what the search ``text`` matches in the finding shown (now and from now on)."""
        query = Query.parse(text)
        if query != self.query:
            self.query = query
            self.show_finding(self.finding)

    def _marked(self, text: str) -> str:
        return hit_html(text, hit_spans(text, self.query))

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
        # Rich text, escaped; the search may have matched the speaker or the source's title too.
        rows: list[tuple[str, str]] = []
        if finding.speaker:
            rows.append(("Speaker", self._marked(finding.speaker)))
        rows += [
            ("Source", self._marked(src.title) if src else "Unknown source"),
            ("Where", escape(str(finding.locator))),
            ("Kind", escape(KIND_LABELS.get(finding.kind, finding.kind))),
            ("Themes", escape(themes)),
        ]
        if finding.places:
            rows.append(("Places", escape(", ".join(finding.places))))
        if src is not None and src.strength is not None:
            rows += self._strength_rows(src.strength)
        table = "".join(
            f"<tr><td valign=top style='padding-right:10px'><b>{escape(k)}</b></td><td>{v}</td></tr>"
            for k, v in rows
        )
        citation = escape(self.citation(finding, lib))
        verified = "Checked word for word against the source text." if finding.verified else ""
        self.browser.setHtml(
            f"<p style='font-size:large; margin:6px 4px'>“{self._marked(finding.text)}”</p>"
            f"<p style='margin:6px 4px'><b>Cited as:</b> {citation}</p>"
            f"<table cellspacing=2 style='margin:4px'>{table}</table>"
            f"<p style='color:gray; margin:6px 4px'>{escape(finding.id)}. {verified}</p>"
        )

    def _strength_rows(self, strength: EvidenceStrength) -> list[tuple[str, str]]:
        """The source's design, its Maryland level (the scale explained in its tooltip) and
        its EMMIE notes, folded under a link until asked for."""
        rows: list[tuple[str, str]] = []
        if strength.design:
            rows.append(("Study design", escape(strength.design)))
        if strength.maryland is not None:
            tip = escape(maryland_explained(strength.maryland), quote=True)
            rows.append(
                (
                    "Evidence strength",
                    f'<span title="{tip}">{escape(maryland_text(strength.maryland))}'
                    " <span style='color:gray'>(?)</span></span>",
                )
            )
        if strength.emmie:
            headings = dict(EMMIE)
            if self.emmie_open:
                notes = "".join(
                    f"<br><i>{escape(headings.get(key, key))}:</i> {escape(note)}"
                    for key, note in strength.emmie
                )
                cell = f"<a href='{EMMIE_LINK}'>Hide</a>{notes}"
            else:
                shown = ", ".join(headings.get(key, key) for key, _ in strength.emmie)
                cell = f"<a href='{EMMIE_LINK}'>Show</a> <span style='color:gray'>({shown})</span>"
            rows.append(("EMMIE notes", cell))
        return rows

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
