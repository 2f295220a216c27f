"""Reading and writing briefing files (``*.briefing.yaml``); see ``docs/briefing-format.md``.

The app writes format version 2 (version 1 plus the committee front sheet and the marking's
descriptor; every earlier version is still read), which is the minimal hand-written form plus node ids, snapshots
of each quote and its source, so a briefing still opens and exports when its library changes or is
missing. Saves go through the one atomic writer (:mod:`.atomic`: temp file, then replace, through a
symbolic link, keeping the file's permissions), keep one backup, and refuse to overwrite a file
that changed on disk since it was opened.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from .atomic import write_bytes
from .briefing import (
    DECISIONS,
    METADATA_FIELDS,
    Briefing,
    EvidenceItem,
    FindingSnapshot,
    Item,
    NoteItem,
    Section,
)
from .files import UnreadableFile, read_regular_file
from .model import KINDS, LOCATOR_LABELS, Library, Locator, Problem
from .yamlio import LineDict, LineList, YamlProblem, load_yaml_file, type_name

FORMAT_VERSION = 2
SUFFIX = ".briefing.yaml"
# Metadata fields whose file key differs from the field's name.
FILE_KEYS = {
    "max_pages": "max-pages",
    "marking_descriptor": "marking-descriptor",
    "meeting_date": "meeting-date",
    "agenda_item": "agenda-item",
    "report_of": "report-of",
}
TOP_KEYS = frozenset(
    {"briefing", *(FILE_KEYS.get(f, f) for f in METADATA_FIELDS), "library", "sections", "sources"}
    | {"numbering", "template"}
)
# ``template:`` (format 2): the organisation's Word template or document.
TEMPLATE_SUFFIXES = (".docx", ".dotx")
# ``numbering:`` values (format 2): how the export numbers the officer's paragraphs.
NUMBERING_VALUES = ("paragraphs", "none")
# The dates, the page limit, the decision and the recommendations are checked on their own.
TEXT_KEYS = tuple(
    f
    for f in METADATA_FIELDS
    if f not in ("date", "max_pages", "meeting_date", "decision", "recommendations")
)
SECTION_KEYS = frozenset({"id", "heading", "text", "items", "sections"})
ITEM_KEYS = frozenset({"id", "finding", "comment", "note", "snapshot"})
SNAPSHOT_KEYS = frozenset({"text", "source", "kind", "locator", "speaker", "themes"})


class BriefingError(Exception):
    """A briefing file that cannot be read: every problem, each with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class FileChangedOnDisk(Exception):
    """The file was changed by someone else since it was opened; saving would overwrite that."""


class ItemState(Enum):
    OK = "ok"
    CHANGED = "changed"  # the library's text differs from the snapshot
    MISSING = "missing"  # not in the library any more, but the snapshot keeps it
    RETIRED = "retired"  # retired from the library by its curator; the snapshot keeps it
    UNKNOWN = "unknown"  # not in the library and no snapshot: cannot be exported


