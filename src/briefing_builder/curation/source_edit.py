"""Change a source's reference in ``sources.yaml`` after it was added: a typo in a title would
otherwise go into every citation of every briefing.

Only the changed keys of that one source are rewritten, through the same round trip as finding
edits (:mod:`.findings`): the source's own lines are read for editing, the new lines of the keys
that changed are spliced into the file's text, and every other line (other sources, comments,
quoting, blank lines, CR LF line ends, a byte-order mark) stays byte for byte. The id is never
changed: findings and briefings cite the source by it. The write is
:func:`.writes.write_checked`'s: refused if the file changed since it was read, undone if the
library's check finds a new error, and refused on a read-only library.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import yamlio
from ..core.csl import CSL_DATE_VARIABLES, CSL_NAME_VARIABLES, CSL_TEXT_VARIABLES, CSL_TYPES
from ..core.strength import EMMIE
from ..core.yamlio import LineDict, LineList, YamlProblem, load_yaml_text
from .reference import DATE_FIELDS, NAME_FIELDS, TEXT_FIELDS
from .writes import (
    ConflictError,
    CurationError,
    Written,
    current_library,
    decode,
    encode,
    error_counts,
    key_ranges,
    plain_data,
    read_for_edit,
    refuse_if_read_only,
    tail_start,
    write_checked,
)

__all__ = [
    "EDITABLE",
    "ConflictError",
    "CurationError",
    "Written",
    "edit_source",
    "reference_changes",
    "source_entry",
]

SOURCES = "sources.yaml"
SHORT = "short"
STRENGTH = "evidence-strength"
#: What of a source can be changed here: its CSL reference, its short label and the strength
#: of its evidence. Not its id (findings and briefings cite it), its text or page labels.
EDITABLE = frozenset(
    CSL_TEXT_VARIABLES | CSL_NAME_VARIABLES | CSL_DATE_VARIABLES | {"type", SHORT, STRENGTH}
)
ID_FIXED = (
    "A source's id cannot be changed: findings and briefings cite the source by it. Add the "
    "document again under the new id if it must change"
)
# Where a key not yet in the source goes: after the last of these it has (the house order of
# docs/evidence-format.md, as a new source is written).
_ORDER = (
    "id",
    "type",
    "title",
    *NAME_FIELDS,
    *TEXT_FIELDS[1:],
    "note",
    *DATE_FIELDS,
    SHORT,
    "text",
    "page-labels",
    "evidence-strength",
)
# The same within ``evidence-strength:`` (docs/evidence-format.md).
_STRENGTH_ORDER = ("design", "maryland", "emmie", *(key for key, _ in EMMIE))
_ITEM_START = re.compile(r"^( *)- ")


class AsRead(str):
    """Text the file wrote without quotes: put back (by an undo) without them."""

    __slots__ = ()


@dataclass
class _Entry:
    """One source of sources.yaml read for editing."""

    path: Path
    raw: bytes
    text: str  # with LF line ends
    eol: str
    data: Any  # the whole file, as the loader reads it
    refs: Any  # its references
    index: int
    first: int  # the source's first line (from 0)
    last: int  # the line after its lines (the next source's first, or the list's end)

    @property
    def item(self) -> Any:
        return self.refs[self.index]


def _read(root: Path, source_id: str, undone: str) -> _Entry:
    path = root / SOURCES
    raw = read_for_edit(path)
    if raw is None:
        raise CurationError(f"{path} is missing, so {undone}.")
    text = decode(raw, path)
    eol = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    try:
        data = load_yaml_text(plain, numbers_as_written=True)
    except YamlProblem as exc:
        raise CurationError(
            f"{path}:{exc.line or 1}: {exc.message}; fix it first ({undone})."
        ) from None
    refs = data.get("references") if isinstance(data, dict) else None
    if not isinstance(refs, LineList):
        raise CurationError(
            f"{path} should hold a list of sources under 'references:', so {undone}."
        )
    found = [
        (i, ref)
        for i, ref in enumerate(refs)
        if isinstance(ref, LineDict) and str(ref.get("id")) == source_id
    ]
    if not found:
        raise CurationError(f"{path}: there is no source '{source_id}', so {undone}.")
    i, ref = found[0]
    lines = plain.splitlines(keepends=True)
    keys = list(data)
    after = keys.index("references") + 1
    list_end = data.line_of(keys[after]) - 1 if after < len(keys) else len(lines)
    last = refs.line_of(i + 1) - 1 if i + 1 < len(refs) else list_end
    return _Entry(path, raw, plain, eol, data, refs, i, ref.line - 1, last)


def source_entry(root: Path | str, source_id: str) -> dict[str, Any]:
    """The source's keys as ``sources.yaml`` holds them now (``short`` only if it is written
    there): what an edit form shows, and the ``expected`` values of :func:`edit_source`."""
    entry = _read(Path(root), source_id, "it cannot be shown")
    return dict(plain_data(entry.item))


def _normal(value: Any) -> Any:
    """A value as compared: text with white space folded, empty containers and text as None,
    whole numbers as numbers (a date's parts), a date read by YAML as its ISO text."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        out = {str(k): n for k, v in value.items() if (n := _normal(v)) is not None}
        return out or None
    if isinstance(value, (list, tuple)):
        items = [n for v in value if (n := _normal(v)) is not None]
        return items or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # as the loader keeps it (2024, not "2024")
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = " ".join(str(getattr(value, "written", None) or value).split())
    return text or None


def reference_changes(shown: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose value in ``now`` (a form's) differs from ``shown`` (the
    source's, as :func:`source_entry` gave them): each with its new value, None to remove it.
    A field ``now`` leaves out is removed."""
    keys = [k for k in (*shown, *now) if k in EDITABLE]
    return {
        k: now.get(k) for k in dict.fromkeys(keys) if _normal(shown.get(k)) != _normal(now.get(k))
    }


def _value(key: str, value: Any) -> Any:
    """A new value as it is written: text folded (a value already folded is kept as it is, so
    an undo puts a quoted value back in its quotes), names and dates as plain data."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value == " ".join(value.split()) and value else _normal(value)
    if isinstance(value, Mapping):
        out = {str(k): v for k, item in value.items() if (v := _value(k, item)) is not None}
        return out or None
    return _normal(value)


def _as_read(value: Any) -> Any:
    """A value as the round trip read it, as plain data whose unquoted text is marked
    :class:`AsRead` (for undo: put back exactly as it was written)."""
    if isinstance(value, Mapping):
        return {str(k): _as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    if type(value) is str:
        return AsRead(value)
    return value


def _unmarked(value: Any) -> Any:
    """Plain data without :class:`AsRead` marks (the round trip writes only plain text)."""
    if isinstance(value, AsRead):
        return str(value)
    if isinstance(value, Mapping):
        return {k: _unmarked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmarked(v) for v in value]
    return value


def _checked(changes: Mapping[str, Any], path: Path, undone: str) -> dict[str, Any]:
    if "id" in changes:
        raise CurationError(f"{ID_FIXED}; {undone}.")
    unknown = sorted(k for k in changes if k not in EDITABLE)
    if unknown:
        raise CurationError(
            "Only a source's reference (its CSL fields), its short name and its evidence "
            "strength can be changed here, not "
            + ", ".join(f"'{k}'" for k in unknown)
            + f"; {undone}."
        )
    out = {k: _value(k, v) for k, v in changes.items()}
    if "title" in out and not out["title"]:
        raise CurationError(f"{path}: a source needs a title; {undone}.")
    if "type" in changes:
        if not out["type"]:
            raise CurationError(f"{path}: a source needs a type (such as report); {undone}.")
        if out["type"] not in CSL_TYPES:
            raise CurationError(
                f"'{out['type']}' is not a CSL type (e.g. report, book, speech, webpage); {undone}."
            )
    if out.get(STRENGTH) is not None and not isinstance(out[STRENGTH], dict):
        raise CurationError(
            f"'{STRENGTH}' should be a mapping with design, maryland and/or emmie; {undone}."
        )
    for key in CSL_NAME_VARIABLES & set(out):
        names = out[key]
        if names is not None and not (
            isinstance(names, list) and all(isinstance(n, dict) for n in names)
        ):
            raise CurationError(
                f"'{key}' should be a list of names (family and given, or literal); {undone}."
            )
    return out


# --- writing values in the file's own style ---------------------------------------------------


def _name_node(name: dict[str, Any], like: Any) -> Any:
    """A name as ``like`` (a name already in the list) was written: on one line (``{family: …,
    given: …}``) or one key a line; without one, a person on one line and an organisation as
    ``literal: …``, as a new source is written."""
    from ruamel.yaml.comments import CommentedMap

    flow = yamlio.is_flow(like) if like is not None else "literal" not in name
    return yamlio.flow_map(name) if flow else CommentedMap(name)


def _flow_items(seq: Any) -> None:
    """Every name in a list written on one line in braces (``[{literal: Home Office}]``)."""
    for item in seq:
        if isinstance(item, Mapping) and hasattr(item, "fa"):
            item.fa.set_flow_style()


def _names_node(old: Any, names: list[dict[str, Any]]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    olds = list(old) if isinstance(old, list) else []
    items = []
    for j, name in enumerate(names):
        if j < len(olds) and _normal(olds[j]) == _normal(name):
            items.append(olds[j])  # unchanged: as it was written
            continue
        kind = "literal" in name
        same_kind = [o for o in olds if isinstance(o, Mapping) and ("literal" in o) == kind]
        like = same_kind[0] if same_kind else None
        items.append(_name_node(name, like))
    seq = CommentedSeq(items)
    if isinstance(old, list) and yamlio.is_flow(old):
        seq.fa.set_flow_style()
        _flow_items(seq)
    else:
        seq.fa.set_block_style()
    return seq


def _flow_text(value: Any) -> str:
    """A list or mapping on one line, every mapping in braces."""
    import yaml

    dumped = yaml.safe_dump(
        value, allow_unicode=True, width=1_000_000, default_flow_style=True, sort_keys=False
    )
    return str(dumped).strip()


def _date_node(old: Any, date: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    fields: dict[str, Any] = {}
    for k, v in date.items():
        if k == "date-parts" and isinstance(v, list):
            parts = CommentedSeq([CommentedSeq(p) if isinstance(p, list) else p for p in v])
            for p in [parts, *(p for p in parts if isinstance(p, CommentedSeq))]:
                p.fa.set_flow_style()
            fields[k] = parts
        else:
            fields[k] = v
    if old is not None and isinstance(old, Mapping) and not yamlio.is_flow(old):
        return CommentedMap(fields)
    return yamlio.flow_map(fields)


def _scalar(old: Any, value: Any) -> Any:
    if isinstance(value, AsRead):
        return str(value)
    if isinstance(value, str):
        from ruamel.yaml.scalarstring import ScalarString

        # Text read from the file (an undo) is written as it was; new text as what it replaces.
        return value if isinstance(value, ScalarString) else yamlio.styled_like(old, value)
    return value


def _update_map(old: Any, value: Mapping[str, Any]) -> Any:
    """``old`` (a mapping of the round trip, kept with its layout and comments) changed key by
    key to ``value``; a new mapping one key a line (the house style) when there was none."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(old, CommentedMap):
        return CommentedMap({k: _unmarked(v) for k, v in value.items()})
    for key in [k for k in old if k not in value]:
        _set(old, key, None)
    for key, item in value.items():
        if _normal(old.get(key)) == _normal(item) and not isinstance(item, AsRead):
            continue
        if isinstance(item, Mapping):  # the EMMIE notes: one a line, as the rest
            sub = old.get(key)
            new = _update_map(sub, item)
            if new is not sub:
                _put(old, key, new)
        else:
            _set(old, key, item)
    return old


def _node(key: str, old: Any, value: Any) -> Any:
    if key in CSL_NAME_VARIABLES and isinstance(value, list):
        return _names_node(old, _unmarked(value))
    if key in CSL_DATE_VARIABLES and isinstance(value, Mapping):
        return _date_node(old, _unmarked(dict(value)))
    if isinstance(value, Mapping) and (key == STRENGTH or isinstance(old, Mapping)):
        return _update_map(old, value)
    if isinstance(value, Mapping):
        return yamlio.flow_map(_unmarked(dict(value)))
    return _scalar(old, value)


def _set(item: Any, key: str, value: Any) -> None:
    """Set ``key`` of a round-trip mapping (None: remove it), keeping the comments and blank
    lines after the source in their place when its last key changes."""
    if value is None:
        if key not in item:
            return
        del item[key]
        return
    new = _node(key, item.get(key), value)
    if key in item and new is item[key]:
        return  # changed in place
    _put(item, key, new)


def _put(item: Any, key: str, new: Any) -> None:
    """Set ``key`` to a value ready to be written, in the house order."""
    keys = list(item)
    one_line = not isinstance(new, (Mapping, list)) or yamlio.is_flow(new)
    if key in item:
        # Replaced in its place, not assigned: assigning plain text over quoted text would keep
        # the quotes (an undo puts back text as it was written).
        at, comment = keys.index(key), item.ca.items.get(key)
        del item[key]
        item.insert(at, key, new)
        if comment is not None and one_line:
            item.ca.items[key] = comment
        return
    order = _ORDER if key in _ORDER else _STRENGTH_ORDER
    at = 0
    for i, k in enumerate(keys):
        if k in order and key in order and order.index(k) < order.index(key):
            at = i + 1
    item.insert(at, key, new)


def _drop_tail(node: Any) -> None:
    """Take the blank and comment lines after the source off its last value (the round trip
    keeps them there): they are kept from the file's own lines, wherever the keys now end. A
    comment on the last value's own line stays with it."""
    while isinstance(node, (Mapping, list)) and len(node) and hasattr(node, "ca"):
        last = list(node)[-1] if isinstance(node, Mapping) else len(node) - 1
        tokens = node.ca.items.get(last) or []
        for i, token in enumerate(tokens):
            value = getattr(token, "value", None)
            if isinstance(value, str):
                if value.startswith("\n"):
                    tokens[i] = None
                else:
                    token.value = value.split("\n")[0] + "\n"
        node = node[last]


# --- the edit ---------------------------------------------------------------------------------


def edit_source(
    root: Path | str,
    source_id: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None = None,
) -> Written:
    """Set (or, with the value None, remove) keys of a source's reference: any CSL field
    (``title``, ``author`` as a list of names, ``issued`` as ``{date-parts: [[2024, 3]]}``...)
    and ``short``; never its id. ``expected``: the values the caller showed; if the file now
    differs, a :class:`ConflictError` and nothing is written. ``Written.before`` holds the
    previous values of the changed keys, so ``edit_source(root, id, before, expected=changes)``
    undoes it. Every other line of sources.yaml stays byte for byte as it was."""
    root = Path(root)
    undone = "nothing was changed"
    refuse_if_read_only(root)
    entry = _read(root, source_id, undone)
    path, item = entry.path, entry.item
    where = f"{path}:{item.line}"
    if expected is not None:
        differ = [k for k, v in expected.items() if _normal(item.get(k)) != _normal(v)]
        if differ:
            raise ConflictError(
                f"{where}: source '{source_id}' was changed by someone else since it was shown "
                f"({', '.join(differ)}), so {undone}. Reload and try again."
            )
    new_values = _checked(changes, path, undone)
    # Only what differs is written: a key given unchanged keeps its lines as they are.
    new_values = {k: v for k, v in new_values.items() if _normal(item.get(k)) != _normal(v)}
    all_lines = entry.text.splitlines(keepends=True)
    old_lines = all_lines[entry.first : entry.last]
    m = _ITEM_START.match(old_lines[0]) if old_lines else None
    if m is None:
        raise CurationError(
            f"{where}: source '{source_id}' is not laid out one key a line, so it cannot be "
            f"changed here; {undone}. Change it by hand."
        )
    # The source's lines, under their list's key, are read for editing on their own (in the
    # file's own indentation): a sources.yaml of many sources is not parsed again by a
    # pure-Python reader for one edit.
    try:
        trip: yamlio.RoundTrip | None = yamlio.RoundTrip("references:\n" + "".join(old_lines))
    except YamlProblem:
        trip = None
    data = trip.data if trip is not None else None
    seq = data.get("references") if isinstance(data, Mapping) else None
    if (
        not isinstance(seq, list)
        or len(seq) != 1
        or not isinstance(seq[0], Mapping)
        or yamlio.is_flow(seq[0])
        or str(seq[0].get("id")) != source_id
    ):
        raise CurationError(
            f"{where}: source '{source_id}' is not laid out one key a line, so it cannot be "
            f"changed here; {undone}. Change it by hand."
        )
    rt: Any = seq[0]
    # For undo: the values as the round trip read them, so a quoted title goes back in quotes.
    before: dict[str, Any] = {}
    for key in new_values:
        old = rt.get(key)
        before[key] = _as_read(plain_data(old))
    if not new_values:
        return Written(path, None, before, [])
    assert trip is not None
    old_keys = {k: rt.lc.key(k)[0] - 1 for k in rt}  # lines of old_lines
    _drop_tail(rt)
    for key, value in new_values.items():
        _set(rt, key, value)
    dumped = trip.dump()
    try:
        again = yamlio.RoundTrip(dumped).data.get("references")
    except (YamlProblem, AttributeError):
        again = None
    if not isinstance(again, list) or len(again) != 1:
        raise CurationError(f"{where}: the source could not be rewritten safely; {undone}.")
    new_lines = dumped.splitlines(keepends=True)[1:]  # without "references:"
    new_keys = {k: again[0].lc.key(k)[0] - 1 for k in again[0]}
    for key, value in new_values.items():
        line = new_keys.get(key)
        if key in CSL_NAME_VARIABLES and line is not None and yamlio.is_flow(rt.get(key)):
            # The round trip writes a name alone in braces without them ([literal: X]): the
            # list is written as the file writes it, {literal: X}.
            lead = new_lines[line][: len(new_lines[line]) - len(new_lines[line].lstrip())]
            new_lines[line] = f"{lead}{key}: {_flow_text(value)}\n"
    # Keys not changed keep their own lines; the blank lines and comments after the source stay.
    old_tail = tail_start(old_lines, 0, len(old_lines))
    new_tail = tail_start(new_lines, 0, len(new_lines))
    old_ranges, new_ranges = key_ranges(old_keys, old_tail), key_ranges(new_keys, new_tail)
    lines = all_lines[: entry.first]
    for key, (a, b) in new_ranges.items():
        if key not in new_values and key in old_ranges:
            a0, b0 = old_ranges[key]
            lines += old_lines[a0:b0]
        else:
            lines += new_lines[a : tail_start(new_lines, a, b)]
            if key in old_ranges:  # the comments under the old value stay
                a0, b0 = old_ranges[key]
                lines += old_lines[tail_start(old_lines, a0, b0) : b0]
    spliced = "".join(lines + old_lines[old_tail:] + all_lines[entry.last :])
    # Read back as the loader reads: the rest of the file as it was, this source as intended.
    intended = plain_data(item)
    for key, value in new_values.items():
        if value is None:
            intended.pop(key, None)
        else:
            intended[key] = value
    try:
        check = load_yaml_text(spliced, numbers_as_written=True)
    except YamlProblem:
        check = None
    refs = check.get("references") if isinstance(check, dict) else None
    old_data = plain_data(entry.data)
    if (
        not isinstance(refs, list)
        or len(refs) != len(entry.refs)
        or {k: v for k, v in plain_data(check).items() if k != "references"}
        != {k: v for k, v in old_data.items() if k != "references"}
        or any(
            plain_data(a) != plain_data(b)
            for j, (a, b) in enumerate(zip(refs, entry.refs, strict=True))
            if j != entry.index
        )
        or _normal(plain_data(refs[entry.index])) != _normal(intended)
    ):
        raise CurationError(
            f"{where}: source '{source_id}' could not be rewritten safely (its layout is "
            f"unusual), so {undone}. Change it by hand."
        )
    if entry.eol != "\n":
        spliced = spliced.replace("\n", entry.eol)
    baseline = error_counts(current_library(root))
    checked = write_checked(
        root, path, entry.raw, encode(spliced, entry.raw), baseline, undone=undone
    )
    warnings = [p for p in checked.problems if p.warning and f"'{source_id}'" in p.message]
    return Written(path, None, before, warnings)
