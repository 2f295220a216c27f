"""Citation styles: in-text citations or notes, and the list of references, from CSL data.

Two styles, chosen per briefing by the id in the briefing file's ``style:`` key:

``harvard``
    Author-date, following *Cite Them Right* (Pears and Shields, 12th edn, 2022), Harvard:
    "(Tizard, 2015, section 4)", a reference list of the sources cited in alphabetical order; an
    online source ends "Available at: URL (Accessed: 3 March 2025)." when its CSL data has an
    ``accessed`` date.
``numbered-notes``
    Numbered footnotes following the *MHRA Style Guide* (4th edn, 2024; the British note style:
    full reference in the first note, author and locator after that, single quotation marks), and
    a bibliography.

Why not citeproc-py with CSL style files
----------------------------------------
We measured citeproc-py 0.11 with the ``harvard-cite-them-right`` CSL style it ships (12th edition)
against the five sources of the bundled library. It gets the author-date skeleton right, but:

* locators come out as "sect. 3.3.4" (the CSL term's short form), and a slide — not a CSL locator
  label — loses its label: "(Mortimore, 2009, Blockages)";
* the style prints nothing for a report's series, so the CoPaCC Thematic disappears, and nothing
  for the kind of a presentation ("[Slide presentation]");
* unnumbered headings as locators ("section ‘Leadership’") need our own wording anyway;
* there is no usable notes style: citeproc-py does not track first and subsequent notes.

So we would have to post-process its output and write the notes style by hand regardless. The
rules we need for these source types are short, so both styles are written out here, each rule
taken from the style guide, and the output for every bundled source is tested against strings
checked by hand (``tests/export/test_citations.py``). House choices where the guides leave room:

* unknown years print "n.d." in both styles; when two cited sources share author and year, both
  get a letter, as Cite Them Right (12th edn) shows it: "2015a", "n.d.a", "n.d.b";
* the Harvard reference list names every author, even where the citation uses "et al.";
* a reference ending in a URL has no full stop after it, so the link copies cleanly;
* a locator that is a heading rather than a number is quoted: "section ‘Leadership’",
  "slide ‘Blockages’"; a long heading is cut at its colon.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.model import Locator
from .inline import Span, Spans, one_line

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DEFAULT_STYLE = "harvard"


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """What the app shows about a style; ``kind`` is ``author-date`` or ``note``."""

    id: str
    label: str
    kind: str
    reference_heading: str
    description: str


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation: the in-text form, or (for a note style) the text of the note."""

    source_id: str
    spans: Spans
    is_note: bool


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the reference list; ``anchor`` is where citations link to."""

    source_id: str
    anchor: str
    spans: Spans
    url: str | None


class UnknownStyle(KeyError):
    def __init__(self, style_id: str) -> None:
        super().__init__(style_id)
        self.style_id = style_id

    def __str__(self) -> str:
        known = ", ".join(STYLES)
        return f"unknown citation style '{self.style_id}' (known styles: {known})"


def anchor_for(source_id: str) -> str:
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "_", source_id)


# --- reading CSL data -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    family: str = ""
    given: str = ""
    literal: str = ""
    particle: str = ""  # non-dropping particle: "van" in "van Dijk"
    suffix: str = ""

    @property
    def surname(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.particle} {self.family}".strip()

    @property
    def full(self) -> str:
        if self.literal:
            return self.literal
        out = " ".join(p for p in (self.given, self.particle, self.family) if p)
        return f"{out}, {self.suffix}" if self.suffix else out

    @property
    def inverted(self) -> str:
        if self.literal:
            return self.literal
        out = self.surname + (f", {self.given}" if self.given else "")
        return f"{out}, {self.suffix}" if self.suffix else out

    @property
    def initials(self) -> str:
        """Cite Them Right's "Loftus, B.": each given name (and hyphenated part) as an initial."""
        if self.literal:
            return self.literal
        parts = []
        for word in self.given.replace(".", " ").split():
            parts.append("-".join(p[:1].upper() + "." for p in word.split("-") if p))
        out = self.surname + (", " + "".join(parts) if parts else "")
        return f"{out}, {self.suffix}" if self.suffix else out


def _text(csl: Mapping[str, Any], key: str) -> str:
    value = csl.get(key)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return one_line(str(value))


