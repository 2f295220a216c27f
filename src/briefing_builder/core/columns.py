"""A data-only file of named arrays and a JSON header, read by mapping it into memory.

The library cache stores a library column by column here: each field of every finding one
array (strings as one UTF-8 blob and the offsets where each ends), the filter index's arrays as
they are. Opening maps the file and views the arrays in place, so nothing is read or built until
it is used, and nothing in the file can run code: a damaged or tampered file gives wrong text at
worst, never an exception later on (every offset is checked when the file is opened, and text is
decoded leniently).

Layout: 8 bytes of magic, the header's length (8 bytes, little-endian), the header (UTF-8 JSON:
``{"meta": ..., "arrays": {name: [dtype, count, offset]}}``), then each array's bytes at a
16-byte boundary, offsets counted from the start of the file.
"""

from __future__ import annotations

import json
import mmap
import struct
from collections.abc import Iterator, Sequence
from typing import IO, Any, overload

import numpy as np

MAGIC = b"BBCOLS\x00\x01"
_ALIGN = 16
# Plain numbers only: an object dtype would unpickle.
_DTYPES = frozenset({"|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f8"})


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
    header = {"meta": meta, "arrays": plan}
    probe = json.dumps(header, ensure_ascii=True, separators=(",", ":"))
    base = len(MAGIC) + 8 + len(probe) + 24 * len(plan) + 64
    offset = base + _pad(base)
    for (_name, entry), a in zip(plan.items(), prepared, strict=True):
        entry[2] = offset
        offset += a.nbytes + _pad(a.nbytes)
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

    def array(self, name: str, dtype: str | None = None) -> np.ndarray:
        """The array called ``name`` (of ``dtype``, if given): :class:`ColumnsError` if absent."""
        a = self._arrays.get(name)
        if a is None:
            raise ColumnsError(f"the file has no array {name!r}")
        if dtype is not None and a.dtype != np.dtype(dtype):
            raise ColumnsError(f"array {name!r} is {a.dtype}, not {dtype}")
        return a

    def strings(self, name: str) -> StringColumn:
        return StringColumn(self.array(f"{name}.utf8", "|u1"), self.array(f"{name}.ends", "<i8"))

    def codes(self, name: str, limit: int, dtype: str = "<i4") -> np.ndarray:
        """An array of codes into a list of ``limit`` names: every code checked to be one."""
        a = self.array(name, dtype)
        if a.size and (int(a.min()) < 0 or int(a.max()) >= limit):
            raise ColumnsError(f"array {name!r} has codes outside 0-{limit - 1}")
        return a


def string_arrays(name: str, values: Sequence[str]) -> dict[str, np.ndarray]:
    """The arrays that hold ``values`` as one column (see :meth:`Columns.strings`)."""
    joined = "".join(values)
    if joined.isascii():  # one character, one byte: no string encoded on its own
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    else:
        encoded = [v.encode("utf-8", "surrogatepass") for v in values]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    blob = np.frombuffer(data, dtype=np.uint8)
    return {f"{name}.utf8": blob, f"{name}.ends": np.cumsum(lengths).astype("<i8")}


class StringColumn(Sequence[str]):
    """Strings held as one UTF-8 blob and where each ends: decoded when asked for."""

    def __init__(self, blob: np.ndarray, ends: np.ndarray) -> None:
        if ends.size:
            steps = np.diff(ends, prepend=0)
            if int(steps.min()) < 0 or int(ends[-1]) > blob.size:
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
        blob, starts, ends = self._blob, self._starts.tolist(), self._ends.tolist()
        for a, b in zip(starts, ends, strict=True):
            yield _decode(blob[a:b])

    def tolist(self) -> list[str]:
        return list(self)

    def take(self, rows: Sequence[int]) -> list[str]:
        """The strings at ``rows``, decoded in one pass (quicker than one by one)."""
        blob = self._blob
        starts = self._starts[rows].tolist()
        ends = self._ends[rows].tolist()
        return [_decode(blob[a:b]) for a, b in zip(starts, ends, strict=True)]


def _decode(data: memoryview) -> str:
    try:
        return str(data, "utf-8", "surrogatepass")  # as written (a path may hold any code point)
    except UnicodeDecodeError:  # a damaged file: wrong text, never an exception
        return str(data, "utf-8", "replace")
