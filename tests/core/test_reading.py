"""A source's text laid out for reading (headings, paragraphs, lists) with the map back to the
original, and where every finding of a source stands in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Finding, Locator
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.reading import (
    HEADING,
    ITEM,
    PARAGRAPH,
    Located,
    TextUnavailable,
    findings_of,
    layout_text,
    passages,
    text_for_reading,
)
from briefing_builder.core.textmatch import fold_whitespace, quote_parts

from ..conftest import write_library

TEXT = """\
# Partnership review

**Summary**

1. Introduction

Police and partners met weekly.
They shared **data** and
offices.

- first point
  - nested point
- second point

3.1.2 A numbered heading

Short line that ends like a sentence.
"""


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in layout_text(text).blocks]


def test_headings_paragraphs_and_lists() -> None:
    assert kinds(TEXT) == [
        (HEADING, 1, "Partnership review"),
        (HEADING, 2, "Summary"),
        (HEADING, 1, "1. Introduction"),
        (PARAGRAPH, 0, "Police and partners met weekly. They shared data and offices."),
        (ITEM, 1, "first point"),
        (ITEM, 2, "nested point"),
        (ITEM, 1, "second point"),
        (HEADING, 3, "3.1.2 A numbered heading"),
        (PARAGRAPH, 0, "Short line that ends like a sentence."),
    ]


def test_bold_marks_are_taken_out_and_remembered() -> None:
    layout = layout_text(TEXT)
    para = layout.blocks[3]
    assert [(layout.text[p.at : p.at + p.end - p.start], p.bold) for p in para.pieces] == [
        ("Police and partners met weekly.", False),
        ("They shared ", False),
        ("data", True),
        (" and", False),
        ("offices.", False),
    ]
    # An odd number of ** is not markup: left as written.
    assert layout_text("Two ** stars only\n").blocks[0].text == "Two ** stars only"


def test_the_laid_out_text_is_the_blocks_joined() -> None:
    layout = layout_text(TEXT)
    assert layout.text == "\n".join(b.text for b in layout.blocks)
    for block in layout.blocks:
        assert layout.text[block.at : block.at + len(block.text)] == block.text


@pytest.mark.parametrize(
    "quote",
    [
        "Police and partners met weekly. They shared **data** and offices.",
        "shared **data**",
        "met weekly",
        "nested point",
        "first point - nested point",
    ],
)
def test_every_span_of_the_original_maps_to_the_same_words_as_shown(quote: str) -> None:
    layout = layout_text(TEXT)
    f = Finding("f", "s", "quote", quote, Locator("page", "1"), ())
    (p,) = passages(TEXT, [f])
    assert p.found
    for (s, e), part in zip(p.spans, quote_parts(quote), strict=True):
        a, b = layout.span(s, e)
        shown = fold_whitespace(layout.text[a:b])
        assert shown == part.replace("**", "").replace(" - ", " "), (shown, part)


def test_positions_in_marks_that_are_not_shown_go_to_the_nearest_shown_text() -> None:
    layout = layout_text("**Bold** word\n")
    assert layout.text == "Bold word"
    assert layout.position(0) == 0  # the ** before "Bold"
    assert layout.span(0, 8) == (0, 4)  # "**Bold**" is "Bold"


def test_the_bundled_texts_lay_out_with_headings() -> None:
    text = (bundled_library() / "texts" / "scotgov-y4.txt").read_text(encoding="utf-8")
    headings = [b.text for b in layout_text(text).blocks if b.kind == HEADING]
    assert "3.1.1 Range of partnerships with the police" in headings
    assert "Key findings: Partnership working" in headings
    items = [b.text for b in layout_text(text).blocks if b.kind == ITEM]
    assert "local authorities" in items


def finding(fid: str, text: str) -> Finding:
    return Finding(fid, "s", "quote", text, Locator("page", "1"), ())


def test_passages_are_in_the_order_of_the_text_and_missing_ones_last() -> None:
    text = "One two three. Four five six. Seven eight nine."
    found = passages(
        text,
        [
            finding("c", "Seven eight"),
            finding("x", "not in it"),
            finding("a", "One two … Four"),
            finding("b", "five six"),
        ],
    )
    assert [p.finding.id for p in found] == ["a", "b", "c", "x"]
    assert found[0].spans == ((0, 7), (15, 19))
    assert not found[-1].found and found[-1].spans == ()


def test_every_bundled_finding_has_its_passage() -> None:
    lib = load_library(bundled_library())
    for src in lib.sources:
        text = text_for_reading(lib, src.id)
        layout = layout_text(text)
        found = passages(text, findings_of(lib, src.id))
        assert len(found) == len(findings_of(lib, src.id))
        assert all(p.found for p in found), src.id
        starts = [p.spans[0][0] for p in found]
        assert starts == sorted(starts)
        for p in found:
            for s, e in p.spans:
                a, b = layout.span(s, e)
                assert 0 <= a < b <= len(layout.text)


def test_quotes_located_before_give_the_same_passages() -> None:
    """The reader keeps the quotes it located in a text across a new library: locating only
    the new ones gives what locating them all does, and a kept answer for another text is not
    used."""
    lib = load_library(bundled_library())
    src = lib.sources[0]
    text = text_for_reading(lib, src.id)
    findings = findings_of(lib, src.id)
    located = Located(text)
    assert passages(text, findings[::2], located) == passages(text, findings[::2])
    assert len(located.spans) == len(set(f.text for f in findings[::2]))
    missing = Finding(
        "made-up", src.id, "key-finding", "words nowhere in the text", Locator("page", "1"), ("t",)
    )
    every = [*findings, missing]
    assert passages(text, every, located) == passages(text, every)
    assert located.spans[missing.text] == ()
    other = text.replace(findings[0].text[:20], "changed words here!!")
    assert passages(other, every, located) == passages(other, every)


def test_a_source_without_text_says_so(tmp_path: Path) -> None:
    sources = (
        "references:\n"
        "  - id: alpha\n    type: report\n    title: Partnership in Aotearoa\n"
        "    short: Smith 2020\n    text: texts/alpha.txt\n"
        "  - id: beta\n    type: report\n    title: Budgets and the police\n"
    )
    lib = load_library(write_library(tmp_path / "lib", {"sources.yaml": sources}))
    with pytest.raises(TextUnavailable) as no_text:
        text_for_reading(lib, "beta")
    assert no_text.value.message == (
        "“Budgets and the police” has no text in this library, so its findings cannot be read "
        "in context."
    )


def test_a_text_the_loader_could_not_read_names_the_problem(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    (root / "texts" / "beta.txt").write_bytes("Caf\xe9 budgets".encode("latin-1"))
    lib = load_library(root)
    with pytest.raises(TextUnavailable) as bad:
        text_for_reading(lib, "beta")
    message = bad.value.message
    assert message.startswith(
        "The text of “Budgets and the police” could not be read when the library was opened:"
    )
    assert "sources.yaml:" in message and "not UTF-8" in message


def test_a_text_that_has_gone_since_loading_says_why(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    lib = load_library(root)
    (root / "texts" / "alpha.txt").unlink()
    with pytest.raises(TextUnavailable) as gone:
        text_for_reading(lib, "alpha")
    assert gone.value.message == (
        "The text of “Partnership in Aotearoa” cannot be read: alpha.txt file not found."
    )
    assert text_for_reading(lib, "beta").startswith("Budgets were cut")


def test_a_selection_of_the_shown_text_maps_back_to_the_original() -> None:
    layout = layout_text(TEXT)
    shown = layout.text
    # Within one line of a paragraph.
    a = shown.index("partners met")
    assert layout.original_span(a, a + len("partners met")) == (
        TEXT.index("partners met"),
        TEXT.index("partners met") + len("partners met"),
    )
    # Across the paragraph's joined lines: from the original's first to its last character.
    a = shown.index("weekly.")
    b = shown.index("They shared") + len("They shared")
    s, e = layout.original_span(a, b) or (0, 0)
    assert TEXT[s:e] == "weekly.\nThey shared"
    # Over a bold mark, and across two blocks (the break between them is the original's).
    a = shown.index("data and")
    s, e = layout.original_span(a, a + len("data and")) or (0, 0)
    assert TEXT[s:e] == "data** and"
    a = shown.index("offices.")
    b = shown.index("first point") + len("first")
    s, e = layout.original_span(a, b) or (0, 0)
    assert TEXT[s:e] == "offices.\n\n- first"
    # Only the white space the layout adds: nothing.
    gap = shown.index("\nfirst point")
    assert layout.original_span(gap, gap + 1) is None
    assert layout.original_span(5, 5) is None


def test_the_inverse_map_returns_every_span_shown_of_a_bundled_finding() -> None:
    lib = load_library(bundled_library())
    src = lib.sources[0]
    text = text_for_reading(lib, src.id)
    layout = layout_text(text)
    for p in passages(text, findings_of(lib, src.id)):
        for s, e in p.spans:
            a, b = layout.span(s, e)
            s2, e2 = layout.original_span(a, b) or (0, 0)
            # The same words (the original may lose a leading/trailing mark such as **).
            assert fold_whitespace(text[s2:e2]).strip("*") == fold_whitespace(text[s:e]).strip("*")
