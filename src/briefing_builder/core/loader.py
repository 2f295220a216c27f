"""Load and validate an evidence library folder (see ``docs/evidence-format.md``).

Every problem is collected with its file, line and a plain sentence; loading never stops at the
first. Good findings load even when others are bad: a finding with any problem is left out of the
library and its problems are reported.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import gc
import logging
import multiprocessing
import os
import re
import stat
import threading
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .columns import Packed
from .csl import (
    CSL_DATE_VARIABLES,
    CSL_NAME_VARIABLES,
    CSL_TEXT_VARIABLES,
    CSL_TYPES,
    NAME_KEYS,
)
from .files import UnreadableFile, _kind, _reason
from .finding_columns import RunColumns, run_ids
from .index_parts import IndexPart, index_part
from .library_columns import finding_table
from .model import KINDS, LOCATOR_LABELS, Finding, Library, Locator, Problem, Source, Theme
from .pages import PageLabelError, expand_page_labels, page_count
from .strength import EMMIE, EMMIE_KEYS, MARYLAND_MAX, STRENGTH_KEYS, EvidenceStrength
from .textmatch import FoldedText, read_source_text
from .yamlio import (
    LineDict,
    LineList,
    WrittenFloat,
    WrittenInt,
    YamlProblem,
    load_yaml_file,
    type_name,
)

log = logging.getLogger(__name__)


_gc_lock = threading.Lock()
_gc_pauses = 0  # pauses under way, in any thread
_gc_was_enabled = False
# Objects made during a pause past which they are frozen (see gc_paused): a library of a few
# thousand findings.
FREEZE_ABOVE = 50_000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory).

    Counted, because loads may overlap in threads (a load being cancelled while the next one
    starts): the collector is on again only once the last of them has finished.

    A large load leaves millions of objects that all live on (and no garbage cycles). Switched
    back on, the collector would walk every one of them in its next young collection and again
    as they age: pauses of a tenth of a second or more, each holding the interpreter, on
    whichever thread allocates next (the window's too, while a library loads in the background).
    So after a large load they are frozen (``gc.freeze``): left out of collections from then on,
    and still freed by reference counting when the library is replaced.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                if gc.get_count()[0] > FREEZE_ABOVE:
                    gc.freeze()
                gc.enable()


class LoadCancelled(Exception):
    """The caller's cancel check asked the load to stop; nothing of it was kept or cached."""


Progress = Callable[[int, int], None]  # (steps done, steps in all)
CancelCheck = Callable[[], bool]  # true once the load should stop (e.g. threading.Event.is_set)


class _Steps:
    """Progress and cancelling for one load: the files read so far, of how many."""

    def __init__(self, progress: Progress | None, cancelled: CancelCheck | None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.done = 0
        self.total = 2  # library.yaml and sources.yaml; the findings files once listed

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise LoadCancelled

    def step(self) -> None:
        self.done += 1
        self.check()
        if self.progress is not None:
            self.progress(self.done, self.total)


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LIBRARY_KEYS = frozenset({"title", "description", "themes", "read-only"})
THEME_KEYS = frozenset({"id", "label", "description"})
SOURCE_EXTRA_KEYS = frozenset(
    {"id", "type", "text", "short", "custom", "page-labels", "evidence-strength"}
)
FINDING_KEYS = frozenset(
    {
        "id",
        "source",
        "kind",
        "text",
        "speaker",
        "locator",
        "themes",
        "places",
        "note",
        "retired",
        "retired-reason",
    }
)
FINDING_REQUIRED = ("id", "source", "kind", "text", "locator", "themes")
LOCATOR_KEYS = frozenset({"label", "value", "title"})


@dataclass
class _Report:
    """Collects problems for one file, naming it as the user will recognise it."""

    name: str
    problems: list[Problem]
    count: int = field(default=0)

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))
        self.count += 1

    def warn(self, line: int | None, message: str) -> None:
        problem = Problem(self.name, line, message, warning=True)
        if problem not in self.problems[-4:]:  # the same value checked twice (a source's title)
            self.problems.append(problem)

    def error_keeping(self, line: int | None, message: str) -> None:
        """An error that does not leave the finding out (it is not the finding's own fault)."""
        self.problems.append(Problem(self.name, line, message))


def _display(root: Path, rel: str) -> str:
    return str(root / rel)


def _known_keys(report: _Report, data: LineDict, allowed: frozenset[str], what: str) -> None:
    for key in data:
        if key not in allowed:
            hint = _did_you_mean(str(key), allowed)
            report.error(data.line_of(key), f"unknown key '{key}' in {what}{hint}")
    for key, line in data.duplicates:
        report.error(line, f"key '{key}' appears twice in {what}; the second one wins in YAML")


