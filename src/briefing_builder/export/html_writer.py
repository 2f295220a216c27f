"""The briefing as one accessible web page: a single self-contained HTML file.

The page needs nothing beyond itself: the styles are inline, there is no script, and the fonts
are the reader's own sans-serif, so opening it makes no request anywhere. The markup carries the
structure a screen reader and a browser's outline use:

* ``header`` holds the title block; the title is the page's only ``h1``;
* the contents are a ``nav`` of links to the sections' ids;
* each heading opens a ``section``; a section's level maps to a heading one below it (level 1 →
  ``h2``, level 2 → ``h3``, anything deeper → ``h4``), so the outline never skips a level;
* a quote is a ``blockquote`` (``cite`` = the source's URL when known) with its attribution in
  the ``figcaption`` of the ``figure`` around it;
* note styles: a superscript link to the note and, at the end, the notes as an ordered list, each
  with a labelled link back to where it is cited;
* the evidence annex is a ``table`` with a ``caption`` and column headers.

The protective marking, when the briefing has one, is printed at the top and the bottom and named
in ``<meta name="classification">``. Every piece of text is escaped; a link is made only for
http(s), mailto and in-page addresses. A print stylesheet sets A4 pages, prints external links'
addresses after them and keeps headings with what follows. Each block type has one method; a new
block type needs one entry in ``_Page.RENDERERS`` and its method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape
from typing import IO, ClassVar

from .base import Progress, WriterCapabilities
from .citations import Reference
from .document import (
    Block,
    Contents,
    Document,
    EvidenceAnnex,
    FrontSheet,
    Heading,
    Meta,
    Note,
    Paragraph,
    Quote,
    ReferenceList,
    TitleBlock,
)
from .inline import Spans

CAPABILITIES = WriterCapabilities(
    format="html",
    label="Web page (HTML)",
    suffix=".html",
    mime_type="text/html",
    editable=False,
    footnotes="endnotes",
    contents="links",
    page_x_of_y=False,
    bookmarks=False,
    embedded_fonts=False,
    evidence_table=True,
    note="One accessible file for an intranet or email: opens in any browser, prints on A4.",
)

LANG = "en-GB"

# The page's colours. Every text colour is checked against its background for WCAG 2.2 AA
# (at least 4.5:1) in the tests, so a change here that fails contrast fails the build.
COLOURS = {
    "text": "#1b1b1b",
    "background": "#ffffff",
    "muted": "#4b5563",  # byline, attribution, captions
    "link": "#1d4f91",
    "accent": "#1d4f91",  # the rule under the title and the quote bar (not text)
    "marking-text": "#ffffff",
    "marking-background": "#1b1b1b",
    "table-head": "#dce4ee",
    "focus": "#ffdd00",  # focus: dark text on yellow, an outline round it
    "focus-text": "#0b0c0c",
    "nav-background": "#f3f4f6",
}

# (text, background) pairs that occur on the page: what the contrast test checks.
CONTRAST_PAIRS = (
    ("text", "background"),
    ("muted", "background"),
    ("link", "background"),
    ("marking-text", "marking-background"),
    ("text", "table-head"),
    ("text", "nav-background"),
    ("link", "nav-background"),
    ("muted", "nav-background"),
    ("focus-text", "focus"),
)

_CSS = """
:root { color-scheme: light; }
html { font-size: 100%%; }
body {
  margin: 0 auto; max-width: 46rem; padding: 1.5rem 1.25rem 3rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  font-size: 1.0625rem; line-height: 1.55; color: %(text)s; background: %(background)s;
  overflow-wrap: break-word;
}
a { color: %(link)s; text-decoration: underline; text-underline-offset: 0.15em; }
a:focus, a:focus-visible {
  outline: 3px solid %(focus-text)s; outline-offset: 1px;
  background: %(focus)s; color: %(focus-text)s; text-decoration: none;
}
.marking {
  margin: 0 0 1rem; padding: 0.3rem 0.6rem; text-align: center; font-weight: 700;
  letter-spacing: 0.08em; color: %(marking-text)s; background: %(marking-background)s;
}
.marking-bottom { margin: 2rem 0 0; }
header { border-bottom: 3px solid %(accent)s; padding-bottom: 0.75rem; margin-bottom: 1.5rem; }
.organisation { margin: 0; font-size: 0.9rem; font-weight: 700; letter-spacing: 0.06em;
  text-transform: uppercase; color: %(muted)s; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.3rem 0 0.4rem; }
