"""Loading reports its progress and can be cancelled between files, during the index build and
during the cache write; a cancelled load caches nothing and leaves nothing behind."""

from __future__ import annotations

import gc
import multiprocessing
import threading
from pathlib import Path

import pytest

from briefing_builder.core import loader
from briefing_builder.core.cache import open_library
from briefing_builder.core.filtering import Filter
from briefing_builder.core.library_columns import FindingTable
from briefing_builder.core.loader import LoadCancelled, gc_paused, load_library
from tests.conftest import BETA_FINDINGS_YAML, write_library


@pytest.fixture
def lib_and_cache(tmp_path: Path) -> tuple[Path, Path]:
    # Three findings files: library.yaml, sources.yaml and these make five files to read.
    extra = BETA_FINDINGS_YAML.replace("id: beta-00", "id: gamma-00")
    root = write_library(tmp_path / "lib", {"findings/gamma.yaml": extra})
    return root, tmp_path / "cache"


def _entries(cache_dir: Path) -> list[str]:
    return sorted(p.name for p in cache_dir.iterdir()) if cache_dir.exists() else []


def test_progress_counts_the_files_then_the_index(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    seen: list[tuple[int, int]] = []
    opened = open_library(root, cache_dir=cache_dir, progress=lambda d, t: seen.append((d, t)))
    assert len(opened.library.findings) == 7
    # Five files, then the index (weighing a third of the files, at least one step).
    total = 5 + 1
    assert seen[:5] == [(1, total), (2, total), (3, total), (4, total), (5, total)]
    assert seen[-1] == (total, total)
    assert all(d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # The loader alone counts files.
    files: list[tuple[int, int]] = []
    load_library(root, progress=lambda d, t: files.append((d, t)))
    assert files == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    # A cache hit reports that it is done.
    hit: list[tuple[int, int]] = []
    again = open_library(root, cache_dir=cache_dir, progress=lambda d, t: hit.append((d, t)))
    assert again.from_cache and hit == [(total, total)]


@pytest.mark.parametrize("after", [0, 1, 3])
def test_cancel_between_files_caches_nothing(lib_and_cache: tuple[Path, Path], after: int) -> None:
    root, cache_dir = lib_and_cache
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, _total: int) -> None:
        seen.append(done)
        if done >= after:
            stop.set()

    if after == 0:
        stop.set()
    with pytest.raises(LoadCancelled):
        open_library(root, cache_dir=cache_dir, progress=progress, cancelled=stop.is_set)
    # Stopped at the next file: nothing read after the cancel was reported.
    assert seen == list(range(1, after + 1))
    assert [p for p in _entries(cache_dir) if p.endswith(".columns") or "tmp" in p] == []
    assert gc.isenabled()
    # The next load is whole, and cached.
    opened = open_library(root, cache_dir=cache_dir)
    assert len(opened.library.findings) == 7 and not opened.from_cache
    assert open_library(root, cache_dir=cache_dir).from_cache


def test_cancel_during_the_index_build(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, _total: int) -> None:
        seen.append(done)
        if done == 5:  # every file read: the index is next
            stop.set()

    with pytest.raises(LoadCancelled):
        open_library(root, cache_dir=cache_dir, progress=progress, cancelled=stop.is_set)
    assert seen == [1, 2, 3, 4, 5]
    assert _entries(cache_dir) == []


def test_cancel_during_the_cache_write_leaves_no_entry(
    lib_and_cache: tuple[Path, Path],
) -> None:
    root, cache_dir = lib_and_cache
    stop = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == total:  # loaded and indexed: only the cache write is left
            stop.set()

    with pytest.raises(LoadCancelled):
        open_library(root, cache_dir=cache_dir, progress=progress, cancelled=stop.is_set)
    assert _entries(cache_dir) == []  # no entry, no temporary file


def test_cancel_before_a_cache_hit(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    open_library(root, cache_dir=cache_dir)
    before = _entries(cache_dir)
    with pytest.raises(LoadCancelled):
        open_library(root, cache_dir=cache_dir, cancelled=lambda: True)
    assert _entries(cache_dir) == before
    assert open_library(root, cache_dir=cache_dir).from_cache


def test_cancel_stops_the_worker_processes(
    lib_and_cache: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = lib_and_cache
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, _total: int) -> None:
        seen.append(done)
        if done == 3:  # the first findings file is in
            stop.set()

    with pytest.raises(LoadCancelled):
        load_library(root, progress=progress, cancelled=stop.is_set)
    assert seen == [1, 2, 3]
    assert multiprocessing.active_children() == []
    # Uncancelled, the parallel load reads every file.
    assert len(load_library(root).findings) == 7


def test_overlapping_pauses_switch_the_collector_back_on_once(tmp_path: Path) -> None:
    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    during: list[bool] = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with gc_paused():
        second_in.set()
        first_out.wait(5)
        during.append(gc.isenabled())  # the first load ended, this one goes on
    thread.join(5)
    assert during == [False]
    assert gc.isenabled()


def test_the_cache_entry_builds_findings_only_when_asked(lib_and_cache: tuple[Path, Path]) -> None:
    root, cache_dir = lib_and_cache
    first = open_library(root, cache_dir=cache_dir)
    second = open_library(root, cache_dir=cache_dir)
    assert second.from_cache
    table = second.library.findings
    assert isinstance(table, FindingTable)
    assert table._made.count(None) == len(table)  # nothing built by opening
    assert second.library.finding("gamma-002") == first.library.finding("gamma-002")
    assert table._made.count(None) == len(table) - 1
    assert second.library.findings == first.library.findings  # 7 findings, in order
    assert second.index.library is second.library
    assert len(second.index.query(Filter(text="maori"))) == 1
    # An entry cut short is not used, and is written afresh.
    (entry,) = cache_dir.glob("*.columns")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) - 200])
    third = open_library(root, cache_dir=cache_dir)
    assert not third.from_cache and third.library.findings == first.library.findings
    assert open_library(root, cache_dir=cache_dir).from_cache


def test_a_large_load_freezes_what_it_made(
    lib_and_cache: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = lib_and_cache
    frozen = gc.get_freeze_count()
    load_library(root)  # a small library: left to the collector as usual
    assert gc.get_freeze_count() == frozen and gc.isenabled()
    monkeypatch.setattr(loader, "FREEZE_ABOVE", 0)
    try:
        load_library(root)
        assert gc.get_freeze_count() > frozen and gc.isenabled()
    finally:
        gc.unfreeze()


def test_loading_makes_no_garbage_cycles(tmp_path: Path) -> None:
    """What makes freezing safe: a load leaves nothing for the cyclic collector, even a load
    full of problems."""
    bad = write_library(
        tmp_path / "bad",
        {
            "findings/broken.yaml": "- id: [unclosed\n",
            "findings/odd.yaml": "- id: x\n  kind: gossip\n  themes: nonsense\n",
            "sources.yaml": "references:\n  - id: alpha\n    text: ../outside.txt\n",
        },
    )
    for root in (bad, write_library(tmp_path / "good")):
        gc.collect()
        gc.disable()
        try:
            library = open_library(root, use_cache=False).library
            assert library.findings or library.problems
            assert gc.collect() == 0
        finally:
            gc.enable()
