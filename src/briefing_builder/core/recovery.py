"""Autosave and recovery after a crash.

Each running app has one :class:`RecoverySession`: a slot in the recovery folder made of
``<id>.briefing.yaml`` (the briefing, in the ordinary file format), ``<id>.json`` (which file it
was, the hash of that file the edits were based on, when, the title) and ``<id>.lock``. The
briefing and its metadata are written by the atomic writer; the running app holds an operating-
system lock on ``<id>.lock`` (the ``filelock`` package) for as long as it runs, and the system
drops that lock the moment the process ends, however it ends. A clean save discards the slot and a
clean close removes it; a crash leaves it.

At start-up :func:`scan` lists the slots whose lock can be taken: their app is gone. Taking the
lock also *claims* the slot, so two instances started together never offer the same work; an
entry keeps its claim until it is discarded, recovered (then discarded), set aside or released.
Slots written by earlier versions (metadata ``format: 1``, no lock) are judged as those versions
did, by whether their process id is still running with the same start time.

Nothing the officer wrote is hidden or lost here:

* The briefing file alone is enough to offer a slot. If its metadata is missing or damaged, the
  title comes from the briefing and the time from the file's modification time (the damaged
  metadata is moved into ``damaged/``).
* A slot whose briefing cannot be read is *set aside*: moved into the ``damaged/`` subfolder,
  never deleted, and reported once (:attr:`Scan.set_aside`).
* Stale temporary files that a killed autosave left are removed (see :mod:`.atomic`).

A restored briefing's ``library`` is relative to the file the user was editing
(:attr:`RecoveryEntry.original_path`), not to the recovery folder. :meth:`RecoveryEntry.expected_hash`
is the hash to save it against, so a save over a file that changed since the crash asks first.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import functools
import inspect
import json
import logging
import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock, Timeout

from .atomic import clean_stale_temps, write_bytes
from .briefing import Briefing
from .briefing_io import SUFFIX, BriefingError, dumps_briefing, file_hash, read_briefing

log = logging.getLogger(__name__)

DATA_ENV = "BRIEFING_BUILDER_DATA_DIR"
RECOVERY_FORMAT = 2
LEGACY_FORMAT = 1  # pid-based, no lock: written by earlier versions
DAMAGED_DIR = "damaged"
_MAX_PID = 2**31 - 1
_SLOT_ID = re.compile(r"^[0-9a-f]{32}$")
_NO_LOCKING = {
    errno.ENOSYS,
    errno.ENOLCK,
    getattr(errno, "ENOTSUP", errno.ENOSYS),
    getattr(errno, "EOPNOTSUPP", errno.ENOSYS),
}


def recovery_dir() -> Path:
    """``$BRIEFING_BUILDER_DATA_DIR/recovery``, else ``recovery`` in the platform's data folder."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override) / "recovery"
    return Path(platformdirs.user_data_dir("briefing-builder", appauthor=False)) / "recovery"


def _slot_id(briefing_path: Path) -> str:
    name = briefing_path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else briefing_path.stem


def _metadata_path(briefing_path: Path) -> Path:
    return briefing_path.with_name(_slot_id(briefing_path) + ".json")


def _lock_path(briefing_path: Path) -> Path:
    return briefing_path.with_name(_slot_id(briefing_path) + ".lock")


@functools.cache
def _lock_options() -> dict[str, Any]:
    # A lock that survives its process would hide a crashed app's work for ever: never fall back to
    # filelock's "soft" (file exists = locked) lock; where the system cannot lock, the process id
    # decides instead (see _claim).
    params = inspect.signature(FileLock.__init__).parameters
    return {"fallback_to_soft": False} if "fallback_to_soft" in params else {}


def _new_lock(path: Path) -> FileLock:
    return FileLock(str(path), timeout=0, thread_local=False, **_lock_options())


