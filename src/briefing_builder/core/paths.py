"""Where the app finds its bundled data, from a checkout and from an installed wheel alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    # In a wheel, pyproject.toml's force-include puts the top-level folders under _data/.
    installed = resources.files("briefing_builder").joinpath("_data", name)
    if installed.is_dir():
        return Path(str(installed))
    # In a source checkout (editable install or PYTHONPATH=src): the repository's own folder.
    return _PACKAGE.parent.parent / name


def bundled_library() -> Path:
    """The evidence library that ships with the app."""
    return _data_dir("evidence")


def resources_dir() -> Path:
    """Icons, styles, fonts and templates."""
    return _data_dir("resources")
