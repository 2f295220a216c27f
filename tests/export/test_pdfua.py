"""The tagged PDF: the structure a screen reader follows, checked with tests/export/pdfua.py, and
the checker itself, fed files broken one way at a time."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, Name, String
from reportlab.pdfgen.canvas import Canvas

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import build_document
from briefing_builder.export.pdf_writer import write_pdf
from tests.conftest import _untagged_pdfs
from tests.export.conftest import EXAMPLE, STYLE_IDS
from tests.export.pdfua import assert_pdfua, check, written_by_the_app


def _pdf(bundled: Library, **options: Any) -> bytes:
    document = build_document(read_briefing(EXAMPLE), bundled, **options)
    out = io.BytesIO()
    for _ in write_pdf(document, out):
        pass
    return out.getvalue()


@pytest.fixture(scope="module")
def notes_pdf(bundled: Library) -> bytes:
    """The example in numbered notes, with the contents and the evidence table."""
    return _pdf(bundled, style="numbered-notes", include_evidence_table=True)


def _tree(data: bytes) -> list[tuple[int, str, Any]]:
    """(depth, type, element) of every structure element, in reading order."""
    out: list[tuple[int, str, Any]] = []

    def walk(elem: Any, depth: int) -> None:
        out.append((depth, str(elem.S)[1:], elem))
        for kid in elem.K:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, depth + 1)

    for top in _open(data).Root.StructTreeRoot.K:
        walk(top, 0)
    return out


@functools.lru_cache(maxsize=4)
def _open(data: bytes) -> pikepdf.Pdf:
    """The file, kept open while the elements read from it are in use."""
    return pikepdf.open(io.BytesIO(data))


# --- the app's PDFs pass -----------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLE_IDS)
@pytest.mark.parametrize("contents", [True, False])
@pytest.mark.parametrize("table", [True, False])
@pytest.mark.parametrize("numbered", [True, False])
def test_every_variant_passes_the_checker(
    bundled: Library, style: str, contents: bool, table: bool, numbered: bool
) -> None:
    data = _pdf(
        bundled,
        style=style,
        include_contents=contents,
        include_evidence_table=table,
        numbered_paragraphs=numbered,
        annex_ids=numbered,
    )
    assert_pdfua(data)
    types = Counter(t for _, t, _ in _tree(data))
    assert types["Document"] == 1
    assert (types["TOC"] == 1) is contents
    assert (types["Table"] == 1) is table
    assert (types["Note"] > 0) is (style == "numbered-notes")


def test_the_outputs_read_as_tagged_by_pdfinfo(outputs: dict[str, Path]) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed (Debian package: poppler-utils)")
    for path in (p for p in outputs.values() if p.suffix == ".pdf"):
        info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, timeout=60)
        assert "Tagged:          yes" in info.stdout, path
        assert_pdfua(path)


def test_the_structure_follows_the_document(bundled: Library, notes_pdf: bytes) -> None:
    document = build_document(
        read_briefing(EXAMPLE), bundled, style="numbered-notes", include_evidence_table=True
    )
    tree = _tree(notes_pdf)
    headings = [(t, e) for _, t, e in tree if t in ("H1", "H2", "H3")]
    expected = [
        getattr(b, "heading", b) for b in document.blocks if type(b).__name__ != "TitleBlock"
    ]
    levels = [f"H{min(h.level, 3)}" for h in expected if type(h).__name__ == "Heading"]
    assert [t for t, _ in headings] == levels
    assert len(levels) == len(list(document.headings())) + 1  # and the contents' own heading
    assert len([t for _, t, _ in tree if t == "BlockQuote"]) == len(document.quotes())
    # Each note comes right after the quote that cites it, with its number as a label and an ID.
    notes = [(i, e) for i, (_, t, e) in enumerate(tree) if t == "Note"]
    assert [str(e.ID) for _, e in notes] == [n.anchor for n in document.notes()]
    tops = [(t, e) for d, t, e in tree if d == 1]
    for i, (t, _) in enumerate(tops):
        if t == "Note":
            assert tops[i - 1][0] == "BlockQuote"
            assert [str(k.S) for k in tops[i][1].K] == ["/Lbl", "/P"]
    # The quote's note mark is a Reference inside the quote's paragraph.
    quote = next(e for _, t, e in tree if t == "BlockQuote")
    assert any(
        isinstance(k, pikepdf.Dictionary) and k.get("/S") == Name.Reference for k in quote.K[0].K
    )
    # The evidence table: a header row of TH cells scoped to their column, then TD rows.
    table = next(e for _, t, e in tree if t == "Table")
    rows = list(table.K)
    annex = document.blocks[-1]
    assert [str(c.S) for c in rows[0].K] == ["/TH"] * len(annex.columns)  # type: ignore[union-attr]
    assert all(c.A.Scope == Name.Column for c in rows[0].K)
    assert len(rows) == 1 + len(annex.rows)  # type: ignore[union-attr]
    assert all(str(c.S) == "/TD" for r in rows[1:] for c in r.K)
    # The contents: one TOCI per entry.
    toc = next(e for _, t, e in tree if t == "TOC")
    contents = next(b for b in document.blocks if type(b).__name__ == "Contents")
    assert len(toc.K) == len(contents.entries)  # type: ignore[attr-defined]


def test_lists_have_items_with_labels(bundled: Library, notes_pdf: bytes) -> None:
    tree = _tree(notes_pdf)
    lists = [e for _, t, e in tree if t == "L"]
    assert lists
    for lst in lists:
        for item in lst.K:
            assert item.S == Name.LI
            assert [str(k.S) for k in item.K] == ["/Lbl", "/LBody"]


def test_links_have_alternate_text_and_a_structure_parent(notes_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(notes_pdf))
    annots = [a for page in pdf.pages for a in page.obj.get("/Annots", ())]
    assert len(annots) > 10
    assert all(str(a.Contents).strip() and "/StructParent" in a for a in annots)
    contents = [str(a.Contents) for a in annots]
    assert "1 Why partnership matters now" in contents  # a contents entry names its section
    assert not any(c.startswith("#") for c in contents)  # never an internal anchor


def test_metadata_and_viewer_preferences(notes_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(notes_pdf))
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert pdf.Root.MarkInfo.Marked is True
    meta = pdf.open_metadata()
    assert meta["dc:title"] == "Partnership working between the police and other agencies"
    assert "<pdfuaid:part>1</pdfuaid:part>" in pdf.Root.Metadata.read_bytes().decode()
    assert all(p.obj.Tabs == Name.S for p in pdf.pages)


def test_running_headers_are_artifacts(notes_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(notes_pdf))
    ops = pikepdf.parse_content_stream(pdf.pages[1])
    first_bdc = next(operands for operands, op in ops if str(op) == "BDC")
    assert first_bdc[0] == Name.Artifact and first_bdc[1].Type == Name.Pagination


# --- the checker fails on each fault ----------------------------------------------------------


def _broken(data: bytes, damage: Callable[[pikepdf.Pdf], None]) -> bytes:
    pdf = pikepdf.open(io.BytesIO(data))
    damage(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _elements(pdf: pikepdf.Pdf, tag: str) -> list[Any]:
    found = []

    def walk(elem: Any) -> None:
        if elem.get("/S") == Name("/" + tag):
            found.append(elem)
        for kid in elem.get("/K", ()):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    for top in pdf.Root.StructTreeRoot.K:
        walk(top)
    return found


def _first_mcid_elem(pdf: pikepdf.Pdf) -> Any:
    return next(e for e in _elements(pdf, "P") if any(isinstance(k, int) for k in e.K))


def _drop_mcid(pdf: pikepdf.Pdf) -> None:
    elem = _first_mcid_elem(pdf)
    elem.K = Array([k for k in elem.K if not isinstance(k, int)] + [_elements(pdf, "Lbl")[0]])


def _swap_parent_tree(pdf: pikepdf.Pdf) -> None:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    entry = nums[1]
    entry[0], entry[1] = entry[1], entry[0]


def _stray_path(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"0 0 m 10 10 l S"), prepend=False)


def _unmarked_text(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[0].obj.Resources.Font.keys()))
    pdf.pages[0].contents_add(
        pikepdf.Stream(pdf, f"BT {font} 9 Tf 10 10 Td <0001> Tj ET".encode()), prepend=False
    )


def _font_without_unicode(pdf: pikepdf.Pdf) -> None:
    for font in pdf.pages[0].obj.Resources.Font.values():
        del font["/ToUnicode"]


def _first_heading_h3(pdf: pikepdf.Pdf) -> None:
    _elements(pdf, "H1")[0].S = Name.H3


def _skip_to_h3(pdf: pikepdf.Pdf) -> None:
    for h in _elements(pdf, "H2"):
        h.S = Name.H3


def _figure_without_alt(pdf: pikepdf.Pdf) -> None:
    _first_mcid_elem(pdf).S = Name.Figure


def _table_without_th(pdf: pikepdf.Pdf) -> None:
    for th in _elements(pdf, "TH"):
        th.S = Name.TD


def _no_title(pdf: pikepdf.Pdf) -> None:
    pdf.Root.Metadata = pdf.make_stream(b'<?xpacket begin="" id="x"?><?xpacket end="w"?>')


def _annotation_without_parent(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[0].obj.Annots[0]["/StructParent"]


def _link_without_contents(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.Annots[0].Contents = String("")


def _note_without_id(pdf: pikepdf.Pdf) -> None:
    del _elements(pdf, "Note")[0]["/ID"]


def _wrong_parent(pdf: pikepdf.Pdf) -> None:
    _elements(pdf, "LBody")[0].P = _elements(pdf, "H1")[0]


def _mcid_twice(pdf: pikepdf.Pdf) -> None:
    elem = _first_mcid_elem(pdf)
    h1 = _elements(pdf, "H1")[0]
    h1.K = Array([*h1.K, next(k for k in elem.K if isinstance(k, int))])
    h1.Pg = elem.Pg


FAULTS: list[tuple[Callable[[pikepdf.Pdf], None], str]] = [
    (lambda pdf: pdf.Root.__delattr__("Lang"), "no /Lang"),
    (lambda pdf: pdf.Root.__delattr__("MarkInfo"), "not marked"),
    (lambda pdf: setattr(pdf.Root.ViewerPreferences, "DisplayDocTitle", False), "DisplayDocTitle"),
    (_no_title, "no dc:title"),
    (_no_title, "pdfuaid:part"),
    (lambda pdf: pdf.Root.__delattr__("StructTreeRoot"), "no structure tree"),
    (_stray_path, "'S' operations neither tagged"),
    (_unmarked_text, "'Tj' operations neither tagged"),
    (_drop_mcid, "not in the structure tree"),
    (_mcid_twice, "referenced 2 times"),
    (_swap_parent_tree, "ParentTree entry for MCID"),
    (_wrong_parent, "/P is not its parent"),
    (_first_heading_h3, "first heading is H3"),
    (_skip_to_h3, "skip from H1 to H3"),
    (_figure_without_alt, "Figure"),
    (_table_without_th, "no header cell"),
    (_font_without_unicode, "no ToUnicode"),
    (_annotation_without_parent, "no /StructParent"),
    (_link_without_contents, "no /Contents"),
    (_note_without_id, "Note"),
]


def test_the_checker_passes_the_good_file(notes_pdf: bytes) -> None:
    assert check(notes_pdf) == []


@pytest.mark.parametrize(("damage", "expected"), FAULTS, ids=[f[1] for f in FAULTS])
def test_the_checker_finds_each_fault(
    notes_pdf: bytes, damage: Callable[[pikepdf.Pdf], None], expected: str
) -> None:
    problems = check(_broken(notes_pdf, damage))
    assert any(expected in p for p in problems), problems


def test_the_checker_fails_untagged_reportlab_output() -> None:
    out = io.BytesIO()
    canv = Canvas(out, lang=None)
    canv.drawString(72, 720, "An untagged page")
    canv.line(72, 700, 300, 700)
    canv.linkURL("https://example.org", (72, 690, 200, 700))
    canv.save()
    problems = "\n".join(check(out.getvalue()))
    for expected in (
        "no /Lang",
        "not marked",
        "DisplayDocTitle",
        "no XMP metadata",
        "'Tj' operations neither tagged",
        "'S' operations neither tagged",
        "no structure tree",
        "not embedded",
    ):
        assert expected in problems


def test_the_suite_checks_every_pdf_the_app_writes(tmp_path: Path, notes_pdf: bytes) -> None:
    """The conftest hook that runs the checker on each test's PDFs finds an untagged one."""
    broken = tmp_path / "broken" / "briefing.pdf"
    broken.parent.mkdir()
    broken.write_bytes(_broken(notes_pdf, lambda pdf: pdf.Root.__delattr__("Lang")))
    try:
        assert written_by_the_app(broken)
        assert any("no /Lang" in f for f in _untagged_pdfs([tmp_path]))
    finally:
        broken.unlink()
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4 not a PDF the app wrote")
    assert not written_by_the_app(other)