def _names(csl: Mapping[str, Any], key: str = "author") -> list[Name]:
    raw = csl.get(key)
    if not isinstance(raw, list):
        return []
    out = []
    for n in raw:
        if isinstance(n, str):
            out.append(Name(literal=one_line(n)))
        elif isinstance(n, Mapping):
            name = Name(
                family=_text(n, "family"),
                given=_text(n, "given"),
                literal=_text(n, "literal"),
                particle=_text(n, "non-dropping-particle"),
                suffix=_text(n, "suffix"),
            )
            if name.family or name.literal:
                out.append(name)
    return out


def _date(csl: Mapping[str, Any], key: str) -> list[int]:
    raw = csl.get(key)
    if not isinstance(raw, Mapping):
        return []
    parts = raw.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        out = []
        for p in parts[0][:3]:
            try:
                out.append(int(p))
            except (TypeError, ValueError):
                break
        return out
    for alt in ("raw", "literal"):
        m = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", str(raw.get(alt) or ""))
        if m:
            return [int(m.group(1))]
    return []


def _year(csl: Mapping[str, Any]) -> str | None:
    issued = _date(csl, "issued")
    return str(issued[0]) if issued else None


def _day_month(parts: list[int]) -> str:
    if len(parts) >= 3 and 1 <= parts[1] <= 12:
        return f"{parts[2]} {MONTHS[parts[1] - 1]}"
    if len(parts) >= 2 and 1 <= parts[1] <= 12:
        return MONTHS[parts[1] - 1]
    return ""


def _full_date(parts: list[int]) -> str:
    dm = _day_month(parts)
    return f"{dm} {parts[0]}".strip() if parts else ""


def _url(csl: Mapping[str, Any]) -> str | None:
    doi = _text(csl, "DOI")
    if doi:
        return doi if doi.startswith("http") else "https://doi.org/" + doi.removeprefix("doi:")
    url = _text(csl, "URL")
    return url.replace(" ", "%20") if url else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _join_names(names: list[str], conj: str = "and") -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conj} " + names[-1]


def _end(spans: list[Span], mark: str = ".") -> None:
    """Close a reference or note with ``mark`` unless it already ends with punctuation."""
    if not spans:
        return
    last = spans[-1]
    if last.text.rstrip().endswith((".", "?", "!")):
        return
    spans.append(Span(mark))


# --- locators ---------------------------------------------------------------------------------

_QUOTES = "'\"‘’“”"
_NUMERIC = re.compile(r"^\d[\dA-Za-z]*([.\-–,]\s?\d[\dA-Za-z]*)*$")


def _short_heading(value: str, limit: int = 60) -> str:
    if len(value) <= limit:
        return value
    if ": " in value and len(value.split(": ", 1)[0]) >= 8:
        return value.split(": ", 1)[0]
    cut = value[: limit + 10].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + "…"


def format_locator(locator: Locator | None) -> str:
    """ "section 4", "p. 12", "pp. 4–6", "para. 3", "slide 9 ‘Blockages’", "section ‘Leadership’"."""
    if locator is None:
        return ""
    value = one_line(locator.value).strip(_QUOTES + " ")
    if not value:
        return ""
    label = locator.label
    if _NUMERIC.match(value):
        value = re.sub(r"(?<=\d)-(?=\d)", "–", value)
        if label == "page":
            return ("pp. " if re.search(r"[–,]", value) else "p. ") + value
        if label == "paragraph":
            return ("paras " if re.search(r"[–,]", value) else "para. ") + value
        if label == "slide" and locator.title:
            # Slides rarely print their numbers: the title lets a reader find the slide.
            return f"slide {value} ‘{_short_heading(one_line(locator.title))}’"
        return f"{label} {value}"
    value = _short_heading(value)
    word = {"page": "page", "paragraph": "paragraph"}.get(label, label)
    return f"{word} ‘{value}’"


# --- the style registry -----------------------------------------------------------------------


class CitationStyle(ABC):
    info: StyleInfo

    @abstractmethod
    def processor(
        self, sources: Mapping[str, Mapping[str, Any]], order: Sequence[str]
    ) -> CitationProcessor:
        """A processor for one document. ``sources`` maps every cited source id to its CSL data;
        ``order`` lists the cited source ids in order of first citation."""


class CitationProcessor(ABC):
    @abstractmethod
    def cite(self, source_id: str, locator: Locator | None) -> Citation: ...

    @abstractmethod
    def references(self) -> list[Reference]:
        """The reference list: only the sources cited, ordered as the style wants."""


_BOOKLIKE = {"book", "report", "thesis", "webpage", "post", "post-weblog", "dataset", "software"}
_QUOTED = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "chapter",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "paper-conference",
    "speech",
    "interview",
    "personal_communication",
}
_EVENTS = {"speech", "paper-conference", "event", "presentation"}