.subtitle { font-size: 1.25rem; margin: 0 0 0.5rem; }
.byline { margin: 0; color: %(muted)s; }
h2 { font-size: 1.5rem; line-height: 1.25; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.25rem; line-height: 1.3; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1.0625rem; line-height: 1.35; margin: 1.25rem 0 0.5rem; }
.number { margin-right: 0.6em; }
nav { background: %(nav-background)s; padding: 0.25rem 1.25rem 0.75rem; margin-bottom: 1.5rem; }
nav h2 { margin-top: 0.75rem; }
nav ol { list-style: none; padding-left: 0; margin: 0; }
nav ol ol { padding-left: 1.5rem; }
nav li { margin: 0.3rem 0; }
nav .number { display: inline-block; min-width: 2.25rem; margin-right: 0; }
p.numbered { position: relative; padding-left: 2.75rem; }
p.numbered > .para-number { position: absolute; left: 0; }
p.lead-in { margin-bottom: 0.4rem; }
figure.quote { margin: 0.75rem 0 1.25rem; padding-left: 1.25rem; border-left: 4px solid
  %(accent)s; }
figure.quote blockquote { margin: 0; }
figure.quote blockquote p { margin: 0; }
figure.quote figcaption { margin-top: 0.35rem; color: %(muted)s; font-size: 0.95rem; }
figure.quote figcaption a { color: %(link)s; }
sup { line-height: 0; }
.references li, .notes li { margin: 0.45rem 0; overflow-wrap: anywhere; }
.references { list-style: none; padding-left: 1.5rem; text-indent: -1.5rem; }
.notes { padding-left: 1.75rem; }
.front-sheet { margin-bottom: 1.5rem; }
table.front caption { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%%); white-space: nowrap; }
table.front th { width: 10rem; }
ol.recommendations { list-style-type: lower-alpha; padding-left: 2rem; }
ol.recommendations li::marker { content: counter(list-item, lower-alpha) ") "; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%%; font-size: 0.9rem; }
caption { text-align: left; color: %(muted)s; padding-bottom: 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem;
  border-bottom: 1px solid #9ca3af; }
th { background: %(table-head)s; }
.annex th:nth-child(2) { width: 38%%; }
@media print {
  @page { size: A4; margin: 20mm 18mm 22mm; }
  body { max-width: none; padding: 0; font-size: 11pt; line-height: 1.45; }
  nav { background: none; padding: 0; }
  a { color: %(text)s; }
  a.external::after { content: " (" attr(href) ")"; font-size: 0.9em; overflow-wrap: anywhere; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure.quote, tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .marking { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .annex { break-before: page; page-break-before: always; }
}
"""

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def stylesheet(marking: str = "") -> str:
    """The page's CSS with the palette filled in. A marking is also printed at the top and bottom
    of every printed page, where the browser supports page margin boxes (Chromium does); the
    marking elements at the page's start and end print whatever the browser."""
    css = (_CSS % COLOURS).strip()
    if marking:
        text = css_string(marking)
        box = "font: 700 9pt sans-serif; letter-spacing: 0.08em; color: #000"
        css += (
            "\n@media print {\n"
            f"  @page {{ @top-center {{ content: {text}; {box}; }}\n"
            f"    @bottom-center {{ content: {text}; {box}; }} }}\n}}"
        )
    return css


def _e(text: str) -> str:
    return escape(text, quote=True)


def _href(link: str) -> str | None:
    """A link the page may carry: in-page or http(s)/mailto; anything else (``javascript:``,
    ``file:``) is shown as text only."""
    if link.startswith("#") or link.lower().startswith(_SAFE_SCHEMES):
        return link
    return None


def spans_html(spans: Spans) -> str:
    """Inline markup for spans, every character of the text escaped."""
    out: list[str] = []
    for s in spans:
        text = _e(s.text)
        if s.superscript:
            text = f"<sup>{text}</sup>"
        if s.italic:
            text = f"<em>{text}</em>"
        if s.bold:
            text = f"<strong>{text}</strong>"
        href = _href(s.link) if s.link else None
        if href is not None:
            # Printed pages show an external link's address after it, unless the text is it.
            external = not href.startswith("#") and s.text.strip() != href
            cls = ' class="external"' if external else ""
            text = f'<a href="{_e(href)}"{cls}>{text}</a>'
        out.append(text)
    return "".join(out)


def heading_tag(level: int) -> str:
    """A section heading's element: the title is the only h1, so level 1 is h2; capped at h4."""
    return f"h{min(max(level, 1), 3) + 1}"


class _Page:
    """Walks the document's blocks once, writing each with the method for its type."""

    RENDERERS: ClassVar[dict[type, str]] = {
        TitleBlock: "title_block",
        FrontSheet: "front_sheet",
        Contents: "contents",
        Heading: "heading",
        Paragraph: "paragraph",
        Quote: "quote",
        ReferenceList: "references",
        EvidenceAnnex: "evidence_annex",
    }

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.out: list[str] = []
        self.sections: list[int] = []  # levels of the open <section>s
        self.in_main = False
        self.open_list: tuple[str, int] | None = None  # (tag, list id) of an open list
        self.notes: list[Note] = []
        self.urls = {r.source_id: r.url for r in document.references() if r.url}

    # --- the page -----------------------------------------------------------------------

    def render(self) -> str:
        meta = self.doc.meta
        self.head(meta)
        for block in self.doc.blocks:
            self.render_block(block)
        self._close_list()
        self._close_sections(1)
        if not self.in_main:  # a briefing with nothing but a title still has its main landmark
            self.out.append("<main>\n")
        self.footnotes()
        self.out.append("</main>\n")
        if meta.marking:
            self.out.append(
                f'<footer><p class="marking marking-bottom">{_e(meta.marking)}</p></footer>\n'
            )
        self.out.append("</body>\n</html>\n")
        return "".join(self.out)

    def render_block(self, block: Block) -> None:
        name = self.RENDERERS.get(type(block))
        if name is None:
            raise TypeError(f"no HTML for a {type(block).__name__} block")
        if not isinstance(block, Paragraph) or block.list_kind is None:
            self._close_list()
        if not isinstance(block, (TitleBlock, FrontSheet, Contents)) and not self.in_main:
            self.out.append("<main>\n")
            self.in_main = True
        method: Callable[[Block], None] = getattr(self, name)
        method(block)

    def head(self, meta: Meta) -> None:
        title = " – ".join(p for p in (meta.title, meta.subtitle) if p)
        metas = [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
        ]
        for name, value in (
            ("classification", meta.marking),
            ("author", meta.author),
            ("description", meta.subject),
            ("keywords", ", ".join(meta.keywords)),
            ("date", meta.date),
            ("generator", meta.generator),
        ):
            if value:
                metas.append(f'<meta name="{name}" content="{_e(value)}">')
        self.out.append(
            f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n'
            + "\n".join(metas)
            + f"\n<style>\n{stylesheet(meta.marking)}\n</style>\n</head>\n<body>\n"
        )

    # --- blocks -------------------------------------------------------------------------

    def title_block(self, block: TitleBlock) -> None:
        meta = block.meta
        out = ["<header>\n"]
        if meta.marking:  # first in the banner, so it is inside a landmark as well as on top
            out.append(f'<p class="marking marking-top">{_e(meta.marking)}</p>\n')
        if meta.organisation:
            out.append(f'<p class="organisation">{_e(meta.organisation)}</p>\n')
        out.append(f"<h1>{_e(meta.title)}</h1>\n")
        if meta.subtitle:
            out.append(f'<p class="subtitle">{_e(meta.subtitle)}</p>\n')
        version = meta.version
        if version and not version.lower().startswith("version"):
            version = "Version " + version
        parts = [_e(meta.author)] if meta.author else []
        if meta.date_text:
            parts.append(f'<time datetime="{_e(meta.date)}">{_e(meta.date_text)}</time>')
        if version:
            parts.append(_e(version))
        if parts:
            out.append(f'<p class="byline">{" · ".join(parts)}</p>\n')
        out.append("</header>\n")
        self.out.extend(out)

    def front_sheet(self, block: FrontSheet) -> None:
        """A committee paper's front sheet, between the title and the contents: the meeting's
        details as a table with row headers, then the recommendations lettered a), b) …"""
        out = ['<section class="front-sheet" aria-label="Committee front sheet">\n']
        if block.rows:
            out.append('<table class="front">\n<caption>Meeting details</caption>\n<tbody>\n')
            out.extend(
                f'<tr><th scope="row">{_e(label)}</th><td>{spans_html(value)}</td></tr>\n'
                for label, value in block.rows
            )
            out.append("</tbody>\n</table>\n")
        if block.recommendations:
            out.append(
                f'<h2 id="recommendations">{_e(block.heading)}</h2>\n'
                f'<p class="lead-in">{_e(block.lead)}</p>\n<ol class="recommendations">\n'
            )
            out.extend(f"<li>{spans_html(r)}</li>\n" for r in block.recommendations)
            out.append("</ol>\n")
        out.append("</section>\n")
        self.out.extend(out)

    def contents(self, block: Contents) -> None:
        if not block.entries:
            return
        h = block.heading
        out = [
            f'<nav aria-labelledby="{_e(h.anchor)}">\n<h2 id="{_e(h.anchor)}">{_e(h.text)}</h2>\n'
        ]
        depth = 0
        for entry in block.entries:
            level = 1 if entry.level <= 1 else 2
            if level > depth:
                out.append("<ol>\n" * (level - depth))
            else:
                out.append("</li>\n")
                if level < depth:
                    out.append("</ol>\n</li>\n" * (depth - level))
            depth = level
            number = f'<span class="number">{_e(entry.number)} </span>' if entry.number else ""
            out.append(f'<li><a href="#{_e(entry.anchor)}">{number}{_e(entry.text)}</a>')
        out.append("</li>\n</ol>\n" * depth)
        out.append("</nav>\n")
        self.out.extend(out)

    def heading(self, h: Heading, extra_class: str = "") -> None:
        self._close_sections(h.level)
        cls = f' class="{extra_class}"' if extra_class else ""
        self.out.append(f'<section{cls} aria-labelledby="{_e(h.anchor)}">\n')
        self.sections.append(h.level)
        tag = heading_tag(h.level)
        number = f'<span class="number">{_e(h.number)}</span> ' if h.number else ""
        self.out.append(f'<{tag} id="{_e(h.anchor)}">{number}{_e(h.text)}</{tag}>\n')

    def paragraph(self, p: Paragraph) -> None:
        text = spans_html(p.spans)
        if p.list_kind is not None:
            tag = "ol" if p.list_kind == "number" else "ul"
            if self.open_list != (tag, p.list_id):
                self._close_list()
                self.out.append(f"<{tag}>\n")
                self.open_list = (tag, p.list_id)
            self.out.append(f"<li>{text}</li>\n")
            return
        classes = []
        if p.role == "lead-in":
            classes.append("lead-in")
        if p.number:
            classes.append("numbered")
            text = f'<span class="para-number">{_e(p.number)}</span> {text}'
        cls = f' class="{" ".join(classes)}"' if classes else ""
        # dir="auto": a paragraph in Hebrew or Arabic reads right to left.
        self.out.append(f'<p{cls} dir="auto">{text}</p>\n')

    def quote(self, q: Quote) -> None:
        url = self.urls.get(q.source_id)
        href = _href(url) if url else None
        cite = f' cite="{_e(href)}"' if href and not href.startswith("#") else ""
        text = spans_html(q.text)
        if q.note is not None:
            self.notes.append(q.note)
            n = q.note.number
            text += (
                f'<sup><a href="#fn{n}" id="fnref{n}" role="doc-noteref" '
                f'aria-label="Note {n}">{n}</a></sup>'
            )
        out = [f'<figure class="quote">\n<blockquote{cite}><p dir="auto">{text}</p></blockquote>\n']
        attribution = q.attribution
        if attribution:
            out.append(f"<figcaption>{spans_html(attribution)}</figcaption>\n")
        out.append("</figure>\n")
        self.out.extend(out)

    def references(self, block: ReferenceList) -> None:
        self.heading(block.heading)
        self.out.append('<ul class="references">\n')
        self.out.extend(self._reference(r) for r in block.entries)
        self.out.append("</ul>\n")

    def _reference(self, ref: Reference) -> str:
        return f'<li id="{_e(ref.anchor)}">{spans_html(ref.spans)}</li>\n'

    def evidence_annex(self, block: EvidenceAnnex) -> None:
        self.heading(block.heading, "annex")
        n = len(block.rows)
        caption = (
            f"The {n} quote{'s' if n != 1 else ''} cited in this briefing, in the order cited: "
            "the source, "
            + ("its evidence strength, " if block.show_strength else "")
            + "where in it, where the briefing cites it and whether the wording has changed in "
            "the library."
        )
        out = [
            f'<div class="table-wrap">\n<table>\n<caption>{_e(caption)}</caption>\n<thead><tr>',
            *(f'<th scope="col">{_e(c)}</th>' for c in block.columns),
            "</tr></thead>\n<tbody>\n",
        ]
        for row in block.rows:
            cells = block.cells(row)
            out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>\n")
        out.append("</tbody>\n</table>\n</div>\n")
        self.out.extend(out)

    def footnotes(self) -> None:
        """The notes of a note style, after everything else, each linking back to its mark."""
        if not self.notes:
            return
        out = [
            '<section class="footnotes" aria-labelledby="notes" role="doc-endnotes">\n'
            '<h2 id="notes">Notes</h2>\n<ol class="notes">\n'
        ]
        for note in self.notes:
            n = note.number
            out.append(
                f'<li id="fn{n}" value="{n}">{spans_html(note.spans)} '
                f'<a href="#fnref{n}" role="doc-backlink" '
                f'aria-label="Back to where note {n} is cited">\u21a9</a></li>\n'
            )
        out.append("</ol>\n</section>\n")
        self.out.extend(out)

    # --- structure ----------------------------------------------------------------------

    def _close_list(self) -> None:
        if self.open_list is not None:
            self.out.append(f"</{self.open_list[0]}>\n")
            self.open_list = None

    def _close_sections(self, level: int) -> None:
        """Close every open section at ``level`` or deeper (a new heading at ``level``)."""
        while self.sections and self.sections[-1] >= level:
            self.sections.pop()
            self.out.append("</section>\n")


def render_html(document: Document) -> str:
    """The whole page as text."""
    return _Page(document).render()


def write_html(document: Document, out: IO[bytes]) -> Iterator[Progress]:
    """Write ``document`` to ``out`` as one UTF-8 HTML file, yielding progress."""
    yield Progress(0, 2, "Writing the web page")
    data = render_html(document).encode("utf-8")
    yield Progress(1, 2, "Saving the web page")
    out.write(data)
    yield Progress(2, 2, "Web page written")
