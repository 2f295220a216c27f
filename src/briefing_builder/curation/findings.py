"""Make, edit and retire findings: word for word and correctly located by construction.

A finding made from a selection in a source's text is found in that text with the loader's own
matcher (:mod:`..core.textmatch`), so it passes ``check`` by construction; its locator is derived
from where it stands (the printed page label, the numbered section and its heading, the heading,
or the slide and its title). A new finding is *appended* to ``findings/<source>.yaml`` as text, so
every byte already in the file stays as it was; it is read back before the write to be sure it
parses as that one new finding. Every write goes through :func:`.writes.write_checked`.
"""

from __future__ import annotations

import functools
import re
import textwrap
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.files import UnreadableFile
from ..core.loader import ID_PATTERN, findings_files, load_library
from ..core.model import KINDS, LOCATOR_LABELS, Library, Source
from ..core.pages import page_index, page_label
from ..core.reading import HEADING, layout_text
from ..core.textmatch import FoldedText, fold_whitespace, quote_parts, read_source_text
from ..core.yamlio import YamlProblem, load_yaml_text
from .writes import (
    ConflictError,
    CurationError,
    Written,
    decode,
    encode,
    error_counts,
    read_for_edit,
    read_only_reason,
    refuse_if_read_only,
    write_checked,
)

__all__ = [
    "AmbiguousPassage",
    "ConflictError",
    "CurationError",
    "Located",
    "Written",
    "add_finding",
    "derive_locator",
    "locate_passage",
    "next_finding_id",
    "passage_from_ranges",
    "propose_speaker",
    "read_only_reason",
    "remove_added_finding",
]

