"""Hyphenated and unhyphenated spellings find each other ("co-operation" ≈ "cooperation"), and a
hyphenated query is one word, not its parts anywhere in the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.filtering import Filter, FilterIndex
from briefing_builder.core.loader import load_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.search import Query, normalise
from tests.conftest import write_library


@pytest.fixture(scope="module")
def bundled() -> OpenedLibrary:
    return open_library(bundled_library(), use_cache=False)


def found(index: FilterIndex, text: str) -> set[str]:
    return {index.library.findings[i].id for i in index.query(Filter(text=text)).indices}


def spelled(index: FilterIndex, pattern: str) -> set[str]:
    """The findings whose text matches ``pattern`` (normalised): the answer, worked out apart."""
    return {
        f.id
        for f in index.library.findings
        if re.search(pattern, normalise(f"{f.text} {f.speaker or ''}"))
    }


def test_co_operation_in_the_bundled_library(bundled: OpenedLibrary) -> None:
    index = bundled.index
    hyphenated = spelled(index, r"\bco-operation")
    joined = spelled(index, r"\bcooperation")
    # The library has both spellings: two findings each (n8prp's review and the year-3 case study).
    assert hyphenated == {"n8prp-008", "n8prp-026"}
    assert joined == {"n8prp-032", "scotgov-y3-012"}
    for query in ("co-operation", "cooperation", "Co‐operation", "CO-OPERATION", '"co-operation"'):
        assert found(index, query) == hyphenated | joined, query
    # Two separate words are still two words: "co" and "operation" anywhere (15 findings, which
    # a search for "co-operation" used to give).
    assert len(found(index, "co operation") - hyphenated - joined) > 5


@pytest.mark.parametrize(
    ("hyphenated", "joined"),
    [("co-location", "colocation"), ("co-located", "colocated"), ("multi-agency", "multiagency")],
)
def test_other_bundled_spellings(bundled: OpenedLibrary, hyphenated: str, joined: str) -> None:
    index = bundled.index
    first, rest = hyphenated.split("-")
    expected = spelled(index, rf"\b{first}-?{rest}")
    assert expected  # the library has them
    assert found(index, hyphenated) == found(index, joined) == expected


TEXT = """\
Partners valued face-to-face meetings. Joined-up working took years.
A co\u00adoperation agreement was signed. The cross‐border team met weekly.
Day to day the work went on.
"""

FINDINGS = """\
- id: alpha-001
  source: alpha
  kind: quote
  text: Partners valued face-to-face meetings.
  locator: {label: section, value: "1"}
  themes: [trust]
- id: alpha-002
  source: alpha
  kind: quote
  text: Joined-up working took years.
  locator: {label: section, value: "1"}
  themes: [trust]
- id: alpha-003
  source: alpha
  kind: quote
  text: "A co\\u00adoperation agreement was signed."
  locator: {label: section, value: "2"}
  themes: [trust]
- id: alpha-004
  source: alpha
  kind: quote
  text: The cross‐border team met weekly.
  locator: {label: section, value: "2"}
  themes: [trust]
- id: alpha-005
  source: alpha
  kind: quote
  text: Day to day the work went on.
  locator: {label: section, value: "3"}
  themes: [trust]
"""


@pytest.fixture
def index(tmp_path: Path) -> FilterIndex:
    root = write_library(
        tmp_path / "lib",
        {
            "texts/alpha.txt": TEXT,
            "findings/alpha.yaml": FINDINGS,
            "findings/beta.yaml": "[]\n",
        },
    )
    library = load_library(root)
    assert all("has no findings" in p.message for p in library.problems), library.problems
    return FilterIndex(library)


def test_hyphenated_words_are_found_both_ways(index: FilterIndex) -> None:
    assert found(index, "facetoface") == {"alpha-001"}
    assert found(index, "face-to-face") == {"alpha-001"}
    assert found(index, "face to face") == {"alpha-001"}  # its parts are still words
    assert found(index, "joinedup") == found(index, "joined-up") == {"alpha-002"}
    # A soft hyphen (from a PDF) is no hyphen at all; U+2010 is one.
    assert found(index, "cooperation") == found(index, "co-operation") == {"alpha-003"}
    assert found(index, "crossborder") == found(index, "cross-border") == {"alpha-004"}
    # A hyphenated query is not its parts anywhere: "day-to-day" is not "Day to day".
    assert found(index, "day-to-day") == set()
    assert found(index, "day to day") == {"alpha-005"}


def test_phrases_with_hyphens(index: FilterIndex) -> None:
    assert found(index, '"joined-up working"') == {"alpha-002"}
    assert found(index, '"joinedup working"') == {"alpha-002"}
    assert found(index, '"joined up working"') == {"alpha-002"}
    assert found(index, '"up working"') == {"alpha-002"}
    assert found(index, '"cross-border team"') == {"alpha-004"}
    assert found(index, '"the cross-bor"') == found(index, '"the crossbor"') == {"alpha-004"}
    assert found(index, '"working took"') == {"alpha-002"}
    assert found(index, '"face meetings"') == {"alpha-001"}
    # The two forms of a text are never run together into a phrase.
    assert found(index, '"years joined"') == set()


def test_query_reads_a_hyphenated_word_as_one() -> None:
    assert Query.parse("co-operation police").words == ("cooperation", "police")
    assert Query.parse('"multi-agency hubs"').phrases == (("multiagency", "hubs"),)
    assert Query.parse("police/fire").words == ("police", "fire")
