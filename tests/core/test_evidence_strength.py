"""``evidence-strength:`` on a source: read and checked by the loader, kept by the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.cache import open_library
from briefing_builder.core.loader import load_library
from briefing_builder.core.strength import (
    EvidenceStrength,
    maryland_explained,
    maryland_short,
    maryland_text,
)
from tests.conftest import SOURCES_YAML, write_library

STRENGTH = """\
    evidence-strength:
      design: Quasi-experimental (matched comparison areas)
      maryland: 3
      emmie:
        effect: Burglary fell by a fifth against the comparison areas.
        economic-cost: Not reported.
        mechanism: More guardianship where partners shared patrol data.
"""
RATED = SOURCES_YAML.replace(
    "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n" + STRENGTH
)  # the strength starts on line 9


def _load(tmp_path: Path, sources: str) -> list[tuple[int | None, bool, str]]:
    lib = load_library(write_library(tmp_path, {"sources.yaml": sources}))
    return [(p.line, p.warning, p.message) for p in lib.problems]


def test_a_strength_is_read_with_its_emmie_notes_in_the_toolkit_order(tmp_path: Path) -> None:
    lib = load_library(write_library(tmp_path, {"sources.yaml": RATED}))
    assert lib.problems == []
    alpha = lib.source("alpha")
    assert alpha is not None
    assert alpha.strength == EvidenceStrength(
        "Quasi-experimental (matched comparison areas)",
        3,
        (
            ("effect", "Burglary fell by a fifth against the comparison areas."),
            ("mechanism", "More guardianship where partners shared patrol data."),
            ("economic-cost", "Not reported."),
        ),
    )
    assert "evidence-strength" not in alpha.csl  # not a CSL variable: never cited
    beta = lib.source("beta")
    assert beta is not None and beta.strength is None


def test_a_design_alone_is_enough(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace(
        "    text: texts/beta.txt\n",
        "    text: texts/beta.txt\n    evidence-strength: {design: Rapid evidence review}\n",
    )
    lib = load_library(write_library(tmp_path, {"sources.yaml": sources}))
    assert lib.problems == []
    beta = lib.source("beta")
    assert beta is not None and beta.strength == EvidenceStrength("Rapid evidence review")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("      maryland: 3\n", "      maryland: 7\n"),
            (
                11,
                "'maryland' of source 'alpha' should be a Maryland Scientific Methods Scale "
                "level, a whole number from 1 to 5, not 7",
            ),
        ),
        (
            ("      maryland: 3\n", "      maryland: 0\n"),
            (
                11,
                "'maryland' of source 'alpha' should be a Maryland Scientific Methods Scale "
                "level, a whole number from 1 to 5, not 0",
            ),
        ),
        (
            ("      maryland: 3\n", "      maryland: '3'\n"),
            (
                11,
                "'maryland' of source 'alpha' should be a Maryland Scientific Methods Scale "
                "level, a whole number from 1 to 5, not '3'",
            ),
        ),
        (
            ("      maryland: 3\n", "      maryland: 3.5\n"),
            (
                11,
                "'maryland' of source 'alpha' should be a Maryland Scientific Methods Scale "
                "level, a whole number from 1 to 5, not 3.5",
            ),
        ),
        (
            ("      maryland: 3\n", "      maryland: true\n"),
            (
                11,
                "'maryland' of source 'alpha' should be a Maryland Scientific Methods Scale "
                "level, a whole number from 1 to 5, not true/false",
            ),
        ),
        (
            ("      maryland: 3\n", "      marryland: 3\n"),
            (
                11,
                "unknown key 'marryland' in the evidence strength of source 'alpha' "
                "(did you mean 'maryland'?)",
            ),
        ),
        (
            ("        mechanism:", "        mechanisms:"),
            (
                15,
                "unknown key 'mechanisms' in the EMMIE notes of source 'alpha' "
                "(did you mean 'mechanism'?)",
            ),
        ),
        (
            ("        economic-cost:", "        cost:"),
            (14, "unknown key 'cost' in the EMMIE notes of source 'alpha'"),
        ),
        (
            (
                "      design: Quasi-experimental (matched comparison areas)\n",
                "      design: [Quasi-experimental]\n",
            ),
            (10, "'design' of the evidence strength of source 'alpha' should be text, not a list"),
        ),
        (
            (
                "        effect: Burglary fell by a fifth against the comparison areas.\n",
                "        effect: {size: 20}\n",
            ),
            (
                13,
                "'effect' of the EMMIE notes of source 'alpha' should be text, not a mapping "
                "(key: value pairs)",
            ),
        ),
    ],
)
def test_problems_name_the_line_and_leave_the_strength_out(
    tmp_path: Path, change: tuple[str, str], expected: tuple[int, str]
) -> None:
    old, new = change
    assert old in RATED
    lib = load_library(write_library(tmp_path, {"sources.yaml": RATED.replace(old, new)}))
    assert [(p.line, p.warning, p.message) for p in lib.problems] == [
        (*expected[:1], False, expected[1])
    ]
    alpha = lib.source("alpha")
    assert alpha is not None and alpha.strength is None  # the source itself still loads
    assert len(lib.findings_of("alpha")) == 3


def test_strength_of_the_wrong_shape(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace(
        "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n    evidence-strength: 3\n"
    )
    assert _load(tmp_path / "a", sources) == [
        (
            9,
            False,
            "'evidence-strength' of source 'alpha' should be a mapping with 'design', "
            "'maryland' and/or 'emmie', not a number",
        )
    ]
    emmie_text = RATED.replace(
        "      emmie:\n        effect: Burglary fell by a fifth against the comparison areas.\n"
        "        economic-cost: Not reported.\n"
        "        mechanism: More guardianship where partners shared patrol data.\n",
        "      emmie: it works\n",
    )
    assert _load(tmp_path / "b", emmie_text) == [
        (
            12,
            False,
            "'emmie' of source 'alpha' should be a mapping of notes under effect, mechanism, "
            "moderators, implementation and economic-cost, not text",
        )
    ]


def test_an_empty_strength_is_a_warning(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace(
        "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n    evidence-strength: {}\n"
    )
    assert _load(tmp_path, sources) == [
        (
            9,
            True,
            "'evidence-strength' of source 'alpha' is empty: give its design, its Maryland "
            "level or EMMIE notes, or leave the key out",
        )
    ]


def test_a_misspelt_key_on_the_source_is_caught_with_a_hint(tmp_path: Path) -> None:
    sources = RATED.replace("    evidence-strength:", "    evidence-strenght:")
    problems = _load(tmp_path, sources)
    assert problems == [
        (
            9,
            False,
            "unknown key 'evidence-strenght' in source 'alpha' (did you mean 'evidence-strength'?)",
        )
    ]


def test_the_cache_keeps_strength_and_page_labels(tmp_path: Path) -> None:
    sources = RATED.replace(
        "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n    page-labels: [ii]\n"
    )
    root = write_library(tmp_path / "lib", {"sources.yaml": sources})
    first = open_library(root, cache_dir=tmp_path / "cache")
    second = open_library(root, cache_dir=tmp_path / "cache")
    assert not first.from_cache and second.from_cache
    assert second.library.sources == first.library.sources
    alpha = second.library.source("alpha")
    assert alpha is not None and alpha.strength is not None
    assert alpha.strength.maryland == 3 and alpha.page_labels == ("ii",)
    assert alpha.strength.emmie[0] == (
        "effect",
        "Burglary fell by a fifth against the comparison areas.",
    )


def test_the_words_shown_for_a_level() -> None:
    assert maryland_text(3) == "Maryland SMS level 3 of 5"
    assert maryland_short(3) == "SMS 3"
    assert maryland_short(None) == "Not rated"
    tip = maryland_explained(3)
    assert tip.startswith("The Maryland Scientific Methods Scale")
    assert "▸ 3: before and after, against a comparable group" in tip
    assert tip.count("▸") == 1 and "\n5: random assignment" in tip
