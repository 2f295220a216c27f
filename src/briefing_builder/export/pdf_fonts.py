"""Loading a TrueType font for the PDF writer, its metrics kept in the library cache's folder.

Reportlab reads every table of a font file to build its face (the widths of ~6,000 glyphs, the
character map, the glyph offsets): about 9 ms a face, 35 ms for the four faces of the family,
on every export, since the Word contents' page numbers need a PDF layout too. What it builds is
data only, so it is kept beside the library cache entries (``font-*.metrics``), keyed by the font
file's bytes (SHA-256), reportlab's version and the machine's byte order: a JSON header with the
small values, and the long runs of numbers as arrays of 64-bit integers and doubles (exact; JSON
took longer to read than the parse). The values only needed to cut the subset a PDF embeds are
read when first asked for, so the Word export's layout never reads them. The file's bytes are
still read each time (the subset is cut from them). Nothing is unpickled: an entry holds numbers
and strings only.

An entry is read only when it and its folder are the user's own and no one else may write them
(as for library cache entries); a missing, damaged or foreign entry is ignored and written
afresh; a cache that cannot be written only costs the parse next time. A folder found unsafe is
not tried again in the process, so its warning is logged once, not once a face. A face holding a
value this module cannot write and read back exactly as it was is not kept at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import sys
from array import array
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from ..core.atomic import atomic_output
from ..core.cache import default_cache_dir, owned_privately, private_folder

log = logging.getLogger(__name__)

FORMAT = "briefing-builder font metrics 1"
MAGIC = b"BBFM1\n"
# Made afresh from the face's other values; the file's bytes and its name are not kept.
_NOT_KEPT = frozenset({"_ttf_data", "filename", "_pdfScale"})
# Folders found unsafe to keep metrics in: not asked again in this process, so an export's four
# faces give one warning, not four.
_unsafe_folders: set[Path] = set()


class _Unkept(Exception):
    """A face holds a value this module does not keep."""


def _all(values: Any, kind: type) -> bool:
    return all(type(v) is kind for v in values)


class _Writer:
    """Values as JSON, with their long runs of numbers as arrays of machine numbers beside it
    (most of a face: JSON took longer to read than reportlab takes to parse the font)."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []
        self.size = 0

    def array(self, code: str, values: Any) -> list[Any]:
        data = array(code, values).tobytes()
        self.blobs.append(data)
        self.size += len(data)
        return [code, self.size - len(data), len(data)]

    def numbers(self, values: list[Any]) -> dict[str, Any] | None:
        """Whole numbers as 64-bit integers, fractions as doubles (both exact); a mixed run as
        doubles with the places of its fractions."""
        if _all(values, int):
            return {"q": self.array("q", values)}
        if _all(values, float):
            return {"d": self.array("d", values)}
        if all(type(v) in (int, float) for v in values):
            fractions = [i for i, v in enumerate(values) if type(v) is float]
            return {"mixed": [self.array("d", values), self.array("q", fractions)]}
        return None

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is TTFNameBytes:
            return {"name": value.ustr}
        if kind is bytes:
            return {"bytes": value.hex()}
        if kind is tuple:
            return {"tuple": [self.encode(v) for v in value]}
        if kind is list and len(value) > 16:
            if (run := self.numbers(value)) is not None:
                return {"numbers": run}
            if all(type(v) is tuple and len(v) == 2 for v in value):
                firsts = self.numbers([v[0] for v in value])
                seconds = self.numbers([v[1] for v in value])
                if firsts is not None and seconds is not None:
                    return {"pairs": [firsts, seconds]}
        if kind is list:
            return {"list": [self.encode(v) for v in value]}
        if kind is dict:
            keys, values = list(value), list(value.values())
            if len(value) > 16 and _all(keys, int):
                key_run = self.numbers(keys)
                if (run := self.numbers(values)) is not None:
                    return {"map": [key_run, run]}
                if _all(values, list) and all(_all(v, int) for v in values):
                    lengths = self.numbers([len(v) for v in values])
                    flat = self.numbers([n for v in values for n in v])
                    return {"lists": [key_run, lengths, flat]}
            return {"dict": [[self.encode(k) for k in keys], [self.encode(v) for v in values]]}
        raise _Unkept(kind.__name__)


