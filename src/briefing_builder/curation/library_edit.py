"""Add, rename and describe themes in ``library.yaml``, keeping the curator's file as written.

Themes are ids findings refer to, so an id never changes: a theme is renamed by its label. The
file goes through the same round trip as findings files (:mod:`.findings`): only the lines of the
theme changed are rewritten, and spliced into the file's own text, so the title, description,
comments, quoting and every other theme stay byte for byte. Writes are refused on a library that
is read-only (``read-only: true`` in library.yaml, or files the user may not write).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import yamlio
from ..core.loader import ID_PATTERN
from ..core.yamlio import YamlProblem, load_yaml_text
from .writes import (
    LIBRARY_FILE,
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
    read_only_reason,
    refuse_if_read_only,
    tail_start,
    write_checked,
)

__all__ = [
    "ConflictError",
    "CurationError",
    "Written",
    "add_theme",
    "edit_theme",
    "read_only_reason",
    "remove_added_theme",
]


class _Meta:
    """library.yaml read for editing: its text, the round trip, and the themes' lines."""

    def __init__(self, root: Path, undone: str) -> None:
        self.path = root / LIBRARY_FILE
        self.undone = undone
        raw = read_for_edit(self.path)
        if raw is None:
            raise CurationError(f"{self.path} is missing, so {undone}.")
        self.raw = raw
        text = decode(raw, self.path)
        self.eol = "\r\n" if "\r\n" in text else "\n"
        self.text = text.replace("\r\n", "\n")
        try:
            self.safe = load_yaml_text(self.text)
            self.trip = yamlio.RoundTrip(self.text)
        except YamlProblem as exc:
            raise CurationError(
                f"{self.path}:{exc.line or 1}: {exc.message}; fix it first ({undone})."
            ) from None
        data = self.trip.data
        themes = data.get("themes") if isinstance(data, dict) else None
        if not isinstance(themes, list) or yamlio.is_flow(themes) or not themes:
            raise CurationError(
                f"{self.path}: the themes are not laid out as a list under 'themes:', one theme "
                f"a line, so {undone}; change the file by hand."
            )
        self.themes = themes
        self.lines = self.text.splitlines(keepends=True)
        keys = list(data)
        after = keys.index("themes") + 1
        self.list_end = data.lc.key(keys[after])[0] if after < len(keys) else len(self.lines)

    def index(self, theme_id: str) -> int:
        for j, theme in enumerate(self.themes):
            if isinstance(theme, dict) and str(theme.get("id")) == theme_id:
                return j
        raise CurationError(f"{self.path}: there is no theme '{theme_id}'; {self.undone}.")

    def span(self, lines: list[str], themes: Any, j: int, list_end: int) -> tuple[int, int, int]:
        """(start, end of its own lines, end with the blank and comment lines after it)."""
        starts = yamlio.item_lines(themes)
        end = starts[j + 1] if j + 1 < len(starts) else list_end
        return starts[j], tail_start(lines, starts[j], end), end

    def dumped(self) -> tuple[list[str], Any, int]:
        """The round trip written out: its lines, its themes, where its theme list ends."""
        text = self.trip.dump()
        again = yamlio.RoundTrip(text).data
        lines = text.splitlines(keepends=True)
        keys = list(again)
        after = keys.index("themes") + 1
        end = again.lc.key(keys[after])[0] if after < len(keys) else len(lines)
        return lines, again["themes"], end

    def write(self, root: Path, lines: list[str], expect_themes: list[dict[str, Any]]) -> Written:
        """Read the new text back (everything but the themes as it was, the themes as intended),
        then write it and check the library."""
        new = "".join(lines)
        try:
            check = load_yaml_text(new)
        except YamlProblem:
            check = None
        old = plain_data(self.safe)
        if (
            not isinstance(check, dict)
            or {k: v for k, v in plain_data(check).items() if k != "themes"}
            != {k: v for k, v in old.items() if k != "themes"}
            or plain_data(check.get("themes")) != expect_themes
        ):
            raise CurationError(
                f"{self.path}: the themes could not be rewritten safely (the file's layout is "
                f"unusual), so {self.undone}; change it by hand."
            )
        if self.eol != "\n":
            new = new.replace("\n", self.eol)
        baseline = error_counts(current_library(root))
        write_checked(
            root, self.path, self.raw, encode(new, self.raw), baseline, undone=self.undone
        )
        return Written(self.path, None, None, [])


def _label(label: str | None, path: Path, undone: str) -> str:
    text = _text(label) or ""
    if not text:
        raise CurationError(f"{path}: a theme needs a label (its name in the app); {undone}.")
    return text


