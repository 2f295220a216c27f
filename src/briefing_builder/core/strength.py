"""The strength of a source's evidence (``evidence-strength:`` in sources.yaml).

What a curator can state about how a source reached its findings: the study design in words, a
level of the Maryland Scientific Methods Scale (Sherman et al., 1997, the scale the What Works
Centres and the College of Policing use to rate impact evaluations) and, optionally, notes under
the five EMMIE headings of the College of Policing's Crime Reduction Toolkit. One place for the
words the app, the filters and the evidence annex show, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

MARYLAND_LEVELS: dict[int, str] = {
    1: "a link between the intervention and the outcome at one point in time, with no comparison",
    2: "outcomes before and after the intervention, or against a comparison group not shown "
    "to be like the one that had it",
    3: "before and after, against a comparable group that did not have the intervention",
    4: "several areas or groups with and without the intervention, controlling for other "
    "differences between them",
    5: "random assignment of comparable areas, groups or people to the intervention or not "
    "(a randomised controlled trial)",
}
MARYLAND_MAX = 5

# The EMMIE headings, in the toolkit's order: (key in sources.yaml, heading shown).
EMMIE: tuple[tuple[str, str], ...] = (
    ("effect", "Effect"),
    ("mechanism", "Mechanism"),
    ("moderators", "Moderators"),
    ("implementation", "Implementation"),
    ("economic-cost", "Economic cost"),
)
EMMIE_KEYS = frozenset(key for key, _ in EMMIE)
STRENGTH_KEYS = frozenset({"design", "maryland", "emmie"})

# The filter's value for a source with no Maryland level.
NOT_RATED = "none"
NOT_RATED_LABEL = "Not rated"


@dataclass(frozen=True, slots=True)
class EvidenceStrength:
    """How strong a source's evidence is, as far as its curator can state it."""

    design: str | None = None
    maryland: int | None = None  # 1-5
    emmie: tuple[tuple[str, str], ...] = ()  # (key, note), in EMMIE order

    def to_json(self) -> list[object]:
        """A plain form for the library cache."""
        return [self.design, self.maryland, [list(pair) for pair in self.emmie]]

    @classmethod
    def from_json(cls, value: object) -> EvidenceStrength | None:
        """The strength :meth:`to_json` wrote (None for a source without one)."""
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 3:
            raise ValueError("an evidence strength in the cache is not of the right shape")
        design, level, notes = value
        if not (design is None or isinstance(design, str)) or not (
            level is None or (isinstance(level, int) and 1 <= level <= MARYLAND_MAX)
        ):
            raise ValueError("an evidence strength in the cache is not of the right shape")
        pairs = tuple((str(k), str(v)) for k, v in notes)
        return cls(design, level, pairs)


def maryland_text(level: int) -> str:
    """ "Maryland SMS level 3 of 5": the level as the detail pane shows it."""
    return f"Maryland SMS level {level} of {MARYLAND_MAX}"


def maryland_short(level: int | None) -> str:
    """ "SMS 3", the level in the evidence annex's narrow column; "Not rated" without one."""
    return f"SMS {level}" if level is not None else NOT_RATED_LABEL


def maryland_explained(level: int | None = None) -> str:
    """What the scale is, and what ``level`` means on it: the tooltip of a level shown."""
    lines = [
        "The Maryland Scientific Methods Scale rates how well a study can show that an "
        "intervention caused an outcome, from 1 (weakest) to 5 (strongest):"
    ]
    for n, meaning in MARYLAND_LEVELS.items():
        mark = "▸ " if n == level else ""
        lines.append(f"{mark}{n}: {meaning}")
    return "\n".join(lines)


def strength_value(level: int | None) -> str:
    """The filter's value for a level: "1" to "5", or :data:`NOT_RATED`."""
    return NOT_RATED if level is None else str(level)


def strength_label(value: str) -> str:
    """A filter value in words: "Level 3 of 5", "Not rated"."""
    if value == NOT_RATED:
        return NOT_RATED_LABEL
    return f"Level {value} of {MARYLAND_MAX}"


def strength_values(levels: set[int]) -> list[str]:
    """The filter's values for the levels present: strongest first, then "not rated"."""
    return [str(n) for n in sorted(levels, reverse=True)] + [NOT_RATED]
