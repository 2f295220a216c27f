"""A source document's plain text, in the form a library's ``texts/*.txt`` takes.

The text keeps the document's words as they are (quotes are checked against it word for word),
separates pages with form feeds, and marks headings the document marks as ``#`` Markdown headings
on lines of their own, so the source reader shows them and a section locator can be derived from
the heading before a passage. Printed page labels come back beside the text (a PDF's /PageLabels:
a report whose page 1 is its seventh PDF page cites that page as 1).

Libraries, and why:

* **PDF: pypdfium2** (Apache-2.0 or BSD-3-Clause, over Google's BSD-licensed PDFium, the engine in
  Chrome). One library gives the text of each page, the page labels, the bookmarks (outline) and a
  clean refusal of an encrypted file; PDFium is a C++ library built for hostile input and reads a
  500-page report in seconds, where the pure-Python readers (pdfminer.six, pypdf) take ten times
  as long or more.
* **Word: python-docx** (MIT), already used to write briefings: paragraphs with their styles
  (``Heading 1``-``Heading 9``, ``Title``), list paragraphs and tables, in document order.
* **HTML: the standard library's html.parser**: headings ``h1``-``h6``, paragraphs, list items and
  tables are all this needs; no further dependency.
* **Plain text and Markdown** are kept as written: the source reader already recognises Markdown
  and numbered headings (``3.1 Range of partners``).

Every failure is an :class:`ExtractionError` whose message names the file and says what to do; a
file is size-checked before it is read and a PDF page-count-checked before its pages are, so a
hostile or huge file is refused in bounded time.
"""

from __future__ import annotations

import html.parser
import io
import itertools
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import UnreadableFile, read_regular_file
from ..core.pages import is_plain_numbering
from ..core.textmatch import MAX_TEXT_BYTES, fold_whitespace

MAX_INPUT_BYTES = 300 * 1024 * 1024  # a long report with images; anything larger is refused
MAX_PDF_PAGES = 5_000
MAX_DOCX_UNPACKED = 500 * 1024 * 1024  # a .docx is a zip: refuse one that unpacks to more
PAGE_BREAK = "\n\f\n"

FORMATS = {
    ".pdf": "PDF",
    ".docx": "Word",
    ".html": "HTML",
    ".htm": "HTML",
    ".xhtml": "HTML",
    ".txt": "plain text",
    ".text": "plain text",
    ".md": "Markdown",
    ".markdown": "Markdown",
}
_REFUSED = {
    ".doc": "is an old Word 97-2003 document (.doc), which cannot be read: open it in Word or "
    "LibreOffice and save it as .docx",
    ".rtf": "is a Rich Text file, which cannot be read: save it as .docx or plain text",
    ".odt": "is an OpenDocument text, which cannot be read: save it as .docx",
    ".pptx": "is a PowerPoint file, which cannot be read: save it as PDF",
    ".ppt": "is a PowerPoint file, which cannot be read: save it as PDF",
}

Progress = Callable[[int, int], None]


