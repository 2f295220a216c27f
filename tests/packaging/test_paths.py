"""One lookup for the app's own data, in a checkout, an installed wheel and the packaged app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PKG = REPO / "src" / "briefing_builder"


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def _frozen_layout(tmp_path: Path) -> Path:
    """The packaged app's layout: the package's modules elsewhere (in the executable), only its
    _data folder on disk under sys._MEIPASS/briefing_builder/."""
    bundle = tmp_path / "_internal"
    shutil.copytree(REPO / "evidence", bundle / "briefing_builder" / "_data" / "evidence")
    shutil.copytree(REPO / "resources", bundle / "briefing_builder" / "_data" / "resources")
    (bundle / "base_library.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return bundle


def test_checkout_finds_the_repository_folders(tmp_path: Path) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(REPO / 'src')!r})\n"
        "from briefing_builder.core.paths import bundled_library, resource\n"
        "print(bundled_library()); print(resource('fonts', 'DejaVuSans.ttf'))\n"
    )
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        str(REPO / "evidence"),
        str(REPO / "resources" / "fonts" / "DejaVuSans.ttf"),
    ]


def test_packaged_layout_is_found_and_a_checkout_beside_it_is_not_used(tmp_path: Path) -> None:
    """As PyInstaller runs it: sys.frozen and sys._MEIPASS set, the modules not on disk there."""
    bundle = _frozen_layout(tmp_path)
    # The package's modules come from a copy whose own "checkout" folders are decoys.
    site = tmp_path / "modules"
    shutil.copytree(PKG, site / "src" / "briefing_builder")
    (site / "evidence").mkdir()
    code = (
        "import sys\n"
        f"sys.frozen = True; sys._MEIPASS = {str(bundle)!r}\n"
        f"sys.path.insert(0, {str(site / 'src')!r})\n"
        "from briefing_builder.core.paths import bundled_library, resources_dir\n"
        "print(bundled_library()); print(resources_dir())\n"
    )
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        str(bundle / "briefing_builder" / "_data" / "evidence"),
        str(bundle / "briefing_builder" / "_data" / "resources"),
    ]


def test_missing_data_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """A broken installation (no data anywhere): `check` says which folder it looked in."""
    site = tmp_path / "site"
    shutil.copytree(PKG, site / "briefing_builder")
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r})\n"
        "from briefing_builder.cli import main\n"
        "sys.exit(main(['check', '--no-cache']))\n"
    )
    proc = _run(code, tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(tmp_path) in proc.stdout + proc.stderr


def test_library_cache_is_keyed_on_the_packaged_build(tmp_path: Path) -> None:
    """In the packaged app the loader's .py files are not on disk: the cache key must still
    change with each build (else an upgraded app would read an older build's cache entries)."""
    bundle = _frozen_layout(tmp_path)
    code = (
        "import sys, os\n"
        f"sys.frozen = True; sys._MEIPASS = {str(bundle)!r}\n"
        f"sys.path.insert(0, {str(REPO / 'src')!r})\n"
        "from briefing_builder import __version__\n"
        "from briefing_builder.core.cache import _code_signature\n"
        "first = _code_signature()\n"
        f"zip = os.path.join({str(bundle)!r}, 'base_library.zip')\n"
        "os.utime(zip, ns=(1, 1))\n"
        "second = _code_signature()\n"
        "assert first != second, (first, second)\n"
        "assert all(__version__ in entry[0] for entry in first), first\n"
        "print('ok')\n"
    )
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
