"""Reading the files a user points the app at, safely: bounded, never blocking, plain messages.

Every file the app reads on the user's behalf (library YAML, source texts, briefing files) comes
through :func:`read_regular_file`. It opens without following the file into a wait: a FIFO,
socket or device in place of a file is refused, never read (opening a FIFO for reading would
otherwise block until a writer appears). Size is bounded before anything is read. Failures become
:class:`UnreadableFile` with a sentence a curator or officer understands.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Any single file the app reads: far above the largest findings file or source text we expect.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class UnreadableFile(Exception):
    """A file that cannot be read, with the reason in plain words (never naming the path)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_REASONS = {
    errno.ENOENT: "file not found",
    errno.EISDIR: "expected a file but found a folder",
    errno.EACCES: "cannot be read: permission denied",
    errno.EPERM: "cannot be read: permission denied",
    errno.ELOOP: "cannot be read: it is a symbolic link that points to itself (a link loop)",
    errno.ENAMETOOLONG: "cannot be read: the file name is too long for this system",
    errno.ENOTDIR: "file not found (part of its path is a file, not a folder)",
}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or f"cannot be read ({exc.strerror or exc})"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not an ordinary file"


def read_regular_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path`` if it is an ordinary file of at most ``max_bytes``.

    Raises :class:`UnreadableFile` for anything else: missing, a folder, a FIFO/socket/device, a
    link loop, a name the system rejects (too long, or holding a NUL byte), no permission, too big.
    """
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except ValueError:  # "embedded null byte"
        raise UnreadableFile("cannot be read: the file name contains a NUL character") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a device with nothing behind it)
            try:
                kind = _kind(os.stat(path).st_mode)
            except OSError:
                kind = "not an ordinary file"
            raise UnreadableFile(f"is {kind}, not an ordinary file; it is not read") from None
        raise UnreadableFile(_reason(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _kind(st.st_mode)
            if kind == "a folder":
                raise UnreadableFile("expected a file but found a folder")
            raise UnreadableFile(f"is {kind}, not an ordinary file; it is not read")
        if st.st_size > max_bytes:
            raise UnreadableFile(
                f"is too large to read ({st.st_size / 1_048_576:.0f} MB; "
                f"the limit is {max_bytes / 1_048_576:.0f} MB)"
            )
        # The size can change while reading (a file being written): read at most one byte more
        # than the limit so a growing file is still refused rather than read without bound.
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnreadableFile(
                    f"is too large to read (the limit is {max_bytes / 1_048_576:.0f} MB)"
                )
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(_reason(exc)) from None
    finally:
        os.close(fd)