class ExtractionError(Exception):
    """Why a document's text cannot be extracted, naming the file, in words for a curator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Extracted:
    """A document's text (form feeds between pages), its pages' printed labels when they are not
    simply 1, 2, 3..., the title the file gives itself, and remarks for the curator."""

    text: str
    format: str
    page_labels: list[str] | None = None
    title: str | None = None
    pages: int = 1
    headings: int = 0
    remarks: list[str] = field(default_factory=list)


def extract(path: Path | str, *, progress: Progress | None = None) -> Extracted:
    """The text of the document at ``path``, by its extension; raises :class:`ExtractionError`."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in _REFUSED:
        raise ExtractionError(f"{path} {_REFUSED[ext]}.")
    kind = FORMATS.get(ext)
    if kind is None:
        known = ", ".join(sorted({e for e in FORMATS if e not in (".htm", ".text", ".xhtml")}))
        raise ExtractionError(
            f"{path} is not a kind of document that can be added (its name ends "
            f"'{path.suffix or '(nothing)'}'); use one of {known}."
        )
    try:
        data = read_regular_file(path, max_bytes=MAX_INPUT_BYTES)
    except UnreadableFile as exc:
        raise ExtractionError(f"{path} {exc.message}.") from None
    reader = {
        "PDF": _pdf,
        "Word": _docx,
        "HTML": _html,
        "plain text": _plain,
        "Markdown": _plain,
    }[kind]
    result = reader(path, data, progress)
    result.format = kind
    result.text = _tidy(result.text)
    if not _SOME_TEXT.search(result.text):
        raise ExtractionError(
            f"{path} has no text to extract"
            + (
                " (it looks like a scanned document: its pages are pictures of text; run it "
                "through text recognition (OCR) first)"
                if kind == "PDF"
                else ""
            )
            + "."
        )
    if len(result.text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise ExtractionError(
            f"{path} gives more text than a source may hold "
            f"({MAX_TEXT_BYTES // 1_048_576} MB); split it into parts."
        )
    result.pages = result.text.count("\f") + 1
    result.headings = len(re.findall(r"(?m)^#{1,6} \S", result.text))
    return result


# Any character but white space and heading marks: stops at the first, so a long text costs
# nothing (folding all its white space to find out took a tenth of a second at 500 pages, with
# the app's window waiting on the interpreter lock).
_SOME_TEXT = re.compile(r"[^\s#]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _tidy(text: str) -> str:
    """Line ends as ``\\n``, control characters other than tab, line and page breaks removed,
    trailing spaces and runs of blank lines trimmed: white space only, never a word."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\f")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = _BLANKS.sub("\n\n", text)
    return text.strip("\n") + "\n"


# --- PDF ------------------------------------------------------------------------------------


def _pdf(path: Path, data: bytes, progress: Progress | None) -> Extracted:
    import pypdfium2 as pdfium

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ExtractionError(f"{path} is not a PDF file (it does not start as one).")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ExtractionError(
                f"{path} is encrypted (password-protected), so its text cannot be read: save "
                "an unprotected copy (or ask its publisher for one) and add that."
            ) from None
        raise ExtractionError(
            f"{path} cannot be read as a PDF: the file is damaged ({exc})."
        ) from None
    try:
        count = len(doc)
        if count > MAX_PDF_PAGES:
            raise ExtractionError(
                f"{path} has {count:,} pages, more than a source may have ({MAX_PDF_PAGES:,}); "
                "split it into parts."
            )
        headings = _pdf_outline(doc, count)
        pages: list[str] = []
        labels: list[str] = []
        empty = 0
        for i in range(count):
            page = doc[i]
            try:
                textpage = page.get_textpage()
                try:
                    # A form feed inside a page would count as a page of its own.
                    raw = textpage.get_text_range().replace("\f", " ")
                    text = _pdf_paragraphs(raw, textpage)
                finally:
                    textpage.close()
            finally:
                page.close()
            if not text.strip():
                empty += 1
            text = _mark_headings(text, headings.get(i, []))
            pages.append(text)
            labels.append(doc.get_page_label(i))
            if progress is not None:
                progress(i + 1, count)
        title = (doc.get_metadata_value("Title") or "").strip()
        title = None if title.lower() in ("", "untitled") else title
    except pdfium.PdfiumError as exc:
        raise ExtractionError(
            f"{path} cannot be read as a PDF: the file is damaged ({exc})."
        ) from None
    finally:
        doc.close()
    # No /PageLabels: the pages are 1, 2, 3. A page the labels leave unnumbered (a cover) is
    # cited by its place in the file in square brackets, as for any unnumbered page.
    labels = [label or f"[{i + 1}]" for i, label in enumerate(labels)] if any(labels) else []
    remarks = []
    if empty and empty < count:
        remarks.append(
            f"{empty} of {count} pages have no text (pictures, or blank); quotes cannot come "
            "from them"
        )
    return Extracted(
        PAGE_BREAK.join(pages),
        "PDF",
        None if is_plain_numbering(labels) else labels,
        title,
        remarks=remarks,
    )


def _pdf_outline(doc: object, count: int) -> dict[int, list[tuple[int, str]]]:
    """The bookmarks as (level from 1, title) by page index."""
    out: dict[int, list[tuple[int, str]]] = {}
    try:
        for mark in doc.get_toc(max_depth=6):  # type: ignore[attr-defined]
            title = fold_whitespace(mark.get_title() or "")
            dest = mark.get_dest()
            index = dest.get_index() if dest is not None else None
            if title and index is not None and 0 <= index < count:
                out.setdefault(index, []).append((mark.level + 1, title))
    except Exception:  # a damaged outline only costs the headings, never the text
        return out
    return out


_ENDS_PARAGRAPH = tuple('.!?:"”’)')
_PDF_LINE = "\r\n"  # PDFium's line break between the lines it finds on a page


def _line_boxes(raw: str, textpage: Any) -> list[tuple[str, float, float] | None]:
    """Each line of a page's text with the bottom and height of its first character (PDFium
    numbers the characters of the text it returns, its own line breaks included)."""
    out: list[tuple[str, float, float] | None] = []
    pos = 0
    for line in raw.split(_PDF_LINE):
        stripped = line.lstrip()
        if not stripped.strip():
            out.append(None)
        else:
            try:
                _, bottom, _, top = textpage.get_charbox(
                    pos + len(line) - len(stripped), loose=True
                )
                out.append((line, bottom, top - bottom))
            except Exception:  # a character PDFium has no box for: no layout for this line
                out.append((line, float("nan"), float("nan")))
        pos += len(line) + len(_PDF_LINE)
    return out


def _pdf_paragraphs(raw: str, textpage: Any = None) -> str:
    """A page's lines with a blank line where a paragraph visibly ends: where the gap to the next
    line is clearly wider than the page's usual line spacing, where the type size changes (a
    heading), where the next line stands higher (a new column), or after a line that finishes a
    sentence well short of the page's full line width. Only white space is added."""
    boxes = (
        _line_boxes(raw, textpage)
        if textpage is not None
        else [
            (ln, float("nan"), float("nan")) if ln.strip() else None for ln in raw.split(_PDF_LINE)
        ]
    )
    lines = [b for b in boxes if b is not None]
    if not lines:
        return ""
    widths = sorted(len(ln.strip()) for ln, _, _ in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) > 3 else widths[-1]
    steps = sorted(a[1] - b[1] for a, b in itertools.pairwise(lines) if a[1] - b[1] > 0)
    usual = steps[len(steps) // 2] if steps else 0.0
    out: list[str] = []
    for n, (line, bottom, height) in enumerate(lines):
        out.append(line.replace("\r", "\n"))
        s = line.strip()
        if s.endswith(_ENDS_PARAGRAPH) and len(s) < 0.8 * full:
            out.append("")
        elif n + 1 < len(lines):
            _, next_bottom, next_height = lines[n + 1]
            step = bottom - next_bottom
            if usual and (
                step > 1.4 * usual
                or step < 0
                or abs(next_height - height) > 0.15 * max(height, next_height)
            ):
                out.append("")
    return "\n".join(out)


def _mark_headings(text: str, headings: list[tuple[int, str]]) -> str:
    """Mark each bookmark's title where it stands on its page as a ``#`` heading of its level
    (on one or two lines); a title not printed on the page is left unmarked."""
    if not headings:
        return text
    lines = text.split("\n")
    start = 0
    for level, title in headings:
        want = title.casefold()
        for i in range(start, len(lines)):
            one = fold_whitespace(lines[i]).casefold()
            if not one:
                continue
            two = (
                fold_whitespace(lines[i] + " " + lines[i + 1]).casefold()
                if i + 1 < len(lines)
                else ""
            )
            if one == want or (two == want and lines[i + 1].strip()):
                joined = (
                    lines[i].strip()
                    if one == want
                    else fold_whitespace(lines[i] + " " + lines[i + 1])
                )
                end = i + 1 if one == want else i + 2
                lines[i:end] = ["", "#" * min(level, 6) + " " + joined, ""]
                start = i + 3
                break
    return "\n".join(lines)


# --- Word -----------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^heading (\d)$", re.I)


def _docx(path: Path, data: bytes, progress: Progress | None) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if "word/document.xml" not in zf.namelist():
                raise ExtractionError(f"{path} is not a Word document (it has no document part).")
    except zipfile.BadZipFile:
        raise ExtractionError(
            f"{path} cannot be read as a Word document: the file is damaged or is not a .docx."
        ) from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise ExtractionError(
            f"{path} unpacks to {unpacked / 1_048_576:,.0f} MB, more than a Word document can "
            "plausibly hold; it is not read."
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ExtractionError(
            f"{path} cannot be read as a Word document: the file is damaged ({exc})."
        ) from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        raise ExtractionError(
            f"{path} cannot be read as a Word document: the file is damaged ({exc})."
        ) from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(_docx_paragraph(item))
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    text = cell.text.strip()
                    if text:
                        blocks.append(text)
    title = (document.core_properties.title or "").strip() or None
    text = "\n\n".join(b for b in blocks if b)
    return Extracted(text.replace("\n\n\f\n\n", PAGE_BREAK), "Word", None, title)


def _docx_paragraph(paragraph: object) -> str:
    from docx.oxml.ns import qn

    p = paragraph  # a docx Paragraph
    text = p.text.replace("\t", " ").strip()  # type: ignore[attr-defined]
    element = p._p  # type: ignore[attr-defined]
    breaks_before = element.xpath("./w:pPr/w:pageBreakBefore")
    breaks = element.xpath(".//w:br[@w:type='page']")
    style = p.style.name if p.style is not None else ""  # type: ignore[attr-defined]
    if text:
        if m := _HEADING_STYLE.match(style or ""):
            text = "#" * min(int(m.group(1)), 6) + " " + " ".join(text.split())
        elif style == "Title":
            text = "# " + " ".join(text.split())
        elif (element.find(qn("w:pPr")) is not None and element.xpath("./w:pPr/w:numPr")) or (
            style and style.lower().startswith("list bullet")
        ):
            text = "- " + text
    out = text
    if breaks_before:
        out = "\f\n\n" + out if out else "\f"
    if breaks:
        out = out + "\n\n\f" if out else "\f"
    return out


# --- HTML -----------------------------------------------------------------------------------

# Not the document: scripts, styles, and the site's navigation menus.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "nav"}
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "caption",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "ul",
        "ol",
        "address",
        "hr",
        "form",
        "fieldset",
        "body",
    }
)
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# Tags that end the text before them: a block, a list item, a heading.
_BREAKS = _BLOCK | {"li"} | _HEADINGS


