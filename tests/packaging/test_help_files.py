"""Help's files travel with the app: the user guide, the example briefing and the toolbar icons."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO


def test_the_wheel_carries_the_guide_the_example_and_the_icons(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    icons = [entry[1] for entry in MainWindow.TOOLBAR if entry is not None]
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r})\n"
        "from briefing_builder.core.briefing_io import library_path, read_briefing\n"
        "from briefing_builder.core.paths import bundled_library, resource\n"
        "from briefing_builder.gui.help import example_briefing_path, user_guide_path\n"
        "print(user_guide_path()); print(example_briefing_path())\n"
        "example = example_briefing_path()\n"
        "print(library_path(read_briefing(example), example).resolve() == bundled_library())\n"
        f"print(all(resource('icons', n + '.svg').is_file() for n in {icons!r}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    data = site / "briefing_builder" / "_data"
    assert proc.stdout.split() == [
        str(data / "docs" / "user-guide.md"),
        str(data / "examples" / "partnership-working.briefing.yaml"),
        "True",
        "True",
    ]
    assert (data / "docs" / "user-guide.md").read_text(encoding="utf-8") == (
        REPO / "docs" / "user-guide.md"
    ).read_text(encoding="utf-8")
    assert (data / "resources" / "icons" / "LICENSE-Lucide.txt").is_file()