def _is_event(csl: Mapping[str, Any]) -> bool:
    kind = _text(csl, "type")
    return kind in _EVENTS and not _text(csl, "container-title")


def _title_spans(title: str, csl: Mapping[str, Any], link: str | None = None) -> list[Span]:
    if _text(csl, "type") in _QUOTED:
        return [Span(f"‘{title}’", link=link)]
    return [Span(title, italic=True, link=link)]


# --- Harvard (Cite Them Right) ----------------------------------------------------------------


class Harvard(CitationStyle):
    info = StyleInfo(
        id="harvard",
        label="Harvard (Cite Them Right)",
        kind="author-date",
        reference_heading="References",
        description="Author-date citations such as (Tizard, 2015, section 4) and an "
        "alphabetical reference list, following Cite Them Right (12th edn, 2022).",
    )

    def processor(
        self, sources: Mapping[str, Mapping[str, Any]], order: Sequence[str]
    ) -> CitationProcessor:
        return _HarvardProcessor(sources, order)


def _harvard_author_short(names: list[Name]) -> str:
    surnames = [n.surname for n in names]
    if len(surnames) >= 4:
        return f"{surnames[0]} et al."
    return _join_names(surnames)


class _HarvardProcessor(CitationProcessor):
    def __init__(self, sources: Mapping[str, Mapping[str, Any]], order: Sequence[str]) -> None:
        self.sources = {sid: sources.get(sid) or {"title": sid} for sid in dict.fromkeys(order)}
        groups: dict[tuple[str, str], list[str]] = {}
        for sid, csl in self.sources.items():
            key = (_fold(self._author_short(csl) or self._short_title(csl)), _year(csl) or "")
            groups.setdefault(key, []).append(sid)
        self.years: dict[str, str] = {}
        self.memo: dict[tuple[str, Locator | None], Citation] = {}
        for sids in groups.values():
            sids.sort(key=lambda s: _fold(_text(self.sources[s], "title")))
            for i, sid in enumerate(sids):
                year = _year(self.sources[sid])
                if len(sids) == 1:
                    self.years[sid] = year or "n.d."
                else:
                    letter = chr(ord("a") + i) if i < 26 else str(i + 1)
                    self.years[sid] = f"{year}{letter}" if year else f"n.d.{letter}"

    @staticmethod
    def _author_short(csl: Mapping[str, Any]) -> str:
        names = _names(csl, "author") or _names(csl, "editor")
        return _harvard_author_short(names)

    @staticmethod
    def _short_title(csl: Mapping[str, Any]) -> str:
        title = _text(csl, "title") or "Untitled"
        return _short_heading(title, 50)

    def cite(self, source_id: str, locator: Locator | None) -> Citation:
        key = (source_id, locator)
        done = self.memo.get(key)
        if done is None:
            done = self.memo[key] = self._cite(source_id, locator)
        return done

    def _cite(self, source_id: str, locator: Locator | None) -> Citation:
        csl = self.sources.get(source_id) or {"title": source_id}
        link = "#" + anchor_for(source_id)
        author = self._author_short(csl)
        spans: list[Span] = [Span("(", link=link)]
        if author:
            spans.append(Span(author, link=link))
        else:
            spans += _title_spans(self._short_title(csl), csl, link)
        tail = ", " + self.years.get(source_id, _year(csl) or "n.d.")
        loc = format_locator(locator)
        if loc:
            tail += ", " + loc
        spans.append(Span(tail + ")", link=link))
        return Citation(source_id, _merge(spans), is_note=False)

    def _reference(self, sid: str) -> Reference:
        csl = self.sources[sid]
        kind = _text(csl, "type")
        year = self.years[sid]
        url = _url(csl)
        title = _text(csl, "title") or "Untitled"
        authors = _names(csl, "author")
        editors = _names(csl, "editor") if not authors else []
        lead_names = authors or editors
        spans: list[Span] = []
        if lead_names:
            spans.append(Span(_join_names([n.initials for n in lead_names])))
            if editors:
                spans.append(Span(" (eds)" if len(editors) > 1 else " (ed.)"))
            spans.append(Span(f" ({year}) "))
            spans += _title_spans(title, csl)
        else:
            spans += _title_spans(title, csl)
            spans.append(Span(f" ({year})"))
        segments: list[list[Span]] = [spans]
        genre, number = _text(csl, "genre"), _text(csl, "number")
        place, publisher = _text(csl, "publisher-place"), _text(csl, "publisher")
        publication = ": ".join(p for p in (place, publisher) if p)
        collection = ", ".join(
            p for p in (_text(csl, "collection-title"), _text(csl, "collection-number")) if p
        )
        edition = _text(csl, "edition")
        container = _text(csl, "container-title")

        if _is_event(csl):
            if genre:
                spans.append(Span(f" [{genre}]"))
            event = _text(csl, "event-title") or _text(csl, "event")
            when = _day_month(_date(csl, "event-date") or _date(csl, "issued"))
            where = _text(csl, "event-place")
            if event:
                seg = [Span(event, italic=True)]
                rest = ", ".join(p for p in (where, when) if p)
                if rest:
                    seg.append(Span(", " + rest))
                segments.append(seg)
            elif publication:
                segments.append([Span(publication)])
        elif kind in {"article-journal", "article-magazine", "article-newspaper", "article"}:
            if container:
                seg = [Span(", "), Span(container, italic=True)]
                volume, issue, page = _text(csl, "volume"), _text(csl, "issue"), _text(csl, "page")
                vi = volume + (f"({issue})" if issue else "")
                if vi:
                    seg.append(Span(", " + vi))
                if kind == "article-newspaper":
                    dm = _day_month(_date(csl, "issued"))
                    if dm:
                        seg.append(Span(", " + dm))
                if page:
                    seg.append(Span(", " + _pages(page)))
                spans += seg
        elif kind in {"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary"}:
            if container:
                seg = [Span(", in ")]
                eds = _names(csl, "editor")
                if eds:
                    seg.append(Span(_join_names([n.initials for n in eds])))
                    seg.append(Span(" (eds) " if len(eds) > 1 else " (ed.) "))
                seg.append(Span(container, italic=True))
                spans += seg
            if publication:
                page = _text(csl, "page")
                segments.append([Span(publication + (", " + _pages(page) if page else ""))])
        else:
            if edition:
                segments.append([Span(_edition(edition))])
            if number:
                segments.append([Span(" ".join(p for p in (genre, number) if p))])
            elif kind == "thesis" and genre:
                segments.append([Span(genre)])
            if publication or collection:
                text = publication
                if collection:
                    text = f"{text} ({collection})" if text else f"({collection})"
                segments.append([Span(text)])
        out: list[Span] = []
        for i, seg in enumerate(segments):
            if i:
                _end(out)
                out.append(Span(" "))
            out += seg
        if url:
            _end(out)
            out.append(Span(" Available at: "))
            out.append(Span(url, link=url))
            accessed = _full_date(_date(csl, "accessed"))
            if accessed:
                out.append(Span(f" (Accessed: {accessed})."))
        else:
            _end(out)
        return Reference(sid, anchor_for(sid), _merge(out), url)

    def references(self) -> list[Reference]:
        def key(sid: str) -> tuple[str, str, str, str]:
            csl = self.sources[sid]
            names = _names(csl, "author") or _names(csl, "editor")
            lead = " ".join(n.initials for n in names) if names else _text(csl, "title")
            year = _year(csl) or ""
            return (_fold(lead), year, self.years[sid], _fold(_text(csl, "title")))

        return [self._reference(sid) for sid in sorted(self.sources, key=key)]


