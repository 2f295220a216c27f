"""Property-based tests: the briefing reader and both exporters take any document or bytes and
either work or raise the project's own errors, within a time bound; the officer's words survive a
save and re-open exactly."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core.briefing import Briefing, EvidenceItem, NoteItem, Section
from briefing_builder.core.briefing_io import BriefingError, dumps_briefing, read_briefing
from briefing_builder.core.cache import open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.export import ExportError, ExportOptions, export_briefing

from .conftest import time_bound

# Text as an officer might type it: any character a YAML file may hold (not surrogates, and not
# the C0/C1 controls YAML forbids, which the app's text fields do not produce either).
TYPED = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(
            chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
        )
        + "".join(chr(c) for c in range(0x80, 0xA0) if c != 0x85)
        + "\ufeff\ufffe\uffff",
    ),
    max_size=200,
)
HEADING = TYPED.filter(lambda s: s.strip() != "")

LIBRARY = open_library(bundled_library()).library
FINDING_IDS = [f.id for f in LIBRARY.findings[:40]]


@given(title=TYPED, summary=TYPED, heading=HEADING, text=TYPED, note=TYPED, comment=TYPED)
def test_the_officers_words_survive_save_and_open_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    summary: str,
    heading: str,
    text: str,
    note: str,
    comment: str,
) -> None:
    b = Briefing(title=title or "Untitled briefing", summary=summary, subtitle=text)
    b.sections = [
        Section(
            heading=heading,
            text=text,
            items=[NoteItem(text=note), EvidenceItem(finding_id=FINDING_IDS[0], comment=comment)],
        )
    ]
    path = tmp_path_factory.mktemp("rt") / "b.briefing.yaml"
    path.write_text(dumps_briefing(b), encoding="utf-8")
    back = read_briefing(path)
    assert (back.title, back.summary, back.subtitle) == (b.title, summary, text)
    section = back.sections[0]
    assert (section.heading, section.text) == (heading, text)
    note_item, evidence = section.items
    assert isinstance(note_item, NoteItem) and note_item.text == note
    assert isinstance(evidence, EvidenceItem) and evidence.comment == comment


# YAML-ish documents: mappings, lists and scalars, with the keys a briefing uses mixed in.
KEYS = st.sampled_from(
    [
        "briefing",
        "title",
        "sections",
        "heading",
        "items",
        "finding",
        "note",
        "comment",
        "snapshot",
        "text",
        "sources",
        "style",
        "date",
        "library",
        "id",
        "locator",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    TYPED,
    st.sampled_from([*FINDING_IDS, "harvard", "numbered-notes", "2026-02-30", "1", "../x"]),
)
DOCS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=30,
)


def _briefing_text(doc: object) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@given(doc=DOCS, version=st.sampled_from([1, 1, 1, 2, "1", None]))
def test_any_document_is_read_or_refused_with_a_briefing_error(
    tmp_path_factory: pytest.TempPathFactory, doc: object, version: object
) -> None:
    if isinstance(doc, dict) and version is not None:
        doc = {"briefing": version, **doc}
    path = tmp_path_factory.mktemp("doc") / "b.briefing.yaml"
    path.write_text(_briefing_text(doc), encoding="utf-8")
    with time_bound(10):
        try:
            read_briefing(path)
        except BriefingError as exc:
            assert exc.problems and all(str(p).startswith(str(path)) for p in exc.problems)


@given(raw=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_briefing_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "b.briefing.yaml"
    path.write_bytes(b"briefing: 1\n" + raw)
    with time_bound(10), contextlib.suppress(BriefingError):
        read_briefing(path)


SECTIONS = st.recursive(
    st.builds(
        lambda h, t, items: {"heading": h, "text": t, "items": items},
        HEADING,
        TYPED,
        st.lists(
            st.one_of(
                st.builds(lambda n: {"note": n}, TYPED),
                st.builds(
                    lambda f, c: {"finding": f, "comment": c}, st.sampled_from(FINDING_IDS), TYPED
                ),
            ),
            max_size=3,
        ),
    ),
    lambda children: st.builds(
        lambda h, subs: {"heading": h, "sections": subs}, HEADING, st.lists(children, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
@given(
    title=TYPED,
    subtitle=TYPED,
    marking=TYPED,
    summary=TYPED,
    sections=st.lists(SECTIONS, max_size=3),
    style=st.sampled_from(["harvard", "numbered-notes"]),
)
def test_any_valid_briefing_exports_or_fails_with_an_export_error(
    tmp_path_factory: pytest.TempPathFactory,
    suffix: str,
    title: str,
    subtitle: str,
    marking: str,
    summary: str,
    sections: list[dict[str, object]],
    style: str,
) -> None:
    folder = tmp_path_factory.mktemp("export")
    source = folder / "b.briefing.yaml"
    doc = {"briefing": 1, "title": title or "T", "subtitle": subtitle, "marking": marking}
    doc |= {"summary": summary, "style": style, "sections": sections}
    source.write_text(_briefing_text(doc), encoding="utf-8")
    briefing = read_briefing(source)
    out = folder / f"out{suffix}"
    with time_bound(60):
        try:
            for _ in export_briefing(briefing, LIBRARY, out, ExportOptions(style=style)):
                pass
        except ExportError:
            assert not out.exists()
            return
    assert out.stat().st_size > 0
    assert [p.name for p in Path(folder).iterdir() if p.name.startswith(".")] == []
