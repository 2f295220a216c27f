"""Where the app finds its bundled data: the evidence library, fonts and icons.

One lookup for every way the app runs:

* an installed wheel: pyproject.toml's force-include puts the repository's ``evidence/``,
  ``resources/`` and ``examples/`` (and the user guide from ``docs/``) into the package as
  ``briefing_builder/_data/``;
* the packaged app (PyInstaller): the build collects that same ``_data`` folder into the bundle,
  where ``importlib.resources`` finds it beside the frozen package (under ``sys._MEIPASS``);
* a source checkout (editable install, or ``PYTHONPATH=src``): the repository's own folders.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # src/briefing_builder in a checkout
DATA_FOLDERS = ("evidence", "resources", "docs", "examples")


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    # A wheel or the packaged app: the package's _data folder.
    installed = resources.files("briefing_builder").joinpath("_data", name)
    if installed.is_dir():
        found.append(Path(str(installed)))
    # The packaged app, should its loader not answer for data folders.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        found.append(Path(bundle) / "briefing_builder" / "_data" / name)
    # A source checkout: src/briefing_builder -> the repository's top-level folder.
    found.append(_PACKAGE.parent.parent / name)
    return found


def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (one of DATA_FOLDERS), wherever this copy of the app keeps it."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"no bundled folder {name!r}; there are {', '.join(DATA_FOLDERS)}")
    candidates = _candidates(name)
    # None there (a broken installation): the last place looked, which the loader then reports
    # as a missing library with its path, rather than a traceback here.
    return next((path for path in candidates if path.is_dir()), candidates[-1])


def bundled_library() -> Path:
    """The evidence library that ships with the app."""
    return data_dir("evidence")


def resources_dir() -> Path:
    """Icons and fonts."""
    return data_dir("resources")


def resource(*parts: str) -> Path:
    """A file under the bundled resources, e.g. ``resource("fonts", "DejaVuSans.ttf")``."""
    return resources_dir().joinpath(*parts)
