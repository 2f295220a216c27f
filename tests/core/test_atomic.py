"""The one atomic writer: links followed, permissions kept, durable, nothing left behind."""

from __future__ import annotations

import errno
import gc
import io
import os
import stat
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_builder.core import atomic
from briefing_builder.core.atomic import (
    STALE_AFTER,
    ReplaceError,
    atomic_output,
    clean_stale_temps,
    is_temp_name,
    real_target,
    temp_name_for,
    write_bytes,
)
from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.cache import open_library
from briefing_builder.export import ExportError, export_to_file
from tests.conftest import BUNDLED, REPO

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and links")
EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask() -> Iterator[object]:
    """Set the process umask for one test (restored after)."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(saved)


# --- the basics ------------------------------------------------------------------------------


def test_writes_a_new_file_and_replaces_an_old_one(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    write_bytes(path, b"first")
    assert path.read_bytes() == b"first"
    write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert _names(tmp_path) == ["out.txt"]


def test_streaming_form_replaces_only_when_the_block_completes(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with atomic_output(path) as fh:
        fh.write(b"new ")
        assert path.read_bytes() == b"old"  # not yet
        fh.write(b"content")
    assert path.read_bytes() == b"new content"
    assert _names(tmp_path) == ["out.bin"]


def test_an_error_in_the_block_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with pytest.raises(ZeroDivisionError), atomic_output(path) as fh:
        fh.write(b"half a file")
        raise ZeroDivisionError
    assert path.read_bytes() == b"old"
    assert _names(tmp_path) == ["out.bin"]


def test_a_writer_may_close_the_stream_itself(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    with atomic_output(path) as fh:
        fh.write(b"closed by the writer")
        fh.close()
    assert path.read_bytes() == b"closed by the writer"


def test_failed_replace_keeps_the_original_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_bytes(b"original")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ReplaceError) as info:
        write_bytes(path, b"new", backup=True)
    assert isinstance(info.value, OSError) and info.value.errno == errno.EACCES
    assert info.value.filename == str(path)
    monkeypatch.undo()
    assert path.read_bytes() == b"original"
    assert _names(tmp_path) == ["b.briefing.yaml"]


def test_a_full_disk_at_fsync_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"{}")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_bytes(path, b'{"a": 1}')
    monkeypatch.undo()
    assert path.read_bytes() == b"{}" and _names(tmp_path) == ["settings.json"]


def test_the_file_and_its_folder_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        mode = os.fstat(fd).st_mode
        synced.append("folder" if stat.S_ISDIR(mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    write_bytes(tmp_path / "a.txt", b"data")
    expected = ["file"] if os.name == "nt" else ["file", "folder"]
    assert synced == expected
    synced.clear()
    write_bytes(tmp_path / "cache.pickle", b"data", fsync=False)
    assert synced == []


# --- symbolic links --------------------------------------------------------------------------


@POSIX
def test_writing_through_a_link_updates_the_shared_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "team.briefing.yaml"
    real.write_bytes(b"old")
    mine = tmp_path / "mine"
    mine.mkdir()
    link = mine / "team.briefing.yaml"
    link.symlink_to(real)
    write_bytes(link, b"new", backup=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    # The backup is the shared file's previous version, beside it; nothing else appears.
    assert (shared / "team.briefing.yaml.bak").read_bytes() == b"old"
    assert _names(mine) == ["team.briefing.yaml"]
    assert _names(shared) == ["team.briefing.yaml", "team.briefing.yaml.bak"]


@POSIX
def test_relative_links_and_chains_of_links_are_followed(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_bytes(b"old")
    (tmp_path / "one").symlink_to("real.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two").symlink_to("../one")
    assert real_target(tmp_path / "sub" / "two") == Path(tmp_path / "sub" / "../real.txt")
    with atomic_output(tmp_path / "sub" / "two") as fh:
        fh.write(b"through two links")
    assert (tmp_path / "real.txt").read_bytes() == b"through two links"
    assert (tmp_path / "one").is_symlink() and (tmp_path / "sub" / "two").is_symlink()


@POSIX
def test_a_dangling_link_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "not-yet.txt")
    write_bytes(link, b"created")
    assert link.is_symlink() and (tmp_path / "not-yet.txt").read_bytes() == b"created"


@POSIX
def test_a_link_loop_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError) as info:
        write_bytes(tmp_path / "a", b"x")
    assert info.value.errno == errno.ELOOP
    assert _names(tmp_path) == ["a", "b"] and (tmp_path / "a").is_symlink()


# --- permissions -----------------------------------------------------------------------------


@POSIX
@pytest.mark.parametrize("mask, mode", [(0o002, 0o664), (0o022, 0o644), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask, mask: int, mode: int) -> None:
    umask(mask)
    path = tmp_path / "new.briefing.yaml"
    write_bytes(path, b"data")
    assert stat.S_IMODE(path.stat().st_mode) == mode


@POSIX
@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o660])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask, mode: int) -> None:
    umask(0o077)  # would give 0o600 to a new file
    path = tmp_path / "shared.briefing.yaml"
    path.write_bytes(b"old")
    path.chmod(mode)
    write_bytes(path, b"new", backup=True)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == b"new"


@POSIX
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_an_existing_file_keeps_its_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "colleague.briefing.yaml"
    path.write_bytes(b"old")
    os.chown(path, 4321, 4321)
    path.chmod(0o664)
    write_bytes(path, b"new")
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4321, 0o664)


def test_a_file_we_may_not_write_is_refused_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "read-only.briefing.yaml"
    path.write_bytes(b"a colleague's")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **k: Path(p) != path and real_access(p, mode, **k)
    )
    with pytest.raises(PermissionError, match="read-only"):
        write_bytes(path, b"mine")
    assert path.read_bytes() == b"a colleague's" and _names(tmp_path) == [path.name]


def test_a_folder_in_place_of_the_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_bytes(tmp_path / "x.json", b"{}")
    assert _names(tmp_path) == ["x.json"]


# --- backups ---------------------------------------------------------------------------------


def test_backup_is_a_copy_of_the_old_version(tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    write_bytes(path, b"one", backup=True)
    assert _names(tmp_path) == ["b.briefing.yaml"]  # nothing to back up yet
    write_bytes(path, b"two", backup=True)
    write_bytes(path, b"three", backup=True)
    assert path.read_bytes() == b"three"
    assert (tmp_path / "b.briefing.yaml.bak").read_bytes() == b"two"
    write_bytes(path, b"four")  # no backup asked for: the old one stays as it was
    assert (tmp_path / "b.briefing.yaml.bak").read_bytes() == b"two"


# --- stale temporary files -------------------------------------------------------------------


def _old(path: Path, content: bytes | None = None) -> Path:
    """Make ``path`` (with ``content``, if given) look untouched for longer than STALE_AFTER."""
    if content is not None:
        path.write_bytes(content)
    then = time.time() - STALE_AFTER - 60
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_temp_names_are_recognisable() -> None:
    name = temp_name_for("b.briefing.yaml")
    assert name.startswith(".b.briefing.yaml.") and name.endswith(".bb-tmp")
    assert is_temp_name(name) and is_temp_name(name, "b.briefing.yaml")
    assert not is_temp_name(name, "other.briefing.yaml")
    assert is_temp_name(temp_name_for("b.briefing.yaml.bak"), "b.briefing.yaml")
    long = "x" * 250 + ".briefing.yaml"
    assert len(temp_name_for(long).encode()) < 160 and is_temp_name(temp_name_for(long), long)
    for other in ("b.briefing.yaml", ".b.briefing.yaml.bak", "notes.bb-tmp", ".x.1234.tmp"):
        assert not is_temp_name(other, "b.briefing.yaml")


def test_stale_temps_beside_the_target_are_cleaned_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "b.briefing.yaml"
    stale = _old(tmp_path / temp_name_for(target.name), b"left by a killed process")
    stale_bak = _old(tmp_path / temp_name_for(target.name + ".bak"), b"x")
    legacy = _old(tmp_path / ".b.briefing.yaml.ab12_z9q.tmp", b"x")  # from earlier versions
    fresh = tmp_path / temp_name_for(target.name)  # another process writing right now
    fresh.write_bytes(b"in progress")
    # Never anything else: another target's temp, look-alikes, links, folders, user files.
    other = _old(tmp_path / temp_name_for("other.briefing.yaml"), b"x")
    keep = [
        "notes.txt",
        ".b.briefing.yaml.bak",
        ".b.briefing.yaml.tmp",
        "b.briefing.yaml.0123456789ab.bb-tmp",
    ]
    for name in keep:
        _old(tmp_path / name, b"mine")
    folder = tmp_path / temp_name_for(target.name)
    folder.mkdir()
    _old(folder)
    link = tmp_path / temp_name_for(target.name)
    if os.name != "nt":
        link.symlink_to(tmp_path / "notes.txt")
        _old(link)
    write_bytes(target, b"saved")
    left = set(_names(tmp_path))
    assert stale.name not in left and stale_bak.name not in left and legacy.name not in left
    assert {fresh.name, other.name, folder.name, *keep, target.name} <= left
    if os.name != "nt":
        assert link.name in left and (tmp_path / "notes.txt").read_bytes() == b"mine"


def test_clean_stale_temps_in_a_whole_folder(tmp_path: Path) -> None:
    a = _old(tmp_path / temp_name_for("a.json"), b"")
    b = tmp_path / temp_name_for("b.json")
    b.write_bytes(b"")
    assert clean_stale_temps(tmp_path) == [a]
    assert clean_stale_temps(tmp_path / "missing") == []
    assert _names(tmp_path) == [b.name]


# --- streams that fail: no "Exception ignored in ZipFile.__del__" ------------------------------


class FullDisk(io.FileIO):
    """The temporary file on a disk that fills up after ``budget`` bytes."""

    budget = 20_000

    def write(self, b: object) -> int:
        n = memoryview(b).nbytes  # type: ignore[arg-type]
        if self.tell() + n > self.budget:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(b)  # type: ignore[arg-type]


def _zip_into(fh: object) -> None:
    z = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED)  # type: ignore[arg-type]
    for i in range(20):  # never closed when a write fails, like python-docx's
        z.writestr(f"part{i}.bin", os.urandom(5_000))


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    hits: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", hits.append)
    return hits


def test_the_hazard_is_real_with_a_plain_file(tmp_path: Path, unraisable: list[object]) -> None:
    # Without the writer's guard, the zip left open is closed by the garbage collector, which
    # writes to the full disk again where nobody can catch the error.
    fd = os.open(tmp_path / "plain.zip", os.O_WRONLY | os.O_CREAT)
    stream = io.BufferedWriter(FullDisk(fd, "w"))
    with pytest.raises(OSError, match="No space"):
        _zip_into(stream)
    gc.collect()
    assert unraisable, "expected the garbage collector's ZipFile.close to fail"


def test_a_full_disk_mid_zip_prints_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    unraisable: list[object],
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(atomic, "_raw_file", lambda fd: FullDisk(fd, "w", closefd=False))
    path = tmp_path / "out.zip"
    path.write_bytes(b"previous")

    def attempt() -> None:
        with atomic_output(path) as fh:
            _zip_into(fh)

    with pytest.raises(OSError, match="No space"):
        attempt()
    gc.collect()
    assert unraisable == []
    assert capfd.readouterr().err == ""
    assert path.read_bytes() == b"previous" and _names(tmp_path) == ["out.zip"]


def test_a_full_disk_in_a_word_export_prints_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    unraisable: list[object],
    capfd: pytest.CaptureFixture[str],
) -> None:
    library = open_library(BUNDLED, use_cache=False).library
    briefing = read_briefing(EXAMPLE)
    monkeypatch.setattr(atomic, "_raw_file", lambda fd: FullDisk(fd, "w", closefd=False))
    out = tmp_path / "briefing.docx"
    with pytest.raises(ExportError, match="No space left on device"):
        export_to_file(briefing, library, out)
    gc.collect()
    assert unraisable == []
    assert capfd.readouterr().err == ""
    assert _names(tmp_path) == []
    monkeypatch.undo()  # and with room on the disk the same export works
    export_to_file(briefing, library, out)
    assert zipfile.ZipFile(out).testzip() is None


@POSIX
def test_an_export_through_a_link_updates_the_shared_file(tmp_path: Path) -> None:
    library = open_library(BUNDLED, use_cache=False).library
    shared = tmp_path / "shared" / "briefing.pdf"
    shared.parent.mkdir()
    shared.write_bytes(b"last week's")
    shared.chmod(0o664)
    link = tmp_path / "briefing.pdf"
    link.symlink_to(shared)
    export_to_file(read_briefing(EXAMPLE), library, link)
    assert link.is_symlink() and shared.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert _names(shared.parent) == ["briefing.pdf"]