@dataclass
class _Reader:
    name: str
    problems: list[Problem]

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def keys(self, data: LineDict, allowed: frozenset[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(data.line_of(key), f"unknown key '{key}' in {what}")
        for key, line in data.duplicates:
            self.error(line, f"key '{key}' appears twice in {what}")

    def text(self, data: LineDict, key: str, what: str, *, exact: bool = False) -> str:
        """A text value; ``exact`` keeps the officer's own words as typed (no stripping)."""
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()[:10]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(
                data.line_of(key), f"'{key}' of {what} should be text, not {type_name(value)}"
            )
            return ""
        return value if exact and isinstance(value, str) else str(value).strip()


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


_OPEN_LIBRARY = (
    "open the library's folder with File → Open library… (on the command line: --library FOLDER)"
)
_NOT_BRIEFING = "not a briefing file"
_EXPORTED = (
    "Briefing Builder exports briefings as {what} but cannot read them back: open the "
    f"briefing's own {SUFFIX} file instead"
)
_ZIP_KINDS = (  # (a name inside the archive, what the file is)
    ("word/document.xml", "a Word document"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file (LibreOffice)"),
)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)
_FIRST_LINE = re.compile(r"^(?:[ \t]*(?:#.*)?\r?\n)*(.*)")


def not_a_briefing(path: Path) -> str | None:
    """What ``path`` is, and what to do, when it is plainly some other kind of file.

    Checked before a file is parsed as a briefing, so a Word document is not "not UTF-8 text"
    and a library's ``library.yaml`` is not a list of unknown keys. None when it may be a briefing
    (its own problems, if any, are then found by reading it).
    """
    try:
        if path.is_dir():
            if (path / "library.yaml").is_file():
                return f"this is an evidence library folder, {_NOT_BRIEFING}: {_OPEN_LIBRARY}"
            return None  # reading it says "expected a file but found a folder"
        raw = read_regular_file(path)
    except (OSError, UnreadableFile):
        return None  # reading it again names the problem
    what = _binary_kind(raw)
    if what is not None:
        if what in ("a Word document", "a PDF"):
            return f"this is {what}, {_NOT_BRIEFING}. " + _EXPORTED.format(
                what="Word documents" if what == "a Word document" else "PDFs"
            )
        return f"this is {what}, {_NOT_BRIEFING}; open the briefing's {SUFFIX} file instead"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    keys = set(_TOP_KEY.findall(text))
    if "briefing" in keys:
        return None
    if "themes" in keys:
        return f"this is an evidence library's library.yaml, {_NOT_BRIEFING}: {_OPEN_LIBRARY}"
    if "references" in keys:
        return (
            f"this is an evidence library's list of sources (sources.yaml), {_NOT_BRIEFING}: "
            + _OPEN_LIBRARY
        )
    first = _FIRST_LINE.match(text)
    if (
        first is not None
        and first.group(1).startswith("-")
        and re.search(r"^[ \t-]*source[ \t]*:", text, re.MULTILINE)
        and re.search(r"^[ \t-]*text[ \t]*:", text, re.MULTILINE)
    ):
        return (
            f"this is a file of evidence findings, {_NOT_BRIEFING}: {_OPEN_LIBRARY}, then add "
            "its findings to a briefing"
        )
    return None


def _binary_kind(raw: bytes) -> str | None:
    if raw.startswith(b"%PDF-"):
        return "a PDF"
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "a zip archive"
        return next((what for name, what in _ZIP_KINDS if name in names), "a zip archive")
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an older Microsoft Office document (.doc, .xls or .ppt)"
    if raw.startswith(b"{\\rtf"):
        return "a Rich Text (RTF) document"
    return None


def read_briefing(path: Path | str) -> Briefing:
    """Read a briefing file; raises :class:`BriefingError` listing every problem."""
    path = Path(path)
    if (other := not_a_briefing(path)) is not None:
        raise BriefingError([Problem(str(path), None, other)])
    reader = _Reader(str(path), [])
    try:
        data = load_yaml_file(path, allow_aliases=False)
    except YamlProblem as exc:
        raise BriefingError([Problem(str(path), exc.line, exc.message)]) from None
    briefing = parse_briefing(data, reader)
    if reader.problems:
        raise BriefingError(reader.problems)
    return briefing


def parse_briefing(data: Any, reader: _Reader) -> Briefing:
    if not isinstance(data, LineDict):
        reader.error(
            1,
            f"a briefing file should be a mapping starting with 'briefing: 1', not {type_name(data)}",
        )
        return Briefing()
    reader.keys(data, TOP_KEYS, "the briefing")
    version = data.get("briefing")
    if version is None:
        reader.error(data.line, "this is not a briefing file: it has no 'briefing: 1' line")
    elif not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.error(
            data.line_of("briefing"),
            "'briefing' should be the format version, a whole number such as 1",
        )
    elif version > FORMAT_VERSION:
        reader.error(
            data.line_of("briefing"),
            f"this briefing was saved by a newer Briefing Builder (format {version}); "
            f"this version reads format {FORMAT_VERSION}",
        )
    b = Briefing()
    b.key_lines = {str(k): data.line_of(k) for k in data}
    for key in TEXT_KEYS:
        file_key = FILE_KEYS.get(key, key)
        setattr(b, key, reader.text(data, file_key, "the briefing", exact=key not in ("style",)))
    b.title = b.title or "Untitled briefing"
    b.style = b.style or None
    b.date = _iso_date(reader, data, "date")
    b.meeting_date = _iso_date(reader, data, "meeting-date")
    b.decision = _decision(reader, data)
    b.recommendations = _recommendations(reader, data)
    b.max_pages = _max_pages(reader, data)
    b.numbered_paragraphs = _numbering(reader, data)
    b.library = reader.text(data, "library", "the briefing") or None
    b.template = _template(reader, data)
    b.sections = _sections(reader, data, "sections", "the briefing", depth=1)
    sources = data.get("sources")
    if sources is not None:
        if isinstance(sources, LineDict) and all(isinstance(v, dict) for v in sources.values()):
            b.source_snapshots = {str(k): _plain(v) for k, v in sources.items()}
        else:
            reader.error(
                data.line_of("sources"), "'sources' should map source ids to their CSL data"
            )
    return b


def _iso_date(reader: _Reader, data: LineDict, key: str) -> str:
    value = reader.text(data, key, "the briefing")
    if value:
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            reader.error(data.line_of(key), f"{key} '{value}' should be written as YYYY-MM-DD")
    return value


def _decision(reader: _Reader, data: LineDict) -> str:
    """``decision``: what the paper asks of the committee, ``decision`` or ``information``."""
    value = reader.text(data, "decision", "the briefing")
    key = value.lower().removeprefix("for ").strip()
    if not value:
        return ""
    if key in DECISIONS:
        return key
    reader.error(
        data.line_of("decision"),
        f"'decision' should be 'decision' (for decision) or 'information' (for information), "
        f"not '{value}'",
    )
    return ""


def _recommendations(reader: _Reader, data: LineDict) -> list[str]:
    """``recommendations``: a list of what the committee is asked to do, one item each."""
    raw = data.get("recommendations")
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [raw] if raw.strip() else []
    if not isinstance(raw, LineList):
        reader.error(
            data.line_of("recommendations"),
            f"'recommendations' should be a list, one recommendation each, not {type_name(raw)}",
        )
        return []
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            reader.error(
                raw.line_of(i), f"each recommendation should be text, not {type_name(item)}"
            )
        elif str(item).strip():
            out.append(str(item))
    return out


def _max_pages(reader: _Reader, data: LineDict) -> int | None:
    """``max-pages``: a whole number of pages, at least 1; absent or empty means no limit."""
    value = data.get("max-pages")
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str):
        shown = f"'{value}'"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = str(value)
    else:
        shown = type_name(value)
    reader.error(
        data.line_of("max-pages"),
        f"'max-pages' should be a whole number of pages, 1 or more, not {shown}",
    )
    return None


def _numbering(reader: _Reader, data: LineDict) -> bool:
    """``numbering: paragraphs`` numbers the officer's paragraphs; ``none`` or absent does not."""
    value = data.get("numbering")
    if value is None or value == "":
        return False
    if isinstance(value, str) and value.strip().lower() in NUMBERING_VALUES:
        return value.strip().lower() == "paragraphs"
    shown = f"'{value}'" if isinstance(value, str) else type_name(value)
    reader.error(
        data.line_of("numbering"),
        f"'numbering' should be 'paragraphs' (number the paragraphs 1.1, 1.2 …) or 'none', "
        f"not {shown}",
    )
    return False


def _template(reader: _Reader, data: LineDict) -> str | None:
    """``template``: the organisation's Word template, a .docx or .dotx path relative to the
    briefing file (format 2). Whether it opens is checked when exporting."""
    value = reader.text(data, "template", "the briefing").strip()
    if not value:
        return None
    if not value.lower().endswith(TEMPLATE_SUFFIXES):
        reader.error(
            data.line_of("template"),
            f"'template' should name a Word template (.dotx) or document (.docx), not '{value}'",
        )
        return None
    return value


def template_path(briefing: Briefing, briefing_file: Path | None) -> Path | None:
    """The briefing's template file, resolved relative to the briefing file."""
    if not briefing.template:
        return None
    path = Path(briefing.template).expanduser()
    if not path.is_absolute() and briefing_file is not None:
        path = briefing_file.parent / path
    return path


def _plain(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value[:200]]
    return value


def _sections(reader: _Reader, data: LineDict, key: str, what: str, depth: int) -> list[Section]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, LineList):
        reader.error(data.line_of(key), f"'{key}' of {what} should be a list of sections")
        return []
    if depth > 6:
        reader.error(data.line_of(key), "sections are nested more than six levels deep")
        return []
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, LineDict):
            reader.error(
                raw.line_of(i),
                f"each section should be a mapping with a heading, not {type_name(item)}",
            )
            continue
        reader.keys(item, SECTION_KEYS, "a section")
        heading = reader.text(item, "heading", "a section", exact=True)
        if not heading.strip():
            reader.error(item.line, "a section needs a 'heading'")
        section = Section(
            heading=heading,
            text=reader.text(item, "text", f"section '{heading}'", exact=True),
            line=item.line,
        )
        if item.get("id"):
            section.node_id = reader.text(item, "id", f"section '{heading}'")
        section.items = _items(reader, item, heading)
        section.sections = _sections(reader, item, "sections", f"section '{heading}'", depth + 1)
        out.append(section)
    return out


