"""Tagged PDF: the structure a screen reader follows, for the PDF writer.

Tag while drawing, build the tree after. The story builder makes the structure elements in
reading order (:class:`StructElem`: Document, H1-H3, P, BlockQuote, L/LI, Table, TOC, Note ...)
and hangs each on the flowable that draws its content. While reportlab draws, a
:class:`Tagger` attached to the canvas wraps that content in marked content with an MCID
(``/P <</MCID 3>> BDC ... EMC``), numbered per page, and wraps running headers, footers, rules
and bars as artifacts, which a screen reader skips. A paragraph split across pages stays one
element, with one marked-content reference per page. Once reportlab has written the file,
:func:`finish` adds the structure tree, its parent tree, the link annotations' structure parents
and the catalogue entries PDF/UA-1 asks for, written as an update appended to the file.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from html import escape
from typing import Any

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


@dataclass(eq=False, slots=True)
class StructElem:
    """A structure element: a type, its parent, its kids in reading order."""

    tag: str
    parent: StructElem | None = None
    kids: list[StructElem | MarkedContent | Annotation] = field(default_factory=list)
    alt: str | None = None
    id: str | None = None
    attributes: dict[str, str] | None = None  # e.g. {"O": "Table", "Scope": "Column"}
    links: dict[str, str] | None = None  # link target → the words that carry the link
    page: int | None = None  # the first page with its content

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
        self._kind = "Layout"  # of the open artifact
        self._current: StructElem | None = None

    def _begin(self, canv: Any, elem: StructElem, at: int | None = None) -> str:
        page = canv.getPageNumber()
        owners = self.owners.setdefault(page, [])
        mcid = len(owners)
        owners.append(elem)
        ref = MarkedContent(page, mcid)
        if elem.page is None:
            elem.page = page
        if at is None:
            elem.kids.append(ref)
        else:
            elem.kids.insert(at, ref)
        return f"/{elem.tag} <</MCID {mcid}>> BDC"

    def content(
        self, canv: Any, elem: StructElem | None, label: StructElem | None = None
    ) -> _Content:
        """What is drawn inside is ``elem``'s content. With ``label``, the first text object
        drawn (a list item's bullet, a note's number) is the label's content instead."""
        return _Content(self, canv, elem, label)

    def artifact(self, canv: Any, kind: str = "Layout") -> _Artifact:
        """What is drawn inside is decoration: page furniture (``Pagination``) or layout."""
        return _Artifact(self, canv, kind)

    def outside_artifact(self, canv: Any, leave: bool = True) -> _Outside:
        """With ``leave``, what is drawn inside is content, although the artifact it is drawn
        in (the page furniture) goes on around it: the first page's logo."""
        return _Outside(self, canv, leave and self.enabled and self._artifact > 0)

    def begin_artifact(self, canv: Any, kind: str = "Layout") -> None:
        if self.enabled:
            if not self._artifact:
                canv._code.append(f"/Artifact <</Type /{kind}>> BDC")
                self._kind = kind
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
        link = owner.add("Link", page=canv.getPageNumber())
        link.kids.append(Annotation(canv.getPageNumber(), index, " ".join(alt.split())))


class _Content:
    """The context of :meth:`Tagger.content` (a class: thousands are entered per export)."""

    __slots__ = ("at", "canv", "elem", "label", "outer", "start", "tags")

    def __init__(
        self, tags: Tagger, canv: Any, elem: StructElem | None, label: StructElem | None
    ) -> None:
        self.tags, self.canv, self.label = tags, canv, label
        self.elem = elem if elem is not None and tags.enabled and not tags._artifact else None

    def __enter__(self) -> None:
        elem = self.elem
        if elem is not None:
            self.start, self.at = len(self.canv._code), len(elem.kids)
            self.outer, self.tags._current = self.tags._current, elem

    def __exit__(self, *exc: object) -> None:
        elem = self.elem
        if elem is None:
            return
        tags, canv = self.tags, self.canv
        tags._current = self.outer
        code: list[str] = canv._code
        start = self.start
        if self.label is not None:
            first = next((i for i in range(start, len(code)) if code[i].startswith("BT")), None)
            if first is not None:
                code[start:] = [
                    *code[start:first],
                    tags._begin(canv, self.label),
                    code[first],
                    "EMC",
                    tags._begin(canv, elem, self.at),
                    *code[first + 1 :],
                    "EMC",
                ]
                return
        code.insert(start, tags._begin(canv, elem, self.at))
        code.append("EMC")