class _HtmlText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.skip = 0
        self.lists = 0
        self.title: list[str] = []
        self.in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(self.prefix + text)
        self.current = []
        self.prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag in _BREAKS:
            self._flush()
        if tag in ("ul", "ol"):
            self.lists += 1
        elif tag == "li":
            self.prefix = "  " * max(0, self.lists - 1) + "- "
        elif tag in _HEADINGS:
            self.prefix = "#" * int(tag[1]) + " "
        elif tag == "br":
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skip:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BREAKS:
            self._flush()
        if tag in ("ul", "ol"):
            self.lists = max(0, self.lists - 1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.skip:
            self.current.append(data)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    declared = _META_CHARSET.search(data[:4096])
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8-sig"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _html(path: Path, data: bytes, progress: Progress | None) -> Extracted:
    parser = _HtmlText()
    try:
        parser.feed(_decode_html(path, data))
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it still rejects is damage
        raise ExtractionError(f"{path} cannot be read as HTML ({exc}).") from None
    parser._flush()
    title = " ".join("".join(parser.title).split()) or None
    return Extracted("\n\n".join(parser.blocks), "HTML", None, title)


# --- plain text and Markdown ----------------------------------------------------------------


def _plain(path: Path, data: bytes, progress: Progress | None) -> Extracted:
    remarks = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if b"\0" in data[:4096]:
                raise ExtractionError(
                    f"{path} is not a text file (it holds binary data)."
                ) from None
            text = data.decode("cp1252", errors="replace")
            remarks.append("it is not UTF-8, so it was read as Windows (cp1252) text")
    if "\0" in text:
        raise ExtractionError(f"{path} is not a text file (it holds binary data).")
    title = None
    for line in text.splitlines():
        if line.strip():
            title = line.strip().lstrip("#").strip() or None
            break
    return Extracted(text, "plain text", None, title, remarks=remarks)
