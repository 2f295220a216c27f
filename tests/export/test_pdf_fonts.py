"""The PDF fonts' metrics kept in the cache folder: a font loaded from them is the font reportlab
parses from the file, value for value, and a bad entry is never used."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from briefing_builder.core import cache
from briefing_builder.core.paths import resources_dir
from briefing_builder.export import pdf_fonts

FONTS = resources_dir() / "fonts"
FACES = sorted(FONTS.glob("*.ttf"))


def _typed(value: Any) -> Any:
    """``value`` with the type of every part, so 1 and 1.0, a tuple and a list differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_typed(v) for v in value])
    if isinstance(value, bytes):
        return (type(value).__name__, bytes(value), getattr(value, "ustr", None))
    return (type(value).__name__, value)


def _face_state(font: TTFont) -> dict[str, Any]:
    face = font.face
    for name in pdf_fonts._LATER:  # read what is kept for later
        getattr(face, name)
    return {
        k: _typed(v) for k, v in vars(face).items() if k not in ("_pdfScale",) and k[:4] != "_bb_"
    }


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("font-*.metrics"))


@pytest.mark.parametrize("path", FACES, ids=lambda p: p.name)
def test_a_kept_font_is_the_parsed_font(tmp_path: Path, path: Path) -> None:
    parsed = TTFont("Parsed", str(path))
    first = pdf_fonts.load_font("Kept", path, tmp_path)
    assert len(_entries(tmp_path)) == 1  # parsed, and its metrics written
    kept = pdf_fonts.load_font("Kept", path, tmp_path)
    assert isinstance(kept.face, pdf_fonts._Face)  # read from the entry, not parsed
    assert _face_state(kept) == _face_state(parsed) == _face_state(first)
    # The font around the face is what reportlab makes too.
    skip = ("face", "fontName", "state", "encoding")
    assert {k: v for k, v in vars(kept).items() if k not in skip} == {
        k: v for k, v in vars(parsed).items() if k not in skip
    }
    assert type(kept.encoding) is type(parsed.encoding)
    scale = kept.face._pdfScale, parsed.face._pdfScale
    assert [scale[0](x) for x in (0, 1, 1229, -40.5)] == [scale[1](x) for x in (0, 1, 1229, -40.5)]
    text = "Partnership working ‘curly’ — ≠ ā … 123"
    assert kept.stringWidth(text, 11) == parsed.stringWidth(text, 11)
    chars = [ord(c) for c in text]
    assert kept.face.makeSubset(chars) == parsed.face.makeSubset(chars)


def test_a_damaged_entry_is_read_afresh_and_replaced(tmp_path: Path) -> None:
    path = FACES[0]
    pdf_fonts.load_font("F", path, tmp_path)
    (entry,) = _entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:5000])
    font = pdf_fonts.load_font("F", path, tmp_path)
    assert not isinstance(font.face, pdf_fonts._Face)  # parsed
    assert _face_state(font) == _face_state(TTFont("P", str(path)))
    assert isinstance(pdf_fonts.load_font("F", path, tmp_path).face, pdf_fonts._Face)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no owners")
def test_an_entry_others_may_write_is_not_used(tmp_path: Path) -> None:
    path = FACES[0]
    pdf_fonts.load_font("F", path, tmp_path)
    (entry,) = _entries(tmp_path)
    os.chmod(entry, 0o666)
    assert not isinstance(pdf_fonts.load_font("F", path, tmp_path).face, pdf_fonts._Face)


def test_another_file_is_another_entry(tmp_path: Path) -> None:
    """Entries are keyed by the file's bytes: a font changed in place is parsed again."""
    copy = tmp_path / "font.ttf"
    shutil.copy(FACES[0], copy)
    folder = tmp_path / "cache"
    pdf_fonts.load_font("F", copy, folder)
    shutil.copy(FACES[1], copy)
    font = pdf_fonts.load_font("F", copy, folder)
    assert not isinstance(font.face, pdf_fonts._Face)
    assert len(_entries(folder)) == 2
    assert _face_state(font) == _face_state(TTFont("P", str(copy)))


def test_a_font_reportlab_cannot_use_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(Exception, match=r"(?i)ttf|font|format|magic|version"):
        pdf_fonts.load_font("Bad", bad, tmp_path / "cache")
    assert _entries(tmp_path / "cache") == []


def test_nothing_is_kept_when_reportlab_makes_fonts_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another reportlab's fonts may hold more than this module puts around a kept face: then
    nothing is kept, and every export parses the files as before."""
    real = pdf_fonts._font_with

    def lacking(name: str, face: Any) -> TTFont:
        font = real(name, face)
        del font._asciiReadable
        return font

    monkeypatch.setattr(pdf_fonts, "_font_with", lacking)
    font = pdf_fonts.load_font("F", FACES[0], tmp_path)
    assert _entries(tmp_path) == []
    assert _face_state(font) == _face_state(TTFont("P", str(FACES[0])))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no owners")
def test_an_unsafe_folder_is_warned_of_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A cache folder someone else owns is not used, and said once for the family's faces."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    monkeypatch.setattr(cache, "owned_privately", lambda _st: False)
    caplog.set_level(logging.WARNING)
    for _ in range(2):  # two exports
        for path in FACES:
            font = pdf_fonts.load_font("F", path, folder)
            assert not isinstance(font.face, pdf_fonts._Face)
    warned = [r for r in caplog.records if "cache folder" in r.getMessage()]
    assert len(FACES) == 4 and len(warned) == 1
    assert str(folder) in warned[0].getMessage()
    assert _entries(folder) == []
