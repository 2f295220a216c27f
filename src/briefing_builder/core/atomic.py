"""The one atomic writer: briefing saves, exports, the library cache, settings and recovery.

A file is written to a temporary name beside it, flushed to disk, then renamed over the old file
(``os.replace``), so a crash, a full disk or a cancelled export leaves the old file or the new one,
never half of either. In detail:

* **Symbolic links are followed**: a link to a shared file updates that file, and the link stays.
* **Permissions are kept**: a file that exists keeps its permission bits (and its group, where we
  may set it), so colleagues on a shared drive can still open it; a new file gets the ordinary
  permissions of the user's umask. A file that exists but may not be written (read-only, or a
  colleague's file without write permission for us) is refused with ``PermissionError`` rather
  than silently replaced.
* **Durable**: the file is fsynced before the rename and its folder after it, where the system
  supports that (``fsync=False`` skips both, for the cache, which can always be rebuilt).
* **Nothing left behind**: on any failure the temporary file is removed. Temporary files have
  recognisable names (``.<name>.<12 hex digits>.bb-tmp``); one a killed process left beside the
  target is removed by the next write of that target once it is older than :data:`STALE_AFTER`
  seconds (the old names ``.<name>.XXXXXXXX.tmp`` and ``.part`` of earlier versions too). Nothing
  else is ever deleted.
* **Backup** (optional): the old version is *copied* to ``<name>.bak`` (beside the real file)
  before the rename, so the file itself is never absent.
* **Errors** are ``OSError`` subclasses, for callers to phrase (a dialog, an ``ExportError``);
  a failure of the rename itself is a :class:`ReplaceError`, so a caller can say "locked or open in
  another program".

:func:`write_bytes` writes bytes; :func:`atomic_output` is a context manager yielding a binary file
for writers that stream (the exporters). Once the block has failed, the yielded file quietly
discards anything still written to it, so a writer's half-built zip (python-docx) that is closed
later by the garbage collector cannot print "Exception ignored in ZipFile.__del__".
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

TEMP_SUFFIX = ".bb-tmp"
STALE_AFTER = 10 * 60  # seconds: a temp file untouched this long belongs to a dead process
BACKUP_SUFFIX = ".bak"
_MAX_NAME_BYTES = 120  # of the target's name kept in a temp name (file names stop at 255 bytes)
_MAX_LINKS = 40
_OURS = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{12}" + re.escape(TEMP_SUFFIX) + r"$", re.S)
_LEGACY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.(?:tmp|part)$", re.S)


class ReplaceError(OSError):
    """The finished temporary file could not be renamed over the target (locked, in use, denied)."""


def real_target(path: Path | str) -> Path:
    """``path`` with any chain of symbolic links at its end followed: the file to replace.

    A dangling link gives the file it names (which the write creates). Raises ``OSError``
    (``ELOOP``) for a link loop.
    """
    current = os.fspath(path)
    for _ in range(_MAX_LINKS):
        try:
            link = os.readlink(current)
        except (OSError, ValueError):  # not a link (or not there): this is the file
            return Path(current)
        current = os.path.join(os.path.dirname(current), link)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), os.fspath(path))


def _short(name: str) -> str:
    raw = name.encode("utf-8", "surrogateescape")[:_MAX_NAME_BYTES]
    return raw.decode("utf-8", "ignore") or "file"


def temp_name_for(name: str) -> str:
    """A fresh temporary file name for a target called ``name``."""
    return f".{_short(name)}.{secrets.token_hex(6)}{TEMP_SUFFIX}"


def is_temp_name(file_name: str, for_name: str | None = None) -> bool:
    """Whether ``file_name`` is one of our temporary names (for a target called ``for_name``)."""
    match = _OURS.match(file_name)
    if match is not None:
        return for_name is None or match["name"] in (
            _short(for_name),
            _short(for_name + BACKUP_SUFFIX),
        )
    legacy = _LEGACY.match(file_name)  # earlier versions: only beside the very target
    return legacy is not None and for_name is not None and legacy["name"] == for_name


def clean_stale_temps(
    folder: Path | str, for_name: str | None = None, *, older_than: float = STALE_AFTER
) -> list[Path]:
    """Remove our temporary files in ``folder`` untouched for ``older_than`` seconds.

    Only ordinary files with our temporary names (for a target called ``for_name``, or any if
    None) are removed, never links, folders or anything else. Returns what was removed; failures
    are ignored (the next write tries again).
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not is_temp_name(name, for_name):
            continue
        path = Path(folder) / name
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _existing(target: Path) -> os.stat_result | None:
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file", str(target))
    if not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only for you", str(target))
    return st


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """Create and open a new temporary file; the system applies the umask to 0o666."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = folder / temp_name_for(name)
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(folder))


def _keep_owner_and_mode(fd: int, st: os.stat_result) -> None:
    """Give the new file the old one's group (owner too, as root) and permission bits."""
    if os.name == "nt":  # pragma: no cover - permission bits are POSIX
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except OSError:  # not root: keep at least the group, if we belong to it
            with contextlib.suppress(OSError):
                os.fchown(fd, -1, st.st_gid)
    os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; not every system or file system can (Windows cannot open one)."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _backup(target: Path) -> None:
    """Copy the current file to ``<name>.bak`` atomically; a backup that fails is skipped."""
    bak = target.with_name(target.name + BACKUP_SUFFIX)
    try:
        fd, tmp = _create_temp(target.parent, bak.name)
    except OSError:
        return
    os.close(fd)
    try:
        shutil.copy2(target, tmp)
        os.replace(tmp, bak)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _raw_file(fd: int) -> io.RawIOBase:
    """The unbuffered file over the temporary file's descriptor (a seam for full-disk tests)."""
    return io.FileIO(fd, "w", closefd=False)