OMISSION = " … "
MAX_OCCURRENCES = 200  # a passage found more often than this is not a passage but a word
WRAP = 96  # the house width of findings files
# The order of a finding's keys in the house style (docs/evidence-format.md).
KEY_ORDER = ("id", "source", "kind", "text", "speaker", "locator", "themes", "places", "note")
_ITEM = re.compile(r"^(?P<indent>[ ]*)- ", re.M)
_ID_LINE = re.compile(
    r"""^[ \t]*(?:#[ \t]*)?(?:-[ \t]+)?id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.M
)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$", re.S)


class AmbiguousPassage(CurationError):
    """The passage stands in the text more than once; ``occurrences`` says where each is."""

    def __init__(self, message: str, occurrences: list[Located], text_path: Path | None) -> None:
        super().__init__(message)
        self.occurrences = occurrences
        self.text_path = text_path


@dataclass(frozen=True)
class Located:
    """One occurrence of a passage in a source text."""

    parts: tuple[tuple[int, int], ...]  # (start, end) offsets in the source text, one per part
    page: int | None  # 0-based page (form feeds before it); None when the text has no pages
    page_label: str | None  # printed page label (page-labels:), else str(page + 1)
    section: str | None  # section number where known ("3.1")
    heading: str | None  # nearest heading text above the passage
    line: int  # 1-based line of the text file

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def where(self) -> str:
        """Where it is, for a message: "page 3, line 40"."""
        return (
            f"page {self.page_label}, line {self.line}" if self.page_label else f"line {self.line}"
        )


# --- passages ------------------------------------------------------------------------------


def passage_from_ranges(source_text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """The words of the selected ranges, white space folded, joined with " … " (ranges sorted).

    Words are left out of a finding only by selecting several ranges, never by typing."""
    parts = []
    for start, end in sorted(ranges):
        start, end = max(0, start), min(len(source_text), end)
        part = fold_whitespace(source_text[start:end]) if end > start else ""
        if part:
            parts.append(part)
    return OMISSION.join(parts)


def locate_passage(
    source_text: str, passage: str, *, page_labels: Sequence[str] | None = None
) -> list[Located]:
    """Every occurrence of the passage (white space folded; " … " / "[...]" parts in order), as
    the loader's check finds quotes; at most :data:`MAX_OCCURRENCES`."""
    parts = quote_parts(passage)
    if not parts:
        return []
    if parts[0] not in FoldedText.of(source_text).folded:  # cheap before mapping offsets
        return []
    folded = FoldedText.of(source_text, with_offsets=True)
    offsets = folded.offsets or ()
    heads = _headings(source_text)
    paged = "\f" in source_text
    out: list[Located] = []
    i = folded.folded.find(parts[0])
    while i >= 0 and len(out) < MAX_OCCURRENCES:
        spans = [(i, i + len(parts[0]))]
        pos = spans[0][1]
        for part in parts[1:]:
            j = folded.folded.find(part, pos)
            if j < 0:
                break
            spans.append((j, j + len(part)))
            pos = j + len(part)
        if len(spans) < len(parts):
            break  # later starts cannot find the rest either
        original = tuple((offsets[a], offsets[b - 1] + 1) for a, b in spans)
        out.append(_located(source_text, original, heads, paged, page_labels))
        i = folded.folded.find(parts[0], i + 1)
    return out


def _located(
    text: str,
    parts: tuple[tuple[int, int], ...],
    heads: _Headings,
    paged: bool,
    labels: Sequence[str] | None,
) -> Located:
    start = parts[0][0]
    section, _, heading = heads.context(start)
    return Located(
        parts=parts,
        page=page_index(text, start) if paged else None,
        page_label=page_label(text, start, labels) if paged else None,
        section=section,
        heading=heading,
        line=text.count("\n", 0, start) + 1,
    )


# --- headings and locators -----------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    start: int
    level: int
    number: str | None
    title: str
    marked: bool  # a "# Markdown" heading: its level is the document's own


class _Headings:
    """The headings of a text in order, to find the section and heading above any offset."""

    def __init__(self, text: str) -> None:
        layout = layout_text(text)
        self.items: list[_Heading] = []
        self.blocks: list[int] = []  # start of every paragraph and list item
        for block in layout.blocks:
            start = block.pieces[0].start
            if block.kind != HEADING:
                self.blocks.append(start)
                continue
            line_start = text.rfind("\n", 0, start) + 1
            marked = text[line_start:start].lstrip().startswith("#")
            m = _NUMBERED.match(block.text)
            number, title = (m.group(1), m.group(2).strip()) if m else (None, block.text.strip())
            self.items.append(_Heading(start, block.level, number, title, marked))
        self.starts = [h.start for h in self.items]

    def above(self, offset: int) -> list[_Heading]:
        return self.items[: bisect_right(self.starts, offset)]

    def context(self, offset: int) -> tuple[str | None, str | None, str | None]:
        """(section number, its heading's title, the nearest heading) above ``offset``.

        The nearest numbered heading gives the section, unless a Markdown heading of its level
        or above comes after it (an unnumbered annex after section 7 is not in section 7)."""
        above = self.above(offset)
        if not above:
            return None, None, None
        nearest = above[-1].title
        for h in reversed(above):
            if h.number is not None:
                return h.number, h.title, nearest
            if h.marked and h.level == 1:
                break
        return None, None, nearest

    def paragraph(self, offset: int) -> int:
        """The number (from 1) of the paragraph or list item holding ``offset``."""
        return max(1, bisect_right(self.blocks, offset))


@functools.lru_cache(maxsize=4)
def _headings(text: str) -> _Headings:
    return _Headings(text)


def _is_slides(source: Source) -> bool:
    kind = " ".join(str(source.csl.get(k, "")) for k in ("genre", "medium")).casefold()
    return any(word in kind for word in ("slide", "presentation", "powerpoint"))


def derive_locator(source: Source, source_text: str, located: Located) -> dict[str, str]:
    """{label, value[, title]}: the printed page label for paginated texts; the section number
    and its heading where the text numbers its headings; else the heading itself. A slide deck
    gives the slide (its page) and the slide's title. With no heading at all, the paragraph."""
    start = located.start
    heads = _headings(source_text)
    paged = "\f" in source_text
    if _is_slides(source):
        if paged:
            out = {"label": "slide", "value": page_label(source_text, start, source.page_labels)}
            page = page_index(source_text, start)
            on_page = [h for h in heads.above(start) if page_index(source_text, h.start) == page]
            if on_page:
                out["title"] = on_page[-1].title
            return out
        above = heads.above(start)
        if above:
            return {"label": "slide", "value": above[-1].title}
    if paged:
        return {"label": "page", "value": page_label(source_text, start, source.page_labels)}
    section, title, heading = heads.context(start)
    if section is not None:
        out = {"label": "section", "value": section}
        if title:
            out["title"] = title
        return out
    if heading:
        return {"label": "section", "value": heading}
    return {"label": "paragraph", "value": str(heads.paragraph(start))}


# --- speakers ------------------------------------------------------------------------------

_CLOSING = "\"'’”»)]."
_AFTER = re.compile(r"""[\s"'’”».,;:!?]*\((?P<who>[^()\n]{2,80})\)""")
_OPENING = "\"'‘“«"
_QUOTE_END = re.compile(r"""["'’”»][ \t]*\((?P<who>[^()\n]{2,80})\)[ \t]*$""")
_LABELS = (
    "interviewee|respondent|participant|speaker|witness|contributor|officer|"
    "practitioner|submission|source"
)
_LABEL_LINE = re.compile(
    rf"""[ \t\-–•*]*(?P<who>(?:{_LABELS})\b[^:\n]{{0,40}}?"""
    r"""(?::[ \t]*[^\s:"“‘'][^\n:"“‘']{0,60}?)?)[ \t]*[:–—-]?[\s"“‘']*$""",
    re.I,
)


def propose_speaker(source_text: str, start: int, end: int) -> str | None:
    """Who the text next to the passage says is speaking, or None.

    An attribution in brackets just after it (``… less.' (B02 Police)`` → "B02 Police"), or a
    label just before it on the same or the previous line (``Interviewee: Manchester``)."""
    line_end = source_text.find("\n", end)
    line_end = len(source_text) if line_end < 0 else line_end
    m = _AFTER.match(source_text, end, min(len(source_text), end + 200))
    if m is None:  # the quotation the passage is part of ends later on its line
        m = _QUOTE_END.search(source_text, end, line_end)
    if m and re.search(r"[A-Za-z]", m["who"]):
        who = m["who"].strip()
        if not who.endswith(".") and len(who.split()) <= 10:
            return who
    line_start = source_text.rfind("\n", 0, start) + 1
    before = source_text[max(line_start, start - 200) : start]
    candidates = [before]
    # The label may stand on the line before the quotation the passage starts or is part of.
    if not before.strip() or before.lstrip()[:1] in _OPENING:
        prev_start = source_text.rfind("\n", 0, max(0, line_start - 1)) + 1
        candidates.append(source_text[max(prev_start, line_start - 200) : line_start])
    for text in candidates:
        m = _LABEL_LINE.match(text.rstrip("\n"))
        if m:
            return fold_whitespace(m["who"]).rstrip(" :–—-")
    return None


# --- ids -----------------------------------------------------------------------------------


def _ids_written(root: Path) -> set[str]:
    """Every finding id written in the findings files (retired, commented out or in a file with
    errors included): an id ever used is never given again."""
    ids: set[str] = set()
    for path in findings_files(root)[0]:
        try:
            text = path.read_bytes().decode("utf-8-sig", "replace")
        except OSError:
            continue
        ids.update(_ID_LINE.findall(text))
    return ids


def next_finding_id(root: Path, source_id: str) -> str:
    """<source>-NNN, the next number after every id ever used (retired ones included)."""
    pattern = re.compile(rf"^{re.escape(source_id)}-(\d+)$")
    numbers = [m.group(1) for i in _ids_written(Path(root)) if (m := pattern.match(i))]
    width = max([3, *(len(n) for n in numbers)])
    last = max((int(n) for n in numbers), default=0)
    return f"{source_id}-{last + 1:0{width}d}"


# --- writing a new finding -----------------------------------------------------------------


def _dump(value: Any, style: str | None) -> str:
    dumped = yaml.safe_dump(
        value, allow_unicode=True, width=1_000_000, default_flow_style=True, default_style=style
    )
    return dumped.removesuffix("\n").removesuffix("\n...").removesuffix("...").rstrip("\n")


def _scalar(value: str, *, flow: bool = False) -> str:
    """One YAML scalar on one line, plain where YAML reads it back as the same text, else in
    double quotes (the house style: ``value: "3.1"``), with escapes for line breaks."""
    if "\n" not in value and value.isprintable():
        plain = _dump([value], None)[1:-1] if flow else _dump(value, None)
        if not plain.startswith(("'", '"')):
            return plain
    return _dump([value], '"')[1:-1] if flow else _dump(value, '"')


def _flow(value: list[Any] | dict[str, Any]) -> str:
    """A list or mapping on one line, in flow style (``[a, b]``, ``{label: page, value: "3"}``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(str(v), flow=True)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_scalar(str(v), flow=True) for v in value) + "]"


def _text_lines(text: str, indent: str) -> list[str]:
    """The quote as a folded block scalar (``>-``) wrapped at the house width, or one
    double-quoted line when a block scalar could not hold it."""
    wrapped = textwrap.wrap(
        text, width=WRAP - len(indent), break_long_words=False, break_on_hyphens=False
    )
    if text.isprintable() and wrapped and " ".join(wrapped) == text:
        return ["text: >-", *(indent + line for line in wrapped)]
    return [f"text: {_scalar(text)}"]


def finding_lines(entry: Mapping[str, Any], indent: str = "") -> list[str]:
    """The finding as block YAML in the house style of docs/evidence-format.md."""
    lines: list[str] = []
    inner = indent + "  "
    for key, value in entry.items():
        lead = f"{indent}- " if not lines else inner
        if key == "text":
            first, *rest = _text_lines(str(value), inner + "  ")
            lines.append(lead + first)
            lines.extend(rest)
        elif isinstance(value, (list, tuple, Mapping)):
            plain = dict(value) if isinstance(value, Mapping) else list(value)
            lines.append(f"{lead}{key}: {_flow(plain)}")
        else:
            lines.append(f"{lead}{key}: {_scalar(str(value))}")
    return lines


def header_comment(source: Source) -> str:
    """The comment a new findings file starts with: what it holds and where from."""
    title = fold_whitespace(source.title or source.short or source.id)
    text = f" from texts/{source.text_path.name}" if source.text_path is not None else ""
    return (
        f"# Findings from {source.short}: {title}.\n"
        f"# Each text is word for word{text}; ids are never reused.\n"
    )


def _appended(old: str, lines: list[str]) -> str:
    """``old`` with the entry appended, nothing else changed: one blank line before it when the
    file separates its findings so, the file's own line ends (CR LF stays CR LF)."""
    eol = "\r\n" if "\r\n" in old else "\n"
    text = old if (not old or old.endswith("\n")) else old + eol
    if text.strip() and not text.endswith(eol + eol):
        plain = text.replace("\r\n", "\n")
        # Findings separated by blank lines (the house style), or a header comment before them.
        if "\n\n" in plain or not _ITEM.search(plain):
            text += eol
    return text + eol.join(lines) + eol


def _item_indent(old: str) -> str:
    items = [m.group("indent") for m in _ITEM.finditer(old.replace("\r\n", "\n"))]
    return min(items, key=len) if items else ""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _parse_list(text: str, path: Path) -> list[Any]:
    try:
        data = load_yaml_text(text) if text.strip() else None
    except YamlProblem as exc:
        line = f":{exc.line}" if exc.line else ""
        raise CurationError(
            f"{path}{line}: {exc.message}; fix it before adding to it (nothing was written)."
        ) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise CurationError(
            f"{path} should be a list of findings, so nothing can be added to it (nothing was "
            "written)."
        )
    return list(data)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def _source_text(lib: Library, source: Source) -> str:
    if source.text_path is None:
        raise CurationError(
            f"{lib.root / 'sources.yaml'}: source '{source.id}' has no text (no 'text:' key), so "
            "a passage cannot be found in it; add its text first."
        )
    try:
        return read_source_text(source.text_path)
    except UnreadableFile as exc:
        raise CurationError(f"{source.text_path} {exc.message}; nothing was written.") from None


def _entry(lib: Library, finding: Mapping[str, Any], fid: str | None) -> dict[str, Any]:
    """The finding's keys checked against the library, in the house order (locator and id may
    still be missing)."""
    root = lib.root
    sid = str(finding.get("source") or "").strip()
    if not sid:
        raise CurationError("Say which source the finding is from; nothing was written.")
    if lib.source(sid) is None:
        raise CurationError(
            f"{root / 'sources.yaml'}: there is no source '{sid}' in this library; nothing was "
            "written."
        )
    kind = str(finding.get("kind") or "quote")
    if kind not in KINDS:
        raise CurationError(
            f"'{kind}' is not a kind of finding (one of: {', '.join(KINDS)}); nothing was written."
        )
    themes = _as_list(finding.get("themes"))
    if not themes:
        raise CurationError("A finding needs at least one theme; nothing was written.")
    unknown = [t for t in themes if lib.theme(t) is None]
    if unknown:
        known = ", ".join(t.id for t in lib.themes) or "none"
        raise CurationError(
            f"{root / 'library.yaml'}: there is no theme "
            + ", ".join(f"'{t}'" for t in unknown)
            + f" (the themes are: {known}); nothing was written."
        )
    if len(set(themes)) != len(themes):
        themes = list(dict.fromkeys(themes))
    entry: dict[str, Any] = {"id": fid, "source": sid, "kind": kind, "text": None}
    for key in ("speaker", "locator"):
        if finding.get(key):
            entry[key] = finding[key]
    entry["themes"] = themes
    places = _as_list(finding.get("places"))
    if places:
        entry["places"] = list(dict.fromkeys(places))
    note = str(finding.get("note") or "").strip()
    if note:
        entry["note"] = note
    if isinstance(entry.get("speaker"), str):
        entry["speaker"] = fold_whitespace(entry["speaker"]) or None
        if entry["speaker"] is None:
            del entry["speaker"]
    return entry


def _check_locator(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise CurationError("The locator should say a label and a value; nothing was written.")
    out = {k: str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}
    if set(out) - {"label", "value", "title"}:
        raise CurationError("A locator has only a label, a value and a title; nothing was written.")
    if out.get("label") not in LOCATOR_LABELS or not out.get("value"):
        raise CurationError(
            f"A locator needs a label (one of: {', '.join(LOCATOR_LABELS)}) and a value; "
            "nothing was written."
        )
    return {k: out[k] for k in ("label", "value", "title") if k in out}


def add_finding(root: Path | str, finding: Mapping[str, Any]) -> Written:
    """Append a finding to ``findings/<source>.yaml`` (created, with a header comment, if it is
    missing). ``finding`` has source, text, kind, themes and optionally id, places, speaker,
    note, locator and occurrence (which occurrence of the text, from 1, when it stands in the
    source more than once). The id is :func:`next_finding_id` when absent; the locator is
    derived from where the text stands when absent. Raises :class:`CurationError` (or
    :class:`AmbiguousPassage`); nothing is written then."""
    root = Path(root)
    refuse_if_read_only(root)
    lib = load_library(root)
    baseline = error_counts(lib)
    entry = _entry(lib, finding, None)
    source = lib.source(entry["source"])
    assert source is not None  # checked by _entry
    passage = str(finding.get("text") or "")
    if not quote_parts(passage):
        raise CurationError("The finding has no text: select the words it quotes.")
    source_text = _source_text(lib, source)
    found = locate_passage(source_text, passage, page_labels=source.page_labels)
    if not found:
        raise CurationError(
            f"{source.text_path}: the text is not in this source word for word (only white "
            "space may differ; mark left-out words with …); nothing was written."
        )
    occurrence = finding.get("occurrence")
    if occurrence is None:
        if len(found) > 1:
            many = "" if len(found) < MAX_OCCURRENCES else " or more"
            raise AmbiguousPassage(
                f"{source.text_path}: the text stands there {len(found)}{many} times ("
                + "; ".join(f"{n}: {loc.where()}" for n, loc in enumerate(found[:20], 1))
                + ("; …" if len(found) > 20 else "")
                + "); say which occurrence is meant, or select more words. Nothing was written.",
                found,
                source.text_path,
            )
        located = found[0]
    else:
        try:
            n = int(occurrence)
        except (TypeError, ValueError):
            n = 0
        if not 1 <= n <= len(found):
            raise CurationError(
                f"{source.text_path}: the text stands there {len(found)} time"
                f"{'s' if len(found) != 1 else ''}, so occurrence {occurrence} does not exist; "
                "nothing was written."
            )
        located = found[n - 1]
    # A passage typed with "[...]" is stored with the house's omission mark.
    entry["text"] = OMISSION.join(quote_parts(passage))
    locator = finding.get("locator") or derive_locator(source, source_text, located)
    entry["locator"] = _check_locator(locator)
    fid = str(finding.get("id") or "").strip() or next_finding_id(root, source.id)
    if not ID_PATTERN.match(fid):
        raise CurationError(f"The id '{fid}' may use only a-z, 0-9 and '-'; nothing was written.")
    if fid in _ids_written(root):
        raise CurationError(
            f"The id '{fid}' is already used (ids are never reused, retired ones included); "
            "nothing was written."
        )
    entry["id"] = fid
    entry = {k: entry[k] for k in KEY_ORDER if entry.get(k) is not None}

    path = root / "findings" / f"{source.id}.yaml"
    before = read_for_edit(path)
    old = decode(before, path) if before is not None else header_comment(source)
    old_items = _parse_list(old, path)
    new = _appended(old, finding_lines(entry, _item_indent(old)))
    items = _parse_list(new, path)
    if len(items) != len(old_items) + 1 or _plain(items[-1]) != _plain(entry):
        raise CurationError(
            f"{path} is not laid out as a plain list of findings at its end, so the finding "
            "cannot be appended safely; add it by hand (nothing was written)."
        )
    first_new_line = new.count("\n") - len(finding_lines(entry)) + 1
    checked = write_checked(
        root, path, before, encode(new, before), baseline, undone="the finding was not added"
    )
    warnings = [
        p
        for p in checked.problems
        if p.warning and p.file == str(path) and (p.line or 0) >= first_new_line
    ]
    return Written(path, fid, None, warnings)


# --- undoing an add ------------------------------------------------------------------------


def _find(root: Path, finding_id: str) -> tuple[Path, bytes, str, list[Any], int]:
    """The findings file holding the finding: (path, bytes, text, its items, the index)."""
    for path in findings_files(root)[0]:
        raw = read_for_edit(path)
        if raw is None:
            continue
        text = decode(raw, path)
        if finding_id not in text:
            continue
        try:
            items = load_yaml_text(text)
        except YamlProblem as exc:
            raise CurationError(
                f"{path}:{exc.line or 1}: {exc.message}; nothing was written."
            ) from None
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and str(item.get("id")) == finding_id:
                return path, raw, text, items, i
    raise CurationError(
        f"There is no finding '{finding_id}' in {root / 'findings'}; nothing was written."
    )


def remove_added_finding(root: Path | str, finding_id: str) -> Written:
    """Take out a finding :func:`add_finding` appended (for undo): it must still be the last in
    its file; its lines, and the blank line before them, are removed. A file that then holds only
    the header comment :func:`add_finding` wrote is removed, when other findings files remain."""
    root = Path(root)
    refuse_if_read_only(root)
    path, raw, text, items, i = _find(root, finding_id)
    if i != len(items) - 1:
        raise ConflictError(
            f"{path}: finding '{finding_id}' is no longer the last in its file (it was changed "
            "since it was added), so it was not taken out."
        )
    lib = load_library(root)
    baseline = error_counts(lib)
    item = items[i]
    start_line = getattr(item, "line", 0)
    lines = text.splitlines(keepends=True)
    k = start_line - 1
    if not (0 <= k < len(lines)) or not lines[k].lstrip().startswith("-"):
        raise CurationError(
            f"{path}:{start_line}: finding '{finding_id}' is not laid out as it was added, so it "
            "cannot be taken out automatically; nothing was written."
        )
    kept = "".join(lines[:k])
    eol = "\r\n" if "\r\n" in text else "\n"
    while kept.endswith(eol + eol):
        kept = kept[: -len(eol)]
    source = lib.source(str(item.get("source")))
    after: bytes | None = encode(kept, raw)
    if (
        source is not None
        and kept.replace("\r\n", "\n") == header_comment(source)
        and len(findings_files(root)[0]) > 1
    ):
        after = None
    if _parse_list(kept, path) != items[:-1]:
        raise CurationError(
            f"{path}: the finding '{finding_id}' cannot be taken out safely; nothing was written."
        )
    write_checked(
        root, path, raw, after, baseline, undone=f"finding '{finding_id}' was not taken out"
    )
    return Written(path, finding_id, None, [])
