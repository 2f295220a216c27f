"""The columns file the library cache is kept in: data only, checked when opened, never an
exception later from what is in it."""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import struct
import zlib
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from briefing_builder.core import cache as cache_mod
from briefing_builder.core.cache import open_library
from briefing_builder.core.columns import (
    MAGIC,
    BlockStringColumn,
    Columns,
    ColumnsError,
    StringColumn,
    narrowest,
    pack_strings,
    packed_arrays,
    posting_arrays,
    string_arrays,
    write_columns,
)
from briefing_builder.core.filtering import Filter
from briefing_builder.core.library_columns import FindingTable, Unkept
from briefing_builder.core.library_columns import write_library as write_library_columns
from briefing_builder.core.paths import bundled_library

from ..conftest import write_library

STRINGS = ["", "plain", "“curly” — dash", "Māori", "a\udcff path byte", "x" * 1000, ""]


def columns_file(tmp_path: Path, meta: object, arrays: dict[str, np.ndarray]) -> Path:
    path = tmp_path / "c.columns"
    with path.open("wb") as fh:
        write_columns(fh, meta, arrays)
    return path


def open_columns(path: Path) -> Columns:
    with path.open("rb") as fh:
        return Columns(fh)


def test_arrays_and_strings_come_back_as_written(tmp_path: Path) -> None:
    arrays = {
        "n": np.arange(5, dtype=np.int32),
        "flags": np.array([True, False, True]),
        "big": np.array([2**40, -1], dtype=np.int64),
        **string_arrays("s", STRINGS),
        **string_arrays("ascii", ["a", "bc", "", "def"]),
    }
    cols = open_columns(columns_file(tmp_path, {"title": "Ünïcode", "n": [1, 2]}, arrays))
    assert cols.meta == {"title": "Ünïcode", "n": [1, 2]}
    assert cols.array("n").tolist() == [0, 1, 2, 3, 4]
    assert cols.array("flags", "|b1").tolist() == [True, False, True]
    assert cols.array("big").tolist() == [2**40, -1]
    column = cols.strings("s")
    assert list(column) == STRINGS and column[3] == "Māori" and column[-1] == ""
    assert column.take([3, 0, 2]) == ["Māori", "", "“curly” — dash"]
    assert cols.strings("ascii").tolist() == ["a", "bc", "", "def"]
    # Each array starts on a 16-byte boundary, so numbers are read in place.
    assert all(a.ctypes.data % 16 == 0 or a.size == 0 for a in cols._arrays.values())


def test_only_plain_numbers_are_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a plain number"):
        write_columns(io.BytesIO(), {}, {"o": np.array(["x", None], dtype=object)})
    with pytest.raises(ValueError, match="one-dimensional"):
        write_columns(io.BytesIO(), {}, {"m": np.zeros((2, 2))})


def _rewrite_header(path: Path, change: object) -> None:
    """Change the JSON header in place (it may grow into the padding before the first array)."""
    data = bytearray(path.read_bytes())
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    header = json.loads(data[start : start + length])
    first_array = min(entry[2] for entry in header["arrays"].values())
    change(header)  # type: ignore[operator]
    text = json.dumps(header, separators=(",", ":")).encode("ascii")
    assert start + len(text) <= first_array
    data[start:first_array] = text.ljust(first_array - start, b" ")
    struct.pack_into("<Q", data, len(MAGIC), len(text))
    path.write_bytes(bytes(data))


def _array_offset(path: Path, name: str) -> int:
    """Where the array ``name`` starts in the file, from its header."""
    data = path.read_bytes()
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    return int(json.loads(data[start : start + length])["arrays"][name][2])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda h: h["arrays"]["n"].__setitem__(0, "|O"), "described wrongly"),
        (lambda h: h["arrays"]["n"].__setitem__(1, 10**9), "outside the file"),
        (lambda h: h["arrays"]["n"].__setitem__(2, 0), "outside the file"),
        (lambda h: h["arrays"]["n"].__setitem__(1, -1), "outside the file"),
        (lambda h: h.__setitem__("arrays", []), "no list of arrays"),
    ],
)
def test_a_damaged_header_is_refused_when_opened(tmp_path: Path, damage, message) -> None:  # type: ignore[no-untyped-def]
    path = columns_file(tmp_path, {}, {"n": np.arange(4, dtype=np.int64)})
    _rewrite_header(path, damage)
    with pytest.raises(ColumnsError, match=message):
        open_columns(path)


