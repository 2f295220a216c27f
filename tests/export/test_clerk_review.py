"""Defects a committee clerk found reviewing the Word and PDF exports, each read back from the file."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from briefing_builder.core.briefing import Briefing, EvidenceItem, Section
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, export_to_file
from briefing_builder.export.inline import Span, with_bold


def _export(briefing: Briefing, library: Library, path: Path, style: str = "harvard") -> Path:
    export_to_file(briefing, library, path, ExportOptions(style=style))
    return path


def _pdftotext(path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext is not installed (Debian package: poppler-utils)")
    return subprocess.run(
        [exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- Markdown italics in quotes ---------------------------------------------------------------


def test_single_asterisks_are_italics_but_arithmetic_and_lone_stars_are_not() -> None:
    assert with_bold("the *Scottish Institute* (SIPR)") == (
        Span("the "),
        Span("Scottish Institute", italic=True),
        Span(" (SIPR)"),
    )
    assert with_bold("5 * 3 = 15") == (Span("5 * 3 = 15"),)
    assert with_bold("a lone * star") == (Span("a lone * star"),)
    assert with_bold("a*b*c") == (Span("a*b*c"),)
    assert with_bold("**bold** and *it*") == (
        Span("bold", bold=True),
        Span(" and "),
        Span("it", italic=True),
    )


def test_italic_names_in_a_quote_print_in_italics(bundled: Library, tmp_path: Path) -> None:
    briefing = Briefing(
        title="Italics", sections=[Section("Partners", items=[EvidenceItem("n8prp-031")])]
    )
    d = docx.Document(str(_export(briefing, bundled, tmp_path / "i.docx")))
    quote = next(p for p in d.paragraphs if p.style.name == "Quote")
    assert "*" not in quote.text
    italic = [r.text for r in quote.runs if r.italic]
    assert italic[:2] == [
        "Scottish Institute for Policing Research",
        "Universities' Police Science Institute",
    ]
    pdf = _export(briefing, bundled, tmp_path / "i.pdf")
    text = _flat(_pdftotext(pdf))
    assert "The Scottish Institute for Policing Research (SIPR)" in text and "*" not in text
    fonts = set()
    for page in PdfReader(str(pdf)).pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("Oblique" in f or "Italic" in f for f in fonts), fonts


# --- consecutive quotes are separate blocks ---------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _left_border(p: docx.text.paragraph.Paragraph) -> tuple[str | None, ...]:
    """The paragraph's left border as Word resolves it: direct formatting, else its style's."""
    for el in (
        p._p.pPr,
        p.style.element.pPr,
        p.style.base_style and p.style.base_style.element.pPr,
    ):
        left = el.find(f"{W}pBdr/{W}left") if el is not None else None
        if left is not None:
            return tuple(left.get(f"{W}{a}") for a in ("val", "sz", "space", "color"))
    return (None,)


def test_consecutive_quotes_have_their_own_bars(bundled: Library, tmp_path: Path) -> None:
    ids = ["n8prp-031", "npia-2009-010", "copacc-2015-001"]
    briefing = Briefing(
        title="Bars", sections=[Section("Quotes", items=[EvidenceItem(i) for i in ids])]
    )
    d = docx.Document(str(_export(briefing, bundled, tmp_path / "q.docx")))
    paras = [p for p in d.paragraphs if p.style.name in ("Quote", "Quote Attribution")]
    assert [p.style.name for p in paras] == ["Quote", "Quote Attribution"] * 3
    blocks = [paras[i : i + 2] for i in range(0, 6, 2)]
    for block in blocks:  # one block: one bar, drawn through both paragraphs
        assert _left_border(block[0]) == _left_border(block[1]) != (None,)
    for first, second in itertools.pairwise(blocks):
        # Identical borders on adjacent paragraphs are joined by Word: the next block differs.
        assert _left_border(first[-1]) != _left_border(second[0])
        assert first[-1].style.paragraph_format.space_after.pt >= 10


# --- Word opens the file as a current document, with our name on it -------------------------


def test_word_file_is_current_and_names_its_maker(outputs: dict[str, Path]) -> None:
    path = outputs["example-harvard.docx"]
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        settings = etree.fromstring(z.read("word/settings.xml"))
        app = z.read("docProps/app.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    modes = [
        s.get(f"{W}val")
        for s in settings.iter(f"{W}compatSetting")
        if s.get(f"{W}name") == "compatibilityMode"
    ]
    assert modes == ["15"]
    assert "Microsoft" not in app and "<Application>Briefing Builder</Application>" in app
    assert "<AppVersion>00.0001</AppVersion>" in app  # version 0.1.0
    assert not [n for n in names if n.startswith("customXml")] and "customXml" not in types
    keywords = docx.Document(str(path)).core_properties.keywords
    assert len(keywords) <= 255 and keywords.endswith("Leadership and senior commitment")
    assert "Information and data shar" not in keywords


def test_pdf_keywords_are_separated_by_semicolons(outputs: dict[str, Path]) -> None:
    keywords = PdfReader(str(outputs["example-harvard.pdf"])).metadata["/Keywords"]
    themes = keywords.split("; ")
    assert "Resources, budgets and austerity" in themes and "Partner sectors" in themes


# --- running header, source footnote markers, URLs, apostrophes ------------------------------

LONG_TITLE = (
    "Partnership working between the police and other agencies: what the published evidence "
    "says about trust, shared purpose and accountability"
)


@pytest.fixture(scope="module")
def long_title(bundled: Library, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    briefing = Briefing(
        title=LONG_TITLE,
        organisation="Example Constabulary",
        sections=[
            Section(
                "Evidence",
                items=[EvidenceItem("scotgov-y4-020"), EvidenceItem("copacc-2015-020")],
            )
        ],
    )
    out = tmp_path_factory.mktemp("long")
    return {
        f"{style}.{fmt}": _export(briefing, bundled, out / f"{style}.{fmt}", style)
        for style in ("harvard", "numbered-notes")
        for fmt in ("docx", "pdf")
    }


def test_a_long_title_is_elided_at_a_word_in_the_running_header(
    long_title: dict[str, Path],
) -> None:
    first_line = _pdftotext(long_title["harvard.pdf"]).splitlines()[0]
    left, right = first_line.rsplit("   ", 1)
    left = left.strip()
    assert right.strip() == "Example Constabulary"
    assert left.endswith("…") and LONG_TITLE.startswith(left[:-1])
    assert not LONG_TITLE[len(left) - 1].isalnum()  # cut after a whole word
    header = docx.Document(str(long_title["harvard.docx"])).sections[0].header.paragraphs[-1]
    title, org = header.text.split("\t")
    assert org == "Example Constabulary"
    assert title.endswith("…") and LONG_TITLE.startswith(title[:-1])
    assert not LONG_TITLE[len(title) - 1].isalnum()
    assert len(title) + len(org) <= 90  # fits the 16 cm line at 9 pt, so the tab cannot wrap


def test_a_sources_own_footnote_marker_is_a_superscript(long_title: dict[str, Path]) -> None:
    for style in ("harvard", "numbered-notes"):
        d = docx.Document(str(long_title[f"{style}.docx"]))
        quote = next(p for p in d.paragraphs if "prevention" in p.text and p.style.name == "Quote")
        assert "[15]" not in quote.text
        sup = [r.text for r in quote.runs if r.font.superscript]
        assert sup[0] == "15"
        text = _flat(_pdftotext(long_title[f"{style}.pdf"]))
        assert "[15]" not in text and "prevention15," in text.replace(" ", "")


def test_apostrophes_in_attributions_are_curly(long_title: dict[str, Path]) -> None:
    d = docx.Document(str(long_title["harvard.docx"]))
    attributions = [p.text for p in d.paragraphs if p.style.name == "Quote Attribution"]
    assert any(a.startswith("— Barnardo’s") for a in attributions), attributions
    assert not any("'" in a for a in attributions)
    text = _pdftotext(long_title["harvard.pdf"])
    assert "— Barnardo’s" in text and "Barnardo's" not in text


def test_urls_in_the_references_break_only_after_a_separator(outputs: dict[str, Path]) -> None:
    text = _pdftotext(outputs["example-harvard.pdf"])
    lines = [ln.strip() for ln in text.splitlines()]
    i = next(i for i, ln in enumerate(lines) if "https://www.gov.scot" in ln)
    url = (
        "https://www.gov.scot/publications/evaluation-police-fire-reform-year-4-international-"
        "perspectives-police-fire-reform/"
    )
    start = lines[i].index("https://")
    joined = lines[i][start:] + lines[i + 1]
    assert joined.startswith(url), lines[i : i + 2]
    assert lines[i][-1] in "/.-?&"  # broken only after one of these, never mid-word


# --- a heading and lead-in stay with their quote, footnote and all ----------------------------


def _page_of(pages: list[str], text: str) -> int:
    key = "".join(text.split())[:30]
    found = [i for i, p in enumerate(pages) if key in "".join(p.split())]
    assert found, text
    return found[-1]


def test_a_lead_in_is_never_stranded_from_its_footnoted_quote(
    bundled: Library, tmp_path: Path
) -> None:
    """Where a lead-in and its quote fit at the foot of a page but the quote's note does not,
    all of them move on together (these amounts of text above stranded the lead-in before)."""
    ids = ["scotgov-y4-020", "n8prp-031", "npia-2009-010", "scotgov-y3-041", "copacc-2015-017"]
    filler = "The Board asked what the evidence says about partnership working. "
    stranded = []
    for n in (4, 54, 56):
        sections = [
            Section(
                f"Heading {i}",
                text=filler * (n if i == 0 else 3),
                items=[EvidenceItem(fid, comment=f"Lead-in number {i} says this.")],
            )
            for i, fid in enumerate(ids)
        ]
        pdf = tmp_path / f"n{n}.pdf"
        export_to_file(
            Briefing(title="Notes", sections=sections),
            bundled,
            pdf,
            ExportOptions(style="numbered-notes", include_contents=False),
        )
        pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
        for i, fid in enumerate(ids):
            quote = " ".join(bundled.finding(fid).text.split()[:5])  # type: ignore[union-attr]
            if _page_of(pages, f"Lead-in number {i} says this.") != _page_of(pages, quote):
                stranded.append((n, fid))
    assert stranded == []


# --- the Word contents is a real TOC field ---------------------------------------------------


def test_word_contents_is_a_toc_field_around_the_linked_entries(outputs: dict[str, Path]) -> None:
    d = docx.Document(str(outputs["example-harvard.docx"]))
    body = d.element.body
    runs = list(body.iter(f"{W}fldChar", f"{W}instrText"))
    kinds = [
        r.get(f"{W}fldCharType") if r.tag == f"{W}fldChar" else (r.text or "").strip() for r in runs
    ]
    i = kinds.index('TOC \\o "1-3" \\h \\z \\u')
    assert kinds[i - 1] == "begin" and kinds[i + 1] == "separate"
    # Inside the TOC field's result: one nested PAGEREF field per entry, then the TOC's end.
    depth, j, pagerefs = 1, i + 2, 0
    while depth:
        k = kinds[j]
        depth += 1 if k == "begin" else -1 if k == "end" else 0
        pagerefs += k.startswith("PAGEREF")
        j += 1
    entries = [p for p in d.paragraphs if p.style.name.startswith("toc")]
    assert pagerefs == len(entries) >= 8
    assert {p.style.name for p in entries} <= {"toc 1", "toc 2", "toc 3"}
    # Each entry carries its page number as the PAGEREF's stored result, so LibreOffice (which
    # shows a TOC field's result as stored) prints numbers, and Word recomputes them.
    assert all(p.text.split("\t")[-1].isdigit() for p in entries), [p.text for p in entries]


# --- citation editions --------------------------------------------------------------------------


def test_the_styles_name_the_editions_they_follow() -> None:
    from briefing_builder.export.citations import get_style

    assert "Cite Them Right (12th edn, 2022)" in get_style("harvard").info.description
    assert "MHRA Style Guide (4th edn" in get_style("numbered-notes").info.description
