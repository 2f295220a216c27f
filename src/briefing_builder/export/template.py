"""The organisation's template: a Word document or template (.docx or .dotx) whose page setup,
styles, theme fonts and header logo every export takes. Qt-free.

:func:`load_template` reads and checks the file once, before any export work, and gives a
:class:`Template`: the Word package to start the .docx from (a .dotx turned into a document) and
the :class:`PdfLook` the PDF writer takes from the same file: the logo (the first picture in the
header), the font the Normal style names, the colour of Heading 1, the page size and margins. A
small YAML file beside the template (``unit.dotx`` → ``unit.yaml``) can set or override any of
these for the PDF; see docs/organisation-template.md.

Every failure is an :class:`ExportError` naming the file, never a traceback.
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.files import UnreadableFile, read_regular_file
from ..core.model import Problem
from ..core.paths import resources_dir
from ..core.yamlio import LineDict, YamlProblem, load_yaml_file, type_name
from .document import ExportError

SUFFIXES = (".docx", ".dotx")
DOTX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files and encrypted .docx
MM = 72 / 25.4  # points per millimetre
# Page sizes a template's YAML may name, in millimetres (width, height; portrait).
PAGE_SIZES = {
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
}
YAML_KEYS = frozenset({"logo", "font", "colours", "page"})
PAGE_KEYS = frozenset({"size", "margins"})
MARGIN_KEYS = ("top", "right", "bottom", "left")
LOGO_MAX_BYTES = 8 * 1024 * 1024
HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


@dataclass(frozen=True, slots=True)
class FontFiles:
    """The four faces of a TrueType family; a missing face falls back to the regular one."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True, slots=True)
class PdfLook:
    """What the PDF takes from the template. ``None``: the PDF's own choice."""

    logo: bytes | None = None
    font_name: str | None = None  # the family the template names
    font: FontFiles | None = None  # its files, when shipped or installed
    heading_colour: str | None = None  # "1F3A5F"
    page_size: tuple[float, float] | None = None  # points
    margins: tuple[float, float, float, float] | None = None  # points: top, right, bottom, left
    notes: tuple[str, ...] = ()  # what the export should tell the user (a font not found)


@dataclass(frozen=True, slots=True)
class Template:
    path: Path
    package: bytes = field(repr=False)  # a .docx package (a .dotx's content type changed)
    look: PdfLook


# --- reading and checking ---------------------------------------------------------------------


def _refuse(path: Path, reason: str) -> ExportError:
    return ExportError(f"the template {path} cannot be used: {reason}")


