"""The wheel carries the bundled library and resources, so a plain `pip install .` finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_the_bundled_library(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("briefing_builder-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "briefing_builder/_data/"
    for rel in (
        "evidence/library.yaml",
        "evidence/sources.yaml",
        "resources/icons/briefing-builder.svg",
    ):
        assert data + rel in names
    evidence = {
        p.relative_to(REPO).as_posix() for p in (REPO / "evidence").rglob("*") if p.is_file()
    }
    assert {data + e for e in evidence} <= names
    assert "briefing_builder/cli.py" in names


def test_installed_layout_is_found(tmp_path: Path) -> None:
    """Simulate an installed package: `_data/evidence` beside the package wins over the checkout."""
    code = (
        "import sys, shutil, pathlib\n"
        f"pkg = pathlib.Path({str(tmp_path)!r}) / 'site' / 'briefing_builder'\n"
        f"shutil.copytree({str(REPO / 'src' / 'briefing_builder')!r}, pkg)\n"
        f"shutil.copytree({str(REPO / 'evidence')!r}, pkg / '_data' / 'evidence')\n"
        "sys.path.insert(0, str(pkg.parent))\n"
        "from briefing_builder.core.paths import bundled_library\n"
        "print(bundled_library())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "site" / "briefing_builder" / "_data" / "evidence")
