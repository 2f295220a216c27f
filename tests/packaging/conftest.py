"""The packaged app's tests.

Those marked ``packaging`` need the built bundle (``packaging/build.sh``) and run only when asked
for: ``pytest -m packaging tests/packaging`` (as .ci/run does after building). Asked for, a
missing bundle is a failure, not a skip. The rest (desktop files, versions, data lookup) run in
the ordinary test run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing_builder.core.about import APP_ID as APP_ID  # (re-exported for the tests)
from tests.conftest import REPO

LINUX = REPO / "packaging" / "linux"
DIST = Path(os.environ.get("BRIEFING_BUILDER_DIST", REPO / "dist"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "packaging: needs the built bundle (packaging/build.sh); run with -m packaging"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "packaging" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="needs the built bundle: packaging/build.sh, then -m packaging")
    for item in items:
        if item.get_closest_marker("packaging"):
            item.add_marker(skip)


def need_tool(name: str, apt: str) -> str:
    """The program's path, or skip naming the Debian package that has it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {apt})")
    return path


@dataclass(frozen=True)
class Bundle:
    folder: Path

    @property
    def cli(self) -> Path:
        return self.folder / "briefing-builder"

    @property
    def gui(self) -> Path:
        return self.folder / "briefing-builder-gui"


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    folder = DIST / "briefing-builder"
    assert (folder / "briefing-builder").is_file(), (
        f"no bundle at {folder}: run packaging/build.sh first"
    )
    return Bundle(folder)


@pytest.fixture(scope="session")
def deb() -> Path:
    from briefing_builder import __version__

    debs = sorted(DIST.glob(f"briefing-builder_{__version__}_*.deb"))
    assert debs, f"no briefing-builder_{__version__}_*.deb in {DIST}: run packaging/build.sh first"
    return debs[-1]


def clean_run(
    args: Sequence[str | Path],
    home: Path,
    cwd: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run as a user would: a bare environment (no venv, no PYTHONPATH), HOME and cwd elsewhere."""
    home.mkdir(parents=True, exist_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), **(extra_env or {})}
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