def add_theme(root: Path | str, theme_id: str, label: str, description: str = "") -> Written:
    """Append a theme to library.yaml's list (after the last theme, before any comment or
    blank line that follows the list). A theme no finding uses yet is only a warning."""
    root = Path(root)
    undone = "the theme was not added"
    refuse_if_read_only(root)
    meta = _Meta(root, undone)
    tid = theme_id.strip()
    if not ID_PATTERN.match(tid):
        raise CurationError(
            f"The theme id '{tid}' may use only a-z, 0-9 and '-' (and starts with a letter or "
            f"digit); {undone}."
        )
    if any(isinstance(t, dict) and str(t.get("id")) == tid for t in meta.themes):
        raise CurationError(f"{meta.path}: there is already a theme '{tid}'; {undone}.")
    entry: dict[str, Any] = {"id": tid, "label": _label(label, meta.path, undone)}
    described = " ".join(description.split())
    if described:
        entry["description"] = described
    last = len(meta.themes) - 1
    _, insert_at, _ = meta.span(meta.lines, meta.themes, last, meta.list_end)
    from ruamel.yaml.comments import CommentedMap

    meta.themes.append(CommentedMap(entry))
    lines, themes, list_end = meta.dumped()
    start, content_end, _ = meta.span(lines, themes, last + 1, list_end)
    new_lines = meta.lines[:insert_at] + lines[start:content_end] + meta.lines[insert_at:]
    expect = [*plain_data(meta.safe)["themes"], entry]
    written = meta.write(root, new_lines, expect)
    return Written(written.path, None, None, _theme_warnings(root, tid))


def edit_theme(
    root: Path | str,
    theme_id: str,
    *,
    label: str | None = None,
    description: str | None = None,
    expected: Mapping[str, Any] | None = None,
) -> Written:
    """Rename (``label``) or describe (``description``; "" removes it) a theme; its id stays.
    ``expected``: the label and description the caller showed; if the file now differs, a
    :class:`ConflictError` and nothing is written. ``Written.before`` holds the old values, so
    ``edit_theme(root, theme_id, **written.before)`` undoes the change."""
    root = Path(root)
    undone = "the theme was not changed"
    refuse_if_read_only(root)
    meta = _Meta(root, undone)
    j = meta.index(theme_id)
    theme = meta.themes[j]
    current = {k: _text(theme.get(k)) for k in ("label", "description")}
    if expected is not None:
        differ = [k for k, v in expected.items() if _text(v) != current.get(k)]
        if differ:
            raise ConflictError(
                f"{meta.path}: theme '{theme_id}' was changed by someone else since it was shown "
                f"({', '.join(differ)}), so {undone}. Reload and try again."
            )
    changes: dict[str, str | None] = {}
    if label is not None:
        changes["label"] = _label(label, meta.path, undone)
    if description is not None:
        changes["description"] = _text(description)
    changes = {k: v for k, v in changes.items() if v != current[k]}
    # For undo: edit_theme(root, theme_id, **before) ("" for a description there was none).
    before: dict[str, Any] = {k: current[k] or "" for k in changes}
    if not changes:
        return Written(meta.path, None, before, [])
    old_keys = {k: theme.lc.key(k)[0] for k in theme}
    for key, value in changes.items():
        if value is None:
            if key in theme:
                del theme[key]
        elif key in theme:
            theme[key] = yamlio.styled_like(theme[key], value)
        else:
            theme[key] = value
    lines, themes, list_end = meta.dumped()
    _, content_end, _ = meta.span(lines, themes, j, list_end)
    old_start, old_content_end, _ = meta.span(meta.lines, meta.themes, j, meta.list_end)
    new_keys = {k: themes[j].lc.key(k)[0] for k in themes[j]}
    old_ranges, new_ranges = (
        key_ranges(old_keys, old_content_end),
        key_ranges(new_keys, content_end),
    )
    out = meta.lines[:old_start]
    for key, (a, b) in new_ranges.items():
        if key not in changes and key in old_ranges:
            a0, b0 = old_ranges[key]
            out += meta.lines[a0:b0]
        else:
            out += lines[a:b]
    out += meta.lines[old_content_end:]
    expect = plain_data(meta.safe)["themes"]
    for key, value in changes.items():
        if value is None:
            expect[j].pop(key, None)
        else:
            expect[j][key] = value
    written = meta.write(root, out, expect)
    return Written(written.path, None, before, [])


def remove_added_theme(root: Path | str, theme_id: str) -> Written:
    """Take out a theme :func:`add_theme` added (for undo); refused while a finding uses it."""
    root = Path(root)
    undone = "the theme was not taken out"
    refuse_if_read_only(root)
    meta = _Meta(root, undone)
    j = meta.index(theme_id)
    lib = current_library(root)
    used = sum(1 for f in lib.findings if theme_id in f.themes)
    if used:
        raise CurationError(
            f"{meta.path}: theme '{theme_id}' is used by {used} finding{'s' if used != 1 else ''}, "
            f"so {undone}."
        )
    if len(meta.themes) == 1:
        raise CurationError(f"{meta.path}: a library needs at least one theme, so {undone}.")
    start, content_end, _ = meta.span(meta.lines, meta.themes, j, meta.list_end)
    out = meta.lines[:start] + meta.lines[content_end:]
    expect = [t for n, t in enumerate(plain_data(meta.safe)["themes"]) if n != j]
    return meta.write(root, out, expect)


def _text(value: Any) -> str | None:
    """Text with white space folded; None for nothing. Text already folded is returned as it is
    (a value read from the file keeps its quoting when an undo puts it back)."""
    if value is None:
        return None
    if isinstance(value, str) and value == " ".join(value.split()):
        return value or None
    text = " ".join(str(value).split())
    return text or None


def _theme_warnings(root: Path, theme_id: str) -> list[Any]:
    return [
        p
        for p in current_library(root).problems
        if p.warning and f"theme '{theme_id}'" in p.message
    ]
