"""How long a briefing is: its words, as they will print, and an estimate of its pages.

The words are counted in the document model every writer renders (:func:`build_document`), so the
count is what the export prints: the title block, headings, the summary, the officer's
paragraphs, notes and lead-ins, each quote with its attribution, the footnotes and the
references. Pages are estimated from words per page of the citation style.

Calibration: the example briefing (examples/partnership-working.briefing.yaml) was exported to PDF
in each style with its sections repeated 1, 2, 3, 5 and 8 times (2,026 to 15,068 words as counted
here; 7 to 47 pages at the 11-point body) and a straight line fitted to pages against words.
Harvard gives 314 words a page and numbered notes 325 (footnotes are set smaller than the body);
in both the title block and the contents add about three quarters of a page
(``OVERHEAD_PAGES``). Re-fit these whenever the writers' type sizes change: a test compares the
estimate with real PDFs. Word's own layout can differ by a page or so from the PDF's, which is
why the app says "about" for Word documents. Numbered paragraphs (their text 35 pt narrower) came
to the same pages, or up to two more in 47, so they are not counted apart. The evidence annex is
estimated by its rows (``ANNEX_ROWS_PER_PAGE``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..core.briefing import Briefing
from ..core.model import Library
from .citations import CitationStyle
from .document import Document, EvidenceAnnex, build_document

WORDS_PER_PAGE: dict[str, float] = {"harvard": 314.0, "numbered-notes": 325.0}
DEFAULT_WORDS_PER_PAGE = 314.0
OVERHEAD_PAGES = 0.75
# The evidence annex's landscape pages hold about six rows each (the example briefing's 22 rows
# take 4 pages of the PDF, three times its sections' 66 rows take 11).
ANNEX_ROWS_PER_PAGE = 6.0
_WORD = re.compile(r"\w[\w'’.,:/-]*")


@dataclass(frozen=True, slots=True)
class Length:
    """A briefing's length, and its target if it has one."""

    words: int
    pages: int  # estimated
    max_pages: int | None = None

    @property
    def over_limit(self) -> bool:
        return self.max_pages is not None and self.pages > self.max_pages


def count_words(document: Document) -> int:
    """The words that print, as a word processor counts them (a dash or a bullet is not a word)."""
    return len(_WORD.findall(document.text()))


def estimate_pages(words: int, style_id: str) -> int:
    """Pages for ``words`` in style ``style_id``, at least one."""
    per_page = WORDS_PER_PAGE.get(style_id, DEFAULT_WORDS_PER_PAGE)
    return max(1, round(words / per_page + OVERHEAD_PAGES))


def document_length(document: Document, max_pages: int | None = None) -> Length:
    words = count_words(document)
    pages = estimate_pages(words, document.meta.style.id)
    for block in document.blocks:
        if isinstance(block, EvidenceAnnex):  # its own landscape pages, by rows not words
            pages += math.ceil(len(block.rows) / ANNEX_ROWS_PER_PAGE)
    return Length(words, pages, max_pages)


def written_pages(document: Document) -> tuple[int, bool]:
    """The pages of an exported document and whether that is the writer's own count (a PDF)
    rather than the estimate (Word lays out its own pages)."""
    if document.page_count is not None:
        return document.page_count, True
    return document_length(document).pages, False


def pages_phrase(pages: int, known: bool) -> str:
    """ "7 pages" when counted, "about 7 pages" when estimated."""
    return pages_text(pages) if known else f"about {pages_text(pages)}"


def briefing_length(
    briefing: Briefing, library: Library | None, style: CitationStyle | str | None = None
) -> Length:
    """The length of ``briefing`` as it would export in ``style`` (else the briefing's own).

    Raises :class:`~.document.ExportError` as :func:`build_document` does (an unknown finding)."""
    return document_length(build_document(briefing, library, style=style), briefing.max_pages)


def over_limit_message(pages: int, max_pages: int | None) -> str | None:
    """ "This briefing is 7 pages; its limit is 6", or None within the limit."""
    if max_pages is None or pages <= max_pages:
        return None
    return f"This briefing is {pages} pages; its limit is {max_pages}"


def pages_text(pages: int) -> str:
    return f"{pages} page{'s' if pages != 1 else ''}"