def _pages(page: str) -> str:
    page = re.sub(r"(?<=\d)-(?=\d)", "–", page)
    return ("pp. " if "–" in page or "," in page else "p. ") + page


def _edition(edition: str) -> str:
    if edition.isdigit():
        n = int(edition)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix} edn"
    return edition


# --- numbered notes (MHRA) --------------------------------------------------------------------

_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "with",
        "from",
        "into",
        "onto",
        "upon",
        "over",
        "than",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "among",
        "around",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "between",
        "beyond",
        "despite",
        "during",
        "except",
        "inside",
        "like",
        "near",
        "outside",
        "since",
        "through",
        "throughout",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unto",
        "within",
        "without",
    ]
)


def headline_case(title: str) -> str:
    """MHRA's capitalisation of English titles: the first word, the first word after a colon and
    every principal word capitalised (both parts of a hyphenated compound); articles, prepositions
    and conjunctions in lower case. Words with capitals or digits inside (PCCs, N8) are kept."""
    out = []
    start = True
    for token in re.split(r"(\s+)", title):
        if not token or token.isspace():
            out.append(token)
            continue
        m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", token)
        lead, core, trail = m.groups() if m else ("", token, "")
        if core and not any(c.isupper() for c in core[1:]) and not any(c.isdigit() for c in core):
            lower = core.lower()
            if not start and lower in _MINOR_WORDS:
                core = lower
            else:
                parts = core.split("-")
                core = "-".join(
                    p if i and p.lower() in _MINOR_WORDS else p[:1].upper() + p[1:]
                    for i, p in enumerate(parts)
                )
        out.append(lead + core + trail)
        start = trail.rstrip().endswith((":", "?", "!", "—", "–")) or token.endswith(":")
    return "".join(out)


