"""Opening a library fast: a cache of the loaded library and its filter index.

An entry is keyed on exactly what the loader read: the list of files it reads
(:func:`~briefing_builder.core.loader.library_files`, the same function the loader picks its
findings files with), and the state — size, modification and change times, inode, device, through
symbolic links — of every file it read or tried to read, source texts included, taken *before*
each was read (``Library.read_files``); and on the state of the loader's own code. Any difference
— a file edited, added, removed or touched, a link pointed elsewhere, a folder made unreadable — is
a miss, so stale data is never served. Hidden files (``findings/.draft.yaml``) are neither read nor
keyed.

An entry is a columns file (:mod:`.library_columns`): data only, mapped into memory when read, so
opening a large library from the cache builds nothing until it is used, and a tampered entry can
run no code. The cache folder is made private (0700). Where the system has owners (POSIX), an
entry is only read if it and its folder belong to the user and no one else may write them;
anything else is ignored (and logged), never loaded. Entries are written atomically; a damaged
entry is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import platformdirs

from .. import __version__
from .atomic import atomic_output, clean_stale_temps
from .filtering import FilterIndex
from .library_columns import Unkept, read_library, write_library
from .loader import (
    CancelCheck,
    LoadCancelled,
    Progress,
    file_stamp,
    findings_files,
    forget_kept_reads,
    gc_paused,
    library_files,
    library_folder_problem,
    load_library_indexed,
)
from .model import Library

log = logging.getLogger(__name__)

CACHE_FORMAT = 7
CACHE_ENV = "BRIEFING_BUILDER_CACHE_DIR"


@dataclass
class OpenedLibrary:
    library: Library
    index: FilterIndex
    from_cache: bool = False


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("briefing-builder", appauthor=False)) / "libraries"


def _listing(root: Path) -> tuple[tuple[str, ...], str | None]:
    """The files the loader would read now, and why the findings folder cannot be listed."""
    return tuple(str(p) for p in library_files(root)), findings_files(root)[1]


def _unchanged(read_files: object) -> bool:
    """Whether every file an entry was built from is still in the state it was read in."""
    if not isinstance(read_files, dict):
        return False
    return all(file_stamp(path) == stamp for path, stamp in read_files.items())


def _code_signature() -> tuple[tuple[str, int, int], ...]:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        # The packaged app: its modules are inside the executables, not files here. Its version
        # and its build (the bundle's standard library archive, written afresh by every build).
        try:
            st = (Path(bundle) / "base_library.zip").stat()
        except OSError:
            return ((f"bundle {__version__}", 0, 0),)
        return ((f"bundle {__version__}", st.st_size, st.st_mtime_ns),)
    here = Path(__file__).resolve().parent
    out = []
    for path in sorted(here.glob("*.py")):
        st = path.stat()
        out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _absolute(root: Path) -> Path:
    """The library folder's real path; as given (made absolute) when it cannot be resolved (a
    link loop, a NUL character, a name too long): the loader then names the problem."""
    try:
        return root.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(root))


def _entry_path(cache_dir: Path, root: Path) -> Path:
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir / f"{digest}.columns"


def owned_privately(st: os.stat_result) -> bool:
    """Ours, and no one else may write it (always true where there are no owners)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: the folder is in the user's profile
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def private_folder(cache_dir: Path) -> bool:
    """Create the cache folder (0700); whether it is safe to read entries from and write to."""
    try:
        cache_dir.parent.mkdir(parents=True, exist_ok=True)
        cache_dir.mkdir(mode=0o700, exist_ok=True)
        st = os.stat(cache_dir)
    except OSError:
        log.warning(
            "Cannot write the library cache entry: its folder %s cannot be made; not caching",
            cache_dir,
            exc_info=True,
        )
        return False
    if not stat.S_ISDIR(st.st_mode):
        log.warning("The library cache folder %s is not a folder; not caching", cache_dir)
        return False
    if owned_privately(st):
        return True
    if hasattr(os, "getuid") and st.st_uid == os.getuid():
        try:  # our own folder, made by an earlier version with the umask's permissions
            os.chmod(cache_dir, 0o700)
            log.info("Made the library cache folder %s private (0700)", cache_dir)
            return True
        except OSError:
            pass
    log.warning(
        "The library cache folder %s belongs to someone else or others may write to it; "
        "not caching",
        cache_dir,
    )
    return False


def _read_entry(
    path: Path, prefix: tuple[object, ...], cancelled: CancelCheck | None = None
) -> OpenedLibrary | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:  # not cached yet
        return None
    except OSError:
        log.info("The library cache entry %s cannot be opened; reading afresh", path, exc_info=True)
        return None
    expected = _as_json(list(prefix))

    def accept(key: object) -> bool:
        return (
            isinstance(key, list)
            and len(key) == len(expected) + 1
            and key[:-1] == expected
            and isinstance(key[-1], dict)
            and _unchanged({k: tuple(v) for k, v in key[-1].items()})
        )

    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or not owned_privately(st):
                log.warning(
                    "The library cache entry %s belongs to someone else or others may write to "
                    "it; it is not used",
                    path,
                )
                return None
            if cancelled is not None and cancelled():
                raise LoadCancelled
            read = read_library(fh, accept)
    except LoadCancelled:
        raise
    except Exception:  # a damaged or foreign cache entry is simply not used
        log.info("The library cache entry %s cannot be used; reading afresh", path, exc_info=True)
        return None
    if read is None:
        return None
    library, index = read
    return OpenedLibrary(library, index, from_cache=True)


