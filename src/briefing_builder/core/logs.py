"""The app's log: a small rotating file in the platform's log folder, set up once per process.

Modules log through ``logging.getLogger(__name__)``; :func:`setup_logging` (called by the desktop
app and by the command line's subcommands) sends the package's records to
``briefing-builder.log`` in ``$BRIEFING_BUILDER_LOG_DIR``, else in the platform's log folder
(``platformdirs.user_log_dir``). The file is rotated at about 1 MB and three old files are kept.

Logging must never stop the app: when the folder cannot be created or the file cannot be opened,
records go to standard error instead (warnings and worse, one line each), and a record that later
cannot be written (a full disk) is dropped without a word.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

import platformdirs

LOG_ENV = "BRIEFING_BUILDER_LOG_DIR"
LOG_NAME = "briefing-builder.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
PACKAGE_LOGGER = "briefing_builder"

_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

log = logging.getLogger(__name__)

# The handler this module installed (so a second set-up replaces it) and the file it writes.
_installed: logging.Handler | None = None
_current_file: Path | None = None


def log_dir() -> Path:
    """``$BRIEFING_BUILDER_LOG_DIR``, else the platform's log folder for the app."""
    override = os.environ.get(LOG_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_log_dir("briefing-builder", appauthor=False))


def log_file() -> Path | None:
    """The file the log is being written to, or None when it goes to standard error (or nowhere
    yet, before :func:`setup_logging`)."""
    return _current_file


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose write errors (full disk, file removed) are dropped silently."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass  # logging must never interrupt the app, nor print a traceback of its own


class _QuietStreamHandler(logging.StreamHandler[TextIO]):
    def handleError(self, record: logging.LogRecord) -> None:
        pass  # e.g. standard error closed or a broken pipe


class _OneLineFormatter(logging.Formatter):
    """``briefing-builder: LEVEL: message``, without tracebacks (for a terminal)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"briefing-builder: {record.levelname.lower()}: {record.getMessage()}"


def _open_file_handler(directory: Path) -> tuple[logging.Handler, Path] | None:
    path = directory / LOG_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = _QuietRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except (OSError, ValueError):  # unusable folder: a file in the way, read-only, bad name
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    return handler, path


def setup_logging(
    directory: Path | None = None,
    *,
    stream: TextIO | None = None,
    fallback_level: int = logging.WARNING,
) -> Path | None:
    """Send the package's log records to the log file; returns its path, or None if standard
    error (``stream``) gets the records of ``fallback_level`` and worse instead, one line each.
    Safe to call again (the previous handler is replaced and closed)."""
    global _installed, _current_file
    teardown_logging()
    opened = _open_file_handler(directory if directory is not None else log_dir())
    handler: logging.Handler
    if opened is not None:
        handler, _current_file = opened
    else:
        handler = _QuietStreamHandler(stream if stream is not None else sys.stderr)
        handler.setFormatter(_OneLineFormatter())
        handler.setLevel(fallback_level)
        _current_file = None
    logger = logging.getLogger(PACKAGE_LOGGER)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    _installed = handler
    return _current_file


def teardown_logging() -> None:
    """Remove and close the handler :func:`setup_logging` installed (for tests and shut-down)."""
    global _installed, _current_file
    if _installed is not None:
        logging.getLogger(PACKAGE_LOGGER).removeHandler(_installed)
        with contextlib.suppress(OSError, ValueError):  # a full disk or a closed stream
            _installed.close()
    _installed = None
    _current_file = None


def one_sentence(exc: BaseException) -> str:
    """The error in a few plain words, for the dialog (no trailing full stop)."""
    lines = str(exc).strip().splitlines()
    text = " ".join(lines[0].split()) if lines else ""
    if len(text) > 160:
        text = text[:159].rstrip() + "…"
    name = type(exc).__name__
    return f"an unexpected {name} ({text.rstrip('.')})" if text else f"an unexpected {name}"


def where_logged() -> str:
    """A phrase for messages to the user: where the details can be found."""
    path = log_file()
    if path is None:
        return "Details could not be written to a log file."
    return f"Details were written to the log: {path}"