def _package(path: Path) -> bytes:
    """The template's bytes as a Word document package, or a clear refusal."""
    suffix = path.suffix.lower()
    if suffix == ".doc" or suffix == ".dot":
        raise _refuse(
            path,
            "it is an old-style Word file (.doc); open it in Word and save it as a Word Template "
            "(.dotx) or Word Document (.docx)",
        )
    if suffix not in SUFFIXES:
        raise _refuse(path, "a template is a Word document or template, named .docx or .dotx")
    try:
        raw = read_regular_file(path)
    except UnreadableFile as exc:
        raise _refuse(path, exc.message) from None
    if raw.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise _refuse(
                path,
                "it is protected with a password; save a copy without the password "
                "(File > Info > Protect Document in Word) and use that",
            )
        raise _refuse(
            path,
            "it is an old-style Word file (.doc) named .docx; save it from Word as a Word "
            "Template (.dotx) or Word Document (.docx)",
        )
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise _refuse(path, "it is not a Word document (a .docx or .dotx is a zip package)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zin:
            names = set(zin.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _refuse(path, "it is a zip file but not a Word document")
            types = zin.read("[Content_Types].xml").decode("utf-8")
            if DOTX_CT not in types and "/word/document.xml" in types and DOCX_CT in types:
                return raw
            if DOTX_CT not in types:
                raise _refuse(path, "it is a zip file but not a Word document")
            # A Word template opens as a new document: only the main part's content type differs.
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    data = zin.read(info)
                    if info.filename == "[Content_Types].xml":
                        data = types.replace(DOTX_CT, DOCX_CT).encode("utf-8")
                    zout.writestr(info, data)
            return out.getvalue()
    except ExportError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, OSError, ValueError):
        raise _refuse(path, "it is damaged (its zip package cannot be read)") from None


def load_template(path: Path | str) -> Template:
    """Read and check a template; raises :class:`ExportError` naming the file."""
    path = Path(path).expanduser()
    if not path.exists() and not path.is_symlink():
        raise ExportError(f"the template {path} does not exist")
    package = _package(path)
    try:
        from .docx_template import look_from_word

        look = look_from_word(package)
    except ExportError:
        raise
    except Exception as exc:  # a package python-docx cannot open: say so, never a traceback
        raise _refuse(path, f"Word's parts in it cannot be read ({exc})") from None
    side = path.with_suffix(".yaml")
    if side.is_file():
        look = _look_from_yaml(side, look)
    if look.font_name and look.font is None:
        look = replace(
            look,
            notes=(
                *look.notes,
                f"the template {path.name} names the font {look.font_name}, which is not "
                "installed here, so the PDF uses DejaVu Sans",
            ),
        )
    return Template(path, package, look)


# --- what the PDF takes -----------------------------------------------------------------------


def _font_dirs() -> list[Path]:
    dirs = [resources_dir() / "fonts"]
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs += [windir / "Fonts", home / "AppData/Local/Microsoft/Windows/Fonts"]
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library/Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts"]
        dirs += [home / ".local/share/fonts"]
    return dirs


_FACE = {
    "": "regular",
    "regular": "regular",
    "book": "regular",
    "roman": "regular",
    "bold": "bold",
    "italic": "italic",
    "oblique": "italic",
    "bolditalic": "bold_italic",
    "boldoblique": "bold_italic",
}


# Windows names its core fonts' faces by a suffix: arial.ttf, arialbd.ttf, ariali.ttf,
# arialbi.ttf; calibri.ttf, calibrib.ttf, calibrii.ttf, calibriz.ttf.
_WINDOWS_FACE = {"": "regular", "bd": "bold", "b": "bold", "i": "italic", "bi": "bold_italic"}
_WINDOWS_FACE["z"] = "bold_italic"


def _face_of(stem: str, key: str) -> str | None:
    """Which face of the family ``key`` a font file named ``stem`` is, if it is one."""
    base, dash, style = stem.partition("-")
    if dash and re.sub(r"[\s_]", "", base).lower() == key:
        return _FACE.get(style.lower().replace(" ", ""))
    plain = re.sub(r"[\s_]", "", stem).lower()
    if plain == key:
        return "regular"
    if plain.startswith(key):
        return _WINDOWS_FACE.get(plain[len(key) :])
    return None


def find_font(family: str) -> FontFiles | None:
    """The TrueType files of ``family``, shipped (resources/fonts) or installed; None if none.

    Files are matched by name as font makers ship them (``LiberationSerif-Bold.ttf``,
    ``DejaVuSans-Oblique.ttf``) or as Windows names its own (``arialbd.ttf``, ``calibriz.ttf``);
    a family without a regular face is not used."""
    key = re.sub(r"[\s_-]", "", family).lower()
    if not key:
        return None
    faces: dict[str, Path] = {}
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                if not name.lower().endswith(".ttf"):
                    continue
                face = _face_of(name[:-4], key)
                if face and face not in faces:
                    faces[face] = Path(root) / name
        if "regular" in faces:
            break
    if "regular" not in faces:
        return None
    regular = faces["regular"]
    return FontFiles(
        family,
        regular,
        faces.get("bold", regular),
        faces.get("italic", regular),
        faces.get("bold_italic", faces.get("bold", regular)),
    )


def _look_from_yaml(path: Path, look: PdfLook) -> PdfLook:
    """The template's YAML settings over what the Word file gives; problems name file and line."""
    try:
        data = load_yaml_file(path, allow_aliases=False)
    except YamlProblem as exc:
        raise ExportError(
            "the template's settings cannot be read", [Problem(str(path), exc.line, exc.message)]
        ) from None
    if data is None:
        return look
    problems: list[Problem] = []

    def bad(line: int | None, message: str) -> None:
        problems.append(Problem(str(path), line, message))

    if not isinstance(data, LineDict):
        bad(1, f"the template's settings should be a mapping of keys, not {type_name(data)}")
        raise ExportError("the template's settings cannot be used", problems)
    for key in data:
        if key not in YAML_KEYS:
            bad(data.line_of(key), f"unknown key '{key}' (known: {', '.join(sorted(YAML_KEYS))})")
    changes: dict[str, Any] = {}
    logo = data.get("logo")
    if logo is not None:
        if not isinstance(logo, str) or not logo.strip():
            bad(data.line_of("logo"), "'logo' should be the path of a PNG or JPEG image")
        else:
            logo_path = (path.parent / logo.strip()).expanduser()
            try:
                raw = read_regular_file(logo_path, max_bytes=LOGO_MAX_BYTES)
            except UnreadableFile as exc:
                bad(data.line_of("logo"), f"the logo {logo_path}: {exc.message}")
            else:
                if raw.startswith(b"\x89PNG") or raw.startswith(b"\xff\xd8"):
                    changes["logo"] = raw
                else:
                    bad(data.line_of("logo"), f"the logo {logo_path} is not a PNG or JPEG image")
    font = data.get("font")
    if font is not None:
        if not isinstance(font, str) or not font.strip():
            bad(data.line_of("font"), "'font' should be the name of a font family")
        else:
            changes["font_name"] = font.strip()
            changes["font"] = find_font(font.strip())
    colours = data.get("colours")
    if colours is not None:
        if not isinstance(colours, LineDict):
            bad(data.line_of("colours"), "'colours' should be a mapping such as 'heading: #1F3A5F'")
        else:
            for key in colours:
                value = colours[key]
                if key != "heading":
                    bad(colours.line_of(key), f"unknown colour '{key}' (known: heading)")
                elif not isinstance(value, str) or not HEX.fullmatch(value.strip()):
                    bad(
                        colours.line_of(key),
                        "a colour is six hexadecimal digits in quotes, such as '#1F3A5F'",
                    )
                else:
                    m = HEX.fullmatch(value.strip())
                    assert m is not None
                    changes["heading_colour"] = m.group(1).upper()
    page = data.get("page")
    if page is not None:
        if not isinstance(page, LineDict):
            bad(data.line_of("page"), "'page' should be a mapping with 'size' and 'margins'")
        else:
            _page_yaml(page, changes, bad)
    if problems:
        raise ExportError("the template's settings cannot be used", problems)
    return replace(look, **changes)


def _page_yaml(page: LineDict, changes: dict[str, Any], bad: Any) -> None:
    for key in page:
        if key not in PAGE_KEYS:
            bad(page.line_of(key), f"unknown key '{key}' (known: margins, size)")
    size = page.get("size")
    if size is not None:
        if isinstance(size, str) and size.strip().lower() in PAGE_SIZES:
            w, h = PAGE_SIZES[size.strip().lower()]
            changes["page_size"] = (w * MM, h * MM)
        else:
            bad(
                page.line_of("size"),
                f"'size' should be one of {', '.join(k.upper() if k != 'letter' else 'Letter' for k in PAGE_SIZES)}",
            )
    margins = page.get("margins")
    if margins is not None:
        if not isinstance(margins, LineDict):
            bad(page.line_of("margins"), "'margins' should give top, right, bottom, left in mm")
            return
        values = []
        for key in MARGIN_KEYS:
            v = margins.get(key, 25)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
                bad(margins.line_of(key), f"margin '{key}' should be millimetres from 0 to 100")
                return
            values.append(float(v) * MM)
        for key in margins:
            if key not in MARGIN_KEYS:
                bad(
                    margins.line_of(key),
                    f"unknown margin '{key}' (known: {', '.join(MARGIN_KEYS)})",
                )
        changes["margins"] = tuple(values)
