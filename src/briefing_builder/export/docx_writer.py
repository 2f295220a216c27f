"""The Word writer: renders a :class:`~.document.Document` as a .docx. With its helper for the
organisation's template (:mod:`.docx_template`), the only module that imports python-docx.

What a committee clerk gets:

* real Word styles (Title, Subtitle, Heading 1–6, Quote, Normal, List Bullet / List Number,
  Bibliography, TOC 1–3, footnote text), so the navigation pane and restyling work; headings are
  numbered by a multilevel list tied to the heading styles, not by typed numbers;
* numbered-notes styles as real Word footnotes: python-docx has no API for them, so the footnotes
  part is written here as plain WordprocessingML, with its relationship, content type, separator
  footnotes, the footnote styles and the ``footnotePr`` setting Word expects;
* a contents list of hyperlinked headings whose page numbers are PAGEREF fields to the headings'
  bookmarks, with ``updateFields`` set: Word fills them in on opening (it asks first) and
  LibreOffice computes them as it lays the document out (it would not fill in a TOC field's
  page numbers, which is why this is not a TOC field);
* the marking centred at the top and bottom of every page, the title, and "Page X of Y";
* title, author, subject and keywords in the document properties, and the marking as the custom
  property ``Classification`` (docProps/custom.xml) and once more at the top of the first page's
  text, where a screen reader, which skips running headers, reads it;
* a committee front sheet, when the briefing has one: the meeting's details as a table, then the
  recommendations as a real lettered list (a), b), ...).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from .. import __version__
from . import docx_template
from .base import Progress, WriterCapabilities
from .document import (
    Contents,
    Document,
    EvidenceAnnex,
    FrontSheet,
    Heading,
    Paragraph,
    Quote,
    ReferenceList,
    TitleBlock,
)
from .inline import Span, Spans, elide
from .pdf_writer import heading_pages, text_width
from .template import Template

CAPABILITIES = WriterCapabilities(
    format="docx",
    label="Word document",
    suffix=".docx",
    mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    editable=True,
    footnotes="word-footnotes",
    contents="field",
    page_x_of_y=True,
    bookmarks=True,
    embedded_fonts=False,
    evidence_table=True,
    note="Editable in Word or LibreOffice; both fill in the contents' page numbers on opening.",
)

FONT = "DejaVu Sans"  # the PDF's family, so Word and LibreOffice paginate alike
NAVY = "1F3A5F"
GREY = "595959"
BAR = "8FA9C8"
TEXT_WIDTH = 9071  # twips: A4 less 25 mm margins
LANDSCAPE_TEXT_WIDTH = 14003  # twips: A4 landscape less 25 mm margins (the evidence annex)
HANG = 709  # twips: a numbered paragraph's number hangs in this space; its quotes move in too
HEADER_SIZE = 9  # points
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
HEADING_NUM_ID = 90  # our multilevel list for headings (ids well clear of the template's)
RECOMMENDATIONS_NUM_ID = 89  # the front sheet's lettered recommendations: a), b), ...
# The format id Office gives every user-defined document property.
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

W = nsdecls("w")


def _style(
    kind: str, style_id: str, name: str, body: str, *, based_on: str = "Normal", extra: str = ""
) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style {W} w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}{extra}{body}</w:style>"
    )


def _rpr(
    size: float | None = None, *, bold: bool = False, italic: bool = False, color: str = ""
) -> str:
    out = "<w:rPr>"
    out += f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
    if bold:
        out += "<w:b/><w:bCs/>"
    if italic:
        out += "<w:i/><w:iCs/>"
    if color:
        out += f'<w:color w:val="{color}"/>'
    if size:
        half = round(size * 2)
        out += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    return out + "</w:rPr>"


_BAR_BORDER = f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{BAR}"/></w:pBdr>'
# Word and LibreOffice join adjacent paragraphs whose borders are identical into one bordered
# group, so two quotes in a row would share one unbroken bar. Every other quote block draws its
# bar in a colour one step away (no eye can tell them apart), which keeps each block's bar its own.
BAR_ALT = "8FA9C9"
_BAR_BORDER_ALT = (
    f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{BAR_ALT}"/></w:pBdr>'
)
_HEADER_TABS = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'


def _heading_style(level: int) -> str:
    sizes = {1: 16, 2: 13, 3: 11.5}
    spacing = {1: (360, 120), 2: (240, 80), 3: (200, 60)}
    before, after = spacing.get(level, (200, 60))
    ppr = (
        f'<w:pPr><w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="{level - 1}"/>'
        f'<w:numId w:val="{HEADING_NUM_ID}"/></w:numPr>'
        f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>'
    )
    rpr = _rpr(sizes.get(level, 11), bold=True, italic=level > 3, color=NAVY)
    return _style(
        "paragraph",
        f"Heading{level}",
        f"heading {level}",
        ppr + rpr,
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>',
    )


def _toc_style(level: int) -> str:
    indent = (level - 1) * 425
    ppr = (
        f'<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
        f'<w:spacing w:before="{60 if level == 1 else 0}" w:after="40"/>'
        f'<w:ind w:left="{indent}"/></w:pPr>'
    )
    return _style(
        "paragraph",
        f"TOC{level}",
        f"toc {level}",
        ppr + _rpr(11),
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>',
    )


STYLES = [
    _style(
        "paragraph",
        "Normal",
        "Normal",
        '<w:pPr><w:spacing w:after="140" w:line="310" w:lineRule="exact"/></w:pPr>' + _rpr(11),
        based_on="",
        extra="<w:qFormat/>",
    ),
    _style(
        "paragraph",
        "Title",
        "Title",
        '<w:pPr><w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>'
        "<w:contextualSpacing/></w:pPr>" + _rpr(24, bold=True, color=NAVY),
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>',
    ),
    _style(
        "paragraph",
        "Subtitle",
        "Subtitle",
        '<w:pPr><w:spacing w:after="160"/></w:pPr>' + _rpr(14, color="404040"),
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="11"/><w:qFormat/>',
    ),
    _style(
        "paragraph",
        "TitleDetails",
        "Title Details",
        '<w:pPr><w:spacing w:after="60"/></w:pPr>' + _rpr(10, color=GREY),
        extra='<w:next w:val="Normal"/><w:qFormat/>',
    ),
    *[_heading_style(n) for n in range(1, 7)],
    _style(
        "paragraph",
        "Quote",
        "Quote",
        f'<w:pPr>{_BAR_BORDER}<w:spacing w:before="60" w:after="40" w:line="310" w:lineRule="exact"/>'
        '<w:ind w:left="567" w:right="284"/></w:pPr>' + _rpr(11, color="262626"),
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="29"/><w:qFormat/>',
    ),
    _style(
        "paragraph",
        "QuoteAttribution",
        "Quote Attribution",
        f'<w:pPr>{_BAR_BORDER}<w:spacing w:before="0" w:after="220"/>'
        '<w:ind w:left="567" w:right="284"/></w:pPr>' + _rpr(10, color=GREY),
        based_on="Quote",
        extra='<w:next w:val="Normal"/><w:qFormat/>',
    ),
    _style(
        "paragraph",
        "Bibliography",
        "Bibliography",
        '<w:pPr><w:spacing w:after="120" w:line="300" w:lineRule="exact"/>'
        '<w:ind w:left="567" w:hanging="567"/></w:pPr>' + _rpr(11),
        extra='<w:uiPriority w:val="37"/><w:unhideWhenUsed/>',
    ),
    _style(
        "paragraph",
        "TOCHeading",
        "TOC Heading",
        '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
        '<w:outlineLvl w:val="9"/></w:pPr>',
        based_on="Heading1",
        extra='<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:qFormat/>',
    ),
    *[_toc_style(n) for n in (1, 2, 3)],
    _style(
        "paragraph",
        "FootnoteText",
        "footnote text",
        '<w:pPr><w:spacing w:after="40" w:line="230" w:lineRule="exact"/>'
        '<w:ind w:left="284" w:hanging="284"/></w:pPr>' + _rpr(9),
        extra='<w:link w:val="FootnoteTextChar"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
    ),
    _style(
        "character",
        "FootnoteTextChar",
        "Footnote Text Char",
        _rpr(9),
        based_on="DefaultParagraphFont",
        extra='<w:link w:val="FootnoteText"/><w:uiPriority w:val="99"/>',
    ),
    _style(
        "character",
        "FootnoteReference",
        "footnote reference",
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>',
        based_on="DefaultParagraphFont",
        extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
    ),
    _style(
        "character",
        "Hyperlink",
        "Hyperlink",
        '<w:rPr><w:color w:val="1F4E79"/><w:u w:val="single"/></w:rPr>',
        based_on="DefaultParagraphFont",
        extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
    ),
    _style(
        "paragraph",
        "Header",
        "header",
        f'<w:pPr>{_HEADER_TABS}<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        + _rpr(HEADER_SIZE, color=GREY),
        extra='<w:link w:val="HeaderChar"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
    ),
    _style(
        "paragraph",
        "Footer",
        "footer",
        f'<w:pPr>{_HEADER_TABS}<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        + _rpr(HEADER_SIZE, color=GREY),
        extra='<w:link w:val="FooterChar"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
    ),
    _style(
        "paragraph",
        "TableText",
        "Table Text",
        '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>'
        + _rpr(9),
        extra="<w:qFormat/>",
    ),
]

DOC_DEFAULTS = (
    f"<w:docDefaults {W}><w:rPrDefault>"
    f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
    '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault>"
    '<w:pPrDefault><w:pPr><w:spacing w:after="140" w:line="310" w:lineRule="exact"/></w:pPr>'
    "</w:pPrDefault></w:docDefaults>"
)


NUMBERED_PARAGRAPH_STYLE = _style(
    "paragraph",
    "NumberedParagraph",
    "Numbered Paragraph",
    f'<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="{HEADING_NUM_ID}"/></w:numPr>'
    f'<w:ind w:left="{HANG}" w:hanging="{HANG}"/></w:pPr>',
    extra="<w:qFormat/>",
)


def _heading_numbering(numbered_paragraphs: bool = False) -> str:
    """The multilevel list of the headings: 1, 1.1, 1.1.1 … With numbered paragraphs its
    second level numbers the paragraphs instead (1.1, 1.2 … restarting at each Heading 1), so
    Word renumbers them itself when a clerk adds, moves or deletes a paragraph or a section."""
    levels = []
    for i in range(6):
        text = ".".join(f"%{n}" for n in range(1, i + 2))
        indent = (567, 709, 851, 992, 1134, 1276)[i]
        style = f"Heading{i + 1}"
        if numbered_paragraphs and i == 1:
            style, indent = "NumberedParagraph", HANG
        levels.append(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            f'<w:pStyle w:val="{style}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>'
        )
    return (
        f'<w:abstractNum {W} w:abstractNumId="{HEADING_NUM_ID}">'
        '<w:multiLevelType w:val="multilevel"/>' + "".join(levels) + "</w:abstractNum>"
    )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Writer:
    def __init__(self, document: Document, template: Template | None = None) -> None:
        self.doc = document
        self.template = template
        # The organisation's template, when there is one: its page setup, styles, theme and
        # header logo are the starting point (docx_template.prepare drops its body).
        self.d = docx.Document(io.BytesIO(template.package)) if template else docx.Document()
        self.body = self.d.element.body
        self.quote_blocks = 0
        self.sect_pr = self.body[-1]
        self.bookmarks: dict[str, str] = {}
        self.bookmark_id = 0
        self.footnotes: list[tuple[int, Spans]] = []
        self.pending: list[str] = []
        self.footnotes_part: XmlPart | None = None
        self.numbering = self.d.part.numbering_part.element
        self.next_num_id = HEADING_NUM_ID + 1
        self.list_nums: dict[int, int] = {}
        self.list_number_abstract = self._abstract_of_style("ListNumber")
        self.text_width = TEXT_WIDTH  # twips; a template's page and margins set their own
        self.template_header: docx_template.HeaderCopy | None = None

    # --- setup -------------------------------------------------------------------------------

    def setup(self) -> None:
        pkg = self.d.part.package
        for rid, rel in list(pkg.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # the template's preview of an empty page
                pkg.rels.pop(rid)
        if self.template is not None:
            docx_template.prepare(self.d, STYLES, HEADING_NUM_ID)
            organisation = self.doc.meta.organisation.strip()
            docx_template.describe_pictures(
                self.d, f"{organisation} logo" if organisation else "Logo"
            )
            self.list_number_abstract = self._abstract_of_style("ListNumber")
        else:
            self._own_styles()
        numbered = self.doc.numbered_paragraphs
        if numbered:
            self._number_paragraphs(self.d.styles.element)
        # The multilevel list that numbers the heading styles: 1, 1.1, 1.1.1 ...
        self._add_list(parse_xml(_heading_numbering(numbered)), HEADING_NUM_ID)
        if self.template is None:  # a template's page setup stays as the unit made it
            section = self.d.sections[0]
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Mm(25)
            section.top_margin, section.bottom_margin = Mm(28), Mm(25)
            section.header_distance = section.footer_distance = Mm(10)
        else:
            self.text_width = docx_template.text_width(self.d.sections[0])
        self._settings()

    def _own_styles(self) -> None:
        styles = self.d.styles.element
        for old in styles.findall(qn("w:docDefaults")):
            styles.remove(old)
        styles.insert(0, parse_xml(DOC_DEFAULTS))
        for xml in STYLES:
            new = parse_xml(xml)
            sid = new.get(qn("w:styleId"))
            for old in styles.findall(qn("w:style")):
                if old.get(qn("w:styleId")) == sid:
                    styles.replace(old, new)
                    break
            else:
                styles.append(new)

    def _number_paragraphs(self, styles: Any) -> None:
        """Numbered paragraphs: the Numbered Paragraph style on the list's second level, and
        Heading 2 and below unnumbered (a new one typed in Word would otherwise read "1.3")."""
        styles.append(parse_xml(NUMBERED_PARAGRAPH_STYLE))
        for level in range(2, 7):
            style = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="Heading{level}"]')
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}") if style is not None else None
            if num_pr is not None:
                num_pr.getparent().remove(num_pr)

    def _settings(self) -> None:
        settings = self.d.settings.element
        for tag in ("w:savePreviewPicture",):
            for el in settings.findall(qn(tag)):
                settings.remove(el)
        # Word 2013 and later layout: the template says 14 (Word 2010), which opens in
        # Compatibility Mode.
        for setting in settings.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:val"), "en-GB")
        # CT_Settings is a sequence: updateFields and footnotePr come just before compat.
        anchor = settings.find(qn("w:compat"))
        new = [parse_xml(f'<w:updateFields {W} w:val="true"/>')]
        if any(isinstance(b, Quote) and b.note for b in self.doc.blocks):
            new.append(
                parse_xml(
                    f'<w:footnotePr {W}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
                )
            )
        for el in new:
            if anchor is not None:
                anchor.addprevious(el)
            else:
                settings.append(el)

    def _abstract_of_style(self, style_id: str) -> str | None:
        style = self.d.styles.element.find(f'{qn("w:style")}[@{qn("w:styleId")}="{style_id}"]')
        if style is None:
            return None
        num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is None:
            return None
        num_id = num.get(qn("w:val"))
        for n in self.numbering.findall(qn("w:num")):
            if n.get(qn("w:numId")) == num_id:
                return n.find(qn("w:abstractNumId")).get(qn("w:val"))
        return None

    # --- runs and paragraphs -----------------------------------------------------------------

    def bookmark(self, anchor: str) -> str:
        name = self.bookmarks.get(anchor)
        if name is None:
            # Leading underscore: a hidden bookmark, kept out of the user's Bookmark list.
            name = self.bookmarks[anchor] = f"_bb{len(self.bookmarks) + 1}"
        return name

    def runs_xml(self, spans: Spans, part: object, *, link_style: bool = True) -> str:
        out = []
        for s in spans:
            rpr = ""
            if s.bold:
                rpr += "<w:b/><w:bCs/>"
            if s.italic:
                rpr += "<w:i/><w:iCs/>"
            if s.superscript:
                rpr += '<w:vertAlign w:val="superscript"/>'
            external = s.link is not None and not s.link.startswith("#")
            if external and link_style:
                rpr = '<w:rStyle w:val="Hyperlink"/>' + rpr
            run = (f"<w:r><w:rPr>{rpr}</w:rPr>" if rpr else "<w:r>") + (
                f'<w:t xml:space="preserve">{_xml_text(s.text)}</w:t></w:r>'
            )
            if s.link is None:
                out.append(run)
            elif s.link.startswith("#"):
                out.append(
                    f'<w:hyperlink w:anchor="{self.bookmark(s.link[1:])}" w:history="1">{run}</w:hyperlink>'
                )
            else:
                rid = part.relate_to(s.link, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
                out.append(f'<w:hyperlink r:id="{rid}" w:history="1">{run}</w:hyperlink>')
        return "".join(out)

    def para(self, style: str, inner: str, *, ppr_extra: str = "") -> None:
        self.pending.append(
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr>{inner}</w:p>'
        )

    def flush(self) -> None:
        """Parse the paragraphs written so far in one go (one parse per paragraph was a third of
        the writer's time) and add them to the body."""
        if not self.pending:
            return
        wrapper = parse_xml(f"<w:body {nsdecls('w', 'r')}>{''.join(self.pending)}</w:body>")
        self.pending = []
        for child in list(wrapper):
            self.sect_pr.addprevious(child)

    def bookmarked(self, anchor: str, inner: str) -> str:
        self.bookmark_id += 1
        bid = self.bookmark_id
        name = self.bookmark(anchor)
        return (
            f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{inner}<w:bookmarkEnd w:id="{bid}"/>'
        )

    # --- blocks ------------------------------------------------------------------------------

    def title_block(self, block: TitleBlock) -> None:
        meta = block.meta
        self.body_marking(meta.marking)
        if meta.organisation:
            self.para(
                "TitleDetails",
                self.runs_xml((Span(meta.organisation.upper(), bold=True),), self.d.part),
            )
        self.para("Title", self.runs_xml((Span(meta.title),), self.d.part))
        if meta.subtitle:
            self.para("Subtitle", self.runs_xml((Span(meta.subtitle),), self.d.part))
        if block.byline:
            border = (
                f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="6" w:color="{BAR}"/></w:pBdr>'
                '<w:spacing w:after="280"/>'
            )
            self.para(
                "TitleDetails", self.runs_xml((Span(block.byline),), self.d.part), ppr_extra=border
            )

    def body_marking(self, marking: str) -> None:
        """The marking at the top of the first page's text, as well as in the running header,
        which screen readers skip."""
        if marking:
            self.para(
                "Normal",
                self.runs_xml((Span(marking, bold=True),), self.d.part),
                ppr_extra='<w:spacing w:after="120"/><w:jc w:val="center"/>',
            )

    def front_sheet(self, block: FrontSheet) -> None:
        """The meeting's details as a two-column table, then "Recommendations — The Committee is
        asked to:" and the recommendations as a real lettered list (a), b), ...)."""
        if block.rows:
            label_w, value_w = 2200, TEXT_WIDTH - 2200
            rule = f'<w:bottom w:val="single" w:sz="4" w:space="0" w:color="{BAR}"/>'

            def cell(spans: Spans, width: int, *, label: bool) -> str:
                shade = '<w:shd w:val="clear" w:color="auto" w:fill="EEF2F7"/>' if label else ""
                runs = self.runs_xml(
                    tuple(Span(s.text, bold=True) for s in spans) if label else spans, self.d.part
                )
                return (
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                    f"<w:tcBorders>{rule}</w:tcBorders>{shade}</w:tcPr>"
                    f'<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:before="40" w:after="40"/>'
                    f"</w:pPr>{runs}</w:p></w:tc>"
                )

            rows = "".join(
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                + cell((Span(label),), label_w, label=True)
                + cell(value, value_w, label=False)
                + "</w:tr>"
                for label, value in block.rows
            )
            self.pending.append(
                "<w:tbl><w:tblPr>"
                f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/>'
                f'<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="{BAR}"/>'
                '</w:tblBorders><w:tblLayout w:type="fixed"/>'
                '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
                "</w:tblCellMar>"
                '<w:tblCaption w:val="Meeting details"/></w:tblPr>'
                f'<w:tblGrid><w:gridCol w:w="{label_w}"/><w:gridCol w:w="{value_w}"/></w:tblGrid>'
                f"{rows}</w:tbl>"
            )
        if block.recommendations:
            self._recommendations_numbering()
            self.para(
                "Normal",
                self.runs_xml((Span(block.heading, bold=True),), self.d.part),
                ppr_extra='<w:keepNext/><w:spacing w:before="240" w:after="60"/>',
            )
            self.para(
                "Normal",
                self.runs_xml((Span(block.lead),), self.d.part),
                ppr_extra="<w:keepNext/>",
            )
            last = len(block.recommendations) - 1
            for i, spans in enumerate(block.recommendations):
                self.para(
                    "ListNumber",
                    self.runs_xml(spans, self.d.part),
                    ppr_extra=("" if i == last else "<w:keepNext/>")
                    + '<w:numPr><w:ilvl w:val="0"/>'
                    f'<w:numId w:val="{RECOMMENDATIONS_NUM_ID}"/></w:numPr>'
                    + ('<w:spacing w:after="240"/>' if i == last else ""),
                )

    def _recommendations_numbering(self) -> None:
        """A one-level list lettered "a)", "b)", ...: Word renumbers it as a clerk edits."""
        abstract = parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="{RECOMMENDATIONS_NUM_ID}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="%1)"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="567" w:hanging="425"/></w:pPr></w:lvl></w:abstractNum>'
        )
        self._add_list(abstract, RECOMMENDATIONS_NUM_ID)

    def _add_list(self, abstract: Any, num_id: int) -> None:
        """Add a list definition (``abstract``, whose id is ``num_id``) and the list that uses it:
        Word wants every abstract definition before the first list."""
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        self.numbering.append(
            parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
        )

    def heading(self, h: Heading) -> None:
        level = min(max(h.level, 1), 6)
        ppr = "" if h.number else '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
        inner = self.bookmarked(h.anchor, self.runs_xml((Span(h.text),), self.d.part))
        self.para(f"Heading{level}", inner, ppr_extra=ppr)

    def contents(self, block: Contents) -> None:
        """The contents: a real TOC field (``TOC \\o "1-3" \\h \\z \\u``), so Word's Update
        Table rebuilds it from the headings, whose stored result is what Word itself would write:
        one hyperlinked entry per heading (TOC1-3 styles), its page number a PAGEREF field.

        LibreOffice shows a TOC field's result as stored, so each PAGEREF's stored result is the
        heading's page in the PDF layout (same typeface, sizes and margins); Word recomputes the
        fields on opening (``updateFields``).
        """
        self.para("TOCHeading", self.runs_xml((Span(block.heading.text),), self.d.part))
        if not block.entries:
            self.para("TOC1", self.runs_xml((Span("(no headings)"),), self.d.part))
            return
        last = len(block.entries) - 1
        pages = heading_pages(self.doc, self.template)
        for i, h in enumerate(block.entries):
            label = f"{h.number}\u2002{h.text}" if h.number else h.text
            inner = self.runs_xml((Span(label, link="#" + h.anchor),), self.d.part)
            inner += (
                "<w:r><w:tab/></w:r>"
                '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve"> PAGEREF {self.bookmark(h.anchor)} \\h </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                f"<w:r><w:t>{pages.get(h.anchor, '')}</w:t></w:r>"
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            )
            if i == 0:
                # The entries are the result of a real TOC field, so Word's Update Table
                # rebuilds them from the headings (a deleted heading goes, a new one appears).
                inner = (
                    '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                    '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + inner
                )
            if i == last:
                inner += '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            self.para(f"TOC{min(h.level, 3)}", inner)

    def paragraph(self, p: Paragraph) -> None:
        ppr = ""
        style = "Normal"
        if p.list_kind == "bullet":
            style = "ListBullet"
        elif p.list_kind == "number":
            style = "ListNumber"
            num_id = self._list_num(p.list_id)
            if num_id:
                ppr = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        if p.number:
            # Word's own numbering (the headings' list, second level), not typed digits.
            style = "NumberedParagraph"
            ppr = f'<w:numPr><w:ilvl w:val="1"/><w:numId w:val="{HEADING_NUM_ID}"/></w:numPr>'
        elif self.doc.numbered_paragraphs:
            # Lists and the summary line up with the numbered paragraphs' text.
            ppr += (
                f'<w:ind w:left="{HANG + 360}" w:hanging="360"/>'
                if p.list_kind
                else f'<w:ind w:left="{HANG}"/>'
            )
        if p.role == "lead-in":
            ppr = "<w:keepNext/>" + ppr
        self.para(style, self.runs_xml(p.spans, self.d.part), ppr_extra=ppr)

    def _list_num(self, list_id: int) -> int | None:
        """A fresh numbering instance per numbered list, so each list starts at 1."""
        if self.list_number_abstract is None:
            return None
        if list_id not in self.list_nums:
            num_id = self.next_num_id
            self.next_num_id += 1
            self.numbering.append(
                parse_xml(
                    f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{self.list_number_abstract}"/>'
                    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
                )
            )
            self.list_nums[list_id] = num_id
        return self.list_nums[list_id]

    def quote(self, q: Quote) -> None:
        self.quote_blocks += 1
        bar = _BAR_BORDER_ALT if self.quote_blocks % 2 == 0 else ""
        # With numbered paragraphs the quote sits inside the paragraph that introduces it, so it
        # moves in with that paragraph's text (w:ind comes after w:spacing in a paragraph's pPr).
        indent = (
            f'<w:ind w:left="{567 + HANG}" w:right="284"/>' if self.doc.numbered_paragraphs else ""
        )
        inner = self.runs_xml(q.text, self.d.part)
        if q.note is not None:
            self.footnotes.append((q.note.number, q.note.spans))
            inner += (
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                f'<w:footnoteReference w:id="{q.note.number}"/></w:r>'
            )
        attribution = q.attribution
        if not attribution:
            # Nothing under the quote: it takes the space after that the attribution would have.
            self.para("Quote", inner, ppr_extra=bar + '<w:spacing w:after="220"/>' + indent)
            return
        # The quote keeps with its attribution (Word keeps a long one's last line with it).
        self.para("Quote", inner, ppr_extra="<w:keepNext/>" + bar + indent)
        self.para(
            "QuoteAttribution",
            self.runs_xml(attribution, self.d.part, link_style=False),
            ppr_extra=bar + indent,
        )

    def references(self, block: ReferenceList) -> None:
        self.heading(block.heading)
        for ref in block.entries:
            inner = self.bookmarked(ref.anchor, self.runs_xml(ref.spans, self.d.part))
            self.para("Bibliography", inner)

    def evidence_annex(self, block: EvidenceAnnex) -> None:
        """The annex in a section of its own on landscape pages, its header row marked as one
        (``w:tblHeader``), so Word and LibreOffice repeat it at the top of every page."""
        self.flush()
        section = self.d.add_section(WD_SECTION.NEW_PAGE)
        # The paragraph that ends the portrait section names its style, as every other does.
        self.sect_pr.getprevious().get_or_add_pPr().insert(
            0, parse_xml(f'<w:pStyle {W} w:val="Normal"/>')
        )
        section.orientation = WD_ORIENT.LANDSCAPE
        land_width = LANDSCAPE_TEXT_WIDTH
        if self.template is None:
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:  # the template's paper on its side, with its margins
            first = self.d.sections[0]
            section.page_width, section.page_height = first.page_height, first.page_width
            land_width = docx_template.text_width(section)
        self.header_footer(section, land_width)
        self.heading(block.heading)
        widths = [round(share * land_width) for share in block.widths]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

        def cell(text: str, width: int, *, header: bool = False, flag: bool = False) -> str:
            shade = '<w:shd w:val="clear" w:color="auto" w:fill="DCE4EE"/>' if header else ""
            runs = self.runs_xml((Span(text, bold=header or flag),), self.d.part)
            if flag and text:
                runs = runs.replace("<w:rPr>", '<w:rPr><w:color w:val="8A1C1C"/>', 1)
            return (
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>{runs}</w:p></w:tc>'
            )

        rows = [
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            + "".join(cell(c, w, header=True) for c, w in zip(block.columns, widths, strict=True))
            + "</w:tr>"
        ]
        for r in block.rows:
            cells = block.cells(r)
            rows.append(
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                + "".join(
                    cell(v, w, flag=i == block.flag_column)
                    for i, (v, w) in enumerate(zip(cells, widths, strict=True))
                )
                + "</w:tr>"
            )
        self.pending.append(
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self.para("Normal", "")

    # --- header, footer, footnotes, properties -----------------------------------------------

    def header_footer(self, section: Any = None, width: int | None = None) -> None:
        """The running header and footer of ``section`` (the first), ``width`` twips wide."""
        meta = self.doc.meta
        section = section or self.d.sections[0]
        width = width or self.text_width
        # The styles' right tab stop is at the portrait width; a landscape section moves it.
        tabs = (
            ""
            if width == self.text_width
            else f'<w:tabs><w:tab w:val="clear" w:pos="{self.text_width}"/>'
            f'<w:tab w:val="right" w:pos="{width}"/></w:tabs>'
        )
        marking = (
            '<w:p><w:pPr><w:pStyle w:val="Header"/><w:spacing w:after="60"/>'
            '<w:jc w:val="center"/></w:pPr>'
            f'<w:r><w:rPr><w:b/><w:color w:val="000000"/><w:sz w:val="20"/></w:rPr>'
            f'<w:t xml:space="preserve">{_xml_text(meta.marking)}</w:t></w:r></w:p>'
            if meta.marking
            else ""
        )
        header = section.header
        header.is_linked_to_previous = False
        hdr = header._element
        if self.template is None:
            for p in list(hdr):
                hdr.remove(p)
        elif self.template_header is None:  # the template's own header (its logo) stays
            self.template_header = docx_template.HeaderCopy(section)
        else:  # a later section (the annex) starts with the template's header too
            self.template_header.into(section)
        right_text = meta.organisation or meta.author
        right = _xml_text(right_text)
        # Word lays the header out itself, so the title is measured here in the font the styles
        # name (DejaVu Sans, shipped for the PDF), with a tenth spare for a substitute font: the
        # organisation sits at a right tab stop, and a title within its share can never reach it.
        room = width / 20 * 0.9 - (text_width(right_text, HEADER_SIZE) + 12 if right_text else 0)
        title = elide(meta.title, lambda t: text_width(t, HEADER_SIZE) <= room)
        title_line = (
            '<w:p><w:pPr><w:pStyle w:val="Header"/>'
            f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="{BAR}"/></w:pBdr>'
            f"{tabs}</w:pPr>"
            f'<w:r><w:t xml:space="preserve">{_xml_text(title)}</w:t></w:r>'
            + (
                f'<w:r><w:tab/></w:r><w:r><w:t xml:space="preserve">{right}</w:t></w:r>'
                if right
                else ""
            )
            + "</w:p>"
        )
        for xml in (marking, title_line):
            if xml:
                hdr.append(parse_xml(f"<w:wrap {W}>{xml}</w:wrap>")[0])
        footer = section.footer
        footer.is_linked_to_previous = False
        ftr = footer._element
        if self.template is None:
            for p in list(ftr):
                ftr.remove(p)
        left = " · ".join(
            p
            for p in (
                meta.date_text,
                f"Version {meta.version}"
                if meta.version and not meta.version.lower().startswith("version")
                else meta.version,
            )
            if p
        )
        page_line = (
            '<w:p><w:pPr><w:pStyle w:val="Footer"/>'
            f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="{BAR}"/></w:pBdr>'
            f"{tabs}</w:pPr>"
            f'<w:r><w:t xml:space="preserve">{_xml_text(left)}</w:t></w:r><w:r><w:tab/></w:r>'
            '<w:r><w:t xml:space="preserve">Page </w:t></w:r>'
            '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            '<w:r><w:t xml:space="preserve"> of </w:t></w:r>'
            '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
        )
        marking_bottom = marking.replace(
            '<w:spacing w:after="60"/>', '<w:spacing w:before="60" w:after="0"/>'
        )
        for xml in (page_line, marking_bottom):
            if xml:
                ftr.append(parse_xml(f"<w:wrap {W}>{xml}</w:wrap>")[0])

    def write_footnotes(self) -> None:
        if not self.footnotes:
            return
        part = XmlPart(
            PackURI("/word/footnotes.xml"),
            FOOTNOTES_CT,
            parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>"),
            self.d.part.package,
        )
        self.d.part.relate_to(part, RT.FOOTNOTES)
        sep = (
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
        )
        cont = (
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
        )
        notes = [sep, cont]
        for number, spans in self.footnotes:
            notes.append(
                f'<w:footnote w:id="{number}"><w:p>'
                '<w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                "<w:r><w:tab/></w:r>"
                f"{self.runs_xml(spans, part)}</w:p></w:footnote>"
            )
        parsed = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{''.join(notes)}</w:footnotes>")
        for note in list(parsed):
            part.element.append(note)
        self.footnotes_part = part

    def properties(self) -> None:
        meta = self.doc.meta
        props = self.d.core_properties
        props.title = meta.title[:255]
        props.subject = meta.subject[:255]
        props.author = meta.author[:255]
        props.keywords = keywords_within(meta.keywords, 255)
        props.category = "Briefing"
        props.comments = f"Citation style: {meta.style.label}. Made with {meta.generator}."
        props.last_modified_by = meta.author[:255] or meta.generator
        props.language = "en-GB"
        props.revision = 1
        now = _dt.datetime.now(_dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = now
        package = self.d.part.package
        for part in package.iter_parts():
            if part.partname == "/docProps/app.xml":
                part._blob = _app_properties(__version__)
            elif part.partname == "/word/theme/theme1.xml" and self.template is None:
                # The theme's heading and body fonts: the same family as the styles, so text
                # set in "+Body" or "+Headings" (Word's own defaults) matches too.
                part._blob = _THEME_LATIN.sub(
                    f'\\1<a:latin typeface="{FONT}"', part.blob.decode("utf-8")
                ).encode("utf-8")
        # The template's APA bibliography sources (customXml) mean nothing here: drop the part.
        # So does its Word 2010 copy of the styles (stylesWithEffects), which still names the
        # template's fonts and US English: a reader that used it would lose the language.
        for rid, rel in list(self.d.part.rels.items()):
            if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
                self.d.part.drop_rel(rid)
        self.classification_property(meta.marking)

    def classification_property(self, marking: str) -> None:
        """The marking as the custom document property ``Classification`` (File → Properties →
        Custom in Word), which records-management and labelling tools read."""
        if not marking:
            return
        blob = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<property fmtid="{CUSTOM_FMTID}" pid="2" name="Classification">'
            f"<vt:lpwstr>{_xml_text(marking)}</vt:lpwstr></property></Properties>"
        ).encode()
        package = self.d.part.package
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_THEME_LATIN = re.compile(r'(<a:(?:major|minor)Font>\s*)<a:latin typeface="[^"]*"')


def keywords_within(keywords: Iterable[str], limit: int) -> str:
    """The themes joined with "; " (theme names contain commas), as many whole themes as fit in
    ``limit`` characters: Word's keywords field holds 255, and a cut theme reads as a typo."""
    out = ""
    for k in keywords:
        candidate = f"{out}; {k}" if out else k
        if len(candidate) > limit:
            break
        out = candidate
    return out


def _app_properties(version: str) -> bytes:
    """docProps/app.xml naming this application (python-docx's template names Microsoft's)."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:2]] + [0, 0]
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>Normal.dotm</Template><TotalTime>0</TotalTime>"
        "<Application>Briefing Builder</Application><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        f"<AppVersion>{numbers[0]:02d}.{numbers[1]:04d}</AppVersion></Properties>"
    ).encode()


def write_docx(
    document: Document, out: IO[bytes], template: Template | None = None
) -> Iterator[Progress]:
    """Render ``document`` into ``out``, starting from ``template`` if given; yields progress."""
    w = _Writer(document, template)
    blocks = document.blocks
    total = len(blocks) + 2
    yield Progress(0, total, "Setting up Word styles")
    w.setup()
    w.header_footer()
    step = max(1, len(blocks) // 50)
    for i, block in enumerate(blocks, start=1):
        if isinstance(block, TitleBlock):
            w.title_block(block)
        elif isinstance(block, FrontSheet):
            w.front_sheet(block)
        elif isinstance(block, Contents):
            w.contents(block)
        elif isinstance(block, Heading):
            w.heading(block)
        elif isinstance(block, Paragraph):
            w.paragraph(block)
        elif isinstance(block, Quote):
            w.quote(block)
        elif isinstance(block, ReferenceList):
            w.references(block)
        elif isinstance(block, EvidenceAnnex):
            w.evidence_annex(block)
        if i % step == 0:
            yield Progress(i, total, "Writing the Word document")
    w.flush()
    w.write_footnotes()
    w.properties()
    yield Progress(total - 1, total, "Saving the Word document")
    w.d.save(out)
    yield Progress(total, total, "Word document written")