def _as_json(value: list[object]) -> list[object]:
    """``value`` as a columns file's JSON header gives it back (tuples as lists)."""
    again: list[object] = json.loads(json.dumps(value, ensure_ascii=True))
    return again


class _Cancellable:
    """A file for the writer that stops the write once the load is cancelled (the atomic
    writer then removes its temporary file: no entry, not half of one)."""

    def __init__(self, fh: IO[bytes], cancelled: CancelCheck | None) -> None:
        self.fh = fh
        self.cancelled = cancelled

    def write(self, data: bytes) -> int:
        if self.cancelled is not None and self.cancelled():
            raise LoadCancelled
        return self.fh.write(data)


def _write_entry(
    path: Path,
    key: tuple[object, ...],
    opened: OpenedLibrary,
    cancelled: CancelCheck | None = None,
) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not fsynced: an entry that a power cut damaged is read as a miss and rebuilt.
        with atomic_output(path, fsync=False) as fh:
            write_library(
                _Cancellable(fh, cancelled),  # type: ignore[arg-type]
                key,
                opened.library,
                opened.index,
                cancelled,
            )
            if cancelled is not None and cancelled():
                raise LoadCancelled
        # An entry of the format before is no longer read: it goes, with any half-written one a
        # killed process left (the writer tidies only temporary files of the name it writes).
        old = path.with_suffix(".pickle")
        with contextlib.suppress(OSError):
            old.unlink()
        clean_stale_temps(path.parent, old.name)
    except Unkept as exc:  # an unusual reference: this library opens from its files each time
        log.info("The library cannot be cached (%s); it is read afresh each time", exc)
        with contextlib.suppress(OSError):
            path.unlink()
    except OSError:  # a cache that cannot be written only costs speed next time
        log.warning("Cannot write the library cache entry %s", path, exc_info=True)


class _Progress:
    """One progress for reading the files and building the index. The files are indexed as
    they are read; joining their parts weighs a twentieth of the reading, at least one step
    (measured at 100,000 findings: 0.15–0.2 s against 10 s and more)."""

    def __init__(self, progress: Progress | None, cancelled: CancelCheck | None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.files = 2

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _index_weight(self) -> int:
        return max(1, self.files // 20)

    def read(self, done: int, total: int) -> None:
        self.files = total
        self._report(done, total + self._index_weight())

    def indexed(self, done: int, total: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise LoadCancelled
        weight = self._index_weight()
        self._report(self.files + weight * done // max(total, 1), self.files + weight)

    def finished(self) -> None:
        total = self.files + self._index_weight()
        self._report(total, total)


def _build(root: Path, steps: _Progress, reuse: bool = False) -> OpenedLibrary:
    library, parts = load_library_indexed(
        root, progress=steps.read, cancelled=steps.cancelled, reuse=reuse
    )
    with gc_paused():
        index = FilterIndex(library, checkpoint=steps.indexed, parts=parts)
        opened = OpenedLibrary(library, index)
    steps.indexed(1, 1)  # asks once more: a small library indexes without a checkpoint call
    return opened


def open_library(
    root: Path | str,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    reuse: bool = False,
) -> OpenedLibrary:
    """Load a library (from the cache when nothing has changed) with its filter index.

    ``reuse``: read only the findings files that changed since the last time this process read
    the library, and take the others' reads from then (the check after a curation write, which
    changed one file). The library, its problems, index and cache entry are the same as a full
    read gives; a file is reused only if it is in the state it was read in.

    ``progress(done, total)`` follows the files read and the index built; ``cancelled()`` is
    asked between files, during the index build and the cache write: once it is true the load
    stops with :class:`~briefing_builder.core.loader.LoadCancelled`, and nothing is cached.
    """
    steps = _Progress(progress, cancelled)
    root = _absolute(Path(root))
    cache_dir = cache_dir or default_cache_dir()
    if not use_cache or library_folder_problem(root) is not None or not private_folder(cache_dir):
        opened = _build(root, steps, reuse)
        opened.index.runs = None  # the compressed text is for a cache entry: none is written
        steps.finished()
        return opened
    listing = _listing(root)
    steps.files = len(listing[0])
    prefix = (CACHE_FORMAT, str(root), _code_signature(), listing)
    entry = _entry_path(cache_dir, root)
    if cancelled is not None and cancelled():
        raise LoadCancelled
    cached = _read_entry(entry, prefix, cancelled)
    if cached is not None:
        forget_kept_reads(but=root)  # another library's reads are of no more use
        if cancelled is not None and cancelled():
            raise LoadCancelled
        steps.finished()
        return cached
    opened = _build(root, steps, reuse)
    library = opened.library
    # Keyed on the state each file had before it was read; written only if the loader read the
    # very files listed above (a findings file added or removed meanwhile: not cached this time).
    if set(listing[0]) <= library.read_files.keys() and _listing(root) == listing:
        _write_entry(entry, (*prefix, library.read_files), opened, cancelled)
        try:  # the writer gives new files the umask's permissions; an entry is the user's alone
            if stat.S_IMODE(os.stat(entry).st_mode) & 0o077:
                os.chmod(entry, 0o600)
        except OSError:
            pass
    opened.index.runs = None  # written (or not to be): the compressed text is not kept
    steps.finished()
    return opened