class NumberedNotes(CitationStyle):
    info = StyleInfo(
        id="numbered-notes",
        label="Numbered notes (MHRA)",
        kind="note",
        reference_heading="Bibliography",
        description="Numbered footnotes: the full reference in the first note, author and "
        "location after that; a bibliography at the end, following the MHRA Style Guide "
        "(4th edn, 2024).",
    )

    def processor(
        self, sources: Mapping[str, Mapping[str, Any]], order: Sequence[str]
    ) -> CitationProcessor:
        return _NotesProcessor(sources, order)


def _mhra_names(names: list[Name]) -> str:
    if len(names) >= 4:
        return f"{names[0].full} and others"
    return _join_names([n.full for n in names])


def _mhra_short_names(names: list[Name]) -> str:
    if len(names) >= 4:
        return f"{names[0].surname} and others"
    return _join_names([n.surname for n in names])


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


class _NotesProcessor(CitationProcessor):
    def __init__(self, sources: Mapping[str, Mapping[str, Any]], order: Sequence[str]) -> None:
        self.sources = {sid: sources.get(sid) or {"title": sid} for sid in dict.fromkeys(order)}
        self.seen: set[str] = set()
        self.memo: dict[tuple[str, Locator | None], Citation] = {}
        by_author: dict[str, list[str]] = {}
        for sid, csl in self.sources.items():
            by_author.setdefault(_fold(self._short_author(csl)), []).append(sid)
        self.needs_short_title = {
            sid for sids in by_author.values() if len(sids) > 1 for sid in sids
        }

    @staticmethod
    def _short_author(csl: Mapping[str, Any]) -> str:
        return _mhra_short_names(_names(csl, "author") or _names(csl, "editor"))

    def _title(self, csl: Mapping[str, Any], link: str | None = None) -> list[Span]:
        return _title_spans(headline_case(_text(csl, "title") or "Untitled"), csl, link)

    def _publication(self, csl: Mapping[str, Any]) -> list[Span]:
        """Everything after the title: series, edition and the publication facts in brackets."""
        out: list[Span] = []
        year = _year(csl) or "[n.d.]"
        if _is_event(csl):
            genre = _lower_first(_text(csl, "genre")) or "paper given"
            event = _text(csl, "event-title") or _text(csl, "event")
            when = _full_date(_date(csl, "event-date") or _date(csl, "issued")) or year
            if event:
                the = "" if event.lower().startswith("the ") else "the "
                parts = [f"{genre} at {the}{event}", _text(csl, "event-place"), when]
            else:
                parts = [genre, _text(csl, "publisher"), when]
            out.append(Span(" (" + ", ".join(p for p in parts if p) + ")"))
            return out
        container = _text(csl, "container-title")
        kind = _text(csl, "type")
        if container and kind in {"article-journal", "article-magazine", "article-newspaper"}:
            out += [Span(", "), Span(container, italic=True)]
            volume = _text(csl, "volume")
            if volume:
                out.append(Span(f", {volume}"))
            if kind == "article-journal":
                out.append(Span(f" ({year})"))
            else:
                out.append(Span(", " + (_full_date(_date(csl, "issued")) or year)))
            page = _text(csl, "page")
            if page:
                out.append(Span(", " + re.sub(r"(?<=\d)-(?=\d)", "–", page)))
            return out
        if container:
            eds = _names(csl, "editor")
            out.append(Span(", in "))
            out.append(Span(container, italic=True))
            if eds:
                out.append(Span(", ed. by " + _join_names([n.full for n in eds])))
        series = ", ".join(
            p for p in (_text(csl, "collection-title"), _text(csl, "collection-number")) if p
        )
        if series:
            out.append(Span(", " + series))
        edition = _text(csl, "edition")
        if edition:
            out.append(Span(", " + _edition(edition)))
        place, publisher = _text(csl, "publisher-place"), _text(csl, "publisher")
        publication = ": ".join(p for p in (place, publisher) if p)
        out.append(Span(" (" + ", ".join(p for p in (publication, year) if p) + ")"))
        return out

    def cite(self, source_id: str, locator: Locator | None) -> Citation:
        csl = self.sources.get(source_id) or {"title": source_id}
        link = "#" + anchor_for(source_id)
        names = _names(csl, "author") or _names(csl, "editor")
        spans: list[Span] = []
        loc = format_locator(locator)
        if source_id not in self.seen:
            self.seen.add(source_id)
            if names:
                spans.append(Span(_mhra_names(names) + ", ", link=link))
            spans += self._title(csl, link)
            spans += self._publication(csl)
            if loc:
                spans.append(Span(", " + loc))
            url = _url(csl)
            if url:
                spans += [Span(" <"), Span(url, link=url), Span(">")]
                accessed = _full_date(_date(csl, "accessed"))
                if accessed:
                    spans.append(Span(f" [accessed {accessed}]"))
        else:
            memo = self.memo.get((source_id, locator))
            if memo is not None:
                return memo
            short = self._short_author(csl)
            if short:
                spans.append(Span(short, link=link))
            if not short or source_id in self.needs_short_title:
                title = headline_case(_short_heading(_text(csl, "title") or "Untitled", 50))
                title = title.split(": ", 1)[0]
                if short:
                    spans.append(Span(", "))
                spans += _title_spans(title, csl, link)
            if loc:
                spans.append(Span(", " + loc))
            _end(spans)
            self.memo[(source_id, locator)] = Citation(source_id, _merge(spans), is_note=True)
            return self.memo[(source_id, locator)]
        _end(spans)
        return Citation(source_id, _merge(spans), is_note=True)

    def _entry(self, sid: str) -> Reference:
        csl = self.sources[sid]
        names = _names(csl, "author") or _names(csl, "editor")
        spans: list[Span] = []
        if names:
            rest = [n.full for n in names[1:]]
            spans.append(Span(_join_names([names[0].inverted, *rest]) + ", "))
        spans += self._title(csl)
        spans += self._publication(csl)
        url = _url(csl)
        if url:
            spans += [Span(" <"), Span(url, link=url), Span(">")]
            accessed = _full_date(_date(csl, "accessed"))
            if accessed:
                spans.append(Span(f" [accessed {accessed}]"))
        return Reference(sid, anchor_for(sid), _merge(spans), url)

    def references(self) -> list[Reference]:
        def key(sid: str) -> tuple[str, str]:
            csl = self.sources[sid]
            names = _names(csl, "author") or _names(csl, "editor")
            lead = " ".join(n.inverted for n in names) if names else _text(csl, "title")
            return (_fold(lead), _fold(_text(csl, "title")))

        return [self._entry(sid) for sid in sorted(self.sources, key=key)]