def _release(lock: FileLock | None, *, remove: Path | None = None) -> None:
    """Let go of ``lock``, first removing its file ``remove`` (while still holding it)."""
    if lock is None:
        return
    if remove is not None:
        with contextlib.suppress(OSError):  # Windows: removed by release instead
            remove.unlink(missing_ok=True)
    with contextlib.suppress(Exception):
        lock.release(force=True)


def _unlink(*paths: Path) -> None:
    """Remove slot files; one that cannot be removed is logged (it is only offered again)."""
    for path in paths:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError:
            log.warning("Cannot remove %s", path, exc_info=True)


@dataclass
class RecoveryEntry:
    """An autosaved briefing left behind by an app that is no longer running."""

    briefing_path: Path  # the autosaved <id>.briefing.yaml
    original_path: Path | None  # the file being edited; None for a briefing never saved
    saved_at: _dt.datetime  # when it was autosaved (timezone-aware)
    title: str
    pid: int | None = None
    original_hash: str | None = None  # sha256 of the file the edits were based on, if recorded
    details_lost: bool = False  # no readable metadata: the original file is not known
    claim: FileLock | None = field(default=None, repr=False, compare=False)

    @property
    def metadata_path(self) -> Path:
        return _metadata_path(self.briefing_path)

    @property
    def lock_path(self) -> Path:
        return _lock_path(self.briefing_path)

    def load(self) -> Briefing:
        """The autosaved briefing; raises :class:`~.briefing_io.BriefingError` if it is damaged."""
        return read_briefing(self.briefing_path)

    def expected_hash(self) -> str | None:
        """The hash to save the recovered work against (None: saving over an existing file asks).

        The hash recorded at autosave time, of the original file as the officer opened or last
        saved it: if the file has changed since, saving over it asks first. Where none was
        recorded (an earlier version's slot), the file as it is now, unless it was modified after
        the autosave.
        """
        if self.original_path is None:
            return None
        if self.original_hash is not None:
            return self.original_hash
        try:
            if self.original_path.stat().st_mtime > self.saved_at.timestamp():
                return None
            return file_hash(self.original_path)
        except OSError:
            return None

    def discard(self) -> None:
        """Remove the slot (briefing, metadata, lock file); nothing happens if it is gone."""
        _unlink(self.briefing_path, self.metadata_path)
        if self.claim is not None:
            _release(self.claim, remove=self.lock_path)
            self.claim = None

    def release(self) -> None:
        """Keep the slot for the next start, and let another instance offer it meanwhile."""
        _release(self.claim)
        self.claim = None

    def set_aside(self) -> Path:
        """Move the slot into ``damaged/`` (never deleted); returns where the briefing went."""
        try:
            return _set_aside(self.briefing_path)
        finally:
            if self.claim is not None:
                _release(self.claim, remove=self.lock_path)
                self.claim = None


@dataclass
class SetAside:
    """A recovery slot whose briefing could not be read, moved into ``damaged/``."""

    path: Path  # where the briefing is now (still in the recovery folder if it could not move)
    title: str | None  # from its metadata, if readable
    reason: str


@dataclass
class Scan:
    entries: list[RecoveryEntry]  # newest first, each claimed
    set_aside: list[SetAside]  # damaged slots just moved into damaged/: report them once


