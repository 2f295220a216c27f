"""How every curation write is made safe: the errors it raises, what it returns, and the one
routine that writes a library file and checks the library afterwards.

A curator's files live on a shared drive and are edited by hand as well as by the app, so every
write follows the same steps: the caller reads the file's bytes and works out the new bytes (and
has them parsed back); here the file on disk is confirmed to still hold the bytes read (a
colleague's change since is never overwritten), the new bytes are written through the one atomic
writer, and the library is loaded again. If that load shows an error the write added, the old
bytes are put back and the errors are reported. A library marked read-only, or whose files may
not be written, is refused before anything is read.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.atomic import write_bytes
from ..core.cache import open_library
from ..core.files import UnreadableFile, read_regular_file
from ..core.loader import findings_files
from ..core.model import Library, Problem
from ..core.yamlio import YamlProblem, load_yaml_file

LIBRARY_FILE = "library.yaml"
READ_ONLY_KEY = "read-only"


class CurationError(Exception):
    """Why a curation write was refused (nothing written) or undone (the file is as it was).

    ``message`` names the file (and line where there is one); ``problems`` are the check's
    problems when the library check after the write refused it."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        return self.message


class ConflictError(CurationError):
    """The file changed on disk since the caller read it, or the finding's values now differ
    from what the caller showed: nothing was written; reload and try again."""


@dataclass(frozen=True)
class Written:
    """What a write changed: the file, the finding (if any), the previous values of the keys it
    changed (for undo) and the check's warnings about what was written."""

    path: Path
    finding_id: str | None
    before: dict[str, Any] | None = None
    warnings: list[Problem] = field(default_factory=list)


def read_only_reason(root: Path | str) -> str | None:
    """Why this library cannot be edited, in words for the officer; None when it can.

    ``read-only: true`` in library.yaml marks a library that readers browse but only its curator
    changes. Files the user may not write (a colleague's library on a shared drive) count too."""
    root = Path(root)
    meta = root / LIBRARY_FILE
    try:
        data = load_yaml_file(meta)
    except YamlProblem:
        data = None  # the loader reports it; the write's own check refuses what it cannot read
    if isinstance(data, dict) and data.get(READ_ONLY_KEY) is True:
        return (
            f"This library is marked read-only ({READ_ONLY_KEY}: true in {meta}), so it cannot be "
            "changed here. Ask the library's curator to make the change."
        )
    if not root.is_dir():
        return f"The library folder {root} does not exist."
    if not os.access(root, os.W_OK):
        return f"You do not have permission to change files in the library folder {root}."
    files, _ = findings_files(root)
    for path in (meta, root / "sources.yaml", root / "findings", *files):
        if path.exists() and not os.access(path, os.W_OK):
            return f"{path} is read-only for you, so this library cannot be changed here."
    return None


def refuse_if_read_only(root: Path) -> None:
    reason = read_only_reason(root)
    if reason is not None:
        raise CurationError(reason + " Nothing was written.")


def read_for_edit(path: Path) -> bytes | None:
    """The file's bytes (None when it does not exist yet); CurationError when it cannot be read."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        return read_regular_file(path)
    except UnreadableFile as exc:
        raise CurationError(f"{path} {exc.message}; nothing was written.") from None


def decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CurationError(
            f"{path}:{line}: is not UTF-8 text; save it as UTF-8 (nothing was written)."
        ) from None


def encode(text: str, like: bytes | None) -> bytes:
    """The text as UTF-8, with a byte-order mark if the file had one."""
    bom = b"\xef\xbb\xbf" if like is not None and like.startswith(b"\xef\xbb\xbf") else b""
    return bom + text.encode("utf-8")


def current_library(root: Path) -> Library:
    """The library as its files are now, with every problem: from the cache when no file changed
    (the app has just opened it), else loaded afresh and cached, so that the app's reload after
    a write finds it there instead of loading it again. Loaded afresh, only the findings files
    changed since the library was last read here are read again (a write changes one)."""
    return open_library(root, reuse=True).library


def error_counts(lib: Library) -> Counter[tuple[str, str]]:
    """The library's errors by file and message (not line: an edit may move later lines)."""
    return Counter((p.file, p.message) for p in lib.errors)


def write_checked(
    root: Path,
    path: Path,
    before: bytes | None,
    after: bytes | None,
    baseline: Counter[tuple[str, str]],
    *,
    undone: str,
) -> Library:
    """Write ``after`` over ``path`` (None: remove it) if it still holds ``before`` (None: it must
    not exist), then check the library: an error the write added puts ``before`` back and raises
    CurationError.

    ``undone`` says, for the messages, what did not happen ("the finding was not added")."""
    try:
        now = read_regular_file(path) if (path.exists() or path.is_symlink()) else None
    except UnreadableFile as exc:
        raise CurationError(f"{path} {exc.message}; {undone}.") from None
    if now != before:
        raise ConflictError(
            f"{path} changed on disk since it was read (someone else edited it?), so nothing was "
            f"written and {undone}. Reload the library and try again."
        )
    try:
        if after is None:
            os.remove(path)
        else:
            path.parent.mkdir(exist_ok=True)
            write_bytes(path, after)
    except OSError as exc:
        raise CurationError(
            f"{path} cannot be written ({exc.strerror or exc}); nothing was written and {undone}."
        ) from None
    lib = current_library(root)
    added = error_counts(lib) - baseline
    if added:
        new = [p for p in lib.errors if (p.file, p.message) in added]
        try:
            restore(path, before)
        except OSError as exc:
            raise CurationError(
                f"The library check found problems with the change, and {path} could not be put "
                f"back as it was ({exc.strerror or exc}); correct these problems in it by hand:",
                new,
            ) from None
        raise CurationError(
            f"The library check found problems with the change, so {undone} ({path} is as it was):",
            new,
        )
    return lib


def plain_data(value: Any) -> Any:
    """Parsed YAML as plain dicts, lists and values, to compare what was read back."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    return value


def tail_start(lines: list[str], start: int, end: int) -> int:
    """Where the blank and comment lines at the end of an entry's lines begin."""
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"):
        end -= 1
    return end


def key_ranges(key_lines: dict[Any, int], end: int) -> dict[Any, tuple[int, int]]:
    """Each key's lines: from its own to the next key's (the last to ``end``)."""
    keys = list(key_lines)
    return {
        k: (key_lines[k], key_lines[keys[j + 1]] if j + 1 < len(keys) else end)
        for j, k in enumerate(keys)
    }


def restore(path: Path, before: bytes | None) -> None:
    """Put a file back as it was (remove it if it did not exist)."""
    if before is None:
        with contextlib.suppress(OSError):
            os.remove(path)
    else:
        write_bytes(path, before)
