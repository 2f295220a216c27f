"""Opening a library fast: a cache of the loaded library and its filter index.

The cache is keyed on the state of every file under the library folder (size, modification and
change times, inode) taken *before* the files are read, and on the state of the loader's own code.
Any difference — a file edited, added, removed or touched — is a miss, so stale data is never
served. Entries are written atomically; a damaged entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .. import __version__
from .atomic import atomic_output
from .filtering import FilterIndex
from .loader import gc_paused, library_folder_problem, load_library
from .model import Library

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
CACHE_ENV = "BRIEFING_BUILDER_CACHE_DIR"

Signature = tuple[tuple[str, int, int, int, int], ...]


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


def _tree_signature(root: Path) -> Signature:
    entries: list[tuple[str, int, int, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            rel = os.path.relpath(path, root)
            entries.append((rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(entries)


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
    return cache_dir / f"{digest}.pickle"


def _read_entry(path: Path, key: tuple[object, ...]) -> OpenedLibrary | None:
    try:
        with path.open("rb") as fh, gc_paused():
            stored_key = pickle.load(fh)
            if stored_key != key:
                return None
            library, index = pickle.load(fh)
    except FileNotFoundError:  # not cached yet
        return None
    except Exception:  # a damaged or foreign cache entry is simply not used
        log.info("The library cache entry %s cannot be used; reading afresh", path, exc_info=True)
        return None
    if not isinstance(library, Library) or not isinstance(index, FilterIndex):
        return None
    return OpenedLibrary(library, index, from_cache=True)


def _write_entry(path: Path, key: tuple[object, ...], opened: OpenedLibrary) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not fsynced: an entry that a power cut damaged is read as a miss and rebuilt.
        with atomic_output(path, fsync=False) as fh:
            pickle.dump(key, fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((opened.library, opened.index), fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # a cache that cannot be written only costs speed next time
        log.warning("Cannot write the library cache entry %s", path, exc_info=True)


def open_library(
    root: Path | str, *, cache_dir: Path | None = None, use_cache: bool = True
) -> OpenedLibrary:
    """Load a library (from the cache when nothing has changed) with its filter index."""
    root = _absolute(Path(root))
    if not use_cache or library_folder_problem(root) is not None:
        library = load_library(root)
        return OpenedLibrary(library, FilterIndex(library))
    key = (CACHE_FORMAT, str(root), _code_signature(), _tree_signature(root))
    entry = _entry_path(cache_dir or default_cache_dir(), root)
    cached = _read_entry(entry, key)
    if cached is not None:
        return cached
    library = load_library(root)
    with gc_paused():
        opened = OpenedLibrary(library, FilterIndex(library))
    _write_entry(entry, key, opened)
    return opened