class RecoverySession:
    """One running app's recovery slot."""

    def __init__(self, directory: Path | None = None, pid: int | None = None) -> None:
        self.directory = Path(directory) if directory is not None else recovery_dir()
        self.pid = os.getpid() if pid is None else pid
        self.id = uuid.uuid4().hex
        self._lock: FileLock | None = None
        self._started = False

    @property
    def briefing_path(self) -> Path:
        return self.directory / f"{self.id}{SUFFIX}"

    @property
    def metadata_path(self) -> Path:
        return self.directory / f"{self.id}.json"

    @property
    def lock_path(self) -> Path:
        return self.directory / f"{self.id}.lock"

    @property
    def started(self) -> bool:
        return self._started

    def start(self) -> None:
        """Create the folder (private to the user) and take the slot's lock.

        Raises ``OSError`` if the folder cannot be used, so the app can say that autosave is off.
        Writing starts the session too; starting twice does nothing.
        """
        if self._started:
            return
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = _new_lock(self.lock_path)
        try:
            lock.acquire(timeout=0)
        except Timeout:  # a fresh random id: only if something else took this very file
            raise OSError(f"{self.lock_path} is locked by another program") from None
        except OSError as exc:
            if exc.errno not in _NO_LOCKING:
                raise
            # The file system cannot lock: autosave still works, and the process id recorded in
            # the metadata tells the next start whether this app is still running.
            log.warning("Cannot lock files in %s; autosave goes on without a lock", self.directory)
        else:
            self._lock = lock
        self._started = True

    def write(
        self, briefing: Briefing, original_path: Path | None, original_hash: str | None = None
    ) -> None:
        """Autosave ``briefing`` into this slot, replacing the previous autosave.

        ``original_hash`` is the sha256 of the original file as the edits were based on (as
        opened or last saved); None if not known. Raises ``OSError`` if the files cannot be
        written; the slot then holds the previous autosave (or nothing).
        """
        self.start()
        meta: dict[str, Any] = {
            "format": RECOVERY_FORMAT,
            "pid": self.pid,
            "original_path": None if original_path is None else str(Path(original_path).absolute()),
            "original_sha256": original_hash if original_path is not None else None,
            "saved_at": _dt.datetime.now().astimezone().isoformat(),
            "title": briefing.title,
        }
        # The briefing first: metadata only ever describes a complete briefing file.
        write_bytes(self.briefing_path, dumps_briefing(briefing).encode("utf-8"))
        write_bytes(
            self.metadata_path, json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8")
        )

    def discard(self) -> None:
        """Remove the autosave (after a clean save); the session keeps its slot and lock."""
        _unlink(self.briefing_path, self.metadata_path)

    def close(self) -> None:
        """End the session on a clean close: remove the slot and its lock file."""
        self.discard()
        _release(self._lock, remove=self.lock_path)
        self._lock = None
        self._started = False

    def release(self) -> None:
        """Let go of the lock and leave the slot as it is, as a crash would (for tests)."""
        _release(self._lock)
        self._lock = None
        self._started = False


# --- finding the slots left behind ---------------------------------------------------------


def orphaned_entries(directory: Path | None = None) -> list[RecoveryEntry]:
    """:func:`scan`'s entries (damaged slots are set aside and logged)."""
    return scan(directory).entries


def scan(directory: Path | None = None) -> Scan:
    """The autosaves left behind by apps that are no longer running, newest first.

    Each entry is claimed (its lock held) until it is discarded, released or set aside. Slots of
    running apps are left alone. A slot whose briefing cannot be read is moved into ``damaged/``
    and listed in :attr:`Scan.set_aside`; nothing is deleted here.
    """
    directory = Path(directory) if directory is not None else recovery_dir()
    result = Scan([], [])
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        return result
    except OSError:
        log.warning("Cannot list the recovery folder %s", directory, exc_info=True)
        return result
    clean_stale_temps(directory)  # the folder is ours: temp files a killed autosave left
    present = set(names)
    for name in names:
        if name.startswith(".") or not name.endswith(SUFFIX):
            continue
        briefing_path = directory / name
        if not briefing_path.is_file():
            continue
        entry = _examine(briefing_path, result)
        if entry is not None:
            result.entries.append(entry)
    _remove_stale_locks(directory, present)
    result.entries.sort(key=lambda e: e.saved_at, reverse=True)
    return result


