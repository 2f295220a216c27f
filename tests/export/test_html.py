"""The web page export: one self-contained, accessible HTML file, read back with BeautifulSoup."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, build_document, capabilities, export_to_file
from briefing_builder.export.html_writer import (
    COLOURS,
    CONTRAST_PAIRS,
    heading_tag,
    render_html,
    stylesheet,
)
from tests.conftest import REPO
from tests.export.conftest import EXAMPLE, MINIMAL, STYLE_IDS, write_hostile


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, bundled: Library) -> dict[str, Path]:
    """``example-harvard.html``, ``hostile-numbered-notes.html`` …, written through the API."""
    out = tmp_path_factory.mktemp("html")
    briefings = {
        "example": read_briefing(EXAMPLE),
        "hostile": read_briefing(write_hostile(out)),
        "minimal": read_briefing(MINIMAL),
    }
    files: dict[str, Path] = {}
    for style in STYLE_IDS:
        for name, briefing in briefings.items():
            path = out / f"{name}-{style}.html"
            export_to_file(
                briefing,
                bundled,
                path,
                ExportOptions(style=style, include_evidence_table=name == "example"),
            )
            files[path.name] = path
    return files


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _headings(soup: BeautifulSoup) -> list[Tag]:
    return soup.find_all(re.compile(r"^h[1-6]$"))


ALL = [f"{n}-{s}.html" for n in ("example", "hostile", "minimal") for s in STYLE_IDS]


@pytest.mark.parametrize("name", ALL)
def test_one_h1_and_headings_never_skip_a_level(pages: dict[str, Path], name: str) -> None:
    soup = _soup(pages[name])
    levels = [int(h.name[1]) for h in _headings(soup)]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} then h{after} in {levels}"
    assert soup.h1 is not None and soup.h1.find_parent("header") is not None


@pytest.mark.parametrize("name", ALL)
def test_language_title_and_no_outside_requests(pages: dict[str, Path], name: str) -> None:
    text = pages[name].read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html is not None and soup.html["lang"] == "en-GB"
    assert soup.title is not None and soup.title.string
    assert soup.find("script") is None
    # Self-contained: no stylesheet, image, font or frame is fetched from anywhere.
    assert soup.find(["link", "img", "iframe", "object", "embed"]) is None
    assert "@import" not in text and "url(" not in text
    assert soup.find("main") is not None
    # Every in-page link lands somewhere.
    ids = {t["id"] for t in soup.find_all(id=True)}
    for a in soup.find_all("a", href=True):
        if a["href"].startswith("#"):
            assert a["href"][1:] in ids, a
    assert len(ids) == len(soup.find_all(id=True)), "duplicate ids"


def test_title_block_and_contents(pages: dict[str, Path]) -> None:
    soup = _soup(pages["example-harvard.html"])
    header = soup.header
    assert header is not None
    assert soup.title is not None and soup.h1 is not None
    assert soup.title.string.startswith(soup.h1.get_text())
    assert header.find("time", datetime=re.compile(r"^\d{4}-\d\d-\d\d$")) is not None
    nav = soup.nav
    assert nav is not None and nav.find("h2", string="Contents") is not None
    targets = [a["href"][1:] for a in nav.find_all("a")]
    assert "references" in targets and "evidence" in targets
    sections = soup.main.find_all("section") if soup.main else []
    labelled = {s["aria-labelledby"] for s in sections}
    assert set(targets) <= labelled, "every contents entry opens a section"
    # A sub-section's heading sits inside its section's.
    sub = soup.find(id="sec-2-1")
    assert sub is not None and sub.name == "h3"
    outer = sub.find_parent("section").find_parent("section")
    assert outer["aria-labelledby"] == "sec-2"


def test_marking_top_bottom_and_meta(pages: dict[str, Path]) -> None:
    soup = _soup(pages["hostile-harvard.html"])
    assert soup.find("meta", attrs={"name": "classification"})["content"] == "OFFICIAL-SENSITIVE"
    markings = soup.find_all(class_="marking")
    assert [m.get_text() for m in markings] == ["OFFICIAL-SENSITIVE"] * 2
    body = soup.body
    assert body is not None
    children = [c for c in body.children if isinstance(c, Tag)]
    first = children[0].find(True)
    assert children[0].name == "header" and "marking" in first["class"]
    assert children[-1].name == "footer" and children[-1].find(class_="marking")


def test_quotes_carry_cite_and_author_date_citation(pages: dict[str, Path]) -> None:
    soup = _soup(pages["example-harvard.html"])
    figures = soup.find_all("figure", class_="quote")
    assert len(figures) == 22
    for fig in figures:
        assert fig.blockquote is not None and fig.figcaption is not None
        caption = fig.figcaption.get_text()
        assert re.search(r"\(.+, (\d{4}|n\.d\.).*\)", caption), caption
        # The citation links to its entry in the reference list.
        ref = fig.figcaption.find("a", href=re.compile("^#ref-"))
        assert ref is not None and soup.find(id=ref["href"][1:]).find_parent(class_="references")
    with_cite = [f.blockquote["cite"] for f in figures if f.blockquote.has_attr("cite")]
    assert with_cite and all(c.startswith("http") for c in with_cite)
    assert soup.find(id="fn1") is None and soup.find(class_="notes") is None


def test_notes_link_both_ways(pages: dict[str, Path]) -> None:
    soup = _soup(pages["example-numbered-notes.html"])
    refs = soup.select("blockquote sup > a[href^='#fn']")
    assert len(refs) == 22
    notes = soup.select("ol.notes > li")
    assert len(notes) == 22
    for n, a in enumerate(refs, start=1):
        assert a["href"] == f"#fn{n}" and a["id"] == f"fnref{n}" and a.get_text() == str(n)
        note = soup.find(id=f"fn{n}")
        assert note is not None and note.name == "li"
        back = note.find("a", href=f"#fnref{n}")
        assert back is not None and back.get_text() == "\u21a9"
        assert back["aria-label"] == f"Back to where note {n} is cited"
    # Notes come last in the main content, after the references.
    assert notes[0].find_parent("section")["aria-labelledby"] == "notes"
    headings = [h["id"] for h in soup.main.find_all("h2")]
    assert headings[-1] == "notes"
    assert not any(f.figcaption and "(" in f.figcaption.get_text() for f in soup("figure"))


def test_evidence_annex_is_a_real_table(pages: dict[str, Path]) -> None:
    soup = _soup(pages["example-harvard.html"])
    table = soup.find("table")
    assert table is not None
    assert table.caption is not None and "22 quotes" in table.caption.get_text()
    heads = table.thead.find_all("th")
    assert [h["scope"] for h in heads] == ["col"] * len(heads)
    assert [h.get_text() for h in heads][:2] == ["No.", "Quote"]
    rows = table.tbody.find_all("tr")
    assert len(rows) == 22 and all(len(r.find_all("td")) == len(heads) for r in rows)


def test_everything_is_escaped(pages: dict[str, Path]) -> None:
    for style in STYLE_IDS:
        path = pages[f"hostile-{style}.html"]
        raw = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(raw, "html.parser")
        assert soup.find("script") is None and soup.find("b") is None and soup.find("i") is None
        assert "<script>" not in raw and "&lt;script&gt;alert" in raw
        quote = soup.find("blockquote").get_text()
        assert "<script>alert('x')</script>" in quote  # printed as text
        assert soup.h1.get_text() == "Risks & <benefits> ]]> of partnership working"
        assert "Lead-in with <b>not bold</b>" in soup.get_text()
        assert "\x01" not in raw and "\x07" not in raw


def test_only_safe_links(bundled: Library, tmp_path: Path) -> None:
    from briefing_builder.export.html_writer import spans_html
    from briefing_builder.export.inline import Span

    html = spans_html(
        (
            Span("click", link="javascript:alert(1)"),
            Span(" and "),
            Span("report", link="https://example.org/a?b=1&c=<2>"),
        )
    )
    soup = BeautifulSoup(html, "html.parser")
    links = soup.find_all("a")
    assert [a["href"] for a in links] == ["https://example.org/a?b=1&c=<2>"]
    assert "javascript" not in html and soup.get_text() == "click and report"
    assert links[0]["class"] == ["external"]


def test_heading_levels_are_capped() -> None:
    assert [heading_tag(n) for n in (1, 2, 3, 4, 7)] == ["h2", "h3", "h4", "h4", "h4"]


def test_deep_sections_never_skip_a_level(tmp_path: Path) -> None:
    import yaml

    from briefing_builder.core.briefing_io import read_briefing

    deep = {"heading": "Level 4", "text": "Deepest."}
    for n in (3, 2, 1):
        deep = {"heading": f"Level {n}", "text": f"Text {n}.", "sections": [deep]}
    path = tmp_path / "deep.briefing.yaml"
    path.write_text(
        yaml.safe_dump({"briefing": 1, "title": "Deep", "sections": [deep, {"heading": "Next"}]})
    )
    soup = BeautifulSoup(render_html(build_document(read_briefing(path), None)), "html.parser")
    assert [h.name for h in _headings(soup)] == ["h1", "h2", "h2", "h3", "h4", "h4", "h2"]
    # A briefing without a marking prints none.
    assert soup.find(class_="marking") is None
    assert soup.find("meta", attrs={"name": "classification"}) is None
    last = _headings(soup)[-1]
    assert "Next" in last.get_text()
    assert last.find_parent("section").find_parent("section") is None


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_meets_wcag_aa() -> None:
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the formula, checked
    for fg, bg in CONTRAST_PAIRS:
        ratio = contrast(COLOURS[fg], COLOURS[bg])
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}:1"
    css = stylesheet()
    # Every colour the stylesheet sets as text is one of the checked pairs' text colours.
    texts = {COLOURS[fg] for fg, _ in CONTRAST_PAIRS}
    for value in re.findall(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", css):
        assert value in texts, value


def test_focus_and_print_styles() -> None:
    css = stylesheet()
    assert re.search(r"a:focus-visible \{[^}]*outline: 3px solid", css)
    printed = css[css.index("@media print") :]
    assert "size: A4" in printed
    assert 'a.external::after { content: " (" attr(href) ")"' in printed
    assert "nav { background: none" in printed
    assert "break-after: avoid" in printed


def test_format_from_suffix_and_capabilities(bundled: Library, tmp_path: Path) -> None:
    caps = capabilities()["html"]
    assert caps.label == "Web page (HTML)" and caps.suffix == ".html"
    result = export_to_file(read_briefing(MINIMAL), bundled, tmp_path / "b.htm")
    assert result.format == "html" and (tmp_path / "b.htm").read_text().startswith("<!DOCTYPE")


def test_cli_exports_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from briefing_builder.cli import main

    out = tmp_path / "briefing.html"
    assert main(["export", str(EXAMPLE), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Wrote {out} (about ") and " pages printed): 22 findings" in said
    soup = _soup(out)
    assert soup.h1 is not None and len(soup.find_all("figure")) == 22


def test_chromium_prints_the_page(pages: dict[str, Path], tmp_path: Path) -> None:
    """A real browser lays the page out and prints it: the text is all there, on A4."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed (Debian package: chromium)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian package: poppler-utils)")
    page = pages["example-numbered-notes.html"]
    pdf = tmp_path / "printed.pdf"
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pdf.is_file(), proc.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    soup = _soup(page)
    assert soup.h1 is not None and soup.h1.get_text() in flat
    assert "Contents" in flat and "Notes" in flat
    last_note = soup.select("ol.notes > li")[-1].get_text().replace("\u21a9", "").split()
    assert " ".join(last_note[:6]) in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d*", info) or "A4" in info, info