def _items(reader: _Reader, section: LineDict, heading: str) -> list[Item]:
    raw = section.get("items")
    if raw is None:
        return []
    if not isinstance(raw, LineList):
        reader.error(section.line_of("items"), f"'items' of section '{heading}' should be a list")
        return []
    out: list[Item] = []
    for i, item in enumerate(raw):
        line = raw.line_of(i)
        if not isinstance(item, LineDict):
            reader.error(line, "each item should be a mapping with 'finding:' or 'note:'")
            continue
        reader.keys(item, ITEM_KEYS, "an item")
        has_finding, has_note = "finding" in item, "note" in item
        if has_finding == has_note:
            reader.error(
                line,
                "each item needs exactly one of 'finding:' (an evidence id) or 'note:' (your own text)",
            )
            continue
        node_id = reader.text(item, "id", "an item")
        if has_note:
            note = NoteItem(text=reader.text(item, "note", "a note", exact=True), line=line)
            if node_id:
                note.node_id = node_id
            out.append(note)
            continue
        fid = reader.text(item, "finding", "an item")
        if not fid:
            reader.error(line, "'finding' needs the id of a finding")
            continue
        evidence = EvidenceItem(
            finding_id=fid,
            comment=reader.text(item, "comment", f"finding '{fid}'", exact=True),
            snapshot=_snapshot(reader, item, fid),
            line=item.line_of("finding"),
        )
        if node_id:
            evidence.node_id = node_id
        out.append(evidence)
    return out


