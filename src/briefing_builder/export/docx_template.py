"""Starting a Word export from the organisation's template (see :mod:`.template`).

The writer opens the template's package instead of python-docx's own and calls
:func:`prepare`: the template's body is dropped (its section properties, with the page setup and
the header and footer references, stay), and its styles are matched by name to the ones the writer
uses, so a unit's Heading 1 or Quote keeps its look. A style the writer needs that the template
lacks is added: the writer's own, without its typeface (the template's fonts then apply), or for
lists and tables the one Word itself ships.
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .template import HEX, PdfLook, find_font

# Styles the writer uses that python-docx's own template defines (lists, the table grid).
FROM_WORD = ("ListBullet", "ListNumber", "TableGrid", "DefaultParagraphFont")
FIRST_COPIED_NUM = 80  # ids for the numbering copied with list styles (clear of the template's)
MOVED_NUM = 20000  # where a template's own numbering ids of 80 and over move to


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _name(style: Any) -> str:
    el = style.find(qn("w:name"))
    return str(el.get(qn("w:val"), "")).lower() if el is not None else ""


def _rename_style_refs(element: Any, old: str, new: str) -> None:
    for tag in ("w:basedOn", "w:next", "w:link", "w:pStyle", "w:rStyle", "w:tblStyle"):
        for el in element.iter(qn(tag)):
            if el.get(qn("w:val")) == old:
                el.set(qn("w:val"), new)


def _set_numbering(style: Any, level: int, num_id: int) -> None:
    """Tie a template heading style to the writer's heading numbering (1, 1.1, 1.1.1); num_id 0
    takes numbering away (the contents' title)."""
    _replace_in_ppr(
        style,
        f'<w:numPr xmlns:w="{ppr_ns()}"><w:ilvl w:val="{level - 1}"/>'
        f'<w:numId w:val="{num_id}"/></w:numPr>',
    )


def ppr_ns() -> str:
    return "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def prepare(d: Any, writer_styles: list[str], heading_num_id: int) -> None:
    """Make the template ``d`` ready for the writer's content (see the module's docstring)."""
    # The template's own custom document properties are not the briefing's (the writer adds
    # its Classification in a part of its own).
    package = d.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            package.rels.pop(rid)
    body = d.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # Notes come from the briefing: the template's footnotes part (its separators) makes way
    # for the writer's, and so does the setting that points at it.
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype == RT.FOOTNOTES:
            d.part.drop_rel(rid)
    settings = d.settings.element
    for tag in ("w:footnotePr", "w:updateFields"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    styles = d.styles.element
    section = d.sections[0]
    text_width = (
        round((section.page_width - section.left_margin - section.right_margin) / 635)
        if section.page_width
        and section.left_margin is not None
        and section.right_margin is not None
        else 9071
    )
    header_parts = [
        rel.target_part
        for rel in d.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external
    ]
    for xml in writer_styles:
        ours = parse_xml(xml)
        sid = ours.get(qn("w:styleId"))
        if sid == "Normal":
            continue  # the template's Normal is the unit's body text
        by_id = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{sid}"]')
        by_name = next(
            (
                s
                for s in styles.findall(qn("w:style"))
                if _name(s) == _name(ours) and s.get(qn("w:type")) == ours.get(qn("w:type"))
            ),
            None,
        )
        theirs = by_name if by_name is not None else by_id
        if theirs is not None:
            old = theirs.get(qn("w:styleId"))
            if old != sid:
                # Word names styles in the user's language and gives them ids to match: the
                # writer refers to its ids, so the template's style takes the writer's id.
                if by_id is not None and by_id is not theirs:
                    styles.remove(by_id)
                theirs.set(qn("w:styleId"), sid)
                _rename_style_refs(styles, old, sid)
                _rename_style_refs(d.element, old, sid)
                for part in header_parts:
                    _rename_style_refs(part.element, old, sid)
            if sid.startswith("Heading") and sid[7:].isdigit():
                _set_numbering(theirs, int(sid[7:]), heading_num_id)
            elif sid == "TOCHeading":  # the contents' title is never numbered
                _set_numbering(theirs, 1, 0)
            elif sid in ("Quote", "QuoteAttribution"):
                _keep_bar(theirs, ours)
            elif sid in ("Header", "Footer"):
                _right_tab(theirs, text_width)
            elif sid in ("TOC1", "TOC2", "TOC3"):  # the page numbers at the right margin
                _right_tab(theirs, text_width, leader="dot")
            continue
        # Missing: the writer's style, in the template's typeface.
        for fonts in list(ours.iter(qn("w:rFonts"))):
            fonts.getparent().remove(fonts)
        if sid in ("Header", "Footer", "TOC1", "TOC2", "TOC3"):
            _right_tab(ours, text_width, leader="dot" if sid.startswith("TOC") else "")
        styles.append(ours)
    _make_room_for_numbering(d, header_parts)
    _copy_word_styles(d)


def describe_pictures(d: Any, alt: str) -> int:
    """Give every picture of the template's headers and footers (its logo) without alternate
    text ``alt``, so Word's Accessibility Checker has nothing to report; a description the unit
    gave its logo stays. Returns how many were described."""
    described = 0
    for part in d.part.package.iter_parts():
        if not str(part.content_type).endswith(("header+xml", "footer+xml")):
            continue
        element = getattr(part, "element", None)
        if element is None:
            continue
        for doc_pr in element.iter(qn("wp:docPr")):
            if not (doc_pr.get("descr") or "").strip():
                doc_pr.set("descr", alt)
                described += 1
    return described


def _ppr(style: Any) -> Any:
    ppr = style.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f'<w:pPr xmlns:w="{ppr_ns()}"/>')
        rpr = style.find(qn("w:rPr"))
        if rpr is not None:
            rpr.addprevious(ppr)
        else:
            style.append(ppr)
    return ppr


def _keep_bar(theirs: Any, ours: Any) -> None:
    """A quote is set off by the bar at its left (each quote its own block): a template Quote
    style without a border takes the writer's bar and indents, keeping its own type."""
    ppr = _ppr(theirs)
    if ppr.find(qn("w:pBdr")) is not None:
        return
    our_ppr = ours.find(qn("w:pPr"))
    if our_ppr is None:
        return
    for tag in ("w:ind", "w:pBdr"):
        el = our_ppr.find(qn(tag))
        old = ppr.find(qn(tag))
        if el is None:
            continue
        if old is not None:
            ppr.remove(old)
        _insert_ordered(ppr, copy.deepcopy(el))


# CT_PPrBase's order, for the few elements this module adds.
_PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


def _insert_ordered(ppr: Any, el: Any) -> None:
    order = {qn(t): i for i, t in enumerate(_PPR_ORDER)}
    rank = order.get(el.tag, len(order))
    for child in ppr:
        if order.get(child.tag, len(order)) > rank:
            child.addprevious(el)
            return
    ppr.append(el)


def _replace_in_ppr(style: Any, xml: str) -> None:
    """Put the paragraph property ``xml`` into ``style``, in schema order, instead of any it had."""
    ppr = _ppr(style)
    element = parse_xml(xml)
    for old in ppr.findall(element.tag):
        ppr.remove(old)
    _insert_ordered(ppr, element)


def _right_tab(theirs: Any, text_width: int, *, leader: str = "") -> None:
    """The running header and footer put the organisation and "Page X of Y" at a right tab at
    the text's right edge: the template's header style gets that one tab stop."""
    _replace_in_ppr(
        theirs,
        f'<w:tabs xmlns:w="{ppr_ns()}"><w:tab w:val="right"'
        + (f' w:leader="{leader}"' if leader else "")
        + f' w:pos="{text_width}"/></w:tabs>',
    )


def _make_room_for_numbering(d: Any, parts: list[Any]) -> None:
    """The writer numbers its headings and lists from id 80 up: the template's own numbering
    in that range (a briefing exported before, used as a template) moves out of the way."""
    numbering = d.part.numbering_part.element
    moved_abstract: dict[str, str] = {}
    moved_num: dict[str, str] = {}
    for el in numbering.findall(qn("w:abstractNum")):
        old = el.get(qn("w:abstractNumId"))
        if old is not None and old.isdigit() and int(old) >= FIRST_COPIED_NUM:
            moved_abstract[old] = str(MOVED_NUM + len(moved_abstract))
            el.set(qn("w:abstractNumId"), moved_abstract[old])
    for el in numbering.findall(qn("w:num")):
        ref = el.find(qn("w:abstractNumId"))
        if ref is not None and ref.get(qn("w:val")) in moved_abstract:
            ref.set(qn("w:val"), moved_abstract[ref.get(qn("w:val"))])
        old = el.get(qn("w:numId"))
        if old is not None and old.isdigit() and int(old) >= FIRST_COPIED_NUM:
            moved_num[old] = str(MOVED_NUM + len(moved_num))
            el.set(qn("w:numId"), moved_num[old])
    if not moved_num:
        return
    for root in (d.styles.element, numbering, *(p.element for p in parts)):
        for ref in root.iter(qn("w:numId")):
            if ref.get(qn("w:val")) in moved_num:
                ref.set(qn("w:val"), moved_num[ref.get(qn("w:val"))])


def _copy_word_styles(d: Any) -> None:
    """The list and table styles the writer uses, from Word's own set when the template lacks
    them, with the numbering that draws their bullets and numbers."""
    styles = d.styles.element
    have = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    missing = [sid for sid in FROM_WORD if sid not in have]
    if not missing:
        return
    base = docx.Document()
    base_styles = base.styles.element
    base_numbering = base.part.numbering_part.element
    numbering = d.part.numbering_part.element
    next_id = FIRST_COPIED_NUM
    for sid in missing:
        src = base_styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{sid}"]')
        if src is None:
            continue
        style = copy.deepcopy(src)
        num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is not None:
            old_num = base_numbering.find(
                f'{qn("w:num")}[@{qn("w:numId")}="{num.get(qn("w:val"))}"]'
            )
            if old_num is not None:
                abstract_id = old_num.find(qn("w:abstractNumId")).get(qn("w:val"))
                abstract = base_numbering.find(
                    f'{qn("w:abstractNum")}[@{qn("w:abstractNumId")}="{abstract_id}"]'
                )
                if abstract is not None:
                    new_abs = copy.deepcopy(abstract)
                    new_abs.set(qn("w:abstractNumId"), str(next_id))
                    for el in list(new_abs):
                        if el.tag in (qn("w:nsid"), qn("w:tmpl"), qn("w:numStyleLink")):
                            new_abs.remove(el)
                    first_num = numbering.find(qn("w:num"))
                    if first_num is not None:
                        first_num.addprevious(new_abs)
                    else:
                        numbering.append(new_abs)
                    numbering.append(
                        parse_xml(
                            f'<w:num xmlns:w="{ppr_ns()}" w:numId="{next_id}">'
                            f'<w:abstractNumId w:val="{next_id}"/></w:num>'
                        )
                    )
                    num.set(qn("w:val"), str(next_id))
                    next_id += 1
        styles.append(style)


def look_from_word(package: bytes) -> PdfLook:
    """What the PDF takes from a Word package (see :class:`~.template.PdfLook`)."""
    d = docx.Document(io.BytesIO(package))
    section = d.sections[0]
    page = margins = None
    if section.page_width and section.page_height:
        page = (section.page_width.pt, section.page_height.pt)
        margins = tuple(
            float(m.pt) if m is not None else 0.0
            for m in (
                section.top_margin,
                section.right_margin,
                section.bottom_margin,
                section.left_margin,
            )
        )
    logo = None
    for header in (section.header, section.first_page_header, section.even_page_header):
        if header.is_linked_to_previous and header is not section.header:
            continue
        hdr_part = header.part if header._has_definition else None
        if hdr_part is None:
            continue
        for blip in hdr_part.element.iter(f"{{{A_NS}}}blip"):
            rid = blip.get(f"{{{R_NS}}}embed")
            rel = hdr_part.rels.get(rid) if rid else None
            if rel is not None and rel.reltype == RT.IMAGE and not rel.is_external:
                logo = rel.target_part.blob
                break
        if logo:
            break
    styles = d.styles.element
    font = _style_font(d, styles)
    colour = None
    for style in styles.iter(f"{{{W_NS}}}style"):
        name = style.find(f"{{{W_NS}}}name")
        if name is not None and name.get(f"{{{W_NS}}}val", "").lower() == "heading 1":
            c = style.find(f"{{{W_NS}}}rPr/{{{W_NS}}}color")
            value = c.get(f"{{{W_NS}}}val") if c is not None else None
            if value and HEX.fullmatch(value):
                colour = value.upper()
            break
    return PdfLook(
        logo=logo,
        font_name=font,
        font=find_font(font) if font else None,
        heading_colour=colour,
        page_size=page,
        margins=margins,  # type: ignore[arg-type]
    )


def _style_font(d: Any, styles: Any) -> str | None:
    """The family the Normal style (else the document defaults, else the theme) names."""
    theme_font = None
    for part in d.part.package.iter_parts():
        if str(part.partname).startswith("/word/theme/"):
            m = re.search(rb"<a:minorFont>\s*<a:latin typeface=\"([^\"]+)\"", part.blob)
            if m:
                theme_font = m.group(1).decode("utf-8")
            break
    rfonts_paths = [
        f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr/{{{W_NS}}}rFonts",
    ]
    for style in styles.iter(f"{{{W_NS}}}style"):
        if style.get(f"{{{W_NS}}}styleId") == "Normal":
            rf = style.find(f"{{{W_NS}}}rPr/{{{W_NS}}}rFonts")
            if rf is not None and rf.get(f"{{{W_NS}}}ascii"):
                return str(rf.get(f"{{{W_NS}}}ascii"))
    for p in rfonts_paths:
        rf = styles.find(p)
        if rf is not None and rf.get(f"{{{W_NS}}}ascii"):
            return str(rf.get(f"{{{W_NS}}}ascii"))
    return theme_font


def text_width(section: Any) -> int:
    """The width of ``section``'s text in twips: the page less its side margins."""
    width = section.page_width - (section.left_margin or 0) - (section.right_margin or 0)
    return max(1440, round(width / 635))  # 635 EMU to the twip; at least an inch


class HeaderCopy:
    """The template's own header and footer content (the logo), taken from the first section
    before the running header is added, for a later section to start with too (the annex's
    landscape pages, whose header Word keeps apart)."""

    def __init__(self, section: Any) -> None:
        self.parts = {
            "header": (section.header.part, [copy.deepcopy(c) for c in section.header._element]),
            "footer": (section.footer.part, [copy.deepcopy(c) for c in section.footer._element]),
        }

    def into(self, section: Any) -> None:
        for kind, target in (("header", section.header), ("footer", section.footer)):
            source, children = self.parts[kind]
            element = target._element
            for child in list(element):
                element.remove(child)
            for child in children:
                element.append(_relinked(copy.deepcopy(child), source, target.part))


_R_ATTRS = (f"{{{R_NS}}}embed", f"{{{R_NS}}}id", f"{{{R_NS}}}link")


def _relinked(element: Any, source: Any, target: Any) -> Any:
    """``element`` with its relationships (pictures, links) pointing from ``target``'s part."""
    for el in element.iter():
        for attr in _R_ATTRS:
            rid = el.get(attr)
            if rid is None or rid not in source.rels:
                continue
            rel = source.rels[rid]
            if rel.is_external:
                new = target.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                new = target.relate_to(rel.target_part, rel.reltype)
            el.set(attr, new)
    return element
