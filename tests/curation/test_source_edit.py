"""A source's reference changed in sources.yaml after it was added: only its changed keys'
lines rewritten, every other byte kept; conflicts, read-only libraries and bad values refused
with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.loader import load_library
from briefing_builder.curation.source_edit import (
    ConflictError,
    CurationError,
    edit_source,
    source_entry,
)

from .library import LIBRARY, SOURCES, make_library, snapshot

# The last source gets a comment of its own, and the file ends with one.
TAILED = SOURCES.replace(
    "  - id: notes\n",
    "  # Minutes of the board, typed up.\n  - id: notes\n",
) + ("\n# More sources are added at the end.\n")


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib", {"sources.yaml": TAILED})


def test_a_title_change_rewrites_only_its_line_and_undoes_byte_for_byte(lib_root: Path) -> None:
    path = lib_root / "sources.yaml"
    written = edit_source(lib_root, "guide", {"title": "Policing  together:\nthe guide"})
    assert path.read_text("utf-8") == TAILED.replace(
        "title: Policing together\n", "title: 'Policing together: the guide'\n"
    )
    lib = load_library(lib_root)
    assert lib.ok, lib.errors
    src = lib.source("guide")
    assert src is not None and src.title == "Policing together: the guide"
    assert written.before == {"title": "Policing together"}
    edit_source(
        lib_root, "guide", written.before, expected={"title": "Policing together: the guide"}
    )
    assert path.read_text("utf-8") == TAILED


def test_names_dates_and_short_name_in_the_files_own_style(lib_root: Path) -> None:
    path = lib_root / "sources.yaml"
    changes = {
        "author": [{"literal": "Home Office"}, {"family": "Jones", "given": "Bea"}],
        "issued": {"date-parts": [[2022, 3]]},
        "URL": "https://example.org/review",
        "accessed": {"date-parts": [[2025, 3, 3]]},
        "short": "HO review",
    }
    written = edit_source(lib_root, "review", changes)
    text = path.read_text("utf-8")
    assert text == TAILED.replace(
        "    author: [{literal: Home Office}]\n"
        "    issued: {date-parts: [[2021]]}\n"
        "    text: texts/review.txt\n",
        "    author: [{literal: Home Office}, {family: Jones, given: Bea}]\n"
        "    URL: https://example.org/review\n"
        "    issued: {date-parts: [[2022, 3]]}\n"
        "    accessed: {date-parts: [[2025, 3, 3]]}\n"
        "    short: HO review\n"
        "    text: texts/review.txt\n",
    )
    src = load_library(lib_root).source("review")
    assert src is not None
    assert (src.short, src.year, src.csl["author"][1]) == (
        "HO review",
        2022,
        {"family": "Jones", "given": "Bea"},
    )
    # Removing keys (None) and putting the old values back restores the file.
    assert written.before == {
        "author": [{"literal": "Home Office"}],
        "issued": {"date-parts": [[2021]]},
        "URL": None,
        "accessed": None,
        "short": None,
    }
    edit_source(lib_root, "review", written.before, expected=changes)
    assert path.read_text("utf-8") == TAILED


def test_the_last_source_keeps_the_comments_around_it(lib_root: Path) -> None:
    path = lib_root / "sources.yaml"
    edit_source(lib_root, "notes", {"title": "Board minutes", "publisher": "The Board"})
    assert path.read_text("utf-8") == TAILED.replace(
        "    title: Meeting notes\n", "    title: Board minutes\n"
    ).replace(
        "    text: texts/notes.txt\n",
        "    publisher: The Board\n    text: texts/notes.txt\n",
    )
    assert path.read_text("utf-8").endswith("\n# More sources are added at the end.\n")


def test_windows_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + TAILED.replace("\n", "\r\n").encode("utf-8")
    root = make_library(tmp_path / "lib", {"sources.yaml": raw})
    edit_source(root, "deck", {"title": "Working in partnership (slides)"})
    after = (root / "sources.yaml").read_bytes()
    assert after == raw.replace(
        b"title: Working in partnership\r\n", b"title: Working in partnership (slides)\r\n"
    )
    assert load_library(root).ok


def test_a_change_since_the_reference_was_shown_is_a_conflict(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(ConflictError, match=r"sources\.yaml:10: .*changed by someone else.*title"):
        edit_source(lib_root, "guide", {"title": "New"}, expected={"title": "Policing apart"})
    assert snapshot(lib_root) == before
    shown = source_entry(lib_root, "guide")
    edit_source(lib_root, "guide", {"title": "New"}, expected={"title": shown["title"]})
    src = load_library(lib_root).source("guide")
    assert src is not None and src.title == "New"


def test_a_read_only_library_is_never_changed(lib_root: Path) -> None:
    (lib_root / "library.yaml").write_text(LIBRARY + "read-only: true\n", "utf-8")
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match="marked read-only"):
        edit_source(lib_root, "guide", {"title": "New"})
    assert snapshot(lib_root) == before


@pytest.mark.parametrize(
    ("source", "changes", "says"),
    [
        ("guide", {"id": "guide-2"}, "id cannot be changed"),
        ("guide", {"text": "texts/other.txt"}, "not 'text'"),
        ("guide", {"title": "  "}, "needs a title"),
        ("guide", {"type": "pamphlet-ish"}, "not a CSL type"),
        ("guide", {"author": "Ann Smith"}, "list of names"),
        ("nope", {"title": "X"}, "no source 'nope'"),
    ],
)
def test_bad_changes_are_refused_before_writing(
    lib_root: Path, source: str, changes: dict[str, object], says: str
) -> None:
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match=says):
        edit_source(lib_root, source, changes)
    assert snapshot(lib_root) == before


def test_a_bad_value_is_refused_by_the_check_at_its_line(lib_root: Path) -> None:
    before = snapshot(lib_root)
    with pytest.raises(CurationError, match="library check found problems") as caught:
        edit_source(lib_root, "guide", {"issued": {"date-parts": [[2019, 13]]}})
    problems = caught.value.problems
    assert problems, "the check's problem is reported"
    assert problems[0].file.endswith("sources.yaml") and problems[0].line == 14
    assert "date" in problems[0].message
    assert snapshot(lib_root) == before


def test_block_lists_of_names_keep_their_layout_and_the_comment_under_them(
    tmp_path: Path,
) -> None:
    sources = (
        "references:\n"
        "  - id: n8\n"
        "    type: report\n"
        '    title: "Policing Partnerships: Evidence Review"\n'
        "    author:\n"
        "      - {family: Loftus, given: Bethan}\n"
        "      - {family: Skinns, given: Layla}\n"
        "    # Contributors, not authors, as the title page says.\n"
        "    contributor:\n"
        "      - literal: N8 Policing Research Partnership\n"
        "    text: texts/notes.txt\n"
    )
    root = make_library(
        tmp_path / "lib",
        {"sources.yaml": sources, "findings/review.yaml": None, "findings/guide.yaml": None},
    )
    path = root / "sources.yaml"
    written = edit_source(
        root,
        "n8",
        {
            "author": [{"family": "Loftus", "given": "Bethan"}, {"literal": "N8 PRP"}],
            "title": "Policing Partnerships: an Evidence Review",
        },
    )
    assert path.read_text("utf-8") == sources.replace(
        "      - {family: Skinns, given: Layla}\n", "      - literal: N8 PRP\n"
    ).replace("Partnerships: Evidence", "Partnerships: an Evidence")
    edit_source(root, "n8", written.before)
    assert path.read_text("utf-8") == sources


STRENGTHS = """\
references:
  - id: review
    type: report
    title: Annual review of partnerships
    text: texts/review.txt
    # As its method section says.
    evidence-strength:
      design: 'Matched comparison'   # the report's own words
      emmie:
        effect: Burglary fell by a fifth.

  - id: guide
    type: report
    title: Policing together
    text: texts/guide.txt
