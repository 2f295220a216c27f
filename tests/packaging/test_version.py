"""One version number everywhere: the package, --version, Help → About, the AppStream release,
the .deb (its control file is checked in test_deb.py) — and the About box names the licences."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from pytestqt.qtbot import QtBot

from briefing_builder import __version__
from briefing_builder.core.about import about_html
from tests.conftest import REPO

from .conftest import APP_ID, LINUX


def test_version_is_a_plain_release_number() -> None:
    # A Debian version, an AppStream release and a Windows file version all accept it.
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_command_line_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_builder", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"briefing-builder {__version__}"


def test_metainfo_newest_release_is_this_version() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date", ""))


def test_windows_installer_and_deb_take_the_version_from_the_package() -> None:
    iss = (REPO / "packaging" / "windows" / "briefing-builder.iss").read_text(encoding="utf-8")
    assert "#define AppVersion GetEnv(" in iss  # given by the workflow from __version__
    build = (REPO / "packaging" / "build.sh").read_text(encoding="utf-8")
    assert "briefing_builder.__version__" in build


def test_about_text_names_version_and_licences() -> None:
    text = about_html("Police partnership working", "/lib", "6.11.3")
    assert f"<b>Briefing Builder</b> {__version__}" in text
    assert "Qt 6.11.3" in text
    for needed in (
        "DejaVu Sans fonts",
        "Bitstream Vera licence",
        "app icon",
        "Lucide toolbar icons: ISC licence (resources/icons/LICENSE-Lucide.txt)",
        "Qt 6: GNU LGPLv3",
        "PySide6 (Qt for Python): GNU LGPLv3",
        "MIT licence",
    ):
        assert needed in text, needed
    assert "&lt;" in about_html("<b>odd</b>", "/x")  # a library's title is text, not markup


def test_help_about_box_shows_it(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from briefing_builder.core.cache import open_library
    from briefing_builder.core.paths import bundled_library
    from tests.gui.helpers import make_window

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "about", staticmethod(lambda _p, title, text: shown.append((title, text)))
    )
    window = make_window(qtbot, open_library(bundled_library(), use_cache=False))
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if "About" in a.text())
    about.trigger()
    ((title, text),) = shown
    assert title == "About Briefing Builder"
    assert f"<b>Briefing Builder</b> {__version__}" in text
    assert "PySide6 (Qt for Python): GNU LGPLv3" in text and "DejaVu Sans" in text