class _TempFile(io.RawIOBase):
    """The temporary file as the writer sees it; after :meth:`disarm`, writes go nowhere.

    A writer that failed may leave objects holding this file (python-docx's ``ZipFile``) that
    write to it again when the garbage collector closes them, long after the failure was reported.
    Those writes must neither reach the (deleted) file nor raise where nobody can catch them.
    """

    def __init__(self, inner: io.RawIOBase) -> None:
        super().__init__()
        self._inner: io.RawIOBase | None = inner
        self._pos = 0

    def disarm(self) -> None:
        inner, self._inner = self._inner, None
        if inner is not None:
            with contextlib.suppress(Exception):
                inner.close()

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, b: Any) -> int | None:
        if self._inner is None:
            n = memoryview(b).nbytes
            self._pos += n
            return n
        return self._inner.write(b)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if self._inner is None:
            base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos}.get(whence, self._pos)
            self._pos = max(0, base + offset)
            return self._pos
        self._pos = self._inner.seek(offset, whence)
        return self._pos

    def tell(self) -> int:
        return self.seek(0, io.SEEK_CUR)

    def truncate(self, size: int | None = None) -> int:
        if self._inner is None:
            return self._pos if size is None else size
        return self._inner.truncate(size)

    def close(self) -> None:
        # The descriptor belongs to atomic_output, which fsyncs and closes it itself.
        super().close()


@contextlib.contextmanager
def atomic_output(
    path: Path | str, *, backup: bool = False, fsync: bool = True
) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` only when the ``with`` block completes.

    Raises ``OSError`` (:class:`ReplaceError` if only the final rename failed); on any failure,
    or an exception from the block, the target is untouched and no temporary file is left.
    """
    target = real_target(path)
    folder = target.parent
    clean_stale_temps(folder, target.name)
    existing = _existing(target)
    fd, tmp = _create_temp(folder, target.name)
    raw = _TempFile(_raw_file(fd))
    stream = io.BufferedWriter(raw)
    fd_open = True
    try:
        if existing is not None:
            _keep_owner_and_mode(fd, existing)
        yield stream
        if not stream.closed:
            stream.flush()
        if fsync:
            os.fsync(fd)
        raw.disarm()
        fd_open = False
        os.close(fd)
        if backup and existing is not None:
            _backup(target)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            if exc.errno is None:
                raise ReplaceError(*exc.args) from exc
            raise ReplaceError(exc.errno, exc.strerror, str(target)) from exc
    except BaseException:
        raw.disarm()
        if fd_open:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if fsync:
        _fsync_folder(folder)
    with contextlib.suppress(Exception):
        stream.close()


def write_bytes(path: Path | str, data: bytes, *, backup: bool = False, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (see the module's description); raises ``OSError``."""
    with atomic_output(path, backup=backup, fsync=fsync) as fh:
        fh.write(data)
