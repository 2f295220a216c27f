"""The library cache serves unchanged libraries fast and never serves stale data."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from briefing_builder.core import cache as cache_mod
from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.filtering import Filter
from briefing_builder.core.loader import library_files, load_library
from tests.conftest import ALPHA_TEXT, FINDINGS_YAML, SOURCES_YAML, write_library


@pytest.fixture
def lib_and_cache(tmp_path: Path) -> tuple[Path, Path]:
    return write_library(tmp_path / "lib"), tmp_path / "cache"


def test_second_open_comes_from_the_cache(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    first = open_library(root, cache_dir=cache_dir)
    second = open_library(root, cache_dir=cache_dir)
    assert not first.from_cache and second.from_cache
    assert [f.id for f in second.library.findings] == [f.id for f in first.library.findings]
    # The cached index answers queries like a fresh one.
    assert len(second.index.query(Filter(text="maori"))) == 1


def _bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_edited_findings_file_is_a_miss(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    findings = root / "findings" / "beta.yaml"
    findings.write_text(findings.read_text().replace("id: beta-002", "id: beta-009"))
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache
    assert reopened.library.finding("beta-009") is not None


def test_same_size_edit_with_same_mtime_is_still_a_miss(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    findings = root / "findings" / "beta.yaml"
    st = findings.stat()
    findings.write_text(findings.read_text().replace("id: beta-002", "id: beta-003"))
    os.utime(findings, ns=(st.st_atime_ns, st.st_mtime_ns))  # an editor restoring the mtime
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache  # ctime still moved
    assert reopened.library.finding("beta-003") is not None


def test_added_and_removed_files_are_misses(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    (root / "findings" / "beta.yaml").unlink()
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache
    assert reopened.library.finding("beta-001") is None
    (root / "findings" / "more.yaml").write_text("[]\n")
    assert not open_library(root, cache_dir=cache_dir).from_cache


def test_changed_source_text_is_a_miss(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    text = root / "texts" / "beta.txt"
    text.write_text(text.read_text().replace("a fifth", "a quarter"))
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache
    assert [p.message for p in reopened.library.problems] == [
        "the text of finding 'beta-001' is not word for word in beta.txt "
        "(only white space may differ; mark left-out words with …)"
    ]


def test_damaged_cache_entry_is_rebuilt(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    (entry,) = cache_dir.glob("*.columns")
    entry.write_bytes(b"not a columns file")
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache and len(reopened.library.findings) == 5
    assert open_library(root, cache_dir=cache_dir).from_cache


def test_unwritable_cache_only_costs_speed(
    lib_and_cache: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache_dir = lib_and_cache

    def fail(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_mod.os, "replace", fail)
    assert len(open_library(root, cache_dir=cache_dir).library.findings) == 5
    assert list(cache_dir.glob("*")) == []  # no temp file left behind
    monkeypatch.undo()
    assert not open_library(root, cache_dir=cache_dir).from_cache


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEFING_BUILDER_CACHE_DIR", str(tmp_path / "c"))
    assert cache_mod.default_cache_dir() == tmp_path / "c"


# --- the key covers exactly what the loader reads ------------------------------------------


def _same_as_fresh(root: Path, cache_dir: Path) -> OpenedLibrary:
    """Open through the cache and check the result is what a fresh load gives."""
    opened = open_library(root, cache_dir=cache_dir)
    fresh = load_library(root)
    assert [str(p) for p in opened.library.problems] == [str(p) for p in fresh.problems]
    assert opened.library.findings == fresh.findings
    return opened


def _misquote(path: Path) -> None:
    path.write_text(path.read_text().replace("share data every day", "share data every hour"))


def test_hidden_findings_files_are_neither_read_nor_keyed(tmp_path: Path) -> None:
    draft = FINDINGS_YAML.replace("id: alpha-00", "id: draft-00")
    root = write_library(tmp_path / "lib", {"findings/.draft.yaml": draft})
    (root / "findings" / ".alpha.yaml.swp").write_bytes(b"\0vim swap")
    cache_dir = tmp_path / "cache"
    first = _same_as_fresh(root, cache_dir)
    assert first.library.finding("draft-001") is None and first.library.problems == []
    _misquote(root / "findings" / ".draft.yaml")
    assert _same_as_fresh(root, cache_dir).from_cache  # the draft does not count


def test_findings_folder_that_is_a_symlink(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    (root / "findings").rename(tmp_path / "shared-findings")
    (root / "findings").symlink_to(tmp_path / "shared-findings")
    cache_dir = tmp_path / "cache"
    _same_as_fresh(root, cache_dir)
    _misquote(tmp_path / "shared-findings" / "alpha.yaml")
    reopened = _same_as_fresh(root, cache_dir)
    assert not reopened.from_cache
    assert "not word for word" in reopened.library.problems[0].message


def test_text_in_a_hidden_folder(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("text: texts/alpha.txt", "text: .texts/alpha.txt")
    root = write_library(
        tmp_path / "lib", {"sources.yaml": sources, ".texts/alpha.txt": ALPHA_TEXT}
    )
    cache_dir = tmp_path / "cache"
    assert _same_as_fresh(root, cache_dir).library.verified_count == 5
    text = root / ".texts" / "alpha.txt"
    text.write_text(text.read_text().replace("every day", "every hour"))
    reopened = _same_as_fresh(root, cache_dir)
    assert not reopened.from_cache and reopened.library.verified_count == 4


def test_text_symlink_pointed_elsewhere_is_a_miss(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    (root / "texts" / "other.txt").write_text(ALPHA_TEXT.replace("every day", "every hour"))
    (root / "texts" / "alpha.txt").rename(root / "texts" / "alpha-real.txt")
    (root / "texts" / "alpha.txt").symlink_to("alpha-real.txt")
    cache_dir = tmp_path / "cache"
    _same_as_fresh(root, cache_dir)
    (root / "texts" / "alpha.txt").unlink()
    (root / "texts" / "alpha.txt").symlink_to("other.txt")
    assert not _same_as_fresh(root, cache_dir).from_cache


def test_unreadable_findings_folder_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    open_library(root, cache_dir=cache_dir)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)).name == "findings":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    reopened = _same_as_fresh(root, cache_dir)
    assert not reopened.from_cache and reopened.library.findings == []


def test_the_cache_keys_exactly_the_files_the_loader_reads(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"findings/extra.yml": "[]\n", "findings/x.txt": ""})
    (root / "findings" / ".hidden.yaml").write_text("[]\n")
    lib = load_library(root)
    texts = [str(root / "texts" / "alpha.txt"), str(root / "texts" / "beta.txt")]
    assert sorted(lib.read_files) == sorted(map(str, library_files(root))) + texts
    assert [p.name for p in library_files(root)] == [
        "library.yaml",
        "sources.yaml",
        "alpha.yaml",
        "beta.yaml",
        "extra.yml",
    ]


def test_a_file_changed_while_it_is_read_is_not_cached_as_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key holds each file's state from before it was read: an edit during the load leaves
    a key that no longer matches, never a key that matches old content."""
    from briefing_builder.core import loader

    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    real_load = loader.load_yaml_file
    edited: list[Path] = []

    def load_while_editing(path: Path, **kwargs: object) -> object:
        if path.name == "beta.yaml" and not edited:
            edited.append(path)
            data = real_load(path, **kwargs)  # type: ignore[arg-type]
            path.write_text(path.read_text().replace("id: beta-002", "id: beta-009"))
            return data
        return real_load(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_yaml_file", load_while_editing)
    first = open_library(root, cache_dir=cache_dir)
    assert edited and first.library.finding("beta-002") is not None
    monkeypatch.undo()
    reopened = open_library(root, cache_dir=cache_dir)
    assert not reopened.from_cache and reopened.library.finding("beta-009") is not None


# --- the cache folder is the user's alone --------------------------------------------------

posix_owners = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")


@posix_owners
def test_cache_folder_and_entries_are_private(tmp_path: Path) -> None:
    root, cache_dir = write_library(tmp_path / "lib"), tmp_path / "cache"
    old = os.umask(0o002)  # a common desktop umask: group-writable files
    try:
        open_library(root, cache_dir=cache_dir)
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    (entry,) = cache_dir.glob("*.columns")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert open_library(root, cache_dir=cache_dir).from_cache


@posix_owners
def test_an_entry_others_may_write_is_not_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, cache_dir = write_library(tmp_path / "lib"), tmp_path / "cache"
    open_library(root, cache_dir=cache_dir)
    (entry,) = cache_dir.glob("*.columns")
    entry.chmod(0o666)
    with caplog.at_level(logging.WARNING, logger="briefing_builder.core.cache"):
        assert not open_library(root, cache_dir=cache_dir).from_cache
    assert "others may write to it; it is not used" in caplog.text
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # rewritten as the user's own
    assert open_library(root, cache_dir=cache_dir).from_cache


@posix_owners
def test_an_entry_that_is_a_symlink_is_not_followed(tmp_path: Path) -> None:
    root, cache_dir = write_library(tmp_path / "lib"), tmp_path / "cache"
    open_library(root, cache_dir=cache_dir)
    (entry,) = cache_dir.glob("*.columns")
    entry.rename(tmp_path / "elsewhere.columns")
    entry.symlink_to(tmp_path / "elsewhere.columns")
    assert not open_library(root, cache_dir=cache_dir).from_cache


@posix_owners
def test_a_cache_folder_of_someone_else_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root, cache_dir = write_library(tmp_path / "lib"), tmp_path / "cache"
    open_library(root, cache_dir=cache_dir)
    (entry,) = cache_dir.glob("*.columns")
    before = entry.stat().st_mtime_ns
    monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 4242)
    with caplog.at_level(logging.WARNING, logger="briefing_builder.core.cache"):
        assert not open_library(root, cache_dir=cache_dir).from_cache
        assert not open_library(root, cache_dir=cache_dir).from_cache
    assert "belongs to someone else or others may write to it; not caching" in caplog.text
    assert entry.stat().st_mtime_ns == before  # neither read nor written


@posix_owners
def test_our_group_writable_cache_folder_is_made_private(tmp_path: Path) -> None:
    root, cache_dir = write_library(tmp_path / "lib"), tmp_path / "cache"
    cache_dir.mkdir(mode=0o775)
    cache_dir.chmod(0o775)
    open_library(root, cache_dir=cache_dir)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert open_library(root, cache_dir=cache_dir).from_cache
