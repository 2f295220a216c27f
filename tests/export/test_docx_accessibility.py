"""Word's accessibility basics, checked in the package's XML: the language, the title, alt text on
any picture and the evidence annex's header row marked as a header."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.export.conftest import STYLE_IDS

NAMES = [f"{n}-{s}.docx" for n in ("example", "hostile", "minimal") for s in STYLE_IDS]


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


@pytest.mark.parametrize("name", NAMES)
def test_language_is_british_english_throughout(outputs: dict[str, Path], name: str) -> None:
    parts = _parts(outputs[name])
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", parts["word/styles.xml"], re.S)
    assert defaults is not None and '<w:lang w:val="en-GB"' in defaults.group(0)
    langs = {
        (part, m)
        for part, xml in parts.items()
        for m in re.findall(r'<w:lang w:val="([^"]+)"', xml)
    }
    assert {lang for _, lang in langs} == {"en-GB"}, langs
    # No second copy of the styles (Word 2010's stylesWithEffects) with another language.
    assert not any("stylesWithEffects" in p for p in parts)
    assert "stylesWithEffects" not in parts["word/_rels/document.xml.rels"]
    assert "<dc:language>en-GB</dc:language>" in parts["docProps/core.xml"]
    assert '<w:themeFontLang w:val="en-GB"' in parts["word/settings.xml"]


def test_title_property_is_the_briefing_title(outputs: dict[str, Path]) -> None:
    core = _parts(outputs["hostile-harvard.docx"])["docProps/core.xml"]
    assert "<dc:title>Risks &amp; &lt;benefits&gt; ]]&gt; of partnership working</dc:title>" in core
    core = _parts(outputs["example-numbered-notes.docx"])["docProps/core.xml"]
    assert re.search(r"<dc:title>Partnership working[^<]+</dc:title>", core)


@pytest.mark.parametrize("name", NAMES)
def test_every_picture_has_alt_text(outputs: dict[str, Path], name: str) -> None:
    """The writer adds no pictures today; any it adds must be described (wp:docPr descr)."""
    for part, xml in _parts(outputs[name]).items():
        for doc_pr in re.findall(r"<wp:docPr\b[^>]*>", xml):
            assert re.search(r'\bdescr="[^"]+"', doc_pr), (part, doc_pr)
        assert "<v:imagedata" not in xml or 'o:title="' in xml, part


def test_annex_header_row_repeats_and_is_a_header(outputs: dict[str, Path]) -> None:
    document = _parts(outputs["example-harvard.docx"])["word/document.xml"]
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", document, re.S)
    assert len(tables) == 1
    rows = re.findall(r"<w:tr\b.*?</w:tr>", tables[0], re.S)
    assert "<w:tblHeader/>" in rows[0]
    assert all("<w:tblHeader" not in r for r in rows[1:])
