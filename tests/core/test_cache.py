"""The library cache serves unchanged libraries fast and never serves stale data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_builder.core import cache as cache_mod
from briefing_builder.core.cache import open_library
from briefing_builder.core.filtering import Filter
from tests.conftest import write_library


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
    (entry,) = cache_dir.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
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
