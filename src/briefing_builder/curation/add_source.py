"""Add a source document to a library: its text into ``texts/<id>.txt``, its reference appended
to ``sources.yaml``.

The curator's ``sources.yaml`` is appended to as text, so every byte already in it (comments,
order, quoting, blank lines) stays as it was; the new entry is written in the file's own list
indentation and read back before anything is written, to be sure it parses as that one new
source. Both files go through the one atomic writer. If ``sources.yaml`` changed on disk since it
was read (a colleague's edit on a shared drive), nothing is written. After writing, the library
is loaded again; if that shows a new error, both writes are undone and the errors are reported.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.atomic import write_bytes
from ..core.files import UnreadableFile, read_regular_file
from ..core.model import Problem
from ..core.pages import compress_page_labels
from ..core.yamlio import YamlProblem, load_yaml_text
from .extract import Extracted
from .reference import check_fields, id_problem, merge
from .writes import (
    CurationError,
    current_library,
    encode,
    error_counts,
    read_only_reason,
    write_checked,
)

SOURCES = "sources.yaml"
TEXTS = "texts"
_ITEM = re.compile(r"^(?P<indent>[ ]*)- ", re.M)
_EMPTY_LIST = re.compile(r"^references:(?P<empty>[ ]*\[[ ]*\])[ ]*(?=\r?$)", re.M)


class AddSourceError(Exception):
    """Why the source was not added (nothing was written, or what was written was undone)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass
class Added:
    """What was written, and what the check of the library afterwards said about it."""

    id: str
    text_path: Path
    sources_path: Path
    entry: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


def _scalar(value: Any) -> str:
    """One YAML scalar, quoted only as YAML needs (``1`` and ``3.10`` are quoted: text stays
    text)."""
    dumped = yaml.safe_dump(
        str(value), allow_unicode=True, width=1_000_000, default_flow_style=True
    )
    return dumped.removesuffix("\n").removesuffix("\n...").removesuffix("...").rstrip("\n")


