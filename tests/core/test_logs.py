"""The log: a rotating file in the log folder (overridable), a silent fallback to standard error,
and a command line that logs tracebacks but prints plain messages."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from briefing_builder.core import logs
from briefing_builder.core.logs import (
    LOG_ENV,
    LOG_NAME,
    log_dir,
    log_file,
    one_sentence,
    setup_logging,
    teardown_logging,
    where_logged,
)
from tests.conftest import REPO

log = logging.getLogger("briefing_builder.tests")


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    yield
    teardown_logging()


def _ours() -> list[logging.Handler]:
    return [
        h
        for h in logging.getLogger("briefing_builder").handlers
        if type(h).__module__ == logs.__name__
    ]


def test_the_log_folder_is_the_platforms_unless_overridden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(LOG_ENV, raising=False)
    assert log_dir() == Path(platformdirs.user_log_dir("briefing-builder", appauthor=False))
    monkeypatch.setenv(LOG_ENV, str(tmp_path / "here"))
    assert log_dir() == tmp_path / "here"
    assert setup_logging() == tmp_path / "here" / LOG_NAME


def test_records_go_to_the_file_with_their_traceback(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    assert path == tmp_path / "logs" / LOG_NAME == log_file()
    try:
        {}["missing"]
    except KeyError:
        log.warning("A cache could not be read", exc_info=True)
    log.info("started")
    logging.getLogger("briefing_builder.tests").debug("not at debug level")
    text = path.read_text(encoding="utf-8")
    assert "WARNING" in text and "briefing_builder.tests: A cache could not be read" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'missing'" in text
    assert "started" in text and "not at debug level" not in text
    assert where_logged() == f"Details were written to the log: {path}"


def test_set_up_twice_keeps_one_handler(tmp_path: Path) -> None:
    setup_logging(tmp_path / "a")
    second = setup_logging(tmp_path / "b")
    assert len(_ours()) == 1
    log.warning("only once")
    assert second is not None and "only once" in second.read_text(encoding="utf-8")
    assert "only once" not in (tmp_path / "a" / LOG_NAME).read_text(encoding="utf-8")
    teardown_logging()
    assert _ours() == [] and log_file() is None


def test_the_file_rotates_keeping_three_old_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (logs.MAX_BYTES, logs.BACKUP_COUNT) == (1_000_000, 3)
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = setup_logging(tmp_path)
    assert path is not None
    for i in range(200):
        log.warning("record %d %s", i, "x" * 80)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2", f"{LOG_NAME}.3"]
    assert all(p.stat().st_size <= 2_200 for p in tmp_path.iterdir())
    assert "record 199 " in path.read_text(encoding="utf-8")


def test_an_unusable_folder_falls_back_to_stderr_silently(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file in the way", encoding="utf-8")
    err = io.StringIO()
    assert setup_logging(blocker / "logs", stream=err) is None
    assert err.getvalue() == ""  # no complaint about the log itself
    assert log_file() is None
    try:
        raise OSError("disk full")
    except OSError:
        log.warning("Autosave failed", exc_info=True)
    log.info("chatter")
    assert err.getvalue() == "briefing-builder: warning: Autosave failed\n"  # no traceback
    assert where_logged() == "Details could not be written to a log file."


def test_a_record_that_cannot_be_written_is_dropped_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(tmp_path)
    (handler,) = _ours()
    assert isinstance(handler, logging.StreamHandler)
    handler.stream.close()  # as if the disk had gone away
    log.error("lost")
    assert capsys.readouterr().err == ""


def test_one_sentence() -> None:
    assert one_sentence(ZeroDivisionError("division by zero")) == (
        "an unexpected ZeroDivisionError (division by zero)"
    )
    assert one_sentence(KeyError()) == "an unexpected KeyError"
    assert one_sentence(ValueError("First line.\nsecond line")) == (
        "an unexpected ValueError (First line)"
    )
    long = one_sentence(RuntimeError("word " * 100))
    assert len(long) < 200 and long.endswith("…)")


# --- the command line -------------------------------------------------------------------------


def _cli(
    args: list[str], env: dict[str, str], code: str | None = None
) -> subprocess.CompletedProcess[str]:
    program = (
        code or "import sys\nfrom briefing_builder.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env, "PYTHONPATH": str(REPO / "src")},
        cwd=REPO,
    )


def test_the_cli_logs_to_the_same_file(tmp_path: Path, small_library: Path) -> None:
    proc = _cli(
        ["list", "--library", str(small_library), "--search", "maori"],
        {LOG_ENV: str(tmp_path / "logs")},
    )
    assert proc.returncode == 0, proc.stderr
    assert "alpha-001" in proc.stdout and proc.stderr == ""
    text = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "briefing_builder.cli: briefing-builder" in text and "list --library" in text


def test_an_unexpected_cli_error_is_one_plain_line_and_a_logged_traceback(
    tmp_path: Path, small_library: Path
) -> None:
    code = (
        "import sys\n"
        "from briefing_builder import cli\n"
        "def broken(*_a):\n"
        "    raise RuntimeError('the index is corrupt')\n"
        "cli._cmd_check = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    proc = _cli(["check", "--library", str(small_library)], {LOG_ENV: str(tmp_path / "logs")}, code)
    log_path = tmp_path / "logs" / LOG_NAME
    assert proc.returncode == 1
    assert proc.stderr == (
        "briefing-builder: something went wrong: an unexpected RuntimeError (the index is "
        f"corrupt). Details were written to the log: {log_path}\n"
    )
    text = log_path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: the index is corrupt" in text


def test_the_cli_works_when_the_log_folder_is_unusable(tmp_path: Path, small_library: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    proc = _cli(["check", "--library", str(small_library)], {LOG_ENV: str(blocker / "logs")})
    assert proc.returncode == 0, proc.stderr
    assert "No problems found." in proc.stdout
    assert proc.stderr == ""


# --- errors that are caught and set aside are logged --------------------------------------------


def test_a_cache_that_cannot_be_written_is_logged(
    tmp_path: Path, small_library: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from briefing_builder.core.cache import open_library

    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    opened = open_library(small_library, cache_dir=blocker / "libraries")
    assert len(opened.library.findings) == 5  # the library still opens
    (record,) = [
        r
        for r in caplog.records
        if r.name == "briefing_builder.core.cache" and r.levelno >= logging.WARNING
    ]
    assert record.exc_info is not None
    assert "Cannot write the library cache entry" in record.getMessage()


def test_unreadable_settings_are_logged_and_missing_ones_are_not(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from briefing_builder.core.settings import Settings

    Settings.load(tmp_path / "missing.json")
    assert [r for r in caplog.records if r.name.startswith("briefing_builder")] == []
    bad = tmp_path / "settings.json"
    bad.write_text("{not json", encoding="utf-8")
    assert Settings.load(bad) == Settings()
    (record,) = [r for r in caplog.records if r.name == "briefing_builder.core.settings"]
    assert record.levelno == logging.WARNING and record.exc_info is not None
    assert str(bad) in record.getMessage()
