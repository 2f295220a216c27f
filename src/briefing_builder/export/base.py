"""What writers share with the API: progress reports and a declaration of what each can do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of an export, for a progress bar: ``done`` of ``total`` steps."""

    done: int
    total: int
    message: str

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 1.0


@dataclass(frozen=True, slots=True)
class WriterCapabilities:
    """What a writer can do, so the export dialog reads it instead of hard-coding it."""

    format: str  # "docx", "pdf" or "html": the ``ExportOptions.format`` value
    label: str  # for a format chooser: "Word document"
    suffix: str  # ".docx"
    mime_type: str
    editable: bool  # can the reader change the text (Word) or is it final (PDF)
    footnotes: str  # how note styles appear: "word-footnotes", "page-footnotes", "endnotes"
    contents: str  # "field" (the word processor fills it), "page-numbers" or "links"
    page_x_of_y: bool
    bookmarks: bool  # a navigation tree: PDF bookmarks or Word's navigation pane
    embedded_fonts: bool
    evidence_table: bool
    note: str = ""  # one sentence for the dialog
