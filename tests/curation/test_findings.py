"""Findings made from a passage of a source: found word for word with the loader's matcher,
located from where they stand, appended with every existing byte of the file kept, and refused
(nothing written) whenever anything is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core import atomic
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Problem
from briefing_builder.core.textmatch import FoldedText, fold_whitespace
from briefing_builder.curation import writes
from briefing_builder.curation.findings import (
    AmbiguousPassage,
    ConflictError,
    CurationError,
    _original_offsets,
    add_finding,
    derive_locator,
    locate_passage,
    next_finding_id,
    passage_from_ranges,
    propose_speaker,
    remove_added_finding,
)
from briefing_builder.export.inline import clean, plain, with_bold

from .library import DECK, FINDINGS_REVIEW, GUIDE, NOTES, REVIEW, make_library, snapshot

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib")


def _source(root: Path, sid: str):  # type: ignore[no-untyped-def]
    source = load_library(root).source(sid)
    assert source is not None
    return source


# --- passages ------------------------------------------------------------------------------


def test_passage_from_ranges_sorts_folds_and_joins_with_an_ellipsis() -> None:
    text = REVIEW
    a = text.index("Partnerships have")
    b = text.index("demonstrate")
    c = text.index("This review")
    ranges = [(c, c + len("This review covers")), (a, text.index(" They must")), (b, b + 11)]
    assert passage_from_ranges(text, ranges) == (
        "Partnerships have to be for a purpose. … demonstrate … This review covers"
    )
    # White space in a range (the line break inside "must\ndemonstrate") is folded.
    m = text.index("They must")
    assert passage_from_ranges(text, [(m, b + 11)]) == "They must demonstrate"
    assert passage_from_ranges(text, [(5, 5), (-3, 0)]) == ""


# A source text with the Markdown marks extraction writes: headings, bullets and bold runs (one
# across a line break), and a ``**`` that pairs with nothing.
MARKED = (
    "# 1 What we found\n\n"
    "The review found **shared budgets made joint work** possible in most places.\n\n"
    "- Partners met every month.\n"
    "- Data was shared **within\na week** of a referral.\n\n"
    "## 2 What should change\n\n"
    "Funding should be pooled ** for three years.\n"
)


def _between(first: str, last: str) -> tuple[int, int]:
    """The selection from the start of ``first`` to the end of ``last`` (the next after it)."""
    a = MARKED.index(first)
    return a, MARKED.index(last, a) + len(last)


def _prints(passage: str) -> str:
    """The passage as an export prints it: bold runs as bold, no marks."""
    spans = with_bold(clean(passage))
    return "".join(f"<b>{s.text}</b>" if s.bold else s.text for s in spans)


@pytest.mark.parametrize(
    ("first", "last", "stored", "printed"),
    [
        # Half a bold run: the whole run is taken, so it prints bold and is found as it stands.
        (
            "found **",
            "budgets",
            "found **shared budgets made joint work**",
            "found <b>shared budgets made joint work</b>",
        ),
        (
            "work** possible",
            "places.",
            "**shared budgets made joint work** possible in most places.",
            "<b>shared budgets made joint work</b> possible in most places.",
        ),
        # A run across a line break, entered from its far end.
        (
            "week",
            "referral.",
            "**within a week** of a referral.",
            "<b>within a week</b> of a referral.",
        ),
        # A bullet at the start or end is left out; one between two items stays, as printed.
        ("- Partners", "month.", "Partners met every month.", "Partners met every month."),
        ("Partners", "month.\n- ", "Partners met every month.", "Partners met every month."),
        (
            "every month",
            "Data was",
            "every month. - Data was",
            "every month. - Data was",
        ),
        # A heading's mark, and a heading the selection runs past, are left out.
        ("# 1 What", "review found", "The review found", "The review found"),
        (
            "a referral.",
            "Funding should",
            "a referral. … Funding should",
            "a referral. … Funding should",
        ),
        ("1 What we found", "1 What we found", "1 What we found", "1 What we found"),
        # A ``**`` pairing with nothing is never stored.
        (
            "Funding",
            "years.",
            "Funding should be pooled … for three years.",
            "Funding should be pooled … for three years.",
        ),
    ],
)
def test_a_selection_across_markdown_marks(
    first: str, last: str, stored: str, printed: str
) -> None:
    passage = passage_from_ranges(MARKED, [_between(first, last)])
    assert passage == stored
    assert _prints(passage) == printed
    assert FoldedText.of(MARKED).contains_quote(passage)  # the loader's check finds it
    assert len(locate_passage(MARKED, passage)) == 1


@given(st.integers(0, len(MARKED)), st.integers(0, len(MARKED)))
def test_any_selection_of_a_marked_text_is_found_and_prints_no_marks(a: int, b: int) -> None:
    passage = passage_from_ranges(MARKED, [(min(a, b), max(a, b))])
    if not passage:
        return
    assert FoldedText.of(MARKED).contains_quote(passage)
    shown = plain(with_bold(clean(passage)))
    assert "**" not in shown
    parts = shown.split(" … ")
    assert not any(part.startswith(("#", "- ")) or part.endswith(" -") for part in parts)
    assert "#" not in shown


def test_a_finding_across_marks_is_written_and_checks_clean(lib_root: Path) -> None:
    (lib_root / "texts" / "notes.txt").write_text(MARKED, encoding="utf-8")
    text = passage_from_ranges(
        MARKED, [_between("made joint", "places."), _between("- Data", "referral.")]
    )
    assert text == (
        "**shared budgets made joint work** possible in most places. … Data was shared "
        "**within a week** of a referral."
    )
    written = add_finding(lib_root, {"source": "notes", "text": text, "themes": ["trust"]})
    lib = load_library(lib_root)
    assert lib.errors == []
    f = lib.finding(written.finding_id or "")
    assert f is not None and f.verified and f.text == text


def test_every_occurrence_is_located_with_its_page_line_and_section() -> None:
    found = locate_passage(GUIDE, "Police work with\n   health, education")
    assert [(loc.line, loc.section, loc.heading, loc.page) for loc in found] == [
        (5, "3.1", "Range of partners", None),
        (13, None, "Appendix", None),  # an unnumbered top-level heading ends section 3.1
    ]
    for loc in found:
        (start, end), *_ = loc.parts
        assert GUIDE[start:end] == "Police work with health, education"


def test_located_parts_cover_the_words_across_line_breaks_and_pages() -> None:
    labels = ["Cover", "1", "2"]
    (loc,) = locate_passage(REVIEW, "They must demonstrate … in England.", page_labels=labels)
    assert [fold_whitespace(REVIEW[a:b]) for a, b in loc.parts] == [
        "They must demonstrate",
        "in England.",
    ]
    assert (loc.page, loc.page_label, loc.line, loc.section) == (1, "1", 7, "1")
    (second,) = locate_passage(REVIEW, "Partners pooled [...] budget cuts.", page_labels=labels)
    assert (second.page, second.page_label, second.section) == (2, "2", "2")
    # Without the source's labels the page is counted from 1.
    assert locate_passage(REVIEW, "Partners pooled")[0].page_label == "3"


@pytest.mark.parametrize("passage", ["", "   \n\t\f ", " … ", "[...]", "not in the text"])
def test_an_empty_or_absent_passage_is_not_located(passage: str) -> None:
    assert locate_passage(REVIEW, passage) == []


def test_a_huge_passage_is_simply_not_found() -> None:
    assert locate_passage(REVIEW, "word " * 2_000_000) == []


# --- locators ------------------------------------------------------------------------------


def test_locators_follow_the_layout_of_each_source(lib_root: Path) -> None:
    def locator(sid: str, text: str, passage: str, n: int = 0) -> dict[str, str]:
        return derive_locator(_source(lib_root, sid), text, locate_passage(text, passage)[n])

    # A paginated report: the printed page label, not the page's position in the file.
    assert locator("review", REVIEW, "covers the # marks") == {"label": "page", "value": "1"}
    assert locator("review", REVIEW, "pooled their") == {"label": "page", "value": "2"}
    # Numbered headings: the section number and its heading, also under a sub-heading.
    assert locator("guide", GUIDE, "Police work") == {
        "label": "section",
        "value": "3.1",
        "title": "Range of partners",
    }
    assert locator("guide", GUIDE, "Schools see")["value"] == "3.1"
    # After an unnumbered top-level heading: the heading itself.
    assert locator("guide", GUIDE, "Police work", 1) == {"label": "section", "value": "Appendix"}
    # Slides: the slide's number and its title.
    assert locator("deck", DECK, "closer at the CDRP") == {
        "label": "slide",
        "value": "2",
        "title": "Current partnership landscape",
    }
    # No pages and no headings: the paragraph.
    assert locator("notes", NOTES, "partners agreed") == {"label": "paragraph", "value": "2"}


# --- speakers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passage", "speaker"),
    [
        ("We share data every day.", "B02 Police"),  # the bracket after the quotation
        ("do more with less.", "B02 Police"),  # ... which ends later on its line
        ("broke down the silos", "Interviewee: Manchester"),  # a label on the line before
        ("Partners pooled their resources", None),
        ("Partnerships have to be for a purpose.", None),
    ],
)
def test_speaker_is_proposed_from_the_words_next_to_the_passage(
    passage: str, speaker: str | None
) -> None:
    (loc,) = locate_passage(REVIEW, passage)
    assert propose_speaker(REVIEW, loc.start, loc.end) == speaker


@pytest.mark.parametrize(
    ("note", "speaker"),
    [
        (
            "[extract from submission by Alun Michael, South Wales PCC - Appendix A.6]",
            "Alun Michael, South Wales PCC",
        ),
        ("[extract from submission by The Shenstone Group- Appendix B.9]", "The Shenstone Group"),
        (
            "[submission by the Police Federation of England & Wales]",
            "Police Federation of England & Wales",
        ),
        (
            "[extract from evidence by Mark Burns-Williams, West Yorkshire PCC]",
            "Mark Burns-Williams, West Yorkshire PCC",
        ),
        ("[see Appendix A]", None),
        ("A paragraph written by the authors.", None),
    ],
)
def test_speaker_from_a_note_after_the_extract(note: str, speaker: str | None) -> None:
    text = f"Intro.\n\n*Partners must share data and trust.*\n\n{note}\n\nNext paragraph.\n"
    (loc,) = locate_passage(text, "Partners must share data")
    assert propose_speaker(text, loc.start, loc.end) == speaker


@pytest.mark.parametrize(
    "cited", ["(Home Affairs Committee, 2011)", "(Smith 2019a)", "(Smith, 2019: p. 4)"]
)
def test_a_citation_after_the_passage_is_not_a_speaker(cited: str) -> None:
    text = f"'Partnership is a means, not an end.' {cited}\n"
    (loc,) = locate_passage(text, "Partnership is a means")
    assert propose_speaker(text, loc.start, loc.end) is None


def test_speaker_label_before_the_passage_on_its_line() -> None:
    text = "Respondent 4: I think the partnership saved money.\n"
    (loc,) = locate_passage(text, "I think the partnership saved money.")
    assert propose_speaker(text, loc.start, loc.end) == "Respondent 4"
    # A word such as "speaker" inside a sentence is not a label.
    text = "We heard the speaker say: partnership saved money.\n"
    (loc,) = locate_passage(text, "partnership saved money.")
    assert propose_speaker(text, loc.start, loc.end) is None


# --- ids -----------------------------------------------------------------------------------


def test_next_id_counts_every_id_ever_written(lib_root: Path) -> None:
    assert next_finding_id(lib_root, "review") == "review-003"
    assert next_finding_id(lib_root, "deck") == "deck-001"
    # A retired finding, or one commented out, keeps its number.
    (lib_root / "findings" / "review.yaml").write_text(
        FINDINGS_REVIEW + "\n# - id: review-0041\n#   source: review\n", encoding="utf-8"
    )
    assert next_finding_id(lib_root, "review") == "review-0042"


# --- adding --------------------------------------------------------------------------------


def test_a_finding_is_appended_with_every_existing_byte_kept(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    old = path.read_bytes()
    written = add_finding(
        lib_root,
        {
            "source": "review",
            "text": "We're all trying to do more with less.  We share\ndata every day.",
            "kind": "quote",
            "themes": ["money", "data"],
            "places": ["Scotland", "Lambeth, London"],
            "speaker": "B02 Police",
            "note": "Also in: the summary",
        },
    )
    assert written.path == path and written.finding_id == "review-003"
    new = path.read_bytes()
    assert new.startswith(old + b"\n- id: review-003\n")
    lib = load_library(lib_root)
    assert lib.ok, lib.problems
    f = lib.finding("review-003")
    assert f is not None and f.verified
    assert f.text == "We're all trying to do more with less. We share data every day."
    assert (f.kind, f.themes, f.places, f.speaker, f.note) == (
        "quote",
        ("money", "data"),
        ("Scotland", "Lambeth, London"),
        "B02 Police",
        "Also in: the summary",
    )
    assert (f.locator.label, f.locator.value) == ("page", "2")
    assert 'locator: {label: page, value: "2"}' in new.decode()


def test_a_new_findings_file_gets_a_header_comment(lib_root: Path) -> None:
    written = add_finding(
        lib_root,
        {"source": "deck", "text": "Fully integrated service delivery", "themes": ["trust"]},
    )
    text = written.path.read_text(encoding="utf-8")
    assert written.path == lib_root / "findings" / "deck.yaml"
    assert text.startswith("# Findings from Mortimore 2009: Working in partnership.\n")
    assert "- id: deck-001\n  source: deck\n  kind: quote\n" in text
    f = load_library(lib_root).finding("deck-001")
    assert f is not None and f.verified and str(f.locator) == "slide 3 (Aspiration)"
    # Undo takes the file away again (other findings files remain).
    remove_added_finding(lib_root, "deck-001")
    assert not written.path.exists()


def test_a_long_quote_is_wrapped_as_a_folded_block(lib_root: Path) -> None:
    long_text = " ".join(f"word{i}" for i in range(60))
    (lib_root / "texts" / "notes.txt").write_text(NOTES + "\n" + long_text + "\n", "utf-8")
    written = add_finding(lib_root, {"source": "notes", "text": long_text, "themes": ["trust"]})
    lines = written.path.read_text(encoding="utf-8").splitlines()
    assert "  text: >-" in lines
    assert all(len(line) <= 96 for line in lines)
    f = load_library(lib_root).finding(written.finding_id or "")
    assert f is not None and f.text == long_text


def test_crlf_line_ends_and_a_byte_order_mark_are_kept(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    old = b"\xef\xbb\xbf" + FINDINGS_REVIEW.replace("\n", "\r\n").encode()
    path.write_bytes(old)
    add_finding(lib_root, {"source": "review", "text": "Partnerships have", "themes": ["trust"]})
    new = path.read_bytes()
    assert new.startswith(old + b"\r\n- id: review-003\r\n")
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert load_library(lib_root).finding("review-003") is not None


def test_an_ambiguous_passage_says_where_each_occurrence_is(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(AmbiguousPassage) as caught:
        add_finding(lib_root, {"source": "guide", "text": "Police work", "themes": ["trust"]})
    assert "guide.txt" in caught.value.message
    assert "1: line 5" in caught.value.message and "2: line 13" in caught.value.message
    assert [loc.line for loc in caught.value.occurrences] == [5, 13]
    assert snapshot(lib_root) == before
    written = add_finding(
        lib_root,
        {"source": "guide", "text": "Police work", "themes": ["trust"], "occurrence": 2},
    )
    f = load_library(lib_root).finding(written.finding_id or "")
    assert f is not None and f.locator.value == "Appendix"


@pytest.mark.parametrize(
    ("finding", "says"),
    [
        ({"source": "review", "text": "not in the report", "themes": ["trust"]}, "review.txt"),
        ({"source": "review", "text": " \n\t ", "themes": ["trust"]}, "has no text"),
        ({"source": "nope", "text": "Partners pooled", "themes": ["trust"]}, "sources.yaml"),
        ({"source": "review", "text": "Partners pooled", "themes": ["trusst"]}, "library.yaml"),
        ({"source": "review", "text": "Partners pooled", "themes": []}, "at least one theme"),
        ({"source": "review", "text": "Partners pooled", "themes": ["trust"], "kind": "x"}, "kind"),
        (
            {
                "source": "review",
                "text": "Partners pooled",
                "themes": ["trust"],
                "id": "review-001",
            },
            "already used",
        ),
        (
            {"source": "review", "text": "Partners pooled", "themes": ["trust"], "occurrence": 2},
            "no occurrence 2",
        ),
        (
            {
                "source": "review",
                "text": "Partners pooled",
                "themes": ["trust"],
                "locator": {"a": 1},
            },
            "locator",
        ),
        ({"source": "review", "text": "x" * 10_000_000, "themes": ["trust"]}, "review.txt"),
    ],
)
def test_bad_findings_are_refused_and_nothing_is_written(
    lib_root: Path, finding: dict[str, object], says: str
) -> None:
    before = snapshot(lib_root)
    with pytest.raises(CurationError) as caught:
        add_finding(lib_root, finding)
    assert says in caught.value.message
    assert snapshot(lib_root) == before


def test_a_read_only_library_is_refused(lib_root: Path) -> None:
    meta = lib_root / "library.yaml"
    meta.write_text(meta.read_text("utf-8") + "read-only: true\n", "utf-8")
    assert load_library(lib_root).ok
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match="read-only"):
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert snapshot(lib_root) == before


@pytest.mark.skipif(ROOT_USER or os.name == "nt", reason="root may write read-only files")
def test_a_findings_file_without_write_permission_is_refused(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    path.chmod(0o444)
    try:
        with pytest.raises(CurationError, match="read-only for you"):
            add_finding(
                lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]}
            )
    finally:
        path.chmod(0o644)
    assert path.read_text("utf-8") == FINDINGS_REVIEW


def test_a_failed_rename_writes_nothing(lib_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(lib_root)

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(CurationError, match="cannot be written"):
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert snapshot(lib_root) == before  # and no temporary file left beside it


def test_a_colleagues_change_is_never_overwritten(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = lib_root / "findings" / "review.yaml"
    theirs = FINDINGS_REVIEW + "\n# a colleague's note\n"
    real = writes.read_regular_file
    calls = {"n": 0}

    def colleague_saves_first(p: Path, **kw: object) -> bytes:
        if Path(p) == path:
            calls["n"] += 1
            if calls["n"] == 2:  # after the add read the file, before it writes
                path.write_text(theirs, "utf-8")
        return real(p, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(writes, "read_regular_file", colleague_saves_first)
    with pytest.raises(ConflictError, match="changed on disk"):
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert path.read_text("utf-8") == theirs


def test_a_write_the_check_rejects_is_undone(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(lib_root)
    real = writes.current_library

    def with_new_error(root: Path):  # type: ignore[no-untyped-def]
        lib = real(root)
        lib.problems.append(Problem(str(root / "findings" / "review.yaml"), 20, "broken"))
        return lib

    monkeypatch.setattr(writes, "current_library", with_new_error)
    with pytest.raises(CurationError) as caught:
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert [p.message for p in caught.value.problems] == ["broken"]
    assert snapshot(lib_root) == before


def test_a_file_not_laid_out_as_a_list_is_not_appended_to(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    path.write_text("[" + FINDINGS_REVIEW.split("- id: review-002")[0].split("- ", 1)[1], "utf-8")
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match=str(path.name)):
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert snapshot(lib_root) == before


# --- undo ----------------------------------------------------------------------------------


def test_removing_an_added_finding_restores_the_file_byte_for_byte(lib_root: Path) -> None:
    path = lib_root / "findings" / "review.yaml"
    old = path.read_bytes()
    written = add_finding(
        lib_root, {"source": "review", "text": "Partners pooled", "themes": ["money"]}
    )
    assert path.read_bytes() != old
    remove_added_finding(lib_root, written.finding_id or "")
    assert path.read_bytes() == old
    assert load_library(lib_root).finding("review-003") is None


def test_only_the_last_finding_of_a_file_is_taken_out(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(ConflictError, match="no longer the last"):
        remove_added_finding(lib_root, "review-001")
    with pytest.raises(CurationError, match="no finding 'review-099'"):
        remove_added_finding(lib_root, "review-099")
    assert snapshot(lib_root) == before


def test_a_passage_at_the_end_of_a_ten_megabyte_text_is_located() -> None:
    text = ("Partners   pooled\ntheir resources. " * 300_000) + "\f\nThe last words.\n"
    assert len(text) > 10_000_000
    (loc,) = locate_passage(text, "The last  words.")
    assert text[loc.start : loc.end] == "The last words."
    assert (loc.page, loc.line) == (1, 300_002)


@given(
    st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\t", "\f", "\u00a0", "é"]), max_size=60)
)
def test_located_offsets_agree_with_the_readers_map(text: str) -> None:
    """The offsets of a located passage are those the source reader highlights."""
    folded = FoldedText.of(text, with_offsets=True)
    assert folded.offsets is not None
    wanted = list(range(len(folded.folded)))
    assert _original_offsets(text, wanted) == dict(enumerate(folded.offsets))


def test_text_yaml_cannot_hold_plainly_is_written_quoted(lib_root: Path) -> None:
    odd = 'Odd \x1b bytes: "quoted", #hash, - dash, key: value, trailing\u2028line'
    (lib_root / "texts" / "notes.txt").write_text(NOTES + "\n" + odd + "\n", "utf-8")
    written = add_finding(
        lib_root,
        {"source": "notes", "text": odd, "themes": ["trust"], "note": "line one\nline two"},
    )
    lib = load_library(lib_root)
    assert lib.ok, lib.problems
    f = lib.finding(written.finding_id or "")
    assert f is not None and f.verified
    assert f.text == fold_whitespace(odd) and f.note == "line one\nline two"
    # The line stands alone, so it is read as a heading: its own locator, white space folded.
    assert f.locator.value == fold_whitespace(odd)


def test_a_write_that_cannot_be_put_back_says_so(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = writes.current_library

    def with_new_error(root: Path):  # type: ignore[no-untyped-def]
        lib = real(root)
        lib.problems.append(Problem(str(root / "findings" / "review.yaml"), 20, "broken"))
        return lib

    def cannot_restore(path: Path, before: bytes | None) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writes, "current_library", with_new_error)
    monkeypatch.setattr(writes, "restore", cannot_restore)
    with pytest.raises(CurationError, match="could not be put back") as caught:
        add_finding(lib_root, {"source": "review", "text": "Partners pooled", "themes": ["trust"]})
    assert [p.message for p in caught.value.problems] == ["broken"]