class _Artifact:
    """The context of :meth:`Tagger.artifact`."""

    __slots__ = ("canv", "kind", "tags")

    def __init__(self, tags: Tagger, canv: Any, kind: str) -> None:
        self.tags, self.canv, self.kind = tags, canv, kind

    def __enter__(self) -> None:
        self.tags.begin_artifact(self.canv, self.kind)

    def __exit__(self, *exc: object) -> None:
        self.tags.end_artifact(self.canv)


class _Outside:
    """The context of :meth:`Tagger.outside_artifact`."""

    __slots__ = ("canv", "depth", "leave", "tags")

    def __init__(self, tags: Tagger, canv: Any, leave: bool) -> None:
        self.tags, self.canv, self.leave, self.depth = tags, canv, leave, 0

    def __enter__(self) -> None:
        if self.leave:
            self.canv._code.append("EMC")
            self.depth, self.tags._artifact = self.tags._artifact, 0

    def __exit__(self, *exc: object) -> None:
        if self.leave:
            self.tags._artifact = self.depth
            self.canv._code.append(f"/Artifact <</Type /{self.tags._kind}>> BDC")


class _Off(Tagger):
    """The tagger of a canvas that is not tagged (a layout that only counts pages)."""

    enabled = False


OFF = _Off()


def tagger(canv: Any) -> Tagger:
    return getattr(canv, "bb_tagger", None) or OFF


# --- after reportlab: the tree ---------------------------------------------------------------


def _xmp(title: str, author: str, producer: str) -> bytes:
    def x(text: str) -> str:
        return escape(text, quote=False)

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


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte order mark, in hex (no escaping to get wrong)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


_VALUE = (
    rb"(?:<<[^<>]*>>|\[[^\]]*\]|\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|\d+\s+\d+\s+R"
    rb"|/[^\s/<>\[\]()]+|[-+\d.]+|true|false|null)"
)


