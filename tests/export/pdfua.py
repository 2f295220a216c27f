"""A checker for the machine-checkable part of PDF/UA-1 that the app's PDFs must meet, built on
pikepdf. It reads a PDF and lists what is wrong, each problem a sentence naming the page or the
element; an empty list means the file passes.

What it checks (the Matterhorn Protocol's checkpoints in brackets):

* every piece of page content (text, paths, images, form XObjects) is inside marked content
  with an MCID or inside an Artifact [01-001, 01-004];
* every MCID is referenced from the structure tree exactly once, and the parent tree maps each
  page's MCIDs to the elements that reference them [01-001, 06-xxx];
* the tree is whole: each element's /P is its parent, kids are elements, MCIDs or object
  references, every Note has an /ID;
* headings start at H1 and never skip a level [14-002, 14-003];
* every Figure has Alt text [13-004]; every Table has a TH cell [15-xxx];
* the catalogue has /Lang, /MarkInfo /Marked true, /ViewerPreferences /DisplayDocTitle true, and
  XMP metadata with dc:title and pdfuaid:part [11-006, 07-001, 06-002, 06-003, 06-004];
* every font has a ToUnicode map [31-027] and is embedded [31-009];
* every annotation has a /StructParent whose parent-tree entry is an element that references the
  annotation with an OBJR, and every link annotation has /Contents [28-011, 28-004].

What it does not check: whether the reading order, alternate text or tag choices make sense to a
person; colour contrast; the structure against the page's visual order. Those need a person with
a screen reader (and, ideally, PAC or veraPDF) before the PDF is called PDF/UA conformant.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name, Operator

PAINTING = {
    "Tj",
    "TJ",
    "'",
    '"',
    "S",
    "s",
    "f",
    "F",
    "f*",
    "B",
    "B*",
    "b",
    "b*",
    "sh",
    "Do",
    "INLINE IMAGE",
}
HEADING = re.compile(r"^H([1-6])$")


def _objgen(obj: Any) -> tuple[int, int]:
    return tuple(obj.objgen)  # type: ignore[return-value]


def _content_problems(page_no: int, page: Any) -> tuple[list[str], list[int]]:
    """Untagged content on a page, and the MCIDs it holds, in order."""
    problems: list[str] = []
    mcids: list[int] = []
    stack: list[str] = []  # "artifact", "mcid" or "other" for each open sequence
    untagged: Counter[str] = Counter()
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op) if isinstance(op, Operator) else "INLINE IMAGE"
        if name == "BDC":
            tag, props = operands[0], operands[1]
            if tag == Name.Artifact:
                stack.append("artifact")
            elif isinstance(props, Dictionary) and "/MCID" in props:
                stack.append("mcid")
                mcids.append(int(props.MCID))
            else:
                stack.append("other")
        elif name == "BMC":
            stack.append("artifact" if operands[0] == Name.Artifact else "other")
        elif name == "EMC":
            if not stack:
                problems.append(f"page {page_no}: EMC without a marked-content sequence to end")
            else:
                stack.pop()
        elif name in PAINTING and not ("artifact" in stack or "mcid" in stack):
            untagged[name] += 1
    if stack:
        problems.append(f"page {page_no}: {len(stack)} marked-content sequences are never ended")
    for name, count in sorted(untagged.items()):
        problems.append(
            f"page {page_no}: {count} '{name}' operations neither tagged (MCID) nor an Artifact"
        )
    return problems, mcids


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> list[tuple[str, Any]]:
    out = []
    if resources is None:
        return out
    for key, font in (resources.get("/Font") or {}).items():
        if font.is_indirect:
            if _objgen(font) in seen:
                continue
            seen.add(_objgen(font))
        out.append((key, font))
    for xobj in (resources.get("/XObject") or {}).values():
        if xobj.get("/Subtype") == Name.Form:
            if _objgen(xobj) in seen:
                continue
            seen.add(_objgen(xobj))
            out.extend(_fonts(xobj.get("/Resources"), seen))
    return out


def _font_problems(pdf: Any) -> list[str]:
    problems = []
    seen: set[tuple[int, int]] = set()
    for n, page in enumerate(pdf.pages, 1):
        for key, font in _fonts(page.obj.get("/Resources"), seen):
            base = str(font.get("/BaseFont", key))
            if "/ToUnicode" not in font:
                problems.append(f"page {n}: font {base} has no ToUnicode map")
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if font.get("/Subtype") != Name.Type3 and (
                descriptor is None
                or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            ):
                problems.append(f"page {n}: font {base} is not embedded")
    return problems


def _number_tree(node: Any) -> dict[int, Any]:
    out: dict[int, Any] = {}
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids") or ():
        out.update(_number_tree(kid))
    return out


def check(pdf_file: Path | bytes) -> list[str]:
    """What keeps ``pdf_file`` from the machine-checkable part of PDF/UA-1; [] if nothing."""
    source = io.BytesIO(pdf_file) if isinstance(pdf_file, bytes) else pdf_file
    with pikepdf.open(source) as pdf:
        return _check(pdf)


def _check(pdf: Any) -> list[str]:
    problems: list[str] = []
    root = pdf.Root
    if not str(root.get("/Lang", "")).strip():
        problems.append("the document has no /Lang")
    mark_info = root.get("/MarkInfo")
    if mark_info is None or mark_info.get("/Marked") is not True:
        problems.append("the document is not marked (/MarkInfo /Marked true)")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or prefs.get("/DisplayDocTitle") is not True:
        problems.append("DisplayDocTitle is not true: viewers show the file name, not the title")
    if "/Metadata" not in root:
        problems.append("the document has no XMP metadata")
    else:
        xmp = root.Metadata.read_bytes().decode("utf-8", "replace")
        title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
        if title is None or not title.group(1).strip():
            problems.append("the XMP metadata has no dc:title")
        if not re.search(r"pdfuaid:part(>|=\")\s*1", xmp):
            problems.append("the XMP metadata does not identify PDF/UA (pdfuaid:part 1)")
    problems += _font_problems(pdf)

    pages = list(pdf.pages)
    page_index = {_objgen(p.obj): n for n, p in enumerate(pages, 1)}
    page_mcids: dict[int, list[int]] = {}
    for n, page in enumerate(pages, 1):
        found, mcids = _content_problems(n, page)
        problems += found
        page_mcids[n] = mcids
        duplicates = sorted(m for m, c in Counter(mcids).items() if c > 1)
        if duplicates:
            problems.append(f"page {n}: MCIDs used more than once: {duplicates}")

    tree = root.get("/StructTreeRoot")
    if tree is None:
        problems.append("the document has no structure tree (StructTreeRoot)")
        return problems
    parent_tree = _number_tree(tree.ParentTree) if "/ParentTree" in tree else None
    if parent_tree is None:
        problems.append("the structure tree has no ParentTree")
        parent_tree = {}

    referenced: Counter[tuple[int, int]] = Counter()
    owner_of: dict[tuple[int, int], tuple[int, int]] = {}
    annotations_referenced: dict[tuple[int, int], tuple[int, int]] = {}
    headings: list[int] = []
    visited: set[tuple[int, int]] = set()

    def walk(elem: Any, parent: Any, elem_page: int | None) -> None:
        key = _objgen(elem)
        if key in visited:
            problems.append(f"structure element {key} appears twice in the tree")
            return
        visited.add(key)
        if "/P" not in elem or _objgen(elem.P) != _objgen(parent):
            problems.append(f"structure element {elem.get('/S')} {key}: /P is not its parent")
        tag = str(elem.get("/S", ""))[1:]
        match = HEADING.match(tag)
        if match:
            headings.append(int(match.group(1)))
        if tag == "Figure" and not str(elem.get("/Alt", "")).strip():
            problems.append(f"a Figure {key} has no Alt text")
        if tag == "Note" and "/ID" not in elem:
            problems.append(f"a Note {key} has no /ID")
        if tag == "Table" and not _has_descendant(elem, "TH"):
            problems.append(f"a Table {key} has no header cell (TH)")
        pg = page_index.get(_objgen(elem.Pg)) if "/Pg" in elem else elem_page
        kids = elem.get("/K")
        if kids is None:
            problems.append(f"structure element {tag} {key} has no kids")
            return
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                if pg is None:
                    problems.append(f"{tag} {key}: MCID {kid} with no page")
                    continue
                referenced[(pg, int(kid))] += 1
                owner_of[(pg, int(kid))] = key
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                kpg = page_index.get(_objgen(kid.Pg)) if "/Pg" in kid else pg
                if kpg is None:
                    problems.append(f"{tag} {key}: MCID {kid.MCID} with no page")
                    continue
                referenced[(kpg, int(kid.MCID))] += 1
                owner_of[(kpg, int(kid.MCID))] = key
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                annotations_referenced[_objgen(kid.Obj)] = key
            elif isinstance(kid, Dictionary) and kid.get("/Type", Name.StructElem) == (
                Name.StructElem
            ):
                walk(kid, elem, pg)
            else:
                problems.append(f"{tag} {key}: a kid that is no element, MCID or OBJR")

    top = tree.get("/K")
    if top is None:
        problems.append("the structure tree is empty")
        top = []
    for elem in top if isinstance(top, pikepdf.Array) else [top]:
        walk(elem, tree, None)

    for (pg, mcid), count in sorted(referenced.items()):
        if count > 1:
            problems.append(f"page {pg}: MCID {mcid} is referenced {count} times")
        if mcid not in page_mcids.get(pg, ()):
            problems.append(f"page {pg}: the structure refers to MCID {mcid}, not on the page")
    for pg, mcids in page_mcids.items():
        missing = [m for m in mcids if (pg, m) not in referenced]
        if missing:
            problems.append(f"page {pg}: MCIDs {missing} are not in the structure tree")
        if not mcids:
            continue
        page = pages[pg - 1].obj
        if "/StructParents" not in page:
            problems.append(f"page {pg} has marked content but no /StructParents")
            continue
        entry = parent_tree.get(int(page.StructParents))
        if entry is None:
            problems.append(f"page {pg}: no ParentTree entry for its /StructParents")
            continue
        for m in mcids:
            if m >= len(entry) or _objgen(entry[m]) != owner_of.get((pg, m)):
                problems.append(f"page {pg}: the ParentTree entry for MCID {m} is not its element")
                break

    for n, page in enumerate(pages, 1):
        for annot in page.obj.get("/Annots") or ():
            subtype = annot.get("/Subtype")
            if subtype == Name.Popup:
                continue
            if "/StructParent" not in annot:
                problems.append(f"page {n}: a {subtype} annotation has no /StructParent")
                continue
            owner = parent_tree.get(int(annot.StructParent))
            if owner is None or annotations_referenced.get(_objgen(annot)) != _objgen(owner):
                problems.append(
                    f"page {n}: a {subtype} annotation's structure parent does not refer to it"
                )
            if subtype == Name.Link and not str(annot.get("/Contents", "")).strip():
                problems.append(f"page {n}: a link annotation has no /Contents (alternate text)")
        if page.obj.get("/Annots") and page.obj.get("/Tabs") != Name.S:
            problems.append(f"page {n} has annotations but its tab order is not /S")

    if headings:
        if headings[0] != 1:
            problems.append(f"the first heading is H{headings[0]}, not H1")
        for before, after in itertools.pairwise(headings):
            if after > before + 1:
                problems.append(f"heading levels skip from H{before} to H{after}")
                break
    return problems


def _has_descendant(elem: Any, tag: str) -> bool:
    kids = elem.get("/K")
    if kids is None:
        return False
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if (
            isinstance(kid, Dictionary)
            and kid.get("/Type", Name.StructElem) == Name.StructElem
            and "/S" in kid
            and (str(kid.S) == "/" + tag or _has_descendant(kid, tag))
        ):
            return True
    return False


def assert_pdfua(pdf_file: Path | bytes) -> None:
    """Fail with every problem listed, if there are any."""
    problems = check(pdf_file)
    name = pdf_file if isinstance(pdf_file, Path) else "the PDF"
    assert not problems, f"{name} is not tagged for PDF/UA:\n" + "\n".join(problems)


def written_by_the_app(path: Path) -> bool:
    """True for a PDF the app's writer made (its Creator names the app)."""
    with path.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            return False
    try:
        with pikepdf.open(path) as pdf:
            return str(pdf.docinfo.get("/Creator", "")).startswith("Briefing Builder")
    except (pikepdf.PdfError, pikepdf.PasswordError):  # damaged or locked: a test's own file
        return False