class _Reader:
    def __init__(self, blob: memoryview) -> None:
        self.blob = blob

    def array(self, run: list[Any]) -> list[Any]:
        code, start, length = run
        if code not in ("q", "d") or not 0 <= start <= start + length <= len(self.blob):
            raise ValueError("a run of numbers out of place")
        values = array(code)
        values.frombytes(self.blob[start : start + length])
        return values.tolist()

    def numbers(self, run: dict[str, Any]) -> list[Any]:
        ((kind, data),) = run.items()
        if kind in ("q", "d"):
            return self.array(data)
        if kind == "mixed":
            values = self.array(data[0])
            fractions = set(self.array(data[1]))
            return [v if i in fractions else int(v) for i, v in enumerate(values)]
        raise ValueError(f"unknown run kind {kind!r}")

    def decode(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        ((kind, data),) = value.items()
        if kind == "name":
            return TTFNameBytes(data.encode("utf-8"))
        if kind == "bytes":
            return bytes.fromhex(data)
        if kind == "tuple":
            return tuple(self.decode(v) for v in data)
        if kind == "list":
            return [self.decode(v) for v in data]
        if kind == "numbers":
            return self.numbers(data)
        if kind == "pairs":
            return list(zip(self.numbers(data[0]), self.numbers(data[1]), strict=True))
        if kind == "map":
            return dict(zip(self.numbers(data[0]), self.numbers(data[1]), strict=True))
        if kind == "lists":
            keys, lengths, flat = (self.numbers(run) for run in data)
            out, at = {}, 0
            for key, n in zip(keys, lengths, strict=True):
                out[key] = flat[at : at + n]
                at += n
            return out
        if kind == "dict":
            keys = [self.decode(k) for k in data[0]]
            return dict(zip(keys, (self.decode(v) for v in data[1]), strict=True))
        raise ValueError(f"unknown value kind {kind!r}")


def _scale(units_per_em: int) -> Callable[[float], float]:
    """Reportlab's conversion of font units to thousandths of the size, as its parser makes it."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


# Needed only to cut the subset embedded in a PDF, never to lay text out (the Word contents'
# page numbers): read from the entry when first asked for.
_LATER = frozenset({"glyphToChar", "hmetrics", "glyphPos"})


class _Face(TTFontFace):
    """A face made from kept metrics; the values in :data:`_LATER` are read on first use."""

    _bb_later: dict[str, Any]
    _bb_reader: _Reader

    def __getattr__(self, name: str) -> Any:
        later = self.__dict__.get("_bb_later")
        if not later or name not in later:
            raise AttributeError(name)
        value = self.__dict__[name] = self._bb_reader.decode(later.pop(name))
        return value


def _face_from(
    state: dict[str, Any], later: dict[str, Any], reader: _Reader, data: bytes, path: Path
) -> TTFontFace:
    face: _Face = _Face.__new__(_Face)
    face.__dict__.update(state)
    face._bb_later = later
    face._bb_reader = reader
    face._ttf_data = data
    face.filename = str(path)
    face._pdfScale = _scale(state["unitsPerEm"])
    return face


def _font_with(name: str, face: TTFontFace) -> TTFont:
    """What ``TTFont(name, path)`` makes, around a face already made."""
    font: TTFont = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, g) for g in getattr(ttfonts, "unShapedFontGlob", ()))
    return font


def _key(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{FORMAT} {reportlab.Version} {sys.byteorder} {digest}"


def _entry_path(folder: Path, key: str) -> Path:
    return folder / f"font-{hashlib.sha256(key.encode()).hexdigest()[:32]}.metrics"


def _read_entry(path: Path, key: str) -> tuple[dict[str, Any], dict[str, Any], _Reader] | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except OSError:
        log.info("The font metrics %s cannot be opened; reading the font", path, exc_info=True)
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or not owned_privately(st):
                log.warning("The font metrics %s are not the user's own; not used", path)
                return None
            data = fh.read()
        if not data.startswith(MAGIC):
            raise ValueError("not a font metrics file")
        at = len(MAGIC) + 8
        size = int.from_bytes(data[len(MAGIC) : at], "little")
        header = json.loads(data[at : at + size])
        if header.get("key") != key:
            return None
        reader = _Reader(memoryview(data)[at + size :])
        face = header["face"]
        state = {name: reader.decode(value) for name, value in face.items() if name not in _LATER}
        if not isinstance(state.get("unitsPerEm"), int) or not isinstance(
            state.get("charWidths"), dict
        ):
            raise ValueError("not a face")
        later = {name: value for name, value in face.items() if name in _LATER}
        return state, later, reader
    except Exception:  # a damaged entry is read afresh and replaced
        log.info("The font metrics %s cannot be used; reading the font", path, exc_info=True)
        return None


def _write_entry(path: Path, key: str, face: TTFontFace) -> None:
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_KEPT}
    writer = _Writer()
    try:
        encoded = {name: writer.encode(value) for name, value in state.items()}
    except _Unkept as exc:
        log.info("The metrics of %s cannot be kept (%s); it is read each time", face.filename, exc)
        return
    header = json.dumps({"key": key, "face": encoded}, separators=(",", ":")).encode()
    blob = b"".join(writer.blobs)
    again = _Reader(memoryview(blob))
    if {name: again.decode(value) for name, value in encoded.items()} != state:
        log.info("The metrics of %s would not read back as they are; not kept", face.filename)
        return
    try:
        with atomic_output(path, fsync=False) as fh:
            fh.write(MAGIC + len(header).to_bytes(8, "little") + header + blob)
        with contextlib.suppress(OSError):
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                os.chmod(path, 0o600)
    except OSError:
        log.warning("Cannot write the font metrics %s", path, exc_info=True)


def load_font(name: str, path: Path, cache_dir: Path | None = None) -> TTFont:
    """The TrueType font in ``path`` as reportlab's ``TTFont(name, path)``, its face's metrics
    from the cache when the file's bytes were seen before. Raises what reportlab raises for a
    file it cannot use, and OSError for one that cannot be read."""
    data = path.read_bytes()
    folder = cache_dir or default_cache_dir()
    if folder in _unsafe_folders:
        return TTFont(name, str(path))
    if not private_folder(folder):
        _unsafe_folders.add(folder)
        return TTFont(name, str(path))
    key = _key(data)
    entry = _entry_path(folder, key)
    kept = _read_entry(entry, key)
    if kept is not None:
        return _font_with(name, _face_from(*kept, data, path))
    font = TTFont(name, str(path))
    # Kept only if a font made around a kept face is what this reportlab makes (its version
    # might make a font with more to it): else every export parses, as before.
    made = _font_with(name, font.face)
    if {k: type(v) for k, v in vars(made).items()} == {k: type(v) for k, v in vars(font).items()}:
        _write_entry(entry, key, font.face)
    else:
        log.info("Reportlab %s makes fonts this module cannot; not kept", reportlab.Version)
    return font