class _Source:
    """The objects of reportlab's file that the update rewrites, found through its
    cross-reference table: reportlab writes plain dictionaries and one classic table."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.startxref = int(data[data.rindex(b"startxref") + 9 :].split()[0])
        tail = data[self.startxref :]
        if not tail.startswith(b"xref"):
            raise ValueError("the PDF has no cross-reference table where it says")
        end = tail.index(b"trailer")
        tokens = tail[4:end].split()
        self.offsets: dict[int, int] = {}
        i = 0
        while i < len(tokens):
            first, count = int(tokens[i]), int(tokens[i + 1])
            for n in range(count):
                offset, kind = tokens[i + 2 + 3 * n], tokens[i + 4 + 3 * n]
                if kind == b"n":
                    self.offsets[first + n] = int(offset)
            i += 2 + 3 * count
        trailer = tail[end:]
        self.size = int(self._find(rb"/Size\s+(\d+)", trailer))
        self.root = int(self._find(rb"/Root\s+(\d+)\s+0\s+R", trailer))
        info = re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer)
        self.info = b"/Info %s 0 R" % info.group(1) if info else b""
        file_id = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
        self.id = b"/ID " + file_id.group(1) if file_id else b""

    @staticmethod
    def _find(pattern: bytes, text: bytes) -> bytes:
        found = re.search(pattern, text)
        if found is None:
            raise ValueError(f"the PDF lacks {pattern!r}")
        return found.group(1)

    def dictionary(self, num: int) -> bytes:
        """Object ``num``'s dictionary, as written."""
        start = self.offsets[num]
        end = self.data.index(b"endobj", start)
        body = self.data[start:end]
        return body[body.index(b"<<") : body.rindex(b">>") + 2]

    def pages(self) -> list[int]:
        """The page objects' numbers, in page order."""
        out: list[int] = []

        def walk(num: int) -> None:
            d = self.dictionary(num)
            if re.search(rb"/Type\s*/Pages\b", d):
                for kid in re.findall(rb"(\d+)\s+0\s+R", self._find(rb"/Kids\s*\[([^\]]*)\]", d)):
                    walk(int(kid))
            else:
                out.append(num)

        walk(int(self._find(rb"/Pages\s+(\d+)\s+0\s+R", self.dictionary(self.root))))
        return out

    def annotations(self, page: int) -> list[int]:
        """The numbers of a page's annotations, in its /Annots order."""
        d = self.dictionary(page)
        found = re.search(rb"/Annots\s*\[([^\]]*)\]", d)
        if found is None:
            ref = self._find(rb"/Annots\s+(\d+)\s+0\s+R", d)
            start = self.offsets[int(ref)]
            body = self.data[start : self.data.index(b"endobj", start)]
            found = re.search(rb"\[([^\]]*)\]", body)
            assert found is not None
        return [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", found.group(1))]

    def edited(self, num: int, drop: tuple[str, ...], extra: bytes) -> bytes:
        """Object ``num``'s dictionary without the keys ``drop`` and with ``extra`` added."""
        d = self.dictionary(num)
        for key in drop:
            d = re.sub(rb"/" + key.encode() + rb"(?=[\s/<\[(])\s*" + _VALUE, b"", d)
        return d[:-2] + extra + b">>"


OBJECTS_PER_STREAM = 400


def finish(data: bytes, tags: Tagger, *, title: str, author: str, producer: str) -> bytes:
    """``data`` (reportlab's PDF, drawn with ``tags``) with its structure tree and the catalogue
    entries of a tagged PDF: MarkInfo, Lang, DisplayDocTitle, XMP with the PDF/UA part.

    Written as an incremental update, by hand: the elements (thousands for a long briefing) go
    into compressed object streams, the pages, link annotations and catalogue are rewritten with
    their new keys, and reportlab's bytes are kept as they are. Building the same objects through
    pikepdf and rewriting the file took most of the time a 500-finding PDF export takes, and
    pikepdf with qpdf would add 9 MB to the desktop bundle; the tests read the result with it."""
    source = _Source(data)
    page_nums = source.pages()
    size = source.size
    info, file_id = source.info, source.id
    catalog_num = source.root
    objects: dict[int, bytes] = {}  # object number → its source, for the object streams
    page_annots: dict[int, list[int]] = {}  # page → its annotations' numbers

    def annotation(ref: Annotation) -> int:
        found = page_annots.get(ref.page)
        if found is None:
            found = page_annots[ref.page] = source.annotations(page_nums[ref.page - 1])
        return found[ref.index]

    counter = iter(range(size, size + 10**9))

    # The structure elements, numbered in reading order.
    numbers: dict[int, int] = {}
    order: list[StructElem] = []

    def number(elem: StructElem) -> bool:
        """Drop elements with no content (a note never printed); number the rest."""
        kids = [k for k in elem.kids if type(k) is not StructElem or number(k)]
        elem.kids = kids
        if not kids and elem is not tags.root:
            return False
        numbers[id(elem)] = next(counter)
        order.append(elem)
        return True

    number(tags.root)
    tree_num = next(counter)
    parent_tree_num = next(counter)
    parents: dict[int, list[int]] = {
        page: [0] * len(owners) for page, owners in tags.owners.items()
    }
    annotations: list[tuple[Annotation, int]] = []  # with the number of its Link element
    ids: list[tuple[str, int]] = []
    for elem in order:
        num = numbers[id(elem)]
        parent = numbers[id(elem.parent)] if elem.parent is not None else tree_num
        page = elem.page
        parts = [b"<</Type/StructElem/S/%s/P %d 0 R" % (elem.tag.encode(), parent)]
        if page is not None:
            parts.append(b"/Pg %d 0 R" % page_nums[page - 1])
        if elem.alt is not None:
            parts.append(b"/Alt" + _text(elem.alt))
        if elem.attributes:
            pairs = b"".join(
                b"/%s/%s" % (k.encode(), v.encode()) for k, v in elem.attributes.items()
            )
            parts.append(b"/A<<" + pairs + b">>")
        if elem.id is not None:
            parts.append(b"/ID" + _text(elem.id))
            ids.append((elem.id, num))
        kids = []
        for k in elem.kids:
            if isinstance(k, StructElem):
                kids.append(b"%d 0 R" % numbers[id(k)])
            elif isinstance(k, MarkedContent):
                parents[k.page][k.mcid] = num
                if k.page == page:
                    kids.append(b"%d" % k.mcid)
                else:
                    kids.append(
                        b"<</Type/MCR/Pg %d 0 R/MCID %d>>" % (page_nums[k.page - 1], k.mcid)
                    )
            else:
                annotations.append((k, num))
                kids.append(
                    b"<</Type/OBJR/Obj %d 0 R/Pg %d 0 R>>" % (annotation(k), page_nums[k.page - 1])
                )
        parts.append(b"/K[" + b" ".join(kids) + b"]>>")
        objects[num] = b"".join(parts)

    # Each page's MCIDs, then each link annotation, in the parent tree.
    nums = []
    for index, num in enumerate(page_nums):
        owners = parents.get(index + 1)
        extra = b"/Tabs/S"
        if owners:
            nums.append(b"%d[%s]" % (index, b" ".join(b"%d 0 R" % o for o in owners)))
            extra += b"/StructParents %d" % index
        objects[num] = source.edited(num, ("Tabs", "StructParents"), extra)
    next_key = len(page_nums)
    for ref, owner in annotations:
        annot_num = annotation(ref)
        extra = b"/StructParent %d/Contents" % next_key + _text(ref.alt)
        objects[annot_num] = source.edited(annot_num, ("StructParent", "Contents"), extra)
        nums.append(b"%d %d 0 R" % (next_key, owner))
        next_key += 1
    objects[parent_tree_num] = b"<</Nums[" + b" ".join(nums) + b"]>>"
    id_tree = b""
    if ids:
        names = b" ".join(
            _text(key) + b" %d 0 R" % num
            for key, num in sorted(ids, key=lambda item: item[0].encode("utf-16-be"))
        )
        id_tree = b"/IDTree<</Names[" + names + b"]>>"
    objects[tree_num] = (
        b"<</Type/StructTreeRoot/K[%d 0 R]/ParentTree %d 0 R/ParentTreeNextKey %d%s>>"
        % (numbers[id(tags.root)], parent_tree_num, next_key, id_tree)
    )
    metadata_num = next(counter)
    objects[catalog_num] = source.edited(
        catalog_num,
        ("StructTreeRoot", "MarkInfo", "Lang", "ViewerPreferences", "Metadata", "Version"),
        b"/Version/1.7/StructTreeRoot %d 0 R/MarkInfo<</Marked true>>/Lang%s"
        b"/ViewerPreferences<</DisplayDocTitle true>>/Metadata %d 0 R"
        % (tree_num, _text(LANGUAGE), metadata_num),
    )

    # The update: the metadata stream, the object streams, then a cross-reference stream.
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    prev = source.startxref
    xref: dict[int, tuple[int, int, int]] = {}  # number → (type, field 2, field 3)
    xmp = _xmp(title, author, producer)
    xref[metadata_num] = (1, len(out), 0)
    out += b"%d 0 obj\n<</Type/Metadata/Subtype/XML/Length %d>>stream\n" % (
        metadata_num,
        len(xmp),
    )
    out += xmp + b"\nendstream\nendobj\n"
    listed = sorted(objects.items())
    for start in range(0, len(listed), OBJECTS_PER_STREAM):
        chunk = listed[start : start + OBJECTS_PER_STREAM]
        stream_num = next(counter)
        offsets, body = [], bytearray()
        for index, (num, text) in enumerate(chunk):
            offsets.append(b"%d %d" % (num, len(body)))
            body += text + b"\n"
            xref[num] = (2, stream_num, index)
        header = b" ".join(offsets) + b"\n"
        packed = zlib.compress(bytes(header + body), 3)
        xref[stream_num] = (1, len(out), 0)
        out += b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>stream\n" % (
            stream_num,
            len(chunk),
            len(header),
            len(packed),
        )
        out += packed + b"\nendstream\nendobj\n"
    xref_num = next(counter)
    xref[xref_num] = (1, len(out), 0)
    ranges, rows = [], bytearray()
    run_start = run_length = 0
    for num in sorted(xref):
        kind, a, b = xref[num]
        rows += struct.pack(">BIH", kind, a, b)
        if run_length and num == run_start + run_length:
            run_length += 1
        else:
            if run_length:
                ranges.append(b"%d %d" % (run_start, run_length))
            run_start, run_length = num, 1
    ranges.append(b"%d %d" % (run_start, run_length))
    packed = zlib.compress(bytes(rows), 3)
    out += (
        b"%d 0 obj\n<</Type/XRef/Size %d/Index[%s]/W[1 4 2]/Root %d 0 R%s%s/Prev %d"
        b"/Filter/FlateDecode/Length %d>>stream\n"
        % (xref_num, xref_num + 1, b" ".join(ranges), catalog_num, info, file_id, prev, len(packed))
    )
    out += packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref[xref_num][1]
    return bytes(out)