def _examine(briefing_path: Path, result: Scan) -> RecoveryEntry | None:
    meta_path = _metadata_path(briefing_path)
    meta, meta_problem = _read_metadata(meta_path)
    claim = _claim(briefing_path, meta)
    if claim is False:
        return None  # its app is running (or another instance has claimed it)
    lock = claim if isinstance(claim, FileLock) else None
    if not briefing_path.is_file():  # discarded while we waited for the lock
        _release(lock)
        return None
    try:
        briefing = read_briefing(briefing_path)
    except BriefingError as exc:
        reason = "; ".join(str(p) for p in exc.problems[:3])
        log.warning("Autosave %s cannot be read (%s); setting it aside", briefing_path, reason)
        try:
            where = _set_aside(briefing_path)
        except OSError:
            log.warning("Cannot move %s into %s/", briefing_path, DAMAGED_DIR, exc_info=True)
            where = briefing_path
        _release(lock, remove=_lock_path(briefing_path))
        title = meta.get("title") if meta else None
        result.set_aside.append(SetAside(where, title if isinstance(title, str) else None, reason))
        return None
    if meta is None:
        if meta_problem is not None:
            log.warning("Recovery metadata %s: %s; it is set aside", meta_path, meta_problem)
            with contextlib.suppress(OSError):
                _move_into_damaged(meta_path)
        return _entry_without_metadata(briefing_path, briefing, lock)
    return _entry(briefing_path, meta, lock)


