"""The document model: one build from a briefing and a library, used by both writers."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Library
from briefing_builder.export import ExportError, build_document
from briefing_builder.export.document import Heading, Paragraph, Quote, ReferenceList
from briefing_builder.export.inline import officer_text, plain, typographic, with_bold
from tests.export.conftest import EXAMPLE, MINIMAL


def test_minimal_briefing_becomes_blocks(bundled: Library) -> None:
    doc = build_document(read_briefing(MINIMAL), bundled)
    assert doc.meta.title == "Partnership working between the police and other agencies"
    assert doc.meta.marking == "OFFICIAL" and doc.meta.date_text == "23 November 2026"
    assert doc.meta.style.id == "harvard"  # the briefing's style: key
    headings = [(h.number, h.text) for h in doc.headings()]
    assert headings == [
        ("", "Summary"),
        ("1", "What helps partnerships work"),
        ("1.1", "Co-location"),
        ("", "References"),
    ]
    (first, second) = doc.quotes()
    assert first.finding_id == "copacc-2015-017" and first.speaker == "Barnardo’s"
    assert plain(first.attribution) == "— Barnardo’s (Tizard, 2015, section 2)"
    assert plain(second.attribution) == "(Scottish Government, n.d., section 3.2)"
    lead_in = [b for b in doc.blocks if isinstance(b, Paragraph) and b.role == "lead-in"]
    assert plain(lead_in[0].spans).startswith("Optional lead-in sentence")
    assert [r.source_id for r in doc.references()] == ["scotgov-y4", "copacc-2015"]


def test_notes_style_numbers_notes_in_order(bundled: Library) -> None:
    doc = build_document(read_briefing(EXAMPLE), bundled, style="numbered-notes")
    notes = doc.notes()
    assert [n.number for n in notes] == list(range(1, len(doc.quotes()) + 1))
    assert all(q.citation is None and q.note is not None for q in doc.quotes())
    assert plain(notes[0].spans).startswith("John Tizard, PCCs and Partnership, CoPaCC Thematic")
    ref_list = next(b for b in doc.blocks if isinstance(b, ReferenceList))
    assert ref_list.heading.text == "Bibliography" and len(ref_list.entries) == 5


def test_snapshots_stand_in_for_a_missing_library(bundled: Library, small_library: Path) -> None:
    briefing = read_briefing(MINIMAL)
    briefing.refresh_snapshots(bundled)
    other = load_library(small_library)  # has neither the findings nor their sources
    doc = build_document(briefing, other)
    assert [q.finding_id for q in doc.quotes()] == ["copacc-2015-017", "scotgov-y4-012"]
    assert plain(doc.quotes()[0].attribution) == "— Barnardo’s (Tizard, 2015, section 2)"
    assert len(doc.references()) == 2
    doc = build_document(briefing, None)
    assert len(doc.quotes()) == 2


def test_unknown_findings_are_refused_with_id_and_line(bundled: Library, tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: T\nsections:\n  - heading: A\n    items:\n"
        "      - finding: copacc-2015-001\n      - finding: nope-001\n"
    )
    with pytest.raises(ExportError) as err:
        build_document(read_briefing(path), bundled, briefing_file=str(path))
    assert [(p.line, p.message) for p in err.value.problems] == [
        (7, "finding 'nope-001' is not in the library")
    ]
    assert "nothing was written" in err.value.message


def test_markdown_bold_lists_and_typography() -> None:
    assert with_bold("a **b c** d") == (
        with_bold("a ")[0],
        with_bold("**b c**")[0],
        with_bold(" d")[0],
    )
    assert [s.bold for s in with_bold("= **a better outcome**")] == [False, True]
    assert plain(with_bold("2 ** 3 and **unclosed")) == "2 ** 3 and **unclosed"
    pieces = officer_text(
        "Intro line\nwraps here.\n\n- one\n- two\n  continued\n\n1. first\n2) second"
    )
    assert [(plain(p.spans), p.list_kind) for p in pieces] == [
        ("Intro line wraps here.", None),
        ("one", "bullet"),
        ("two continued", "bullet"),
        ("first", "number"),
        ("second", "number"),
    ]
    assert typographic("He said \"partnership\" isn't 'new'.") == (
        "He said “partnership” isn’t ‘new’."
    )


def test_empty_sections_and_no_evidence() -> None:
    briefing = Briefing(
        title="No evidence",
        sections=[Section("Empty"), Section("Notes only", items=[NoteItem("Just my view.")])],
    )
    doc = build_document(briefing, None)
    assert [h.text for h in doc.headings()] == ["Empty", "Notes only"]  # no reference list
    assert doc.quotes() == [] and doc.references() == ()
    assert not any(isinstance(b, ReferenceList) for b in doc.blocks)


def test_options_shape_the_document(bundled: Library) -> None:
    b = read_briefing(EXAMPLE)
    doc = build_document(b, bundled, include_contents=False, include_evidence_table=True)
    assert doc.blocks[1].__class__.__name__ != "Contents"
    assert [h.text for h in doc.headings()][-1] == "Annex: evidence cited"
    doc = build_document(b, bundled)
    contents = doc.blocks[1]
    assert [h.anchor for h in contents.entries][:3] == ["summary", "sec-1", "sec-2"]  # type: ignore[union-attr]
    assert isinstance(contents.entries[0], Heading)  # type: ignore[union-attr]
    # Keywords come from the themes of the findings cited.
    assert "Co-location and integrated services" in doc.meta.keywords


def test_evidence_item_with_comment_keeps_finding_text_verbatim(bundled: Library) -> None:
    briefing = Briefing(
        title="T",
        sections=[Section("S", items=[EvidenceItem("npia-2009-008", comment='Officer\'s "view"')])],
    )
    doc = build_document(briefing, bundled)
    quote = doc.quotes()[0]
    assert isinstance(quote, Quote)
    assert plain(quote.text) == bundled.finding("npia-2009-008").text.replace("**", "")  # type: ignore[union-attr]
    assert [s.text for s in quote.text if s.bold] == ["a better outcome for the customer"]
    lead = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert plain(lead.spans) == "Officer’s “view”"
