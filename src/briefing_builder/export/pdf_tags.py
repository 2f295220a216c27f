"""Tagged PDF: the structure a screen reader follows, for the PDF writer.

Tag while drawing, build the tree after. The story builder makes the structure elements in
reading order (:class:`StructElem`: Document, H1-H3, P, BlockQuote, L/LI, Table, TOC, Note ...)
and hangs each on the flowable that draws its content. While reportlab draws, a
:class:`Tagger` attached to the canvas wraps that content in marked content with an MCID
(``/P <</MCID 3>> BDC ... EMC``), numbered per page, and wraps running headers, footers, rules
and bars as artifacts, which a screen reader skips. A paragraph split across pages stays one
element, with one marked-content reference per page. Once reportlab has written the file,
:func:`finish` adds the structure tree, its parent tree, the link annotations' structure parents
and the catalogue entries PDF/UA-1 asks for, with pikepdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

LANGUAGE = "en-GB"


@dataclass(frozen=True, slots=True)
class MarkedContent:
    """One marked-content sequence: its page (from 1, as the canvas counts) and MCID."""

    page: int
    mcid: int


@dataclass(frozen=True, slots=True)
class Annotation:
    """A link annotation: its page (from 1) and its place in that page's annotations."""

    page: int
    index: int
    alt: str


@dataclass(eq=False)
class StructElem:
    """A structure element: a type, its parent, its kids in reading order."""

    tag: str
    parent: StructElem | None = None
    kids: list[StructElem | MarkedContent | Annotation] = field(default_factory=list)
    alt: str | None = None
    id: str | None = None
    attributes: dict[str, str] | None = None  # e.g. {"O": "Table", "Scope": "Column"}
    links: dict[str, str] | None = None  # link target → the words that carry the link

    def add(self, tag: str, **kwargs: Any) -> StructElem:
        child = StructElem(tag, self, **kwargs)
        self.kids.append(child)
        return child

    # Reportlab copies flowables to measure them; the element they draw into stays one.
    def __copy__(self) -> StructElem:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> StructElem:
        return self


def link_texts(spans: Any) -> dict[str, str] | None:
    """Each link target of ``spans`` → the words that carry it (the link's alternate text)."""
    out: dict[str, str] = {}
    for s in spans:
        if s.link:
            out[s.link] = out.get(s.link, "") + s.text
    return {k: " ".join(v.split()) for k, v in out.items()} or None


class Tagger:
    """Marked content for the page being drawn, and the elements it belongs to."""

    enabled = True

    def __init__(self) -> None:
        self.root = StructElem("Document")
        self.owners: dict[int, list[StructElem]] = {}  # page → the element of each MCID
        self._artifact = 0
        self._current: StructElem | None = None

    def _begin(self, canv: Any, elem: StructElem, at: int | None = None) -> str:
        page = canv.getPageNumber()
        owners = self.owners.setdefault(page, [])
        mcid = len(owners)
        owners.append(elem)
        ref = MarkedContent(page, mcid)
        if at is None:
            elem.kids.append(ref)
        else:
            elem.kids.insert(at, ref)
        return f"/{elem.tag} <</MCID {mcid}>> BDC"

    @contextmanager
    def content(
        self, canv: Any, elem: StructElem | None, label: StructElem | None = None
    ) -> Iterator[None]:
        """What is drawn inside is ``elem``'s content. With ``label``, the first text object
        drawn (a list item's bullet, a note's number) is the label's content instead."""
        if elem is None or self._artifact or not self.enabled:
            yield
            return
        code: list[str] = canv._code
        start, at = len(code), len(elem.kids)
        outer, self._current = self._current, elem
        try:
            yield
        finally:
            self._current = outer
        drawn = code[start:]
        if label is not None:
            first = next((i for i, c in enumerate(drawn) if c.startswith("BT")), None)
            if first is not None:
                code[start:] = [
                    *drawn[:first],
                    self._begin(canv, label),
                    drawn[first],
                    "EMC",
                    self._begin(canv, elem, at),
                    *drawn[first + 1 :],
                    "EMC",
                ]
                return
        code[start:] = [self._begin(canv, elem, at), *drawn, "EMC"]

    @contextmanager
    def artifact(self, canv: Any, kind: str = "Layout") -> Iterator[None]:
        """What is drawn inside is decoration: page furniture (``Pagination``) or layout."""
        if not self.enabled:
            yield
            return
        if not self._artifact:
            canv._code.append(f"/Artifact <</Type /{kind}>> BDC")
        self._artifact += 1
        try:
            yield
        finally:
            self._artifact -= 1
            if not self._artifact:
                canv._code.append("EMC")

    def begin_artifact(self, canv: Any, kind: str = "Layout") -> None:
        if self.enabled:
            if not self._artifact:
                canv._code.append(f"/Artifact <</Type /{kind}>> BDC")
            self._artifact += 1

    def end_artifact(self, canv: Any) -> None:
        if self.enabled:
            self._artifact -= 1
            if not self._artifact:
                canv._code.append("EMC")

    def link(self, canv: Any, target: str) -> None:
        """The canvas has just added a link annotation to ``target``: a Link element for it,
        in the element being drawn, with the linked words as its alternate text."""
        if not self.enabled:
            return
        owner = self._current or self.root
        alt = (owner.links or {}).get(target) or (
            target if not target.startswith("#") else "A link to another part of this briefing"
        )
        index = len(canv._annotationrefs) - 1
        owner.add("Link").kids.append(
            Annotation(canv.getPageNumber(), index, " ".join(alt.split()))
        )