def _claim(briefing_path: Path, meta: dict[str, Any] | None) -> FileLock | bool:
    """Take the slot's lock: the lock (orphaned, now ours), False (its app runs), or True
    (orphaned, though no lock could be taken: the system cannot lock files there)."""
    legacy = meta is not None and meta["format"] == LEGACY_FORMAT
    if legacy and meta is not None and _is_running(meta["pid"], meta.get("process_start")):
        return False
    lock = _new_lock(_lock_path(briefing_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    except OSError:
        log.warning("Cannot lock %s; judging by process id", briefing_path, exc_info=True)
        pid = meta.get("pid") if meta is not None else None
        return not (isinstance(pid, int) and _is_running(pid, None))
    return lock


def _entry(briefing_path: Path, meta: dict[str, Any], lock: FileLock | None) -> RecoveryEntry:
    original = meta.get("original_path")
    digest = meta.get("original_sha256")
    return RecoveryEntry(
        briefing_path=briefing_path,
        original_path=None if original is None else Path(original),
        saved_at=meta["saved_at"],
        title=meta["title"],
        pid=meta.get("pid"),
        original_hash=digest if isinstance(digest, str) else None,
        claim=lock,
    )


def _entry_without_metadata(
    briefing_path: Path, briefing: Briefing, lock: FileLock | None
) -> RecoveryEntry:
    try:
        mtime = briefing_path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return RecoveryEntry(
        briefing_path=briefing_path,
        original_path=None,
        saved_at=_dt.datetime.fromtimestamp(mtime).astimezone(),
        title=briefing.title,
        details_lost=True,
        claim=lock,
    )


def _read_metadata(meta_path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(checked metadata, None), or (None, what is wrong with it); (None, None) if missing."""
    try:
        data: Any = json.loads(meta_path.read_bytes())
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError, RecursionError) as exc:
        return None, f"cannot be read ({exc})"
    if not isinstance(data, dict):
        return None, "is not a JSON object"
    fmt, pid = data.get("format"), data.get("pid")
    start, original = data.get("process_start"), data.get("original_path")
    saved_at, title = data.get("saved_at"), data.get("title")
    digest = data.get("original_sha256")
    if type(fmt) is not int or fmt not in (LEGACY_FORMAT, RECOVERY_FORMAT):
        return None, f"has an unknown format {fmt!r}"
    pid_ok = type(pid) is int and 0 < pid <= _MAX_PID
    if not pid_ok and (fmt == LEGACY_FORMAT or pid is not None):
        return None, "has a bad process id"
    if not (start is None or isinstance(start, str)):
        return None, "has a bad process start time"
    if not (original is None or (isinstance(original, str) and original)):
        return None, "has a bad original file name"
    if not (digest is None or (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest))):
        return None, "has a bad original file hash"
    if not isinstance(title, str) or not isinstance(saved_at, str):
        return None, "has no title or time"
    try:
        when = _dt.datetime.fromisoformat(saved_at)
    except ValueError:
        return None, "has a bad time"
    if when.tzinfo is None:  # written by hand: take it as local time, so entries compare
        when = when.astimezone()
    checked = dict(data)
    checked["saved_at"] = when
    return checked, None


def _move_into_damaged(path: Path) -> Path:
    folder = path.parent / DAMAGED_DIR
    folder.mkdir(exist_ok=True, mode=0o700)
    target = folder / path.name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.name}.{n}"
    os.replace(path, target)
    return target


def _set_aside(briefing_path: Path) -> Path:
    """Move a slot's briefing and metadata into ``damaged/``; returns the briefing's new path."""
    where = _move_into_damaged(briefing_path)
    meta = _metadata_path(briefing_path)
    if meta.exists():
        with contextlib.suppress(OSError):
            _move_into_damaged(meta)
    return where


def _remove_stale_locks(directory: Path, names: set[str]) -> None:
    """Lock files of sessions that ended without a slot (killed after a clean save)."""
    for name in names:
        slot, dot, ext = name.rpartition(".")
        if ext != "lock" or not dot or not _SLOT_ID.match(slot):
            continue
        if f"{slot}{SUFFIX}" in names or f"{slot}.json" in names:
            continue
        lock = _new_lock(directory / name)
        try:
            lock.acquire(timeout=0)
        except OSError:  # held (a running app's) or not lockable: leave it
            continue
        _release(lock, remove=directory / name)


# --- earlier versions' slots: is a process still running? -----------------------------------


def _is_running(pid: int, process_start: str | None) -> bool:
    """Whether the process that wrote a slot is still running.

    Gone when no process has the id, or when the one that has it started at another time (the id
    was reused). Where start times cannot be compared, a live process with the id counts.
    """
    running, current = _probe(pid)
    if not running:
        return False
    return process_start is None or current is None or process_start == current


def _probe(pid: int) -> tuple[bool, str | None]:
    """(is a process with this id running, a marker of when it started, if one can be read)."""
    if not 0 < pid <= _MAX_PID:
        return False, None
    if sys.platform == "win32":
        return _probe_windows(pid)
    if sys.platform.startswith("linux"):
        result = _probe_linux(pid)
        if result is not None:
            return result
    return _probe_kill(pid)


@functools.cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _probe_linux(pid: int) -> tuple[bool, str | None] | None:
    """From ``/proc/<pid>/stat``; None when ``/proc`` cannot answer (then signal 0 is used)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        if Path("/proc/self/stat").exists():
            return False, None
        return None  # no /proc mounted
    except OSError:
        return None
    # Field 2 (the command name) is in parentheses and may itself hold spaces and parentheses.
    fields = raw[raw.rfind(b")") + 1 :].split()
    if len(fields) < 20:
        return None
    state, start_ticks = fields[0], fields[19]  # fields 3 and 22
    if state in (b"Z", b"X", b"x"):  # a zombie has exited; only its exit status is left
        return False, None
    return True, f"linux:{_boot_id()}:{start_ticks.decode('ascii', 'replace')}"


def _probe_kill(pid: int) -> tuple[bool, str | None]:
    """POSIX fallback: signal 0 checks that the process exists without touching it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False, None
    except OSError:  # PermissionError: it exists but is not ours; anything else: assume it runs
        return True, None
    return True, None


def _probe_windows(pid: int) -> tuple[bool, str | None]:  # pragma: no cover - Windows only
    # os.kill(pid, 0) would *terminate* the process on Windows, so ask the kernel instead.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE, *[ctypes.POINTER(wintypes.FILETIME)] * 4)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    process_query_limited_information, still_active, error_access_denied = 0x1000, 259, 5

    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == error_access_denied, None  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != still_active:
            return False, None
        times = [wintypes.FILETIME() for _ in range(4)]
        marker = None
        if kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            created = times[0]
            marker = f"win:{(created.dwHighDateTime << 32) | created.dwLowDateTime}"
        return True, marker
    finally:
        with contextlib.suppress(Exception):
            kernel32.CloseHandle(handle)
