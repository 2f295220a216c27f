"""Filter semantics and facet counts, on a small library where every answer can be checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.filtering import Filter, FilterIndex
from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Finding
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.search import Query, normalise
from briefing_builder.core.strength import strength_value


@pytest.fixture
def index(small_library: Path) -> FilterIndex:
    return FilterIndex(load_library(small_library))


@pytest.fixture(scope="module")
def bundled_index() -> FilterIndex:
    return FilterIndex(load_library(bundled_library()))


def ids(index: FilterIndex, flt: Filter) -> list[str]:
    return [index.library.findings[i].id for i in index.query(flt, facets=False).indices]


def test_empty_filter_shows_everything_in_library_order(index: FilterIndex) -> None:
    assert ids(index, Filter()) == ["alpha-001", "alpha-002", "alpha-003", "beta-001", "beta-002"]


def test_themes_any_and_all(index: FilterIndex) -> None:
    any_of = Filter(themes=frozenset({"trust", "money"}))
    assert ids(index, any_of) == ["alpha-001", "alpha-002", "beta-001", "beta-002"]
    all_of = any_of.with_theme_mode("all")
    assert ids(index, all_of) == []
    assert ids(index, Filter(themes=frozenset({"data", "money"}), theme_mode="all")) == ["beta-002"]


def test_sources_kinds_places(index: FilterIndex) -> None:
    assert ids(index, Filter(sources=frozenset({"beta"}))) == ["beta-001", "beta-002"]
    assert ids(index, Filter(kinds=frozenset({"quote", "example"}))) == ["alpha-002", "alpha-003"]
    assert ids(index, Filter(places=frozenset({"New Zealand"}))) == ["alpha-001", "alpha-003"]
    combined = Filter(places=frozenset({"Scotland"}), kinds=frozenset({"example"}))
    assert ids(index, combined) == ["alpha-003"]


def test_unknown_values_match_nothing(index: FilterIndex) -> None:
    assert ids(index, Filter(sources=frozenset({"nope"}))) == []
    assert ids(index, Filter(themes=frozenset({"nope", "trust"}), theme_mode="all")) == []


def test_text_is_case_and_accent_insensitive(index: FilterIndex) -> None:
    assert ids(index, Filter(text="maori")) == ["alpha-001"]
    assert ids(index, Filter(text="MĀORI")) == ["alpha-001"]
    assert normalise("Māori Zürich ÉCOLE") == "maori zurich ecole"


def test_every_word_is_required_and_matches_word_starts(index: FilterIndex) -> None:
    assert ids(index, Filter(text="share")) == ["alpha-002", "alpha-003"]  # shared, share
    assert ids(index, Filter(text="shar")) == ["alpha-002", "alpha-003", "beta-002"]  # + sharing
    assert ids(index, Filter(text="share police")) == ["alpha-002", "alpha-003"]  # speaker too
    assert ids(index, Filter(text="share health")) == ["alpha-003"]
    assert ids(index, Filter(text="hare")) == []  # word starts only, not inside words


def test_quoted_phrase_is_a_phrase(index: FilterIndex) -> None:
    assert ids(index, Filter(text='"shared culture"')) == ["alpha-002"]
    assert ids(index, Filter(text='"culture shared"')) == []
    assert ids(index, Filter(text="“information sharing”")) == ["beta-002"]
    assert ids(index, Filter(text='"police and health" data')) == ["alpha-003"]


def test_text_searches_speaker_and_source_title(index: FilterIndex) -> None:
    assert ids(index, Filter(text="B02")) == ["alpha-002"]
    assert ids(index, Filter(text="aotearoa")) == ["alpha-001", "alpha-002", "alpha-003"]
    assert ids(index, Filter(text='"budgets and the police"')) == ["beta-001", "beta-002"]


def test_query_parsing() -> None:
    q = Query.parse('  Māori  "shared  Culture" trust "x"  ')
    assert q.words == ("maori", "trust", "x")
    assert q.phrases == (("shared", "culture"),)
    assert Query.parse("   ").empty


def test_facet_counts_with_nothing_selected(index: FilterIndex) -> None:
    facets = index.query(Filter()).facets
    assert facets["themes"] == {"trust": 2, "data": 3, "money": 2}
    assert facets["sources"] == {"alpha": 3, "beta": 2}
    assert facets["kinds"] == {"quote": 1, "key-finding": 2, "example": 1, "recommendation": 1}
    assert facets["places"] == {"England and Wales": 1, "New Zealand": 2, "Scotland": 2}


def test_facet_counts_ignore_their_own_selection(index: FilterIndex) -> None:
    flt = Filter(sources=frozenset({"beta"}))
    result = index.query(flt)
    # Other sources keep their counts, so the officer can widen the choice...
    assert result.facets["sources"] == {"alpha": 3, "beta": 2}
    # ...while every other facet counts only within the chosen source.
    assert result.facets["themes"] == {"trust": 0, "data": 1, "money": 2}
    assert result.facets["kinds"] == {
        "quote": 0,
        "key-finding": 1,
        "example": 0,
        "recommendation": 1,
    }


def test_theme_counts_in_all_mode_narrow(index: FilterIndex) -> None:
    any_mode = index.query(Filter(themes=frozenset({"data"}))).facets["themes"]
    assert any_mode == {"trust": 2, "data": 3, "money": 2}
    all_mode = index.query(Filter(themes=frozenset({"data"}), theme_mode="all")).facets["themes"]
    assert all_mode == {"trust": 1, "data": 3, "money": 1}


def test_facet_counts_follow_the_text_search(index: FilterIndex) -> None:
    facets = index.query(Filter(text="health")).facets
    assert facets["sources"] == {"alpha": 1, "beta": 0}
    assert facets["themes"] == {"trust": 0, "data": 1, "money": 0}


def test_filter_value_object(index: FilterIndex) -> None:
    flt = Filter().toggled("themes", "trust").toggled("sources", "alpha").with_text("data")
    assert flt.themes == {"trust"} and flt.sources == {"alpha"}
    assert flt.toggled("themes", "trust").themes == frozenset()
    assert Filter.from_dict(flt.to_dict()) == flt
    assert flt.cleared().is_empty
    assert (
        flt.describe(index.library)
        == "Findings on Culture and trust, from Smith 2020, matching “data”"
    )
    assert Filter().describe(index.library) == "All findings"
    with pytest.raises(ValueError):
        Filter().with_values("colour", ["red"])


def _reference(index: FilterIndex, flt: Filter) -> tuple[list[int], dict[str, dict[str, int]]]:
    """The answer worked out the slow, obvious way: the text alone (no facets), then each
    finding's facets checked one by one, and each facet's counts under the other facets."""
    text = set(index.query(Filter(text=flt.text), facets=False).indices.tolist())
    findings = index.library.findings

    def passes(i: int, skip: str | None) -> bool:
        f = findings[i]
        if i not in text:
            return False
        if skip != "themes" and flt.themes:
            hit = set(f.themes) & flt.themes
            if not hit or (flt.theme_mode == "all" and not flt.themes <= set(f.themes)):
                return False
        if skip != "sources" and flt.sources and f.source not in flt.sources:
            return False
        if skip != "kinds" and flt.kinds and f.kind not in flt.kinds:
            return False
        if skip != "strength" and flt.strength and strength(f) not in flt.strength:
            return False
        return not (skip != "places" and flt.places and not set(f.places) & flt.places)

    def strength(f: Finding) -> str:
        src = index.library.source(f.source)
        level = src.strength.maryland if src is not None and src.strength is not None else None
        return strength_value(level)

    rows = [i for i in range(len(findings)) if passes(i, None)]
    counts: dict[str, dict[str, int]] = {}
    for facet, values in (
        ("themes", index.themes.names),
        ("sources", index.sources.names),
        ("kinds", index.kinds.names),
        ("places", index.places.names),
        ("strength", index.strength.names),
    ):
        skip = None if facet == "themes" and flt.theme_mode == "all" else facet
        shown = [findings[i] for i in range(len(findings)) if passes(i, skip)]
        of = {
            "themes": lambda f: f.themes,
            "sources": lambda f: (f.source,),
            "kinds": lambda f: (f.kind,),
            "places": lambda f: f.places,
            "strength": lambda f: (strength(f),),
        }[facet]
        counts[facet] = {v: sum(v in of(f) for f in shown) for v in values}
    return rows, counts


@pytest.mark.parametrize(
    "text",
    ['"information sharing"', '"partnership w"', '"the police a"', "police", '"co-operation"'],
)
def test_phrases_with_facets_agree_with_the_slow_answer(
    bundled_index: FilterIndex, text: str
) -> None:
    """A phrase is checked word for word only where the list or some facet's counts could show
    the finding; with several facets chosen, the answer and every count must still be exact."""
    lib = bundled_index.library
    themes = [t.id for t in lib.themes]
    sources = [s.id for s in lib.sources]
    places = sorted(lib.places)
    filters = [
        Filter(text=text),
        Filter(text=text, themes=frozenset(themes[:3]), sources=frozenset(sources[:2])),
        Filter(
            text=text,
            themes=frozenset(themes[1:4]),
            sources=frozenset(sources[1:4]),
            kinds=frozenset({"quote", "key-finding"}),
            places=frozenset(places[:6]),
        ),
        Filter(
            text=text, themes=frozenset(themes[:2]), theme_mode="all", kinds=frozenset({"quote"})
        ),
    ]
    for flt in filters:
        result = bundled_index.query(flt)
        rows, counts = _reference(bundled_index, flt)
        assert result.indices.tolist() == rows, flt
        assert result.facets == counts, flt
