"""The "Evidence strength" facet: findings filtered and counted by their source's Maryland level,
checked against a count made finding by finding, from a fresh index and from the cache."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from briefing_builder.core.cache import open_library
from briefing_builder.core.filtering import Filter, FilterIndex
from briefing_builder.core.model import Finding, Library
from briefing_builder.core.strength import NOT_RATED

# (id, evidence-strength YAML or None): two sources at level 3, one each at 5 and 1, one with a
# design but no level, one with nothing.
SOURCES = [
    ("s-three", "{design: Matched comparison, maryland: 3}"),
    ("s-three-b", "{maryland: 3}"),
    ("s-five", "{design: Randomised controlled trial, maryland: 5}"),
    ("s-one", "{maryland: 1}"),
    ("s-design", "{design: Rapid evidence review}"),
    ("s-none", None),
]
THEMES = ["trust", "data", "money"]
PLACES = ["Scotland", "Wales", "New Zealand"]
KINDS = ["quote", "key-finding", "example", "recommendation"]


def _write(root: Path, seed: int = 7, count: int = 90) -> Path:
    rng = random.Random(seed)
    (root / "findings").mkdir(parents=True)
    themes = "\n".join(f"  - {{id: {t}, label: {t.title()}}}" for t in THEMES)
    (root / "library.yaml").write_text(f"title: Strength\nthemes:\n{themes}\n", encoding="utf-8")
    refs = []
    for sid, strength in SOURCES:
        ref = f"  - id: {sid}\n    type: report\n    title: Report {sid}\n"
        if strength:
            ref += f"    evidence-strength: {strength}\n"
        refs.append(ref)
    (root / "sources.yaml").write_text("references:\n" + "".join(refs), encoding="utf-8")
    items = []
    for n in range(count):
        sid = SOURCES[n % len(SOURCES)][0] if n < len(SOURCES) else rng.choice(SOURCES)[0]
        themes_of = rng.sample(THEMES, rng.randint(1, 2))
        places = rng.sample(PLACES, rng.randint(0, 2))
        items.append(
            f"- id: f-{n:03d}\n  source: {sid}\n  kind: {rng.choice(KINDS)}\n"
            f"  text: Partners {rng.choice(['shared', 'pooled', 'agreed'])} finding {n}.\n"
            f'  locator: {{label: page, value: "{n}"}}\n'
            f"  themes: [{', '.join(themes_of)}]\n  places: [{', '.join(places)}]\n"
        )
    (root / "findings" / "all.yaml").write_text("".join(items), encoding="utf-8")
    return root


def _level(lib: Library, f: Finding) -> str:
    src = lib.source(f.source)
    level = src.strength.maryland if src and src.strength else None
    return NOT_RATED if level is None else str(level)


def _passes(lib: Library, f: Finding, flt: Filter, skip: str | None = None) -> bool:
    """The filter's rule, one finding at a time (themes in "any" mode; no text)."""
    checks = {
        "themes": not flt.themes or bool(flt.themes & set(f.themes)),
        "sources": not flt.sources or f.source in flt.sources,
        "kinds": not flt.kinds or f.kind in flt.kinds,
        "places": not flt.places or bool(flt.places & set(f.places)),
        "strength": not flt.strength or _level(lib, f) in flt.strength,
    }
    return all(ok for facet, ok in checks.items() if facet != skip)


def _brute_strength_counts(lib: Library, flt: Filter) -> dict[str, int]:
    counts = {"5": 0, "3": 0, "1": 0, NOT_RATED: 0}
    for f in lib.findings:
        if _passes(lib, f, flt, skip="strength"):
            counts[_level(lib, f)] += 1
    return counts


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> tuple[FilterIndex, FilterIndex]:
    base = tmp_path_factory.mktemp("strength")
    root = _write(base / "lib")
    fresh = open_library(root, cache_dir=base / "cache")
    cached = open_library(root, cache_dir=base / "cache")
    assert not fresh.from_cache and cached.from_cache
    assert not fresh.library.errors
    return fresh.index, cached.index


def _random_filters() -> list[Filter]:
    rng = random.Random(3)
    values = ["5", "4", "3", "1", NOT_RATED]
    out = [Filter(), Filter(strength=frozenset({"3"})), Filter(strength=frozenset({NOT_RATED}))]
    for _ in range(60):
        out.append(
            Filter(
                themes=frozenset(rng.sample(THEMES, rng.randint(0, 2))),
                sources=frozenset(rng.sample([s for s, _ in SOURCES], rng.randint(0, 2))),
                kinds=frozenset(rng.sample(KINDS, rng.randint(0, 2))),
                places=frozenset(rng.sample(PLACES, rng.randint(0, 1))),
                strength=frozenset(rng.sample(values, rng.randint(0, 2))),
            )
        )
    return out


@pytest.mark.parametrize("which", ["fresh", "cached"])
def test_facet_counts_and_matches_agree_with_a_count_finding_by_finding(
    opened: tuple[FilterIndex, FilterIndex], which: str
) -> None:
    index = opened[0] if which == "fresh" else opened[1]
    lib = index.library
    for flt in _random_filters():
        result = index.query(flt)
        assert result.facets["strength"] == _brute_strength_counts(lib, flt), flt
        matched = [lib.findings[i].id for i in result.indices.tolist()]
        assert matched == [f.id for f in lib.findings if _passes(lib, f, flt)], flt
        # The other facets' counts are taken under the strength filter too.
        kinds = {k: 0 for k in KINDS}
        for f in lib.findings:
            if _passes(lib, f, flt, skip="kinds"):
                kinds[f.kind] += 1
        assert result.facets["kinds"] == kinds, flt


def test_the_levels_present_strongest_first_then_not_rated(
    opened: tuple[FilterIndex, FilterIndex],
) -> None:
    fresh, cached = opened
    assert list(fresh.query(Filter()).facets["strength"]) == ["5", "3", "1", NOT_RATED]
    assert list(cached.query(Filter()).facets["strength"]) == ["5", "3", "1", NOT_RATED]
    # A source with a design but no level is not rated, like one with nothing.
    flt = Filter(strength=frozenset({NOT_RATED}))
    sources = {fresh.library.findings[i].source for i in fresh.query(flt).indices.tolist()}
    assert sources == {"s-design", "s-none"}


def test_a_level_no_source_has_matches_nothing(opened: tuple[FilterIndex, FilterIndex]) -> None:
    fresh, _ = opened
    assert len(fresh.query(Filter(strength=frozenset({"4"})))) == 0


def test_the_filter_in_words_and_kept_as_a_dict(opened: tuple[FilterIndex, FilterIndex]) -> None:
    lib = opened[0].library
    flt = Filter(strength=frozenset({NOT_RATED, "3", "5"}))
    assert flt.describe(lib) == ("Findings with evidence at Maryland level 5 or 3 or not rated")
    assert Filter.from_dict(flt.to_dict()) == flt
    assert not flt.is_empty and flt.cleared().strength == frozenset()
    assert flt.toggled("strength", "3").strength == {NOT_RATED, "5"}


def test_a_library_with_no_levels_has_only_not_rated(small_library: Path) -> None:
    index = open_library(small_library).index
    assert index.query(Filter()).facets["strength"] == {NOT_RATED: 5}