def test_the_front_sheet_is_a_table_with_row_headers_and_a_lettered_list(
    tmp_path: Path, bundled: Library
) -> None:
    from tests.export.test_front_sheet import FRONT

    source = tmp_path / "front.briefing.yaml"
    source.write_text(FRONT, encoding="utf-8")
    document = build_document(read_briefing(source), bundled)
    out = io.BytesIO()
    for _ in write_pdf(document, out):
        pass
    data = out.getvalue()
    assert_pdfua(data)
    tree = _tree(data)
    details = next(e for _, t, e in tree if t == "Table")
    first = details.K[0]
    assert [str(c.S) for c in first.K] == ["/TH", "/TD"]
    assert first.K[0].A.Scope == Name.Row
    recommendations = next(e for _, t, e in tree if t == "L")
    assert len(recommendations.K) == 3
    assert all([str(k.S) for k in item.K] == ["/Lbl", "/LBody"] for item in recommendations.K)
    # The marking in the text of the first page is read; the one in the running header is not.
    paragraphs = [e for _, t, e in tree if t == "P"]
    assert paragraphs


def test_a_locked_or_damaged_pdf_is_not_taken_for_the_apps(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/Creator"] = "Briefing Builder"
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\0" * 64)
    assert not written_by_the_app(locked)
    assert not written_by_the_app(damaged)


def test_the_templates_logo_is_a_figure_on_the_first_page_and_furniture_after(
    tmp_path: Path, bundled: Library
) -> None:
    from tests.export.test_template import export, make_template

    out = export(
        tmp_path,
        bundled,
        "logo.pdf",
        make_template(tmp_path / "unit.docx"),
        include_evidence_table=True,
    )
    assert_pdfua(out)
    data = out.read_bytes()
    figures = [e for _, t, e in _tree(data) if t == "Figure"]
    assert len(figures) == 1
    assert str(figures[0].Alt).endswith("logo")
    assert figures[0].Pg.objgen == _open(data).pages[0].obj.objgen
    # The logo form is drawn on every page: tagged on the first, an artifact on the others.
    pdf = _open(data)
    for n, page in enumerate(pdf.pages):
        stack: list[str] = []
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif str(op) == "EMC":
                stack.pop()
            elif str(op) == "Do" and str(operands[0]).endswith("bblogo"):
                assert stack[-1] == ("/Figure" if n == 0 else "/Artifact"), (n, stack)