def test_marking_in_the_print_stylesheet_cannot_break_out() -> None:
    from briefing_builder.export.html_writer import css_string

    css = stylesheet('OFFICIAL"; } </style><script>x</script>')
    assert "</style>" not in css and "<script>" not in css
    assert css_string('A"B\\C<') == '"A\\22 B\\5C C\\3C "'
    assert '@top-center { content: "OFFICIAL\\22 ; } \\3C /style\\3E ' in css
    assert "@top-center" not in stylesheet("")


def test_committee_front_sheet(bundled: Library, tmp_path: Path) -> None:
    """The front sheet sits between the title and the contents: a table with row headers, then
    the recommendations as a lettered list."""
    briefing = read_briefing(REPO / "examples" / "committee-paper.briefing.yaml")
    out = tmp_path / "committee.html"
    export_to_file(briefing, bundled, out, ExportOptions(include_evidence_table=True))
    soup = _soup(out)
    sheet = soup.find("section", class_="front-sheet")
    assert sheet is not None and sheet["aria-label"] == "Committee front sheet"
    assert sheet.find_previous_sibling("header") is not None
    assert sheet.find_next_sibling("nav") is not None
    rows = sheet.table.find_all("tr")
    assert rows[0].th.get_text() == "Meeting"
    assert all(r.th["scope"] == "row" for r in rows)
    assert sheet.table.caption.get_text() == "Meeting details"
    items = sheet.select("ol.recommendations > li")
    assert [li.get_text() for li in items] == [
        " ".join(r.split()).replace("'", "\u2019") for r in briefing.recommendations if r.strip()
    ]
    assert sheet.h2.get_text() == "Recommendations"
    levels = [int(h.name[1]) for h in _headings(soup)]
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_every_block_type_has_its_html() -> None:
    """A block type added to the document model fails here until the page can show it."""
    import typing

    from briefing_builder.export.document import Block
    from briefing_builder.export.html_writer import _Page

    assert set(typing.get_args(Block)) == set(_Page.RENDERERS)
    assert all(callable(getattr(_Page, name)) for name in _Page.RENDERERS.values())


def test_a_briefing_with_only_a_title_has_a_main(tmp_path: Path) -> None:
    path = tmp_path / "bare.briefing.yaml"
    path.write_text("briefing: 1\ntitle: Bare\n", encoding="utf-8")
    soup = BeautifulSoup(render_html(build_document(read_briefing(path), None)), "html.parser")
    assert soup.main is not None and soup.h1.get_text() == "Bare"
