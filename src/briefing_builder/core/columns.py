"""A data-only file of named arrays and a JSON header, read by mapping it into memory.

The library cache stores a library column by column here: each field of every finding one
array (strings as one UTF-8 blob and the offsets where each ends), the filter index's arrays as
they are. Opening maps the file and views the arrays in place, so nothing is read or built until
it is used, and nothing in the file can run code: a damaged or tampered file gives wrong text at
worst, never an exception later on (every offset is checked when the file is opened, and text is
decoded leniently).

Long text (the findings' quotes, the index's words) is kept in zlib blocks of a few hundred
strings (:class:`BlockStringColumn`), which shrinks it four to five times; a block is inflated
when one of its strings is first asked for. Runs of strings compressed apart (each findings file's,
by the worker process that read it: :class:`Packed`) are joined block for block, so a block may
hold fewer strings where a run ended; ``.zrows`` records each block's last row. zlib, from the standard library, because it is
quick at its lowest levels, checksums every block (a damaged one is found, not misread) and
needs nothing installed. Codes and offsets are kept in the narrowest integer type that holds
them, and the filter index's posting lists as 16-bit numbers (:class:`Postings`).

Layout: 8 bytes of magic, the header's length (8 bytes, little-endian), the header (UTF-8 JSON:
``{"meta": ..., "arrays": {name: [dtype, count, offset]}, "size": bytes}``), then each array's
bytes at a 16-byte boundary, offsets counted from the start of the file.
"""

from __future__ import annotations

import bisect
import json
import logging
import mmap
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, NamedTuple, overload

import numpy as np

log = logging.getLogger(__name__)

MAGIC = b"BBCOLS\x00\x01"
_ALIGN = 16
# Plain numbers only: an object dtype would unpickle.
_DTYPES = frozenset({"|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f8"})
_INTEGERS = frozenset({"|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8"})  # u8: not an index
BLOCK_ROWS = 256  # strings in one zlib block: ~80 KB of quotes, inflated in about 0.3 ms
POSTING_SPAN = 1 << 16  # findings per group of posting lists, so a finding is 16 bits in one


class ColumnsError(Exception):
    """The file is not a well-formed columns file (damaged, truncated, foreign)."""


def _pad(n: int) -> int:
    return -n % _ALIGN


def write_columns(out: IO[bytes], meta: Any, arrays: dict[str, np.ndarray]) -> None:
    """Write ``meta`` (anything JSON can hold) and the one-dimensional ``arrays``."""
    plan: dict[str, list[Any]] = {}
    prepared: list[np.ndarray] = []
    for name, array in arrays.items():
        a = np.ascontiguousarray(array)
        if a.ndim != 1:
            raise ValueError(f"column {name!r} is not one-dimensional")
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        if a.dtype.str not in _DTYPES:
            raise ValueError(f"column {name!r} has dtype {a.dtype}, not a plain number")
        plan[name] = [a.dtype.str, int(a.size), 0]
        prepared.append(a)
    # Offsets depend on the header's length, which holds them: reserve digits, then fill in.
    # The file's whole length too, so one cut short (or grown) is refused when it is opened.
    header = {"meta": meta, "arrays": plan, "size": 0}
    probe = json.dumps(header, ensure_ascii=True, separators=(",", ":"))
    base = len(MAGIC) + 8 + len(probe) + 24 * (len(plan) + 1) + 64
    offset = base + _pad(base)
    for (_name, entry), a in zip(plan.items(), prepared, strict=True):
        entry[2] = offset
        offset += a.nbytes + _pad(a.nbytes)
    header["size"] = offset
    text = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    head = MAGIC + struct.pack("<Q", len(text)) + text
    if len(head) > base:  # cannot happen: each offset has at most 20 digits
        raise ValueError("the columns header outgrew its reserved space")
    out.write(head + b" " * (base - len(head)) + b"\0" * _pad(base))
    for a in prepared:
        out.write(a.tobytes())
        out.write(b"\0" * _pad(a.nbytes))