def _snapshot(reader: _Reader, item: LineDict, fid: str) -> FindingSnapshot | None:
    snap = item.get("snapshot")
    if snap is None:
        return None
    what = f"the snapshot of '{fid}'"
    if not isinstance(snap, LineDict):
        reader.error(item.line_of("snapshot"), f"{what} should be a mapping")
        return None
    reader.keys(snap, SNAPSHOT_KEYS, what)
    loc = snap.get("locator")
    locator = Locator("section", "")
    if isinstance(loc, LineDict):
        label = reader.text(loc, "label", what) or "section"
        locator = Locator(
            label if label in LOCATOR_LABELS else "section",
            reader.text(loc, "value", what),
            reader.text(loc, "title", what) or None,
        )
    kind = reader.text(snap, "kind", what)
    themes = snap.get("themes")
    return FindingSnapshot(
        text=reader.text(snap, "text", what),
        source=reader.text(snap, "source", what),
        kind=kind if kind in KINDS else "quote",
        locator=locator,
        speaker=reader.text(snap, "speaker", what) or None,
        themes=tuple(str(t) for t in themes) if isinstance(themes, list) else (),
    )


# --- checking against a library ------------------------------------------------------------


def item_states(briefing: Briefing, library: Library | None) -> dict[str, ItemState]:
    """How each evidence item stands against the library, by node id."""
    states: dict[str, ItemState] = {}
    retired = library.retired_ids if library is not None else frozenset()
    for item in briefing.evidence_items():
        finding = library.finding(item.finding_id) if library is not None else None
        if finding is None and item.snapshot and item.finding_id in retired:
            states[item.node_id] = ItemState.RETIRED
        elif finding is None:
            states[item.node_id] = ItemState.MISSING if item.snapshot else ItemState.UNKNOWN
        elif item.snapshot is not None and item.snapshot.text != finding.text:
            states[item.node_id] = ItemState.CHANGED
        else:
            states[item.node_id] = ItemState.OK
    return states