def _did_you_mean(key: str, allowed: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(report: _Report, data: LineDict, key: str, what: str, *, required: bool) -> str | None:
    value = data.get(key)
    if value.__class__ is str:  # the usual case, first: a million values in a large library
        value = value.strip()
        if value or not required:
            return value
        report.error(data.line_of(key), f"'{key}' of {what} is empty")
        return None
    if value is None:  # absent, or written empty
        if required:
            report.error(data.line, f"{what} has no '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        report.error(data.line_of(key), f"'{key}' of {what} should be text, not {type_name(value)}")
        return None
    if not isinstance(value, str):
        value = _number_text(report, data.line_of(key), value, f"'{key}' of {what}", f"{key}: ")
    value = value.strip()
    if required and not value:
        report.error(data.line_of(key), f"'{key}' of {what} is empty")
        return None
    return value


def _string_list(report: _Report, data: LineDict, key: str, what: str) -> list[tuple[str, int]]:
    """A list of text items with their lines; a single text is accepted as a one-item list."""
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [(value.strip(), data.line_of(key))]
    if not isinstance(value, list):
        report.error(
            data.line_of(key), f"'{key}' of {what} should be a list, not {type_name(value)}"
        )
        return []
    if (
        isinstance(value, LineList)
        and len(value.item_lines) == len(value)
        and all(item.__class__ is str for item in value)
    ):  # the usual case: text items, each with its line
        return [(item.strip(), line) for item, line in zip(value, value.item_lines, strict=True)]
    items: list[tuple[str, int]] = []
    for i, item in enumerate(value):
        line = value.line_of(i) if isinstance(value, LineList) else data.line_of(key)
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            report.error(
                line, f"each item of '{key}' in {what} should be text, not {type_name(item)}"
            )
            return []
        if not isinstance(item, str):
            item = _number_text(report, line, item, f"an item of '{key}' in {what}", "")
        items.append((item.strip(), line))
    return items


def _number_text(report: _Report, line: int, value: float, label: str, quoted: str) -> str:
    """A number where text is wanted, as the file wrote it. Where YAML reads it as something
    else (``3.10`` as 3.1, ``007`` as 7, ``1:30`` as 90), a warning asks for quotes."""
    written = getattr(value, "written", None) or str(value)
    read = str(int(value)) if isinstance(value, int) else str(float(value))
    if written != read:
        report.warn(
            line,
            f"{label} is written as the number {written}, which YAML reads as {read}; it is "
            f'kept as written, but quote it so it stays text everywhere: {quoted}"{written}"',
        )
    return written


_UNREAD = object()  # a file that could not be read or parsed (its problem is reported)


def _load_file(root: Path, rel: str, problems: list[Problem]) -> Any:
    """The file's YAML, None for an empty file, or ``_UNREAD`` after reporting its problem."""
    report = _Report(_display(root, rel), problems)
    try:
        return load_yaml_file(root / rel, numbers_as_written=True)
    except YamlProblem as exc:
        report.error(exc.line, exc.message)
        return _UNREAD


# --- library.yaml -------------------------------------------------------------------------


def _load_library_meta(root: Path, lib: Library) -> dict[str, int]:
    """Fill title, description and themes; return each theme's line for later checks."""
    report = _Report(_display(root, "library.yaml"), lib.problems)
    lib.title = root.name  # until library.yaml gives one
    data = _load_file(root, "library.yaml", lib.problems)
    theme_lines: dict[str, int] = {}
    if data is _UNREAD:
        return theme_lines
    if data is None:
        report.error(None, "library.yaml is empty: it needs a title and a list of themes")
        return theme_lines
    if not isinstance(data, LineDict):
        report.error(
            1, f"library.yaml should be a mapping with title and themes, not {type_name(data)}"
        )
        return theme_lines
    _known_keys(report, data, LIBRARY_KEYS, "library.yaml")
    lib.title = _text(report, data, "title", "the library", required=True) or root.name
    lib.description = _text(report, data, "description", "the library", required=False) or ""
    if "read-only" in data and not isinstance(data["read-only"], bool):
        report.error(
            data.line_of("read-only"),
            f"'read-only' should be true or false, not {type_name(data['read-only'])}",
        )
    themes = data.get("themes")
    if not isinstance(themes, LineList) or not themes:
        report.error(data.line_of("themes"), "library.yaml needs a list of themes under 'themes:'")
        return theme_lines
    for i, item in enumerate(themes):
        line = themes.line_of(i)
        if not isinstance(item, LineDict):
            report.error(
                line, f"each theme should be a mapping with id and label, not {type_name(item)}"
            )
            continue
        _known_keys(report, item, THEME_KEYS, "a theme")
        tid = _text(report, item, "id", "a theme", required=True)
        label = _text(report, item, "label", f"theme '{tid}'", required=True)
        if tid is None:
            continue
        if not ID_PATTERN.match(tid):
            report.error(item.line_of("id"), f"theme id '{tid}' may use only a-z, 0-9 and '-'")
            continue
        if tid in theme_lines:
            report.error(
                item.line_of("id"), f"theme id '{tid}' is already used on line {theme_lines[tid]}"
            )
            continue
        theme_lines[tid] = item.line_of("id")
        description = _text(report, item, "description", f"theme '{tid}'", required=False)
        lib.themes.append(Theme(tid, label or tid, description or ""))
    return theme_lines


# --- sources.yaml -------------------------------------------------------------------------


def _check_names(report: _Report, ref: LineDict, key: str, sid: str) -> bool:
    names = ref[key]
    what = f"'{key}' of source '{sid}'"
    if not isinstance(names, LineList):
        report.error(ref.line_of(key), f"{what} should be a list of names, not {type_name(names)}")
        return False
    ok = True
    for i, name in enumerate(names):
        line = names.line_of(i)
        if not isinstance(name, LineDict) or not all(isinstance(v, str) for v in name.values()):
            report.error(
                line, f"each name in {what} should be a mapping (family/given or literal) of text"
            )
            ok = False
            continue
        before = report.count
        _known_keys(report, name, NAME_KEYS, f"a name in {what}")
        if not (name.get("family") or name.get("literal")):
            report.error(
                line,
                f"each name in {what} needs 'family' (a person) or 'literal' (an organisation)",
            )
        ok = ok and report.count == before
    return ok


def _check_date(report: _Report, ref: LineDict, key: str, sid: str) -> bool:
    date = ref[key]
    what = f"'{key}' of source '{sid}'"
    if not isinstance(date, LineDict):
        report.error(
            ref.line_of(key), f"{what} should be a mapping such as {{date-parts: [[2015, 5]]}}"
        )
        return False
    before = report.count
    _known_keys(report, date, frozenset({"date-parts", "literal", "season", "circa", "raw"}), what)
    for sub in ("literal", "season", "circa", "raw"):
        if sub in date and isinstance(date[sub], (list, dict)):
            report.error(
                date.line_of(sub), f"'{sub}' in {what} should be text, not {type_name(date[sub])}"
            )
    parts = date.get("date-parts")
    if parts is None:
        return report.count == before
    ok = (
        isinstance(parts, list)
        and 1 <= len(parts) <= 2
        and all(
            isinstance(p, list)
            and 1 <= len(p) <= 3
            and all(isinstance(n, int) and not isinstance(n, bool) for n in p)
            for p in parts
        )
    )
    if not ok:
        report.error(
            date.line_of("date-parts"),
            f"'date-parts' of source '{sid}' should look like [[2015, 5, 6]]",
        )
        return False
    year, *rest = parts[0]
    if (
        not 1000 <= year <= 9999
        or (rest and not 1 <= rest[0] <= 12)
        or (len(rest) > 1 and not 1 <= rest[1] <= 31)
    ):
        report.error(
            date.line_of("date-parts"), f"'date-parts' of source '{sid}' is not a real date"
        )
        return False
    return report.count == before


class _TextRef(NamedTuple):
    """A source's text as the findings need it (plain data: it goes to worker processes)."""

    sid: str
    path: str | None  # the text file, when it was read without a problem
    shown: str | None  # its path as sources.yaml gives it
    problem_at: str | None  # "sources.yaml:LINE" when the source's text has a problem


def _source_text(
    report: _Report, root: Path, ref: LineDict, sid: str, lib: Library, texts: dict[str, str]
) -> _TextRef:
    """Check and read the text of a source; its problem is reported once, at its line."""
    no_text = _TextRef(sid, None, None, None)
    if ref.get("text") is None:
        return no_text
    line = ref.line_of("text")
    failed = _TextRef(sid, None, "its text file", f"{Path(report.name).name}:{line}")
    rel = _text(report, ref, "text", f"source '{sid}'", required=False)
    if rel is None:
        return failed
    failed = failed._replace(shown=rel)
    if not rel:
        report.error(line, f"'text' of source '{sid}' is empty")
        return failed
    if "\0" in rel:
        report.error(line, f"'text' of source '{sid}' contains a NUL character")
        return failed
    candidate = Path(rel)
    if candidate.is_absolute():
        report.error(
            line, f"'text' of source '{sid}' must be a path relative to the library folder"
        )
        return failed
    path = root / candidate
    lib.read_files[str(path)] = file_stamp(path)  # before it is looked at, for the cache
    # realpath, not Path.resolve: it never raises for a link loop or an over-long name (the read
    # below names those), and symbolic links inside the folder that lead out of it are caught.
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        report.error(line, f"'text' of source '{sid}' points outside the library folder ({rel})")
        return failed
    try:
        texts[sid] = read_source_text(path)
    except UnreadableFile as exc:
        if exc.message == "file not found" or exc.message.startswith("file not found ("):
            report.error(line, f"text file of source '{sid}' not found: {rel}")
        else:
            message = exc.message.replace(
                "expected a file but found a folder", "is a folder, not a text file"
            )
            report.error(line, f"text file of source '{sid}' ({rel}) {message}")
        return failed
    return _TextRef(sid, str(path), rel, None)


def _page_labels(
    report: _Report, ref: LineDict, sid: str, text: str | None
) -> tuple[str, ...] | None:
    """The printed label of each page of the source's text (``page-labels:``), checked against
    the pages the text has (see core/pages.py)."""
    if ref.get("page-labels") is None:
        return None
    entries = _string_list(report, ref, "page-labels", f"source '{sid}'")
    line = ref.line_of("page-labels")
    try:
        labels = expand_page_labels([e for e, _ in entries])
    except PageLabelError as exc:
        report.error(line, f"'page-labels' of source '{sid}': {exc}")
        return None
    if text is not None and len(labels) != page_count(text):
        report.warn(
            line,
            f"'page-labels' of source '{sid}' name {len(labels)} pages but its text has "
            f"{page_count(text)} (pages are separated by form feeds)",
        )
    return tuple(labels) or None


def _evidence_strength(report: _Report, ref: LineDict, sid: str) -> EvidenceStrength | None:
    """The source's ``evidence-strength:`` (design, Maryland level, EMMIE notes), checked. With
    any error in it none of it is used: a strength shown must be the one the curator meant."""
    data = ref.get("evidence-strength")
    if data is None:
        return None
    what = f"the evidence strength of source '{sid}'"
    if not isinstance(data, LineDict):
        report.error(
            ref.line_of("evidence-strength"),
            f"'evidence-strength' of source '{sid}' should be a mapping with 'design', "
            f"'maryland' and/or 'emmie', not {type_name(data)}",
        )
        return None
    before = report.count
    _known_keys(report, data, STRENGTH_KEYS, what)
    design = _text(report, data, "design", what, required=False) or None
    level = data.get("maryland")
    if level is not None and (
        isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= MARYLAND_MAX
    ):
        shown = getattr(level, "written", None) or (
            f"'{level}'" if isinstance(level, str) else type_name(level)
        )
        report.error(
            data.line_of("maryland"),
            f"'maryland' of source '{sid}' should be a Maryland Scientific Methods Scale level, "
            f"a whole number from 1 to {MARYLAND_MAX}, not {shown}",
        )
    notes: list[tuple[str, str]] = []
    emmie = data.get("emmie")
    if emmie is not None and not isinstance(emmie, LineDict):
        report.error(
            data.line_of("emmie"),
            f"'emmie' of source '{sid}' should be a mapping of notes under effect, mechanism, "
            f"moderators, implementation and economic-cost, not {type_name(emmie)}",
        )
    elif emmie is not None:
        _known_keys(report, emmie, EMMIE_KEYS, f"the EMMIE notes of source '{sid}'")
        for key, _heading in EMMIE:
            note = _text(report, emmie, key, f"the EMMIE notes of source '{sid}'", required=False)
            if note:
                notes.append((key, note))
    if report.count > before:
        return None
    if design is None and level is None and not notes:
        report.warn(
            ref.line_of("evidence-strength"),
            f"'evidence-strength' of source '{sid}' is empty: give its design, its Maryland "
            "level or EMMIE notes, or leave the key out",
        )
        return None
    return EvidenceStrength(design, int(level) if level is not None else None, tuple(notes))


def _default_short(csl: dict[str, Any], sid: str) -> str:
    authors = csl.get("author") or []
    name = ""
    if authors and isinstance(authors[0], dict):
        name = str(authors[0].get("family") or authors[0].get("literal") or "")
    year = ""
    parts = (
        (csl.get("issued") or {}).get("date-parts") if isinstance(csl.get("issued"), dict) else None
    )
    if parts and parts[0]:
        year = str(parts[0][0])
    return " ".join(x for x in (name, year or "n.d.") if x) if name else sid


def _plain(value: Any) -> Any:
    """Line-keeping containers to plain dicts and lists (for a source's CSL data)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, WrittenInt):
        return int(value)
    if isinstance(value, WrittenFloat):
        return float(value)
    return value


def _load_sources(
    root: Path, lib: Library, texts: dict[str, str]
) -> tuple[dict[str, int], list[_TextRef]]:
    """Fill the sources; return each one's line and its text, read into ``texts``."""
    rel = "sources.yaml"
    report = _Report(_display(root, rel), lib.problems)
    data = _load_file(root, rel, lib.problems)
    lines: dict[str, int] = {}
    refs_out: list[_TextRef] = []
    if data is _UNREAD:
        return lines, refs_out
    if data is None:
        report.error(None, "sources.yaml is empty: it needs a list of sources under 'references:'")
        return lines, refs_out
    if not isinstance(data, LineDict) or not isinstance(data.get("references"), LineList):
        report.error(
            getattr(data, "line", 1) or 1,
            "sources.yaml should hold a list of sources under 'references:'",
        )
        return lines, refs_out
    _known_keys(report, data, frozenset({"references"}), "sources.yaml")
    allowed = SOURCE_EXTRA_KEYS | CSL_TEXT_VARIABLES | CSL_NAME_VARIABLES | CSL_DATE_VARIABLES
    refs: LineList = data["references"]
    for i, ref in enumerate(refs):
        if not isinstance(ref, LineDict):
            report.error(refs.line_of(i), f"each source should be a mapping, not {type_name(ref)}")
            continue
        sid = _text(report, ref, "id", "a source", required=True)
        if sid is None:
            continue
        if not ID_PATTERN.match(sid):
            report.error(ref.line_of("id"), f"source id '{sid}' may use only a-z, 0-9 and '-'")
            continue
        if sid in lines:
            report.error(
                ref.line_of("id"), f"source id '{sid}' is already used on line {lines[sid]}"
            )
            continue
        _known_keys(report, ref, allowed, f"source '{sid}'")
        stype = _text(report, ref, "type", f"source '{sid}'", required=True)
        if stype is not None and stype not in CSL_TYPES:
            report.error(
                ref.line_of("type"),
                f"'{stype}' is not a CSL type (e.g. report, book, speech, article-journal)",
            )
        _text(report, ref, "title", f"source '{sid}'", required=True)
        valid: list[str] = []
        as_written: dict[str, str] = {}
        for key in ref:
            if key in CSL_NAME_VARIABLES:
                ok = _check_names(report, ref, key, sid)
            elif key in CSL_DATE_VARIABLES:
                ok = _check_date(report, ref, key, sid)
            elif key in CSL_TEXT_VARIABLES or key in ("id", "type"):
                value = ref[key]
                ok = not isinstance(value, (list, dict))
                if not ok:
                    report.error(
                        ref.line_of(key),
                        f"'{key}' of source '{sid}' should be text, not {type_name(value)}",
                    )
                elif isinstance(value, (WrittenInt, WrittenFloat)):
                    # CSL allows numbers (volume: 3); one YAML would change is kept as written.
                    label = f"'{key}' of source '{sid}'"
                    written = _number_text(report, ref.line_of(key), value, label, f"{key}: ")
                    if written != str(_plain(value)):
                        as_written[key] = written
            else:
                ok = False  # unknown keys are reported above; "text"/"short" are read below
            if ok:
                valid.append(key)
        text = _source_text(report, root, ref, sid, lib, texts)
        labels = _page_labels(report, ref, sid, texts.get(sid))
        short = _text(report, ref, "short", f"source '{sid}'", required=False)
        strength = _evidence_strength(report, ref, sid)
        lines[sid] = ref.line_of("id")
        # Only validated values are kept, so nothing unbounded (an alias bomb) is ever walked.
        csl = {k: as_written[k] if k in as_written else _plain(ref[k]) for k in valid}
        text_path = Path(text.path) if text.path else None
        lib.sources.append(
            Source(sid, csl, short or _default_short(csl, sid), text_path, labels, strength)
        )
        refs_out.append(text)
    return lines, refs_out


# --- findings/*.yaml ----------------------------------------------------------------------


@dataclass
class _FindingContext:
    root: Path
    sources: dict[str, _TextRef]
    theme_ids: frozenset[str]
    texts: dict[str, str]  # texts already read (in this process)
    folded: dict[str, FoldedText | str]  # folded text, or why it could not be read
    # Where the last quote checked against each source's text starts (see find_quote).
    near: dict[str, int] = field(default_factory=dict)


def _folded_source(ctx: _FindingContext, ref: _TextRef) -> FoldedText | str:
    """The source's folded text, or the reason it cannot be read now (a worker process reads it
    again: it may have changed since sources.yaml was checked)."""
    if ref.sid not in ctx.folded:
        text = ctx.texts.get(ref.sid)
        if text is None:
            try:
                text = read_source_text(ref.path or "")
            except UnreadableFile as exc:
                # info, not warning: in a worker process nothing is set up to log, and Python
                # would print a warning to the terminal. The finding reports it.
                log.info("Cannot read the text of source %s: %s", ref.sid, exc.message)
                ctx.folded[ref.sid] = exc.message
                return exc.message
        ctx.folded[ref.sid] = FoldedText.of(text)
    return ctx.folded[ref.sid]


def _retired_finding(report: _Report, item: LineDict) -> str | None:
    """The id of a retired finding (``retired: <date>``), checked only for its shape: it is kept
    so its id is never used again, not read as evidence (its quote is not checked)."""
    fid = item.get("id")
    what = f"finding '{fid}'" if isinstance(fid, str) else "a finding"
    before = report.count
    _known_keys(report, item, FINDING_KEYS, what)
    fid = _text(report, item, "id", what, required=True)
    if fid is not None and not ID_PATTERN.match(fid):
        report.error(item.line_of("id"), f"finding id '{fid}' may use only a-z, 0-9 and '-'")
    value = item["retired"]
    if not (isinstance(value, _dt.date) or _iso_date(value)):
        report.error(
            item.line_of("retired"),
            f"'retired' of {what} should be the date it was retired, such as retired: 2025-03-03",
        )
    _text(report, item, "retired-reason", what, required=False)
    return fid if report.count == before else None


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        _dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _parse_finding(report: _Report, ctx: _FindingContext, item: LineDict) -> Finding | None:
    before = report.count
    fid = item.get("id")
    what = f"finding '{fid}'" if isinstance(fid, str) else "a finding"
    _known_keys(report, item, FINDING_KEYS, what)
    if "retired-reason" in item:
        report.error(
            item.line_of("retired-reason"),
            f"{what} has a 'retired-reason' but no 'retired' date; add retired: <date> or "
            "remove the reason",
        )
    for key in FINDING_REQUIRED:
        if key not in item or item[key] is None:
            report.error(item.line, f"{what} has no '{key}'")
    fid = _text(report, item, "id", what, required=False)
    if fid is not None and not ID_PATTERN.match(fid):
        report.error(item.line_of("id"), f"finding id '{fid}' may use only a-z, 0-9 and '-'")
    sid = _text(report, item, "source", what, required=False)
    source = ctx.sources.get(sid) if sid else None
    if sid and source is None:
        report.error(item.line_of("source"), f"source '{sid}' of {what} is not in sources.yaml")
    kind = _text(report, item, "kind", what, required=False)
    if kind is not None and kind not in KINDS:
        report.error(
            item.line_of("kind"), f"kind '{kind}' of {what} should be one of: {', '.join(KINDS)}"
        )
    text = _text(report, item, "text", what, required=False)
    if "text" in item and item["text"] is not None and text == "":
        report.error(item.line_of("text"), f"the text of {what} is empty")
    speaker = _text(report, item, "speaker", what, required=False)
    note = _text(report, item, "note", what, required=False)
    locator = _parse_locator(report, item, what)
    themes = []
    for theme, line in _string_list(report, item, "themes", what):
        if theme not in ctx.theme_ids:
            report.error(line, f"theme '{theme}' of {what} is not in library.yaml")
        elif theme in themes:
            report.error(line, f"theme '{theme}' is listed twice in {what}")
        else:
            themes.append(theme)
    if "themes" in item and item["themes"] is not None and not themes and report.count == before:
        report.error(item.line_of("themes"), f"{what} needs at least one theme")
    places = tuple(p for p, _ in _string_list(report, item, "places", what) if p)
    verified = False
    if source is not None and text:
        verified = _check_quote(report, ctx, source, item.line_of("text"), text, what)
    if (
        report.count > before
        or fid is None
        or sid is None
        or kind is None
        or not text
        or locator is None
    ):
        return None
    return Finding(
        id=fid,
        source=sid,
        kind=kind,
        text=text,
        locator=locator,
        themes=tuple(themes),
        places=places,
        speaker=speaker or None,
        note=note or None,
        file=report.name,
        line=item.line,
        verified=verified,
    )


def _check_quote(
    report: _Report, ctx: _FindingContext, source: _TextRef, line: int, text: str, what: str
) -> bool:
    """Whether the quote is word for word in its source's text. A quote that cannot be checked
    is an error (never silently passed over); the finding still loads, unverified, because the
    fault is the source text's. A source with no text at all is a warning, given once."""
    if source.problem_at is not None:
        report.error_keeping(
            line,
            f"the text of {what} could not be checked against {source.shown}: "
            f"see {source.problem_at}",
        )
        return False
    if source.path is None:
        return False
    folded = _folded_source(ctx, source)
    if isinstance(folded, str):
        report.error_keeping(
            line, f"the text of {what} could not be checked against {source.shown}: it {folded}"
        )
        return False
    span = folded.find_quote(text, ctx.near.get(source.sid, 0))
    if span is not None:
        ctx.near[source.sid] = span[0]  # the next quote is most likely after this one
        return True
    report.error(
        line,
        f"the text of {what} is not word for word in {Path(source.path).name}"
        " (only white space may differ; mark left-out words with …)",
    )
    return False


def _parse_locator(report: _Report, item: LineDict, what: str) -> Locator | None:
    loc = item.get("locator")
    if loc is None:
        return None
    if not isinstance(loc, LineDict):
        report.error(
            item.line_of("locator"),
            f"'locator' of {what} should be a mapping such as {{label: section, value: \"4\"}}",
        )
        return None
    _known_keys(report, loc, LOCATOR_KEYS, f"the locator of {what}")
    label = _text(report, loc, "label", f"the locator of {what}", required=True)
    value = _text(report, loc, "value", f"the locator of {what}", required=True)
    title = _text(report, loc, "title", f"the locator of {what}", required=False)
    if label is not None and label not in LOCATOR_LABELS:
        report.error(
            loc.line_of("label"),
            f"locator label '{label}' should be one of: {', '.join(LOCATOR_LABELS)}",
        )
        return None
    if label is None or value is None:
        return None
    return Locator(label, value, title or None)


# Findings files above this total size are read by worker processes, one file at a time.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
SourceRefs = tuple[_TextRef, ...]


def _read_findings_file(
    root: str,
    rel: str,
    sources: SourceRefs,
    theme_ids: frozenset[str],
    texts: dict[str, str] | None = None,
    folded: dict[str, FoldedText | str] | None = None,
) -> tuple[list[Finding], list[Problem], list[tuple[str, int]]]:
    """Parse and validate one findings file: its findings, problems and retired findings' (id,
    line). Runs in a worker process for large libraries (which reads the source texts again);
    in this process, ``texts`` and ``folded`` are shared."""
    with gc_paused():
        base = Path(root)
        problems: list[Problem] = []
        ctx = _FindingContext(
            root=base,
            sources={ref.sid: ref for ref in sources},
            theme_ids=theme_ids,
            texts=texts if texts is not None else {},
            folded=folded if folded is not None else {},
        )
        report = _Report(_display(base, rel), problems)
        findings: list[Finding] = []
        retired: list[tuple[str, int]] = []
        data = _load_file(base, rel, problems)
        if data is _UNREAD:
            return findings, problems, retired
        if data is None:
            report.warn(None, "this findings file is empty (it has no findings)")
            return findings, problems, retired
        if not isinstance(data, LineList):
            report.error(
                getattr(data, "line", 1) or 1,
                f"a findings file should be a list of findings, not {type_name(data)}",
            )
            return findings, problems, retired
        for i, item in enumerate(data):
            if not isinstance(item, LineDict):
                report.error(
                    data.line_of(i),
                    f"each finding should be a mapping (id, source, kind, text, ...), not {type_name(item)}",
                )
                continue
            if item.get("retired") is not None:
                rid = _retired_finding(report, item)
                if rid is not None:
                    retired.append((rid, item.line))
                continue
            finding = _parse_finding(report, ctx, item)
            if finding is not None:
                findings.append(finding)
        return findings, problems, retired


class FileRead(NamedTuple):
    """A findings file read: its findings, problems, retired findings' (id, line), and its
    index part. A worker process asked for the part sends the part alone, with its findings
    as columns (``findings`` None): building, pickling and unpickling every finding again in
    the opening process would cost more than the rest of its work."""

    findings: list[Finding] | None
    problems: list[Problem]
    retired: list[tuple[str, int]]
    part: IndexPart | None


def _read_in_worker(
    root: str, rel: str, sources: SourceRefs, themes: tuple[str, ...], index: tuple[str, ...] | None
) -> FileRead:
    """A worker process's work: one findings file read and, given the library's source ids in
    ``index``, its findings indexed for the filter and made into the cache entry's columns
    while they are at hand (the parent joins the parts instead of handling every finding)."""
    findings, problems, retired = _read_findings_file(root, rel, sources, frozenset(themes))
    if index is None:
        return FileRead(findings, problems, retired, None)
    with gc_paused():
        part = index_part(findings, themes, index, packed=True)
    return FileRead(None, problems, retired, part)


def _worker_started() -> None:
    """A worker process's first task: by the time it runs, the process has started and imported
    this module (unpickling the task does), ready for the findings files."""


@contextlib.contextmanager
def _worker_pool(files: list[Path]) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes to read a large library's findings ``files``, on every core; None for a
    small library (starting workers would cost more than it saves). They are started first, so
    that each new interpreter starts and imports the loader (about half a second) while this
    process reads library.yaml and sources.yaml, and are stopped when the load ends, also
    when it is cancelled.

    "spawn", never "fork": the caller may be the desktop app with Qt's threads running. If the
    workers cannot be started, the files are read here."""
    workers = min(os.cpu_count() or 1, len(files), 8)
    if workers < 2 or sum(_size(p) for p in files) < PARALLEL_MIN_BYTES:
        yield None
        return
    pool: ProcessPoolExecutor | None = None
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )
        for _ in range(workers):  # each task submitted to a busy pool starts one more process
            pool.submit(_worker_started)
    except (OSError, BrokenProcessPool, RuntimeError):
        log.warning("Worker processes cannot be started; reading the findings here", exc_info=True)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        pool = None
    try:
        yield pool
    finally:
        # Also when the load stops early (cancelled): files not started are dropped.
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _read_all(
    root: Path,
    rels: list[str],
    sources: SourceRefs,
    themes: tuple[str, ...],
    pool: ProcessPoolExecutor | None,
    texts: dict[str, str],
    index: tuple[str, ...] | None = None,
    reuse: dict[str, FileRead] | None = None,
) -> Generator[FileRead, None, None]:
    """Each findings file's findings and problems, in order, as each is ready (so the caller
    can report progress and stop between files), read by the worker processes of ``pool`` if
    there are any; given the library's source ids in ``index``, the index part of the files
    read by worker processes (None for those read here). The files in ``reuse`` are not read:
    their reads from the last open are given again (see :class:`_KeptReads`)."""
    reuse = reuse or {}
    theme_ids = frozenset(themes)
    futures: dict[str, Future[FileRead]] = {}
    working = pool is not None
    if pool is not None:
        try:
            for rel in rels:
                if rel not in reuse:
                    futures[rel] = pool.submit(
                        _read_in_worker, str(root), rel, sources, themes, index
                    )
        except (OSError, BrokenProcessPool, RuntimeError):
            log.warning("Worker processes failed; reading the findings here", exc_info=True)
            working = False
    folded: dict[str, FoldedText | str] = {}
    try:
        for rel in rels:
            kept = reuse.get(rel)
            if kept is not None:
                # A copy of its problems: the caller adds the library-wide ones to the list.
                yield kept._replace(problems=list(kept.problems))
                continue
            future = futures.get(rel)
            if working and future is not None:
                # Any trouble with the workers falls back to reading the files not yet read here.
                try:
                    result = future.result()
                except (OSError, BrokenProcessPool, RuntimeError):
                    log.warning("Worker processes failed; reading the findings here", exc_info=True)
                    working = False
                else:
                    yield result
                    continue
            yield FileRead(
                *_read_findings_file(str(root), rel, sources, theme_ids, texts, folded), None
            )
    finally:
        for future in futures.values():  # when the caller stops early (a cancelled load)
            future.cancel()


Stamp = tuple[int, int, int, int, int]


def file_stamp(path: Path | str) -> Stamp:
    """The state of a file as the cache compares it: size, modification and change times, inode
    and device, through symbolic links; ``(-1, errno, 0, 0, 0)`` when it cannot be looked at."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return (-1, exc.errno or 0, 0, 0, 0)
    except ValueError:  # a NUL character
        return (-1, 0, 0, 0, 0)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def library_files(root: Path) -> list[Path]:
    """Every file the loader reads for the library at ``root`` apart from the source texts (which
    sources.yaml names: the loader records those, with these, in ``Library.read_files``):
    library.yaml, sources.yaml and the findings files, in reading order."""
    return [root / "library.yaml", root / "sources.yaml", *findings_files(root)[0]]


def findings_files(root: Path) -> tuple[list[Path], str | None]:
    """The findings files the loader reads, in order, and why the folder cannot be listed.

    Every ``findings/*.yaml`` then ``*.yml`` whose name does not start with ``.``: hidden files
    (an editor's swap or backup file, a draft kept aside) are neither read nor keyed by the cache.
    Anything else with such a name (a folder, a pipe, a broken link) is listed, so the loader
    names it instead of passing over it in silence.
    """
    folder = root / "findings"
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        try:
            what = "a file" if os.path.isfile(folder) else None
        except ValueError:
            what = None
        if what:
            return [], "should be the folder of findings files, but it is a file"
        return [], "folder of findings not found"
    except OSError as exc:
        reason = _reason(exc).replace("cannot be read", "this folder cannot be read", 1)
        return [], f"{reason}, so no findings were loaded from it"
    except ValueError:  # a NUL in the library folder's name
        return [], "folder of findings not found"
    yaml = sorted(n for n in names if n.endswith(".yaml"))
    yml = sorted(n for n in names if n.endswith(".yml"))
    return [folder / n for n in yaml + yml], None


class _KeptReads(NamedTuple):
    """The findings files as the last indexed open of a library read them, before the checks
    that need the whole library: a curation write changes one file, and the check after it
    reads that file again and takes the others' reads from here (their index parts and columns,
    problems and retired ids), then joins them and runs the library-wide checks as any open
    does. A file's read is reused only if its state (:func:`file_stamp`, taken before it was
    read) is the same now, and only while what every file is read against is the same: the
    library's theme ids, its sources' ids and texts, and the state of each text file."""

    root: str
    inputs: tuple[object, ...]
    files: dict[str, tuple[tuple[int, ...], FileRead]]  # by path relative to the folder


# One library's (the one being curated): its parts are held in memory as long as it is kept.
_kept: _KeptReads | None = None
_kept_lock = threading.Lock()


def _kept_reads(root: Path) -> _KeptReads | None:
    with _kept_lock:
        kept = _kept
    return kept if kept is not None and kept.root == str(root) else None


def _keep_reads(kept: _KeptReads | None) -> None:
    global _kept
    with _kept_lock:
        _kept = kept


def forget_kept_reads(but: Path | None = None) -> None:
    """Drop the reads kept from the last open (their memory goes with them), unless they are of
    the library in ``but``: another library is open now."""
    global _kept
    with _kept_lock:
        if _kept is not None and (but is None or _kept.root != str(but)):
            _kept = None


def _load_findings(
    root: Path,
    lib: Library,
    theme_lines: dict[str, int],
    sources: SourceRefs,
    source_lines: dict[str, int],
    texts: dict[str, str],
    steps: _Steps,
    pool: ProcessPoolExecutor | None,
    parts: list[IndexPart] | None = None,
    last: _KeptReads | None = None,
    more_workers: Callable[[list[Path]], ProcessPoolExecutor | None] | None = None,
) -> None:
    """Read the findings files (by the worker processes of ``pool``, if any); with ``parts``, also the filter index and the columns of each
    file's findings that load (one part each, in order), and no list of findings: the caller
    makes the library's findings the table of the parts' columns, and the files' reads are
    kept for the next open of the library that asks to reuse them (``last``: those of the last
    open, reused where the files are as they were then). When they cannot be reused after all,
    ``more_workers(files)`` starts worker processes to read every file."""
    folder = root / "findings"
    files, problem = findings_files(root)
    if problem is not None:
        lib.problems.append(Problem(str(folder), None, problem))
        return
    if not files:
        # A new library has none yet: nothing is wrong, there is only nothing to show.
        lib.problems.append(
            Problem(
                str(folder),
                None,
                "no findings files (*.yaml) in this folder yet: add a source document and make "
                "findings from it",
                warning=True,
            )
        )
        return
    for path in files:
        lib.read_files[str(path)] = file_stamp(path)
    themes = tuple(t.id for t in lib.themes)
    source_ids = tuple(s.id for s in lib.sources)
    rels = [p.relative_to(root).as_posix() for p in files]
    stamps = [lib.read_files[str(p)] for p in files]
    inputs = (themes, sources, tuple((r.path, lib.read_files.get(r.path or "")) for r in sources))
    reuse: dict[str, FileRead] = {}
    if last is not None and last.inputs == inputs:
        for rel, stamp in zip(rels, stamps, strict=True):
            was = last.files.get(rel)
            if was is not None and was[0] == stamp and stamp[0] >= 0:
                reuse[rel] = was[1]
    elif last is not None and more_workers is not None:
        pool = more_workers(files) if pool is None else pool
    reads: dict[str, tuple[tuple[int, ...], FileRead]] = {}
    seen: dict[str, str] = {}  # finding id -> "file:line" where first defined
    retired_ids: set[str] = set()
    used = _Used()
    steps.total = 2 + len(files)
    # Closed at once when the load is cancelled, so the worker processes stop then, not later.
    index = source_ids if parts is not None else None
    reading = contextlib.closing(_read_all(root, rels, sources, themes, pool, texts, index, reuse))
    loaded: list[Finding] = []
    if parts is None:
        lib.findings = loaded
    folded: dict[str, FoldedText | str] = {}  # for a file read again here
    with reading as results:
        for i, read in enumerate(results):
            steps.step()
            name = _display(root, rels[i])
            if parts is not None:  # as read, before the checks below add to its problems
                reads[rels[i]] = (stamps[i], read._replace(problems=list(read.problems)))
            ids: list[str] = []
            if read.findings is None and read.part is not None and read.part.columns is not None:
                ids = run_ids(read.part.columns)
                if _reuses_an_id(ids, read.retired, seen):
                    # Some of its findings are to be left out: read here, as findings, to do that.
                    again = _read_findings_file(
                        str(root), rels[i], sources, frozenset(themes), texts, folded
                    )
                    read = FileRead(*again, None)
            problems = read.problems
            for rid, line in read.retired:
                if rid in seen:
                    problems.append(
                        Problem(
                            name,
                            line,
                            f"finding id '{rid}' is already used at {seen[rid]}; a retired "
                            "finding keeps its id, and ids are never reused",
                        )
                    )
                    continue
                seen[rid] = f"{name}:{line} (retired)"
                retired_ids.add(rid)
            if read.findings is None and read.part is not None and read.part.columns is not None:
                # Read by a worker process: the findings are in the part, as columns.
                columns = read.part.columns
                _admit(name, ids, columns.lines.tolist(), seen, problems)
                used.add_part(read.part, themes, source_ids)
                if parts is not None:
                    parts.append(read.part)
            else:
                findings = read.findings or []
                keep = _admit(
                    name, [f.id for f in findings], [f.line for f in findings], seen, problems
                )
                kept = [f for f, ok in zip(findings, keep, strict=True) if ok]
                if parts is None:
                    loaded.extend(kept)
                    used.add_findings(kept)
                else:
                    part = index_part(kept, themes, source_ids, packed=True)
                    used.add_part(part, themes, source_ids)
                    parts.append(part)
            problems.sort(key=lambda p: p.line or 0)
            lib.problems.extend(problems)
    lib.retired_ids = frozenset(retired_ids)
    if parts is not None:
        _keep_reads(_KeptReads(str(root), inputs, reads))
    if lib.themes and used.findings:
        for tid, line in theme_lines.items():
            if tid not in used.themes:
                # A warning: a theme just added has no findings yet.
                lib.problems.append(
                    Problem(
                        _display(root, "library.yaml"),
                        line,
                        f"theme '{tid}' has no findings",
                        warning=True,
                    )
                )
    _warn_unchecked(root, lib, sources, source_lines, used.sources)
    _warn_no_access_date(root, lib, source_lines)


def _admit(
    name: str, ids: list[str], lines: list[int], seen: dict[str, str], problems: list[Problem]
) -> list[bool]:
    """Which of a file's findings (``ids`` at ``lines``) load: an id already used (by an earlier
    finding, retired or not) leaves the finding out, with a problem at its line."""
    keep = []
    for fid, line in zip(ids, lines, strict=True):
        if fid in seen:
            problems.append(
                Problem(name, line, f"finding id '{fid}' is already used at {seen[fid]}")
            )
            keep.append(False)
            continue
        seen[fid] = f"{name}:{line}"
        keep.append(True)
    return keep


def _reuses_an_id(ids: list[str], retired: list[tuple[str, int]], seen: dict[str, str]) -> bool:
    """Whether :func:`_admit` would leave out any of a file's findings (``ids``), after its
    ``retired`` findings."""
    return (
        len(set(ids)) != len(ids)
        or not seen.keys().isdisjoint(ids)
        or not {rid for rid, _ in retired}.isdisjoint(ids)
    )


class _Used:
    """The themes and sources the loaded findings use, for the checks made once all are in."""

    def __init__(self) -> None:
        self.findings = 0
        self.themes: set[str] = set()
        self.sources: dict[str, int] = {}  # how many findings each has, in order of first use

    def add_findings(self, findings: list[Finding]) -> None:
        self.findings += len(findings)
        for f in findings:
            self.themes.update(f.themes)
            self.sources[f.source] = self.sources.get(f.source, 0) + 1

    def add_part(self, part: IndexPart, themes: tuple[str, ...], sources: tuple[str, ...]) -> None:
        """The same from a part's codes (positions in the library's ``themes`` and ``sources``),
        without the findings."""
        self.findings += part.size
        self.themes.update(themes[c] for c in set(part.theme_val.tolist()))
        counts = np.bincount(part.source_code, minlength=len(sources)).tolist()
        for code in dict.fromkeys(part.source_code.tolist()):  # in order of first use
            sid = sources[code]
            self.sources[sid] = self.sources.get(sid, 0) + counts[code]


def _warn_unchecked(
    root: Path,
    lib: Library,
    sources: SourceRefs,
    source_lines: dict[str, int],
    counts: dict[str, int],
) -> None:
    """A source without a text (allowed) still says how many quotes that leaves unchecked
    (``counts``: how many findings each source has, in order of first use)."""
    without = {ref.sid for ref in sources if ref.path is None and ref.problem_at is None}
    for sid, n in counts.items():
        if sid not in without:
            continue
        lib.problems.append(
            Problem(
                _display(root, "sources.yaml"),
                source_lines.get(sid),
                f"source '{sid}' has no 'text:' (its plain text), so its {n} "
                f"finding{'s are' if n != 1 else ' is'} not checked word for word",
                warning=True,
            )
        )


def _warn_no_access_date(root: Path, lib: Library, source_lines: dict[str, int]) -> None:
    """An online source needs the date it was viewed (Cite Them Right: "Accessed: ..."): a source
    with a URL and no ``accessed`` date is a warning at its line."""
    for src in lib.sources:
        if src.csl.get("URL") and not src.csl.get("accessed"):
            lib.problems.append(
                Problem(
                    _display(root, "sources.yaml"),
                    source_lines.get(src.id),
                    f"source '{src.id}' has a URL but no 'accessed:' date (when it was viewed, "
                    "e.g. accessed: {date-parts: [[2025, 3, 3]]}); references cite it without one",
                    warning=True,
                )
            )


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the read names the problem


def library_folder_problem(root: Path) -> str | None:
    """Why ``root`` cannot be a library folder, or None."""
    try:
        st = os.stat(root)
    except ValueError:
        return "cannot be a library folder: the name contains a NUL character"
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "library folder not found"
        return f"library folder {_reason(exc)}"
    if stat.S_ISDIR(st.st_mode):
        return None
    if stat.S_ISREG(st.st_mode):
        return "is a file, not a library folder"
    return f"is {_kind(st.st_mode)}, not a library folder"


def load_library(
    root: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> Library:
    """Load a library folder. Never raises for bad content: see ``Library.problems``.

    ``progress(done, total)`` is called after each file read (library.yaml, sources.yaml, each
    findings file; ``total`` is known once the findings folder is listed). ``cancelled()`` is
    asked between files: once it is true the load stops with :class:`LoadCancelled`.
    """
    # Loading creates millions of objects that all live on: the cyclic garbage collector would
    # walk them over and over (about 40% of the load time at 100,000 findings) for nothing.
    with gc_paused():
        return _load_library(Path(root), _Steps(progress, cancelled))


def load_library_indexed(
    root: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    reuse: bool = False,
) -> tuple[Library, list[IndexPart]]:
    """:func:`load_library`, and the filter index of its findings in parts, for
    ``FilterIndex(library, parts=...)``: a large library's files are indexed by the worker
    processes that read them, on every core, while they read.

    The findings are the table a cached open gives (:class:`.library_columns.FindingTable`),
    joined from the columns each part holds: a worker process sends its file's findings only
    as columns, never as objects, and the table builds a finding when one is asked for."""
    parts: list[IndexPart] = []
    with gc_paused():
        return _load_library(Path(root), _Steps(progress, cancelled), parts, reuse), parts


def _run(part: IndexPart) -> tuple[RunColumns, Packed]:
    if part.columns is None or part.texts is None:
        raise ValueError("an index part without its findings' columns")
    return part.columns, part.texts


def _load_library(
    root: Path, steps: _Steps, parts: list[IndexPart] | None = None, reuse: bool = False
) -> Library:
    steps.check()
    lib = Library(root=root)
    problem = library_folder_problem(root)
    if problem is not None:
        lib.problems.append(Problem(str(root), None, problem))
        return lib
    files = findings_files(root)[0]
    if steps.progress is not None:  # how many files, for the progress from the start
        steps.total = 2 + len(files)
    kept = _kept_reads(root) if reuse and parts is not None else None
    to_read = files
    if kept is not None:  # worker processes only for the files changed since (as it looks now)
        was = {rel: stamp for rel, (stamp, _) in kept.files.items()}
        to_read = [p for p in files if was.get(p.relative_to(root).as_posix()) != file_stamp(p)]
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(_worker_pool(to_read))
        for path in library_files(root)[:2]:
            lib.read_files[str(path)] = file_stamp(path)
        theme_lines = _load_library_meta(root, lib)
        steps.step()
        texts: dict[str, str] = {}
        source_lines, sources = _load_sources(root, lib, texts)
        steps.step()
        _load_findings(
            root,
            lib,
            theme_lines,
            tuple(sources),
            source_lines,
            texts,
            steps,
            pool,
            parts,
            kept,
            lambda files: stack.enter_context(_worker_pool(files)),
        )
    if parts is not None:
        # The findings as a cached open gives them: a table of the parts' columns.
        lib.findings = finding_table([_run(p) for p in parts])
    lib.reindex()
    return lib
