"""The check after a curation write reads only the file it changed: the library it opens is the
one a full read gives — findings, problems (library-wide ones too), index and cache entry."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from briefing_builder.core import loader
from briefing_builder.core.cache import OpenedLibrary, _entry_path, open_library
from tests.core.test_index_parts import _arrays, _filters, _varied, library_root

__all__ = ["library_root"]  # the generated library, shared with the index parts' tests


def _findings(path: Path) -> list[dict[str, object]]:
    data: list[dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _dump(path: Path, items: list[dict[str, object]]) -> None:
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _same(got: OpenedLibrary, full: OpenedLibrary, got_entry: Path, full_entry: Path) -> None:
    a, b = got.library, full.library
    assert list(a.findings) == list(b.findings)
    assert a.problems == b.problems
    assert a.retired_ids == b.retired_ids
    assert a.places == b.places and a.verified_count == b.verified_count
    assert [a.position(f.id) for f in b.findings] == list(range(len(b.findings)))
    assert _arrays(got.index) == _arrays(full.index)
    for flt in _filters(b)[:30]:
        assert got.index.query(flt).indices.tolist() == full.index.query(flt).indices.tolist()
    assert got_entry.read_bytes() == full_entry.read_bytes()


@pytest.mark.parametrize("workers", [True, False])
def test_a_reopen_reads_only_the_changed_files_and_equals_a_full_read(
    library_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: bool
) -> None:
    root = _varied(library_root, tmp_path / "lib")
    files = sorted((root / "findings").glob("*.yaml"))
    if workers:  # the first read by worker processes: the files' reads kept as parts
        monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    read: list[list[str]] = []
    read_all = loader._read_all

    def recording(*args: object, **kwargs: object) -> Iterator[loader.FileRead]:
        rels: list[str] = args[1]  # type: ignore[assignment]
        reuse: dict[str, object] = args[7] if len(args) > 7 else {}  # type: ignore[assignment]
        read.append([rel for rel in rels if rel not in reuse])
        yield from read_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_read_all", recording)
    kept_dir, full_dir = tmp_path / "kept", tmp_path / "full"
    open_library(root, cache_dir=kept_dir, reuse=True)
    assert len(read[-1]) == len(files)  # nothing kept yet: every file read

    early, late = files[1], files[6]
    late_items = _findings(late)
    taken = _findings(files[4])[3]

    def edits() -> Iterator[tuple[str, Callable[[], None], list[str]]]:
        rel = late.relative_to(root).as_posix()
        yield (
            "an id of an earlier file used again (a problem across files added)",
            lambda: _dump(
                late, [*late_items, dict(late_items[0], id=_findings(files[2])[0]["id"])]
            ),
            [rel],
        )
        yield (
            "the same finding taken out (the problem gone)",
            lambda: _dump(late, late_items),
            [rel],
        )
        yield (
            "an earlier file takes a later file's id (that file's finding is left out)",
            lambda: _dump(early, [*_findings(early), dict(taken)]),
            [early.relative_to(root).as_posix()],
        )
        first = _findings(files[0])
        yield (
            "a retired finding taken out (a later file may use its id again)",
            lambda: _dump(files[0], [f for f in first if "retired" not in f]),
            [files[0].relative_to(root).as_posix()],
        )
        added = root / "findings" / "zz-added.yaml"
        yield (
            "a file added with an id used before",
            lambda: _dump(added, [dict(late_items[1]), dict(late_items[1], id="brand-new")]),
            ["findings/zz-added.yaml"],
        )
        yield "a file removed", lambda: files[2].unlink(), []
        yield (
            "a theme added: every file is read against the themes, so every file is read",
            lambda: (root / "library.yaml").write_text(
                (root / "library.yaml").read_text(encoding="utf-8")
                + "  - id: added-theme\n    label: Added\n",
                encoding="utf-8",
            ),
            [p.relative_to(root).as_posix() for p in sorted((root / "findings").glob("*.yaml"))],
        )

    for what, edit, expected in edits():
        edit()
        got = open_library(root, cache_dir=kept_dir, reuse=True)
        assert read[-1] == expected, what
        shutil.rmtree(full_dir, ignore_errors=True)
        full = open_library(root, cache_dir=full_dir)
        _same(got, full, _entry_path(kept_dir, root), _entry_path(full_dir, root))
    assert any("already used" in p.message for p in full.library.problems)


def test_a_file_changed_behind_the_kept_reads_is_read_again(
    library_root: Path, tmp_path: Path
) -> None:
    """Never stale: a file changed by someone else since (its state differs) is read again, as
    is the one just written; a file read back to the same bytes but rewritten is too."""
    root = _varied(library_root, tmp_path / "lib")
    files = sorted((root / "findings").glob("*.yaml"))
    open_library(root, use_cache=False, reuse=True)
    items = _findings(files[3])
    _dump(files[3], [dict(items[0], note="changed by a colleague"), *items[1:]])
    got = open_library(root, use_cache=False, reuse=True).library
    assert got.finding(str(items[0]["id"])).note == "changed by a colleague"  # type: ignore[union-attr]
    full = open_library(root, use_cache=False).library
    assert list(got.findings) == list(full.findings) and got.problems == full.problems