"""


def test_the_evidence_strength_is_changed_key_by_key(tmp_path: Path) -> None:
    root = make_library(
        tmp_path / "lib",
        {"sources.yaml": STRENGTHS, "findings/review.yaml": None, "findings/guide.yaml": None},
    )
    path = root / "sources.yaml"
    shown = source_entry(root, "review")["evidence-strength"]
    new = {**shown, "design": "Quasi-experimental", "maryland": 3}
    written = edit_source(root, "review", {"evidence-strength": new}, {"evidence-strength": shown})
    # The EMMIE notes and the comments stay as written; the level goes in its place.
    assert path.read_text("utf-8") == STRENGTHS.replace(
        "      design: 'Matched comparison'   # the report's own words\n",
        "      design: 'Quasi-experimental'   # the report's own words\n      maryland: 3\n",
    )
    src = load_library(root).source("review")
    assert src is not None and src.strength is not None
    assert (src.strength.design, src.strength.maryland) == ("Quasi-experimental", 3)
    edit_source(root, "review", written.before, {"evidence-strength": new})
    assert path.read_text("utf-8") == STRENGTHS
    # A source without one gets it one key a line, at the end, before the blank line.
    added = edit_source(root, "guide", {"evidence-strength": {"design": "Guidance", "maryland": 1}})
    assert path.read_text("utf-8") == STRENGTHS + (
        "    evidence-strength:\n      design: Guidance\n      maryland: 1\n"
    )
    edit_source(root, "guide", added.before)
    assert path.read_text("utf-8") == STRENGTHS
    # A level off the scale is refused by the library check, at its line.
    with pytest.raises(CurationError) as caught:
        edit_source(root, "review", {"evidence-strength": {**shown, "maryland": 7}})
    assert [(p.line, "'maryland'" in p.message) for p in caught.value.problems] == [(9, True)]
    assert path.read_text("utf-8") == STRENGTHS


def test_a_source_written_on_one_line_is_left_to_be_changed_by_hand(tmp_path: Path) -> None:
    one_line = SOURCES.replace(
        "  - id: notes\n    type: report\n    title: Meeting notes\n"
        "    author: [{literal: Partnership Board}]\n    text: texts/notes.txt\n",
        "  - {id: notes, type: report, title: Meeting notes, text: texts/notes.txt}\n",
    )
    assert one_line != SOURCES
    root = make_library(tmp_path / "lib", {"sources.yaml": one_line})
    before = snapshot(root)
    with pytest.raises(CurationError, match=r"sources\.yaml:\d+: .*not laid out one key a line"):
        edit_source(root, "notes", {"title": "Board minutes"})
    assert snapshot(root) == before
