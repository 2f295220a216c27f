"""Where a search matches in a text, for highlighting: the filter's rules, offsets in the text as
written (accents, ligatures and soft hyphens included)."""

from __future__ import annotations

import pytest

from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.filtering import Filter
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.search import Query, hit_spans, normalise


def marked(text: str, query: str) -> list[str]:
    return [text[a:b] for a, b in hit_spans(text, query)]


def test_words_match_word_starts_case_and_accents_folded() -> None:
    text = "Partnerships with Māori communities; the partner SHARED data. Zürich"
    assert marked(text, "partner") == ["Partner", "partner"]
    assert marked(text, "maori ZUR") == ["Māori", "Zür"]
    assert marked(text, "share") == ["SHARE"]
    assert marked(text, "hare") == []  # word starts only
    assert marked(text, "") == marked(text, '""') == []


def test_spans_are_offsets_in_the_text_as_written() -> None:
    # "ﬁ" reads "fi", "ß" reads "ss", a decomposed "é" is two characters, a soft hyphen none.
    text = "ﬁnance Straße Cafe\u0301 co\u00adoperation"
    assert marked(text, "fin strasse cafe cooperation") == [
        "ﬁn",
        "Straße",
        "Cafe\u0301",
        "co\u00adoperation",
    ]
    assert hit_spans(text, "fin") == [(0, 2)]


def test_hyphenated_and_joined_spellings_find_each_other() -> None:
    text = "Co-operation and cooperation; the cross\u2010border co\u2011op team"
    assert marked(text, "cooperation") == ["Co-operation", "cooperation"]
    assert marked(text, "co-operation") == ["Co-operation", "cooperation"]
    assert marked(text, "crossborder") == ["cross\u2010border"]
    assert marked(text, "co-op") == ["Co-op", "coop", "co\u2011op"]
    # A hyphenated word's parts are words too.
    assert marked(text, "operation") == ["operation"]
    assert marked(text, "border") == ["border"]
    # A hyphenated query is one word, not its parts anywhere.
    assert marked("Day to day the work went on.", "day-to-day") == []


def test_phrases_mark_their_words_in_order() -> None:
    text = "Joined-up working took years. Joined up working, then years joined."
    assert marked(text, '"joined-up working"') == ["Joined-up working", "Joined up working"]
    assert marked(text, '"joinedup working"') == ["Joined-up working", "Joined up working"]
    assert marked(text, '"up work"') == ["up work", "up work"]  # the last word is a start
    assert marked(text, '"joined-u"') == marked(text, "joinedu") == ["Joined-u"]
    assert marked(text, '"working joined"') == []
    assert marked("police and health data", '"police and health" data') == [
        "police and health",
        "data",
    ]
    assert marked("The police and   health", "“police and health”") == ["police and   health"]


def test_spans_are_sorted_and_merged() -> None:
    text = "partnership partners"
    assert hit_spans(text, "partner partnership") == [(0, 11), (12, 19)]
    assert hit_spans(text, Query.parse("part")) == [(0, 4), (12, 16)]


@pytest.fixture(scope="module")
def bundled() -> OpenedLibrary:
    return open_library(bundled_library(), use_cache=False)


@pytest.mark.parametrize(
    "text",
    [
        "co-operation",
        "cooperation",
        "partner",
        "multi-agency hubs",
        '"joined-up intelligence"',
        '"joined up"',
        '"health and"',
        "ÉVIDENCE-BASED",
        "data shar",
        '"co-located"',
        "face-to-face",
        "trust",
    ],
)
def test_hits_agree_with_the_filter(bundled: OpenedLibrary, text: str) -> None:
    """A finding the filter matches on its words has a mark for every part of the query, and a
    finding it does not match lacks one (findings matched through their source's title aside)."""
    index = bundled.index
    library = index.library
    query = Query.parse(text)
    parts = [Query(words=(w,)) for w in query.words] + [Query(phrases=(p,)) for p in query.phrases]
    shown = set(index.query(Filter(text=text), facets=False).indices.tolist())
    for i, f in enumerate(library.findings):
        src = library.source(f.source)
        assert src is not None
        if any(hit_spans(f"{src.title} {src.short}", part) for part in parts):
            continue  # the title may be what matched
        words = f"{f.text} {f.speaker}" if f.speaker else f.text
        assert all(hit_spans(words, part) for part in parts) == (i in shown), (f.id, text)
    assert shown  # the query finds something


def test_offsets_follow_the_filters_normalisation(bundled: OpenedLibrary) -> None:
    """Normalising character by character reads every bundled text as the filter does."""
    from briefing_builder.core.search import _normalised_with_offsets

    samples = [f.text for f in bundled.library.findings] + [
        "Māori Zürich ÉCOLE ﬁnance Straße Cafe\u0301 co\u00adoperation ＦＵＬＬ x\u0323\u0301",
    ]
    for text in samples:
        norm, starts, ends = _normalised_with_offsets(text)
        assert norm == normalise(text), text
        assert len(starts) == len(ends) == len(norm)
