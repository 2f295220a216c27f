"""Linux desktop integration, checked by the desktop's own tools: the .desktop entry, the AppStream
metainfo, the MIME type for briefings and the hicolor icons."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO

from .conftest import APP_ID, LINUX, need_tool

DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME_XML = LINUX / f"{APP_ID}.xml"
MIME_TYPE = "application/x-briefing+yaml"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _desktop_entry() -> dict[str, str]:
    entry: dict[str, str] = {}
    section = None
    for line in DESKTOP.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line
        elif section == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


def test_desktop_file_is_valid() -> None:
    tool = need_tool("desktop-file-validate", "desktop-file-utils")
    proc = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_desktop_file_opens_briefings_in_the_app() -> None:
    entry = _desktop_entry()
    assert entry["Name"] == "Briefing Builder"
    assert entry["Icon"] == APP_ID
    # The installed command, the desktop app, with the file the user double-clicked.
    assert entry["Exec"] == "briefing-builder gui %f"
    assert MIME_TYPE in entry["MimeType"].split(";")


def test_metainfo_is_valid() -> None:
    tool = need_tool("appstreamcli", "appstream")
    proc = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Pedantic remarks are allowed (the reverse-DNS id has capitals, as is usual); warnings not.
    assert not any(line.startswith(("E:", "W:")) for line in proc.stdout.splitlines()), proc.stdout


def test_metainfo_has_screenshots_release_notes_and_names_the_desktop_file() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    shots = root.findall("screenshots/screenshot")
    assert len(shots) >= 1 and all(s.findtext("image", "").startswith("https://") for s in shots)
    assert all(s.findtext("caption") for s in shots)
    release = root.find("releases/release")
    assert release is not None and release.find("description/ul/li") is not None
    assert MIME_TYPE in [m.text for m in root.findall("provides/mediatype")]
    # The screenshots shown are the ones in the repository (same sizes as declared).
    for shot, name in zip(shots, ("main-window.png", "example-briefing-pages.png"), strict=True):
        image = shot.find("image")
        assert image is not None and image.text and image.text.endswith(name)
        width, height = _png_size(REPO / "docs" / "images" / name)
        assert (image.get("width"), image.get("height")) == (str(width), str(height))


def test_mime_type_is_well_formed_and_maps_the_briefing_glob(tmp_path: Path) -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(MIME_XML).getroot()
    (mime,) = root.findall("m:mime-type", ns)
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*.briefing.yaml"]
    # The real database tool, on a throwaway data folder: the glob must map to the type.
    tool = need_tool("update-mime-database", "shared-mime-info")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    (packages / MIME_XML.name).write_bytes(MIME_XML.read_bytes())
    system = Path("/usr/share/mime/packages/freedesktop.org.xml")
    if system.is_file():  # the YAML parent type, so the sub-class resolves as on a desktop
        (packages / system.name).write_bytes(system.read_bytes())
    proc = subprocess.run(
        [tool, "-V", str(tmp_path / "mime")], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr and "Unknown" not in proc.stderr, proc.stderr
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert f"60:{MIME_TYPE}:*.briefing.yaml" in globs
    # Looked up as a desktop does (Qt's MIME database, on that data folder alone): a briefing is
    # a briefing, and a YAML file as well; a plain .yaml file stays plain YAML.
    code = (
        "from PySide6.QtCore import QMimeDatabase\n"
        "db = QMimeDatabase()\n"
        "b = db.mimeTypeForFile('x.briefing.yaml', QMimeDatabase.MatchMode.MatchExtension)\n"
        "y = db.mimeTypeForFile('x.yaml', QMimeDatabase.MatchMode.MatchExtension)\n"
        "print(b.name(), b.inherits('application/x-yaml'), y.name())\n"
    )
    env = {**os.environ, "XDG_DATA_DIRS": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "none")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert out.returncode == 0, out.stderr
    briefing, inherits, plain = out.stdout.split()
    assert briefing == MIME_TYPE and inherits == "True"
    assert plain in ("application/x-yaml", "application/yaml") or not system.is_file()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", ICON_SIZES)
def test_hicolor_icon_sizes(size: int) -> None:
    png = LINUX / "icons" / f"{size}x{size}" / f"{APP_ID}.png"
    assert _png_size(png) == (size, size)


def test_icons_are_rendered_from_the_svg() -> None:
    """The PNGs come from resources/icons/briefing-builder.svg (packaging/render_icons.py)."""
    svg = ET.parse(REPO / "resources" / "icons" / "briefing-builder.svg").getroot()
    assert svg.get("viewBox") == "0 0 64 64"  # square, as every PNG is
    big = (LINUX / "icons" / "512x512" / f"{APP_ID}.png").stat().st_size
    small = (LINUX / "icons" / "16x16" / f"{APP_ID}.png").stat().st_size
    assert big > small  # really rendered at each size, not one image copied


def test_running_app_names_its_desktop_entry(tmp_path: Path) -> None:
    """On Wayland the desktop finds the window's entry (name, icon) by the app's desktop id."""
    env = {**os.environ, "BRIEFING_BUILDER_QUIT_WHEN_SHOWN": "1", "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_builder", "gui"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = next(line for line in proc.stdout.splitlines() if line.startswith("SHOWN "))
    assert shown.split()[2] == DESKTOP.stem == APP_ID