class _Off(Tagger):
    """The tagger of a canvas that is not tagged (a layout that only counts pages)."""

    enabled = False


OFF = _Off()


def tagger(canv: Any) -> Tagger:
    return getattr(canv, "bb_tagger", None) or OFF


# --- after reportlab: the tree ---------------------------------------------------------------


def _prune(elem: StructElem) -> bool:
    """Drop elements with no content (a note never printed, an empty row); True if ``elem``
    keeps some."""
    elem.kids = [k for k in elem.kids if not isinstance(k, StructElem) or _prune(k)]
    return bool(elem.kids)


def _xmp(title: str, author: str, producer: str) -> bytes:
    def x(text: str) -> str:
        return escape(text)

    creator = (
        f"<dc:creator><rdf:Seq><rdf:li>{x(author)}</rdf:li></rdf:Seq></dc:creator>"
        if author
        else ""
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(title)}</rdf:li></rdf:Alt></dc:title>'
        f"{creator}"
        f"<dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>"
        f"<pdf:Producer>{x(producer)}</pdf:Producer>"
        f"<xmp:CreatorTool>{x(producer)}</xmp:CreatorTool>"
        "<pdfuaid:part>1</pdfuaid:part>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def finish(data: bytes, tags: Tagger, *, title: str, author: str, producer: str) -> bytes:
    """``data`` (reportlab's PDF, drawn with ``tags``) with its structure tree and the catalogue
    entries of a tagged PDF: MarkInfo, Lang, DisplayDocTitle, XMP with the PDF/UA part."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = [p.obj for p in pdf.pages]
    _prune(tags.root)
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    parents: dict[int, list[Any]] = {
        page: [None] * len(owners) for page, owners in tags.owners.items()
    }
    annotation_parents: list[Any] = []
    ids: list[tuple[str, Any]] = []

    def first_page(elem: StructElem) -> int | None:
        for k in elem.kids:
            if isinstance(k, (MarkedContent, Annotation)):
                return k.page
        return None

    def build(elem: StructElem, parent: Any) -> Any:
        obj = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + elem.tag), P=parent))
        page = first_page(elem)
        if page is not None:
            obj.Pg = pages[page - 1]
        kids = Array()
        for k in elem.kids:
            if isinstance(k, StructElem):
                kids.append(build(k, obj))
            elif isinstance(k, MarkedContent):
                if k.page == page:
                    kids.append(k.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=pages[k.page - 1], MCID=k.mcid))
                parents[k.page][k.mcid] = obj
            else:
                annot = pages[k.page - 1].Annots[k.index]
                annot.StructParent = len(pages) + len(annotation_parents)
                annot.Contents = String(k.alt)
                annotation_parents.append(obj)
                kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=pages[k.page - 1]))
        obj.K = kids
        if elem.alt is not None:
            obj.Alt = String(elem.alt)
        if elem.attributes:
            obj.A = Dictionary({"/" + k: Name("/" + v) for k, v in elem.attributes.items()})
        if elem.id is not None:
            obj.ID = String(elem.id)
            ids.append((elem.id, obj))
        return obj

    document = build(tags.root, tree_root)
    nums = Array()
    for index, page in enumerate(pages):
        page.Tabs = Name.S
        owners = parents.get(index + 1)
        if owners:
            page.StructParents = index
            nums.append(index)
            nums.append(Array(owners))
    for offset, obj in enumerate(annotation_parents):
        nums.append(len(pages) + offset)
        nums.append(obj)
    tree_root.K = Array([document])
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = len(pages) + len(annotation_parents)
    if ids:
        names = Array()
        for key, obj in sorted(ids, key=lambda item: item[0].encode()):
            names.append(String(key))
            names.append(obj)
        tree_root.IDTree = Dictionary(Names=names)
    catalog = pdf.Root
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.Lang = String(LANGUAGE)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    metadata = pikepdf.Stream(pdf, _xmp(title, author, producer))
    metadata.Type = Name.Metadata
    metadata.Subtype = Name.XML
    catalog.Metadata = pdf.make_indirect(metadata)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