def test_foreign_and_cut_files_are_refused(tmp_path: Path) -> None:
    path = columns_file(tmp_path, {}, {"n": np.arange(100, dtype=np.int64)})
    data = path.read_bytes()
    for bad in (b"", b"PK\x03\x04" + data[4:], data[:20], data[:-400]):
        path.write_bytes(bad)
        with pytest.raises(ColumnsError):
            open_columns(path)


def test_string_offsets_and_codes_are_checked_and_bad_text_is_replaced(tmp_path: Path) -> None:
    blob = np.frombuffer(b"ok\xff\xfebad", dtype=np.uint8)
    column = StringColumn(blob, np.array([2, 4, 7], dtype=np.int64))
    assert column[0] == "ok" and column[1] == "\ufffd\ufffd"  # damaged text: no exception
    with pytest.raises(ColumnsError):
        StringColumn(blob, np.array([4, 2, 7], dtype=np.int64))  # out of order
    with pytest.raises(ColumnsError):
        StringColumn(blob, np.array([2, 40], dtype=np.int64))  # past the blob
    path = columns_file(tmp_path, {}, {"c": np.array([0, 3, 1], dtype=np.int32)})
    with pytest.raises(ColumnsError, match="codes outside"):
        open_columns(path).codes("c", 3)
    assert open_columns(path).codes("c", 4).tolist() == [0, 3, 1]


def _entry(cache_dir: Path) -> Path:
    (entry,) = cache_dir.glob("*.columns")
    return entry


