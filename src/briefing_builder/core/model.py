"""Plain data types of an evidence library."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .strength import EvidenceStrength

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("quote", "key-finding", "example", "recommendation")
KIND_LABELS: dict[str, str] = {
    "quote": "Quote",
    "key-finding": "Key finding",
    "example": "Example",
    "recommendation": "Recommendation",
}
LOCATOR_LABELS: tuple[str, ...] = ("section", "page", "slide", "paragraph")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a library file, in words a curator understands.

    A warning is worth fixing but costs nothing: the value it concerns is still used as read.
    """

    file: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Locator:
    """Where in its source a finding stands: ``section 3.3.4 (Culture change)``."""

    label: str
    value: str
    title: str | None = None

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None]]:
        # Positional reconstruction: unpickling 100,000 slots dataclasses through the generated
        # __setstate__ costs seconds (the library cache); this is a plain constructor call.
        return (Locator, (self.label, self.value, self.title))

    def __str__(self) -> str:
        if self.title:
            return f"{self.label} {self.value} ({self.title})"
        if self.value and not any(ch.isdigit() for ch in self.value[:3]):
            return f"{self.label} ‘{self.value}’"
        return f"{self.label} {self.value}"


@dataclass(frozen=True, slots=True)
class Source:
    """A source document: its CSL YAML reference plus the extension keys (text, short, page-labels,
    evidence-strength)."""

    id: str
    csl: dict[str, Any]
    short: str
    text_path: Path | None = None
    # The printed label of each page of the text (``page-labels:``); None: pages are 1, 2, 3...
    page_labels: tuple[str, ...] | None = None
    # What its curator states about how strong its evidence is (``evidence-strength:``).
    strength: EvidenceStrength | None = None

    @property
    def title(self) -> str:
        return str(self.csl.get("title", ""))

    @property
    def year(self) -> int | None:
        parts = (self.csl.get("issued") or {}).get("date-parts") or [[]]
        first = parts[0] if parts else []
        return int(first[0]) if first else None


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    source: str
    kind: str
    text: str
    locator: Locator
    themes: tuple[str, ...]
    places: tuple[str, ...] = ()
    speaker: str | None = None
    note: str | None = None
    file: str = ""
    line: int = 0
    verified: bool = False

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # See Locator.__reduce__: keeps a cached library of 100,000 findings quick to open.
        return (
            Finding,
            (
                self.id,
                self.source,
                self.kind,
                self.text,
                self.locator,
                self.themes,
                self.places,
                self.speaker,
                self.note,
                self.file,
                self.line,
                self.verified,
            ),
        )


@dataclass(slots=True)
class Library:
    """A loaded library: the good parts of it, plus every problem found."""

    root: Path
    title: str = ""
    description: str = ""
    themes: list[Theme] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    # A list when loaded; from the cache, a table that builds each finding when it is asked for.
    findings: Sequence[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Ids of retired findings (``retired:``): not in ``findings``, and never used again.
    retired_ids: frozenset[str] = field(default_factory=frozenset)
    # Every file the loader read (or tried to), with its state just before: what the cache keys on.
    read_files: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _sources_by_id: dict[str, Source] = field(default_factory=dict, repr=False)
    _themes_by_id: dict[str, Theme] = field(default_factory=dict, repr=False)
    _position: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _place_counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _places: list[str] = field(default_factory=list, repr=False, compare=False)
    _verified: int = field(default=0, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Work out the lookups once per library, where it is loaded (in the background, for the
        desktop app), not each time a window shows it: 0.1 s at 100,000 findings."""
        self._sources_by_id = {s.id: s for s in self.sources}
        self._themes_by_id = {t.id: t for t in self.themes}
        summary = getattr(self.findings, "summary", None)
        if summary is not None:  # a table from the cache knows these without building findings
            self._position, counts, self._verified = summary()
        else:
            self._position = {f.id: i for i, f in enumerate(self.findings)}
            counts = {}
            for f in self.findings:
                for p in f.places:
                    counts[p] = counts.get(p, 0) + 1
            self._verified = sum(1 for f in self.findings if f.verified)
        self._place_counts = counts
        self._places = sorted(counts, key=str.casefold)

    def finding(self, finding_id: str) -> Finding | None:
        at = self._position.get(finding_id)
        return None if at is None else self.findings[at]

    def findings_of(self, source_id: str) -> list[Finding]:
        """The findings of one source, in library order."""
        of_source = getattr(self.findings, "of_source", None)
        if of_source is not None:  # a table from the cache: without building the others
            return list(of_source(source_id))
        return [f for f in self.findings if f.source == source_id]

    def source(self, source_id: str) -> Source | None:
        return self._sources_by_id.get(source_id)

    def theme(self, theme_id: str) -> Theme | None:
        return self._themes_by_id.get(theme_id)

    def position(self, finding_id: str) -> int | None:
        """Where the finding is in ``findings``."""
        return self._position.get(finding_id)

    @property
    def places(self) -> list[str]:
        """Every place named, in alphabetical order (ignoring case)."""
        return self._places

    def place_count(self, place: str) -> int:
        """How many findings name ``place``."""
        return self._place_counts.get(place, 0)

    @property
    def verified_count(self) -> int:
        return self._verified

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(not p.warning for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    def source_text(self, source_id: str) -> str | None:
        """The plain text of a source, for "show in source"; None when it has none."""
        src = self.source(source_id)
        if src is None or src.text_path is None:
            return None
        from .files import UnreadableFile
        from .textmatch import read_source_text

        try:  # the way the loader read it: a FIFO is never waited on, a huge file never read
            return read_source_text(src.text_path)
        except UnreadableFile as exc:
            log.warning("Cannot read the text of source %s: %s", source_id, exc.message)
            return None