def _merge(spans: list[Span]) -> Spans:
    """Join neighbouring spans that look the same, so writers emit fewer runs."""
    out: list[Span] = []
    for s in spans:
        if not s.text:
            continue
        if out:
            p = out[-1]
            if (p.bold, p.italic, p.link, p.superscript) == (
                s.bold,
                s.italic,
                s.link,
                s.superscript,
            ):
                out[-1] = Span(p.text + s.text, p.bold, p.italic, p.link, p.superscript)
                continue
        out.append(s)
    return tuple(out)


def short_label(csl: Mapping[str, Any]) -> str:
    """A style-neutral label for tables: "Tizard (2015)", "Loftus et al. (n.d.)"."""
    names = _names(csl, "author") or _names(csl, "editor")
    who = _harvard_author_short(names) if names else _short_heading(_text(csl, "title"), 40)
    return f"{who or 'Untitled'} ({_year(csl) or 'n.d.'})"


STYLES: dict[str, CitationStyle] = {s.info.id: s for s in (Harvard(), NumberedNotes())}


def get_style(style_id: str) -> CitationStyle:
    try:
        return STYLES[style_id]
    except KeyError:
        raise UnknownStyle(style_id) from None


def usable_style(*candidates: str | None) -> str:
    """The first of ``candidates`` that is a known style id, else the default style.

    For the app, which keeps working (and says so once) when a briefing names a style this
    version does not know.
    """
    return next((c for c in candidates if c in STYLES), DEFAULT_STYLE)


def styles() -> list[StyleInfo]:
    """Every style, for the export dialog and the settings page."""
    return [s.info for s in STYLES.values()]