def _flow(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    return dumped.strip()


def entry_lines(entry: Mapping[str, Any], indent: str) -> list[str]:
    """The entry as block YAML in the house style of docs/evidence-format.md: one key a line,
    names one a line as ``{family, given}`` or ``literal:``, dates as ``{date-parts: ...}``."""
    inner = indent + "  "
    lines: list[str] = []
    for key, value in entry.items():
        lead = f"{indent}- " if not lines else inner
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            lines.append(f"{lead}{key}:")
            for name in value:
                if set(name) == {"literal"}:
                    lines.append(f"{inner}  - literal: {_scalar(name['literal'])}")
                else:
                    lines.append(f"{inner}  - {_flow(dict(name))}")
        elif isinstance(value, (list, dict)):
            lines.append(f"{lead}{key}: {_flow(value)}")
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return lines


def _new_sources_text(old: str, entry: Mapping[str, Any]) -> str:
    """``old`` with the entry appended to its ``references:`` list, nothing else changed: in the
    list's own indentation, after a blank line if the file separates its entries so, with the
    file's own line ends (a file saved on Windows keeps CR LF)."""
    if not old.strip():
        return "references:\n" + "\n".join(entry_lines(entry, "  ")) + "\n"
    eol = "\r\n" if "\r\n" in old else "\n"
    plain = old.replace("\r\n", "\n")
    items = list(_ITEM.finditer(plain))
    if not items and (m := _EMPTY_LIST.search(old)):
        # A new library's ``references: []``: the list now starts below its key.
        old = old[: m.start("empty")] + old[m.end("empty") :]
        plain = old.replace("\r\n", "\n")
    top = [m for m in items if m.group("indent") == min(i.group("indent") for i in items)]
    indent = top[0].group("indent") if top else "  "
    spaced = f"\n\n{indent}- " in plain  # the file separates entries with a blank line
    text = old if old.endswith("\n") else old + eol
    if spaced and not text.endswith(eol + eol):
        text += eol
    return text + eol.join(entry_lines(entry, indent)) + eol


def _references(text: str, where: Path) -> list[Any]:
    try:
        data = load_yaml_text(text) if text.strip() else {"references": []}
    except YamlProblem as exc:
        line = f":{exc.line}" if exc.line else ""
        raise AddSourceError(
            f"{where}{line}: {exc.message}; fix it before adding a source (nothing was written)."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("references"), list):
        raise AddSourceError(
            f"{where} should hold a list of sources under 'references:'; nothing was written."
        )
    return list(data["references"])


def existing_ids(root: Path | str) -> list[str]:
    """The source ids ``sources.yaml`` already holds (none when it is missing or unreadable: the
    write itself then says why), without loading the whole library."""
    path = Path(root) / SOURCES
    try:
        refs = _references(read_regular_file(path).decode("utf-8-sig"), path)
    except (UnreadableFile, UnicodeDecodeError, AddSourceError):
        return []
    return [str(r["id"]) for r in refs if isinstance(r, dict) and r.get("id") is not None]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def add_source(
    root: Path | str,
    extracted: Extracted,
    csl: Mapping[str, Any],
    sid: str,
    *,
    short: str | None = None,
) -> Added:
    """Write the source's text and append its reference; raises :class:`AddSourceError`."""
    root = Path(root)
    if not root.is_dir():
        raise AddSourceError(f"{root} is not a library folder (it does not exist).")
    read_only = read_only_reason(root)
    if read_only is not None:
        raise AddSourceError(read_only + " Nothing was written.")
    sources_path = root / SOURCES
    existed = sources_path.exists()
    try:
        before_bytes = read_regular_file(sources_path) if existed else b""
        before = before_bytes.decode("utf-8-sig")
    except UnreadableFile as exc:
        raise AddSourceError(f"{sources_path} {exc.message}; nothing was written.") from None
    except UnicodeDecodeError:
        raise AddSourceError(f"{sources_path} is not UTF-8 text; nothing was written.") from None
    refs = _references(before, sources_path)
    existing = [str(r.get("id")) for r in refs if isinstance(r, dict) and r.get("id") is not None]
    problem = id_problem(sid, existing)
    if problem:
        raise AddSourceError(problem + "; nothing was written.")
    missing = check_fields(csl)
    if missing:
        raise AddSourceError("The reference cannot be added: " + "; ".join(missing) + ".")
    text_rel = f"{TEXTS}/{sid}.txt"
    text_path = root / TEXTS / f"{sid}.txt"
    if text_path.exists() or text_path.is_symlink():
        raise AddSourceError(
            f"{text_path} already exists; it is not overwritten. Choose another id with --id, "
            "or move that file away."
        )

    # In the usual order: id, type, title, names, the other fields, dates.
    entry: dict[str, Any] = {"id": sid, **{k: v for k, v in merge({}, csl).items() if k != "id"}}
    if short:
        entry["short"] = short
    entry["text"] = text_rel
    if extracted.page_labels:
        entry["page-labels"] = compress_page_labels(extracted.page_labels)
    after = _new_sources_text(before, entry)
    # Read back before writing: the new text must be the old references plus this one.
    try:
        new_refs: list[Any] | None = _references(after, sources_path)
    except AddSourceError:
        new_refs = None
    if new_refs is None or len(new_refs) != len(refs) + 1 or _plain(new_refs[-1]) != _plain(entry):
        raise AddSourceError(
            f"{sources_path} is not laid out as a plain list under 'references:' at its end, so "
            "the new source cannot be appended safely; add it by hand (nothing was written)."
        )
    baseline = error_counts(current_library(root))

    try:
        (root / TEXTS).mkdir(exist_ok=True)
        write_bytes(text_path, extracted.text.encode("utf-8"))
    except OSError as exc:
        raise AddSourceError(
            f"{text_path} cannot be written ({exc.strerror or exc}); nothing was added."
        ) from None
    # The one checked write of the curation edits: refused if a colleague changed the file
    # since it was read, undone if the library's check finds a new error.
    try:
        lib = write_checked(
            root,
            sources_path,
            before_bytes if existed else None,
            encode(after, before_bytes),
            baseline,
            undone="the source was not added",
        )
    except CurationError as exc:
        _remove(text_path)
        raise AddSourceError(exc.message, exc.problems) from None
    warnings = [p for p in lib.problems if p.warning and f"'{sid}'" in p.message]
    return Added(sid, text_path, sources_path, entry, warnings)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