class Columns:
    """A columns file mapped into memory: :attr:`meta` and :meth:`array` views."""

    def __init__(self, fh: IO[bytes]) -> None:
        try:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError) as exc:  # an empty file cannot be mapped
            raise ColumnsError(f"cannot map the file: {exc}") from None
        size = len(self._map)
        if size < len(MAGIC) + 8 or self._map[: len(MAGIC)] != MAGIC:
            raise ColumnsError("not a columns file")
        (length,) = struct.unpack_from("<Q", self._map, len(MAGIC))
        start = len(MAGIC) + 8
        if length > size - start:
            raise ColumnsError("the header runs past the end of the file")
        try:
            header = json.loads(self._map[start : start + length].decode("ascii"))
            plan = header["arrays"]
            self.meta: Any = header["meta"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ColumnsError(f"the header cannot be read: {exc}") from None
        if header.get("size") != size:
            raise ColumnsError("the file is not as long as it was written")
        if not isinstance(plan, dict):
            raise ColumnsError("the header has no list of arrays")
        self._arrays: dict[str, np.ndarray] = {}
        for name, entry in plan.items():
            if not (isinstance(entry, list) and len(entry) == 3):
                raise ColumnsError(f"array {name!r} is described wrongly")
            dtype, count, offset = entry
            if dtype not in _DTYPES or not isinstance(count, int) or not isinstance(offset, int):
                raise ColumnsError(f"array {name!r} is described wrongly")
            itemsize = np.dtype(dtype).itemsize
            if count < 0 or offset < start + length or offset + count * itemsize > size:
                raise ColumnsError(f"array {name!r} lies outside the file")
            self._arrays[name] = np.frombuffer(self._map, dtype=dtype, count=count, offset=offset)

    @classmethod
    def of(cls, meta: Any, arrays: dict[str, np.ndarray]) -> Columns:
        """Columns held in memory, as :func:`write_columns` would write ``arrays`` (already in
        the types it writes): what a library just read from its files is viewed through, read
        exactly as one from the cache is, before (or without) its entry being written."""
        self = cls.__new__(cls)
        self.meta = meta
        for name, a in arrays.items():
            if a.ndim != 1 or a.dtype.str not in _DTYPES:
                raise ValueError(f"column {name!r} is not a one-dimensional plain number array")
        self._arrays = dict(arrays)
        return self

    def named(self, prefix: str) -> dict[str, np.ndarray]:
        """Every array whose name starts with ``prefix``, in the order they were written."""
        return {name: a for name, a in self._arrays.items() if name.startswith(prefix)}

    def array(self, name: str, dtype: str | None = None) -> np.ndarray:
        """The array called ``name`` (of ``dtype``, if given): :class:`ColumnsError` if absent."""
        a = self._arrays.get(name)
        if a is None:
            raise ColumnsError(f"the file has no array {name!r}")
        if dtype is not None and a.dtype != np.dtype(dtype):
            raise ColumnsError(f"array {name!r} is {a.dtype}, not {dtype}")
        return a

    def integers(self, name: str) -> np.ndarray:
        """The array called ``name``, of whichever integer type it was written in."""
        a = self.array(name)
        if a.dtype.str not in _INTEGERS:
            raise ColumnsError(f"array {name!r} is {a.dtype}, not an integer")
        return a

    def strings(self, name: str, *, kept_blocks: int | None = 64) -> Sequence[str]:
        """The strings written by :func:`string_arrays` as ``name``: a :class:`StringColumn`, or
        a :class:`BlockStringColumn` keeping ``kept_blocks`` blocks inflated (None: all)."""
        ends = self.integers(f"{name}.ends")
        if f"{name}.z" in self._arrays:
            zrows = self.integers(f"{name}.zrows") if f"{name}.zrows" in self._arrays else None
            return BlockStringColumn(
                self.array(f"{name}.z", "|u1"),
                self.integers(f"{name}.zends"),
                ends,
                kept_blocks,
                zrows,
            )
        return StringColumn(self.array(f"{name}.utf8", "|u1"), ends)

    def codes(self, name: str, limit: int) -> np.ndarray:
        """An array of codes into a list of ``limit`` names: every code checked to be one."""
        a = self.integers(name)
        if a.size and (int(a.min()) < 0 or int(a.max()) >= limit):
            raise ColumnsError(f"array {name!r} has codes outside 0-{limit - 1}")
        return a

    def postings(self, name: str, size: int, words: int) -> Postings:
        """The posting lists written by :func:`posting_arrays`, for ``size`` findings and
        ``words`` words, checked to name only those findings."""
        docs = self.array(name, "<u2")
        offsets = self.integers(f"{name}.offsets")
        spans = -(-size // POSTING_SPAN) or 1
        if offsets.size != spans * words + 1:
            raise ColumnsError(f"array {name!r} does not match the index's words")
        if int(offsets[0]) != 0 or int(offsets[-1]) != docs.size or not _ascending(offsets):
            raise ColumnsError(f"the offsets of {name!r} are out of order")
        last = docs[int(offsets[(spans - 1) * words]) :]
        if last.size and int(last.max()) >= size - (spans - 1) * POSTING_SPAN:
            raise ColumnsError(f"array {name!r} names a finding the library does not have")
        return Postings(docs, offsets, words)


def narrowest(values: np.ndarray | Sequence[int]) -> np.ndarray:
    """``values`` in the smallest integer type that holds them all (a code of 40 themes is one
    byte, a line number four), so the cache is not mostly zeros."""
    a = np.asarray(values, dtype=np.int64)
    if not a.size:
        return a.astype("<i4")
    lo, hi = int(a.min()), int(a.max())
    for dtype in ("|u1", "<u2", "<u4") if lo >= 0 else ("|i1", "<i2", "<i4"):
        info = np.iinfo(np.dtype(dtype))
        if info.min <= lo and hi <= info.max:
            return a.astype(dtype)
    return a.astype("<i8")


class Packed(NamedTuple):
    """Strings compressed in zlib blocks, ready to be joined with other runs' into one column
    (:func:`packed_arrays`): what a worker process makes of its file's long text, so that the
    process writing the cache only concatenates."""

    data: bytes  # the blocks, one after another
    zlens: np.ndarray  # int64: the compressed length of each block
    rows: np.ndarray  # int64: how many strings each block holds
    lengths: np.ndarray  # int64: each string's length in characters


def pack_strings(values: Sequence[str]) -> Packed:
    """``values`` in zlib blocks of :data:`BLOCK_ROWS` strings (the last may hold fewer)."""
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    blocks = [
        # Level 1: level 6 saves a sixth more and takes five times as long to write.
        zlib.compress("".join(values[r : r + BLOCK_ROWS]).encode("utf-8", "surrogatepass"), 1)
        for r in range(0, n, BLOCK_ROWS)
    ]
    zlens = np.fromiter(map(len, blocks), dtype=np.int64, count=len(blocks))
    rows = np.fromiter((min(BLOCK_ROWS, n - r) for r in range(0, n, BLOCK_ROWS)), np.int64)
    return Packed(b"".join(blocks), zlens, rows, lengths)


def packed_arrays(name: str, runs: Sequence[Packed]) -> dict[str, np.ndarray]:
    """The arrays of one compressed column (see :meth:`Columns.strings`) holding the strings of
    ``runs`` in order: their blocks concatenated as they are, each block's last row recorded
    (blocks need not all hold :data:`BLOCK_ROWS`)."""

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

    return {
        f"{name}.z": np.frombuffer(b"".join(r.data for r in runs), dtype=np.uint8),
        f"{name}.zends": narrowest(np.cumsum(cat([r.zlens for r in runs]))),
        f"{name}.zrows": narrowest(np.cumsum(cat([r.rows for r in runs]))),
        f"{name}.ends": narrowest(np.cumsum(cat([r.lengths for r in runs]))),
    }


def string_arrays(
    name: str, values: Sequence[str], *, compressed: bool = False
) -> dict[str, np.ndarray]:
    """The arrays that hold ``values`` as one column (see :meth:`Columns.strings`);
    ``compressed``: in zlib blocks of :data:`BLOCK_ROWS` strings, for long text, where each
    string's end is counted in characters (a block is decoded whole, then sliced)."""
    if compressed:
        return packed_arrays(name, [pack_strings(values)])
    joined = "".join(values)
    if joined.isascii():  # one character, one byte: no string encoded on its own
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    else:
        encoded = [v.encode("utf-8", "surrogatepass") for v in values]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    ends = narrowest(np.cumsum(lengths))
    return {f"{name}.utf8": np.frombuffer(data, dtype=np.uint8), f"{name}.ends": ends}


def posting_arrays(
    name: str, postings: np.ndarray | Postings, offsets: np.ndarray | None, size: int
) -> dict[str, np.ndarray]:
    """Posting lists (``postings[offsets[w]:offsets[w + 1]]``: the findings, in order, with
    word ``w``) as :meth:`Columns.postings` reads them: the findings cut into spans of
    :data:`POSTING_SPAN`, each span's lists in turn, a finding as its place in its span (16
    bits: half the bytes)."""
    if isinstance(postings, Postings):
        return {name: postings.docs, f"{name}.offsets": narrowest(postings.offsets)}
    if offsets is None:
        raise ValueError("posting lists without their offsets")
    docs = np.asarray(postings)
    spans = -(-size // POSTING_SPAN) or 1
    # Each span's lists in turn, in word then finding order: a mask per span keeps the order
    # (a few passes over the postings, instead of sorting them), and each word's count in a
    # span is read off the running count of the mask at the word's bounds.
    bounds = np.asarray(offsets, dtype=np.int64)
    starts, lengths = bounds[:-1], np.diff(bounds)
    if spans == 1:
        pieces, counts = [docs], [lengths]
    else:
        span_of = docs >> (POSTING_SPAN.bit_length() - 1)  # each finding's span
        # reduceat needs each word's start inside the array: a word with no postings (none has,
        # in an index) is counted apart.
        listed = lengths > 0
        pieces, counts = [], []
        for s in range(spans):
            inside = span_of == s
            pieces.append(docs[inside] - s * POSTING_SPAN)
            count = np.zeros(lengths.size, dtype=np.int64)
            if inside.size:
                count[listed] = np.add.reduceat(inside, starts[listed], dtype=np.int64)
            counts.append(count)
    return {
        name: np.concatenate(pieces).astype("<u2"),
        f"{name}.offsets": narrowest(np.concatenate(([0], np.cumsum(np.concatenate(counts))))),
    }


class Postings:
    """Posting lists as :func:`posting_arrays` keeps them, read in place."""

    def __init__(self, docs: np.ndarray, offsets: np.ndarray, words: int) -> None:
        self.docs = docs
        self.offsets = offsets
        self._words = words

    def mark(self, mask: np.ndarray, lo: int, hi: int) -> None:
        """Set ``mask`` at every finding with a word numbered from ``lo`` up to ``hi``."""
        offsets, words = self.offsets, self._words
        for base in range(0, max(mask.size, 1), POSTING_SPAN):
            at = base // POSTING_SPAN * words
            a, b = int(offsets[at + lo]), int(offsets[at + hi])
            if a < b:
                mask[base : base + POSTING_SPAN][self.docs[a:b]] = True


class StringColumn(Sequence[str]):
    """Strings held as one UTF-8 blob and where each ends: decoded when asked for."""

    def __init__(self, blob: np.ndarray, ends: np.ndarray) -> None:
        if ends.size and (not _ascending(ends) or int(ends[-1]) > blob.size):
            raise ColumnsError("a string column's offsets are out of order or too large")
        self._blob = memoryview(blob.data) if blob.size else memoryview(b"")
        self._ends = ends
        self._starts = np.concatenate(([0], ends[:-1])) if ends.size else ends

    def __len__(self) -> int:
        return int(self._ends.size)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        a, b = int(self._starts[i]), int(self._ends[i])
        return _decode(self._blob[a:b])

    def __iter__(self) -> Iterator[str]:
        yield from self.tolist()

    def tolist(self) -> list[str]:
        """Every string, decoded in one pass; sliced from the text decoded whole when it is all
        ASCII (ids are: a library's 100,000 of them in a fraction of the time)."""
        blob, starts, ends = self._blob, self._starts.tolist(), self._ends.tolist()
        data = blob.tobytes()
        if data.isascii():
            text = data.decode("ascii")
            return [text[a:b] for a, b in zip(starts, ends, strict=True)]
        return [_decode(blob[a:b]) for a, b in zip(starts, ends, strict=True)]

    def take(self, rows: Sequence[int]) -> list[str]:
        """The strings at ``rows``, decoded in one pass (quicker than one by one)."""
        blob = self._blob
        starts = self._starts[rows].tolist()
        ends = self._ends[rows].tolist()
        return [_decode(blob[a:b]) for a, b in zip(starts, ends, strict=True)]


class BlockStringColumn(Sequence[str]):
    """Strings kept in zlib blocks of :data:`BLOCK_ROWS` (see :func:`string_arrays`): a block
    is inflated and split when one of its strings is first asked for, and the last
    ``kept_blocks`` used are kept (None: every one, for text searched again and again). A
    damaged block reads as replacement characters, never an exception, and can never inflate
    to more than four bytes for each character it says it holds."""

    def __init__(
        self,
        data: np.ndarray,
        zends: np.ndarray,
        ends: np.ndarray,
        kept_blocks: int | None,
        zrows: np.ndarray | None = None,
    ) -> None:
        n = int(ends.size)
        if zrows is None:  # every block BLOCK_ROWS strings, the last fewer
            starts = list(range(0, n, BLOCK_ROWS))
        else:  # blocks cut where the runs written together met (see packed_arrays)
            steps = np.diff(zrows.astype(np.int64), prepend=0)
            if zrows.size and (bool((steps <= 0).any()) or int(zrows[-1]) != n):
                raise ColumnsError("a compressed string column's blocks do not divide its rows")
            if n and not zrows.size:
                raise ColumnsError("a compressed string column has the wrong number of blocks")
            starts = [0, *zrows[:-1].tolist()] if zrows.size else []
        if zends.size != len(starts):
            raise ColumnsError("a compressed string column has the wrong number of blocks")
        if zends.size and (not _ascending(zends) or int(zends[-1]) > data.size):
            raise ColumnsError("a compressed string column's blocks are out of order")
        if ends.size and not _ascending(ends):
            raise ColumnsError("a compressed string column's offsets are out of order")
        self._data = memoryview(data.data) if data.size else memoryview(b"")
        self._zends = zends
        self._ends = ends
        self._starts = starts  # each block's first row
        self._bounds = [*starts, n]
        self._kept = kept_blocks
        self._blocks: OrderedDict[int, list[str]] = OrderedDict()
        self._lock = threading.Lock()  # the window and a background load may both read
        self._last: tuple[int, list[str]] = (-1, [])

    def __len__(self) -> int:
        return int(self._ends.size)

    def _block(self, b: int) -> list[str]:
        last = self._last  # strings are mostly read in order: the same block again
        if last[0] == b:
            return last[1]
        with self._lock:
            rows = self._blocks.get(b)
            if rows is not None:
                self._blocks.move_to_end(b)
        if rows is None:
            rows = self._inflate(b)
            with self._lock:
                self._blocks[b] = rows
                if self._kept is not None and len(self._blocks) > self._kept:
                    self._blocks.popitem(last=False)
        self._last = (b, rows)
        return rows

    def _inflate(self, b: int) -> list[str]:
        first, stop = self._bounds[b], self._bounds[b + 1]
        base = int(self._ends[first - 1]) if first else 0
        cuts = (self._ends[first:stop].astype(np.int64) - base).tolist()  # in characters
        z0 = int(self._zends[b - 1]) if b else 0
        inflater = zlib.decompressobj()
        text = None
        try:  # never more than the block's characters can take (four bytes each), however altered
            data = inflater.decompress(self._data[z0 : int(self._zends[b])], 4 * cuts[-1] + 1)
            if inflater.eof and not inflater.unconsumed_tail:
                text = data.decode("ascii") if data.isascii() else _decode(memoryview(data))
        except zlib.error:
            pass
        if text is None or len(text) != cuts[-1]:
            log.warning("A block of the library cache is damaged; its text is not shown")
            return ["\ufffd"] * (stop - first)
        return [text[i:j] for i, j in zip([0, *cuts[:-1]], cuts, strict=True)]

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return self.take(range(*i.indices(len(self))))
        n = len(self)
        if not -n <= i < n:
            raise IndexError("string column index out of range")
        i %= n
        b = self._where(i)
        return self._block(b)[i - self._starts[b]]

    def _where(self, i: int) -> int:
        """The block that holds row ``i``."""
        b = i // BLOCK_ROWS  # where it is when no run was cut short
        starts = self._starts
        if b < len(starts) and starts[b] <= i < self._bounds[b + 1]:
            return b
        return bisect.bisect_right(starts, i) - 1

    def __iter__(self) -> Iterator[str]:
        for b in range(len(self._starts)):
            yield from self._block(b)

    def tolist(self) -> list[str]:
        return list(self)

    def warm(self, stopped: Callable[[], bool] | None = None) -> None:
        """Inflate every block now (until ``stopped()``), so that the first search to read
        them all does not wait for it: about 0.15 s for 100,000 findings' words."""
        for b in range(len(self._starts)):
            if stopped is not None and stopped():
                return
            self._block(b)

    def take(self, rows: Sequence[int]) -> list[str]:
        """The strings at ``rows``, each block inflated at most once."""
        blocks: dict[int, list[str]] = {}
        out = []
        for r in rows:
            b = self._where(r)
            block = blocks.get(b)
            if block is None:
                block = blocks[b] = self._block(b)
            out.append(block[r - self._starts[b]])
        return out


def _ascending(a: np.ndarray) -> bool:
    """Whether no value is below the one before (and none below zero), unsigned types too."""
    return not a.size or (int(a[0]) >= 0 and not bool((np.diff(a.astype(np.int64)) < 0).any()))


def _decode(data: memoryview) -> str:
    try:
        return str(data, "utf-8", "surrogatepass")  # as written (a path may hold any code point)
    except UnicodeDecodeError:  # a damaged file: wrong text, never an exception
        return str(data, "utf-8", "replace")
