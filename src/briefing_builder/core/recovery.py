"""Autosave and recovery after a crash.

Each running app has one :class:`RecoverySession`: a slot in the recovery folder made of two files,
``<id>.briefing.yaml`` (the briefing, in the ordinary file format) and ``<id>.json`` (who wrote it
and when). Both are written atomically. A clean save or close discards the slot; a crash leaves it.

At start-up :func:`orphaned_entries` lists the slots whose process is no longer running, so the app
can offer to restore them. A process id alone is not enough, since the system reuses ids: the
metadata also records when the process started (on Linux, field 22 of ``/proc/<pid>/stat`` with
the boot id; on Windows, the process creation time), and an id now held by a process that started
at another time counts as gone. Where no start time can be read, a running process with the id is
taken to be the writer, so a live app's slot is never offered to another instance.

A restored briefing's ``library`` is relative to the file the user was editing
(:attr:`RecoveryEntry.original_path`), not to the recovery folder.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import json
import logging
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .atomic import write_bytes as atomic_write
from .briefing import Briefing
from .briefing_io import SUFFIX, dumps_briefing, read_briefing

log = logging.getLogger(__name__)

DATA_ENV = "BRIEFING_BUILDER_DATA_DIR"
RECOVERY_FORMAT = 1
_MAX_PID = 2**31 - 1


def recovery_dir() -> Path:
    """``$BRIEFING_BUILDER_DATA_DIR/recovery``, else ``recovery`` in the platform's data folder."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override) / "recovery"
    return Path(platformdirs.user_data_dir("briefing-builder", appauthor=False)) / "recovery"


def _metadata_path(briefing_path: Path) -> Path:
    name = briefing_path.name
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else briefing_path.stem
    return briefing_path.with_name(stem + ".json")


@dataclass
class RecoveryEntry:
    """An autosaved briefing left behind by a process that is no longer running."""

    briefing_path: Path  # the autosaved <id>.briefing.yaml
    original_path: Path | None  # the file being edited; None for a briefing never saved
    saved_at: _dt.datetime  # when it was autosaved (timezone-aware)
    title: str
    pid: int

    @property
    def metadata_path(self) -> Path:
        return _metadata_path(self.briefing_path)

    def load(self) -> Briefing:
        """The autosaved briefing; raises :class:`~.briefing_io.BriefingError` if it is damaged."""
        return read_briefing(self.briefing_path)

    def discard(self) -> None:
        """Remove both files; nothing happens if they are already gone."""
        # Metadata first: without it the slot is no longer listed, whatever happens next.
        self.metadata_path.unlink(missing_ok=True)
        self.briefing_path.unlink(missing_ok=True)


class RecoverySession:
    """One running app's recovery slot."""

    def __init__(self, directory: Path | None = None, pid: int | None = None) -> None:
        self.directory = Path(directory) if directory is not None else recovery_dir()
        self.pid = os.getpid() if pid is None else pid
        self.id = uuid.uuid4().hex
        self.process_start = _probe(self.pid)[1]

    @property
    def briefing_path(self) -> Path:
        return self.directory / f"{self.id}{SUFFIX}"

    @property
    def metadata_path(self) -> Path:
        return self.directory / f"{self.id}.json"

    def write(self, briefing: Briefing, original_path: Path | None) -> None:
        """Autosave ``briefing`` into this slot, replacing the previous autosave.

        Raises ``OSError`` if the files cannot be written; the slot then holds the previous
        autosave (or nothing).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": RECOVERY_FORMAT,
            "pid": self.pid,
            "process_start": self.process_start,
            "original_path": None if original_path is None else str(Path(original_path).absolute()),
            "saved_at": _dt.datetime.now().astimezone().isoformat(),
            "title": briefing.title,
        }
        # The briefing first: metadata only ever points at a complete briefing file.
        atomic_write(self.briefing_path, dumps_briefing(briefing).encode("utf-8"))
        atomic_write(
            self.metadata_path, json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8")
        )

    def discard(self) -> None:
        """Remove the slot (after a clean save or close); nothing happens if there is none."""
        self.metadata_path.unlink(missing_ok=True)
        self.briefing_path.unlink(missing_ok=True)


def orphaned_entries(directory: Path | None = None) -> list[RecoveryEntry]:
    """Autosaves whose process is no longer running, newest first.

    Slots of running processes (another instance of the app) are left out, and so are slots whose
    metadata cannot be read or whose briefing file is missing; nothing is deleted here.
    """
    directory = Path(directory) if directory is not None else recovery_dir()
    try:
        candidates = sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))
    except OSError:
        log.warning("Cannot list the recovery folder %s", directory, exc_info=True)
        return []
    entries: list[RecoveryEntry] = []
    for meta_path in candidates:
        parsed = _read_metadata(meta_path)
        if parsed is None:
            continue
        entry, process_start = parsed
        if not entry.briefing_path.is_file():
            continue
        if _is_running(entry.pid, process_start):
            continue
        entries.append(entry)
    entries.sort(key=lambda e: e.saved_at, reverse=True)
    return entries


def _read_metadata(meta_path: Path) -> tuple[RecoveryEntry, str | None] | None:
    try:
        data: Any = json.loads(meta_path.read_bytes())
    except (OSError, ValueError, RecursionError):
        log.warning("Recovery metadata %s cannot be read; it is left out", meta_path, exc_info=True)
        return None
    if not isinstance(data, dict):
        return None
    fmt, pid = data.get("format"), data.get("pid")
    start, original = data.get("process_start"), data.get("original_path")
    saved_at, title = data.get("saved_at"), data.get("title")
    if type(fmt) is not int or fmt != RECOVERY_FORMAT:
        return None
    if type(pid) is not int or not 0 < pid <= _MAX_PID:
        return None
    if not (start is None or isinstance(start, str)):
        return None
    if not (original is None or (isinstance(original, str) and original)):
        return None
    if not isinstance(title, str) or not isinstance(saved_at, str):
        return None
    try:
        when = _dt.datetime.fromisoformat(saved_at)
    except ValueError:
        return None
    if when.tzinfo is None:  # written by hand: take it as local time, so entries compare
        when = when.astimezone()
    stem = meta_path.name[: -len(".json")]
    entry = RecoveryEntry(
        briefing_path=meta_path.with_name(stem + SUFFIX),
        original_path=None if original is None else Path(original),
        saved_at=when,
        title=title,
        pid=pid,
    )
    return entry, start


# --- is a process still running? -----------------------------------------------------------


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