def test_the_cache_entry_is_a_columns_file_and_a_damaged_one_is_a_miss(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    fresh = open_library(root, cache_dir=cache_dir)
    entry = _entry(cache_dir)
    assert entry.read_bytes().startswith(MAGIC)
    cached = open_library(root, cache_dir=cache_dir)
    assert cached.from_cache and isinstance(cached.library.findings, FindingTable)
    assert cached.library.findings == fresh.library.findings
    assert [str(p) for p in cached.library.problems] == [str(p) for p in fresh.library.problems]
    assert cached.library.sources == fresh.library.sources
    assert cached.library.themes == fresh.library.themes
    assert cached.library.places == fresh.library.places
    assert cached.library.verified_count == fresh.library.verified_count
    assert cached.library.findings_of("beta") == fresh.library.findings_of("beta")
    # A code in the findings' columns pointing past its names: refused, read afresh, no error.
    _rewrite_header(entry, lambda h: h["meta"]["names"]["sources"].pop())
    again = open_library(root, cache_dir=cache_dir)
    assert not again.from_cache and again.library.findings == fresh.library.findings
    # Bytes flipped in the middle of the arrays (text, offsets): never an exception.
    data = bytearray(_entry(cache_dir).read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64
    _entry(cache_dir).write_bytes(bytes(data))
    damaged = open_library(root, cache_dir=cache_dir)
    for f in damaged.library.findings:  # whatever was read, every finding can be built
        assert isinstance(f.text, str)


def test_a_reference_json_cannot_keep_exactly_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value JSON would give back changed (a date, a tuple, a number as a key: the loader lets
    none through today) is never served altered: that library is read from its files each time."""
    root = write_library(tmp_path / "lib")
    library = open_library(root, use_cache=False)
    library.library.sources[0].csl["issued"] = datetime.date(2020, 1, 2)
    with pytest.raises(Unkept):
        write_library_columns(io.BytesIO(), ["key"], library.library, library.index)
    library.library.sources[0].csl["issued"] = {1: "a number as a key"}
    with pytest.raises(Unkept):
        write_library_columns(io.BytesIO(), ["key"], library.library, library.index)

    def unkept(*_args: object, **_kwargs: object) -> None:
        raise Unkept("a value would not come back as it is")

    monkeypatch.setattr(cache_mod, "write_library", unkept)
    cache_dir = tmp_path / "cache"
    first = open_library(root, cache_dir=cache_dir)
    second = open_library(root, cache_dir=cache_dir)
    assert not second.from_cache and second.library.findings == first.library.findings
    assert list(cache_dir.glob("*.columns")) == []


def test_entries_of_the_pickled_format_and_their_leftovers_are_removed(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    open_library(root, cache_dir=cache_dir)
    entry = _entry(cache_dir)
    old = entry.with_suffix(".pickle")
    old.write_bytes(b"an entry of the earlier format")
    leftover = cache_dir / f".{old.name}.0123456789ab.bb-tmp"
    leftover.write_bytes(b"half of one, from a killed process")
    os.utime(leftover, (1, 1))
    entry.unlink()
    assert not open_library(root, cache_dir=cache_dir).from_cache  # written afresh
    assert not old.exists() and not leftover.exists() and _entry(cache_dir).exists()


# --- long text in zlib blocks, posting lists in 16-bit spans ------------------------------------

MANY = [
    f"finding {i} " + ("Māori whānau " if i % 300 == 7 else "plain words ") * (i % 5)
    for i in range(700)
]
MANY[3] = MANY[600] = ""  # empty strings, in a block of their own text and not


def _block_column(tmp_path: Path, values: list[str], kept: int | None = 2) -> Columns:
    path = columns_file(tmp_path, {}, string_arrays("t", values, compressed=True))
    return open_columns(path)


def test_compressed_strings_come_back_as_written(tmp_path: Path) -> None:
    cols = _block_column(tmp_path, MANY)
    column = cols.strings("t", kept_blocks=2)
    assert isinstance(column, BlockStringColumn)
    assert len(column) == 700 and list(column) == MANY and column.tolist() == MANY
    assert column[0] == MANY[0] and column[-1] == MANY[-1] and column[307] == MANY[307]
    assert column[255:258] == MANY[255:258] and column[3] == ""
    rows = [699, 0, 256, 255, 7, 607, 3]
    assert column.take(rows) == [MANY[r] for r in rows]
    with pytest.raises(IndexError):
        column[700]
    # Only the last two blocks used stay inflated: a long list shown costs little memory.
    assert len(column._blocks) <= 2
    # Smaller than the text: 700 strings in three blocks.
    data = cols.array("t.z")
    assert cols.array("t.zends").size == 3 and data.size < len("".join(MANY).encode()) / 3
    (tmp_path / "odd").mkdir()
    odd = columns_file(tmp_path / "odd", {}, string_arrays("s", STRINGS * 100, compressed=True))
    assert open_columns(odd).strings("s").tolist() == STRINGS * 100  # a lone surrogate too
    (tmp_path / "none").mkdir()
    assert _block_column(tmp_path / "none", []).strings("t").tolist() == []


def test_a_flipped_byte_in_a_compressed_block_reads_as_replacement_text(tmp_path: Path) -> None:
    path = columns_file(tmp_path, {}, string_arrays("t", MANY, compressed=True))
    zends = open_columns(path).array("t.zends").tolist()
    where = _array_offset(path, "t.z")
    data = bytearray(path.read_bytes())
    data[where + zends[0] + 40] ^= 0x20  # inside the second block
    path.write_bytes(bytes(data))
    column = open_columns(path).strings("t")
    assert column[0] == MANY[0] and column[699] == MANY[699]  # the other blocks are whole
    assert column[300] == "\ufffd" and column.take([256, 511, 512]) == [
        "\ufffd",
        "\ufffd",
        MANY[512],
    ]


def test_a_block_that_inflates_to_more_than_it_holds_is_not_inflated(tmp_path: Path) -> None:
    """A tampered block cannot make the app inflate gigabytes: reading stops past four bytes
    for each character the block says it holds, and the block reads as replacement text."""
    bomb = np.frombuffer(zlib.compress(b"x" * 5_000_000, 9), dtype=np.uint8)
    column = BlockStringColumn(
        bomb, np.array([bomb.size], dtype=np.int64), np.array([2, 4], dtype=np.int64), None
    )
    assert column.tolist() == ["\ufffd", "\ufffd"]
    with pytest.raises(ColumnsError):  # blocks that do not match the strings: refused at once
        BlockStringColumn(bomb, np.array([], dtype=np.int64), np.array([2], dtype=np.int64), None)


def test_narrowest_keeps_every_value(tmp_path: Path) -> None:
    assert narrowest([0, 39]).dtype == np.uint8
    assert narrowest([0, 300]).dtype == np.dtype("<u2")
    assert narrowest([70_000]).dtype == np.dtype("<u4")
    assert narrowest([-1, 5]).dtype == np.int8
    assert narrowest([2**40]).tolist() == [2**40] and narrowest([]).size == 0


@pytest.mark.parametrize("size", [10, 65_536, 150_001])
def test_posting_lists_in_spans_mark_the_same_findings(tmp_path: Path, size: int) -> None:
    rng = np.random.default_rng(size)
    words = 40
    lists = [np.unique(rng.integers(0, size, int(rng.integers(0, 300)))) for _ in range(words)]
    lists[5] = np.array([0, size - 1])  # the first finding and the last
    lists[7] = np.array([], dtype=np.int64)  # a word with none (counted apart when written)
    postings = np.concatenate(lists).astype(np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(x) for x in lists]))).astype(np.int64)
    path = columns_file(tmp_path, {}, posting_arrays("p", postings, offsets, size))
    spans = open_columns(path).postings("p", size, words)
    for lo, hi in [(0, words), (5, 6), (3, 9), (7, 7), (words - 1, words)]:
        mask = np.zeros(size, dtype=bool)
        spans.mark(mask, lo, hi)
        expected = np.zeros(size, dtype=bool)
        expected[postings[offsets[lo] : offsets[hi]]] = True
        assert (mask == expected).all(), (lo, hi)
    # Kept again as they were read.
    again = posting_arrays("p", spans, None, size)
    assert (again["p"] == spans.docs).all() and (again["p.offsets"] == spans.offsets).all()
    # A finding past the library's end is refused when the file is opened.
    with pytest.raises(ColumnsError, match="does not have"):
        open_columns(path).postings("p", size - 1, words)
    with pytest.raises(ColumnsError, match="words"):
        open_columns(path).postings("p", size, words + 1)


def test_the_cached_index_answers_as_the_built_one(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(bundled_library(), root)
    fresh = open_library(root, cache_dir=tmp_path / "cache")
    cached = open_library(root, cache_dir=tmp_path / "cache")
    assert cached.from_cache and not fresh.from_cache
    lib = fresh.library
    filters = [
        Filter(),
        Filter(text="partner"),
        Filter(text='"information sharing"'),
        Filter(text='"co-operation" police'),
        Filter(text='"the police a"', themes=frozenset(t.id for t in lib.themes[:3])),
        Filter(text="maori", kinds=frozenset({"quote"})),
        Filter(places=frozenset(sorted(lib.places)[:2]), sources=frozenset([lib.sources[0].id])),
    ]
    for flt in filters:
        a, b = fresh.index.query(flt), cached.index.query(flt)
        assert a.indices.tolist() == b.indices.tolist() and a.facets == b.facets, flt
    assert [f.text for f in cached.library.findings] == [f.text for f in lib.findings]


def test_a_damaged_text_block_in_the_cache_is_never_an_exception(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    fresh = open_library(root, cache_dir=cache_dir)
    entry = _entry(cache_dir)
    data = bytearray(entry.read_bytes())
    for name in ("f.text", "ix.doc_words"):
        # A byte of every block (one block or more for each findings file read).
        zends = open_columns(entry).array(f"{name}.zends").tolist()
        for start in [0, *zends[:-1]]:
            data[_array_offset(entry, f"{name}.z") + start + 12] ^= 0x01
    entry.write_bytes(bytes(data))
    damaged = open_library(root, cache_dir=cache_dir)
    assert damaged.from_cache  # the header is whole: the damage shows only in the text
    assert [f.text for f in damaged.library.findings] == ["\ufffd"] * len(fresh.library.findings)
    assert damaged.index.query(Filter(text='"builds trust"')).indices.tolist() == []
    assert damaged.library.findings[0].id == fresh.library.findings[0].id


def test_a_truncated_cache_entry_is_a_miss_and_rebuilt(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    cache_dir = tmp_path / "cache"
    fresh = open_library(root, cache_dir=cache_dir)
    data = _entry(cache_dir).read_bytes()
    for keep in (len(data) - 1, len(data) // 2, 100):
        _entry(cache_dir).write_bytes(data[:keep])
        again = open_library(root, cache_dir=cache_dir)
        assert not again.from_cache and again.library.findings == fresh.library.findings
        assert open_library(root, cache_dir=cache_dir).from_cache  # written afresh, whole


def test_warming_inflates_every_block_until_stopped(tmp_path: Path) -> None:
    column = _block_column(tmp_path, MANY).strings("t", kept_blocks=None)
    assert isinstance(column, BlockStringColumn)
    calls: list[int] = []
    column.warm(lambda: calls.append(1) is None and len(calls) > 2)  # stops before the third
    assert sorted(column._blocks) == [0, 1]
    column.warm()
    assert sorted(column._blocks) == [0, 1, 2] and column.take([699, 1]) == [MANY[699], MANY[1]]


def test_strings_compressed_in_runs_come_back_as_written(tmp_path: Path) -> None:
    """Runs compressed apart (one findings file each, in worker processes) joined into one
    column: blocks that hold fewer strings where a run ends are read at the right rows."""
    cuts = [0, 5, 5, 300, 301, 700]  # an empty run, a run of one, runs longer than a block
    runs = [pack_strings(MANY[a:b]) for a, b in pairwise(cuts)]
    path = columns_file(tmp_path, {}, packed_arrays("t", runs))
    cols = open_columns(path)
    assert cols.integers("t.zrows").tolist() == [5, 261, 300, 301, 557, 700]
    column = cols.strings("t", kept_blocks=2)
    assert isinstance(column, BlockStringColumn)
    assert list(column) == MANY and column[:] == MANY
    for row in (0, 4, 5, 260, 261, 299, 300, 301, 556, 557, 699, -1):
        assert column[row] == MANY[row], row
    rows = [699, 0, 300, 261, 4, 557, 5]
    assert column.take(rows) == [MANY[r] for r in rows]
    # The same strings compressed in one run: the same text, in blocks cut elsewhere.
    (tmp_path / "one").mkdir()
    whole = open_columns(
        columns_file(tmp_path / "one", {}, string_arrays("t", MANY, compressed=True))
    )
    assert whole.strings("t").tolist() == MANY and whole.integers("t.zrows").tolist() == [
        256,
        512,
        700,
    ]


@pytest.mark.parametrize(
    "zrows",
    [
        [5, 5, 300, 556, 700],
        [5, 261, 300, 556, 699],
        [5, 261, 300, 556, 701],
        [261, 5, 300, 556, 700],
    ],
)
def test_blocks_that_do_not_divide_the_rows_are_refused(zrows: list[int]) -> None:
    runs = [pack_strings(MANY[:5]), pack_strings(MANY[5:300]), pack_strings(MANY[300:])]
    arrays = packed_arrays("t", runs)
    assert arrays["t.zrows"].tolist() == [5, 261, 300, 556, 700]
    BlockStringColumn(arrays["t.z"], arrays["t.zends"], arrays["t.ends"], None, arrays["t.zrows"])
    with pytest.raises(ColumnsError):
        BlockStringColumn(
            arrays["t.z"], arrays["t.zends"], arrays["t.ends"], None, np.asarray(zrows)
        )