def unknown_finding_problems(
    briefing: Briefing, library: Library | None, file: str
) -> list[Problem]:
    """Findings that neither the library nor the file's snapshots can supply: nothing can be exported."""
    states = item_states(briefing, library)
    return [
        Problem(file, item.line or None, f"finding '{item.finding_id}' is not in the library")
        for item in briefing.evidence_items()
        if states[item.node_id] is ItemState.UNKNOWN
    ]


def library_path(briefing: Briefing, briefing_file: Path | None) -> Path | None:
    """The briefing's library folder, resolved relative to the briefing file."""
    if not briefing.library:
        return None
    lib = Path(briefing.library).expanduser()
    if not lib.is_absolute() and briefing_file is not None:
        lib = briefing_file.parent / lib
    return lib


# --- writing -------------------------------------------------------------------------------


def briefing_to_data(briefing: Briefing) -> dict[str, Any]:
    data: dict[str, Any] = {"briefing": FORMAT_VERSION, "title": briefing.title}
    for key in (
        "subtitle",
        "author",
        "organisation",
        "date",
        "version",
        "marking",
        "marking_descriptor",
        "library",
        "template",
        "style",
    ):
        value = getattr(briefing, key)
        if value:
            data[FILE_KEYS.get(key, key)] = value
    if briefing.max_pages:
        data["max-pages"] = briefing.max_pages
    if briefing.numbered_paragraphs:
        data["numbering"] = "paragraphs"
    for key in ("meeting", "meeting_date", "agenda_item", "report_of", "contact", "purpose"):
        value = getattr(briefing, key)
        if value:
            data[FILE_KEYS.get(key, key)] = value
    if briefing.decision:
        data["decision"] = briefing.decision
    recommendations = [r for r in briefing.recommendations if r.strip()]
    if recommendations:
        data["recommendations"] = recommendations
    if briefing.summary:
        data["summary"] = briefing.summary
    data["sections"] = [_section_data(s) for s in briefing.sections]
    if briefing.source_snapshots:
        data["sources"] = briefing.source_snapshots
    return data


def _section_data(section: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"heading": section.heading, "id": section.node_id}
    if section.text:
        out["text"] = section.text
    if section.items:
        out["items"] = [_item_data(i) for i in section.items]
    if section.sections:
        out["sections"] = [_section_data(s) for s in section.sections]
    return out


def _item_data(item: Item) -> dict[str, Any]:
    if isinstance(item, NoteItem):
        return {"note": item.text, "id": item.node_id}
    out: dict[str, Any] = {"finding": item.finding_id, "id": item.node_id}
    if item.comment:
        out["comment"] = item.comment
    snap = item.snapshot
    if snap is not None:
        loc: dict[str, str] = {"label": snap.locator.label, "value": snap.locator.value}
        if snap.locator.title:
            loc["title"] = snap.locator.title
        out["snapshot"] = {
            "source": snap.source,
            "kind": snap.kind,
            "text": snap.text,
            **({"speaker": snap.speaker} if snap.speaker else {}),
            "locator": loc,
            "themes": list(snap.themes),
        }
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Line breaks other than \n (NEL, U+2028/9, \r) would be folded by a reader: quote them.
    if any(ch in value for ch in "\r\x85\u2028\u2029"):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dumps_briefing(briefing: Briefing) -> str:
    body = yaml.dump(
        briefing_to_data(briefing),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return (
        f"# Briefing Builder briefing (format {FORMAT_VERSION}): see docs/briefing-format.md\n"
        + body
    )


def save_briefing(
    briefing: Briefing, path: Path | str, *, expected_hash: str | None = None, force: bool = False
) -> str:
    """Save atomically, keeping the previous version as ``<file>.bak``; return the new file's hash.

    ``expected_hash`` is the hash of the file as it was opened (None for a new file): if the file on
    disk differs, :class:`FileChangedOnDisk` is raised unless ``force`` is set.
    """
    path = Path(path)
    current = file_hash(path)
    if not force and current is not None and current != expected_hash:
        raise FileChangedOnDisk(str(path))
    data = dumps_briefing(briefing).encode("utf-8")
    write_bytes(path, data, backup=current is not None)
    return hashlib.sha256(data).hexdigest()
