"""The app's settings: a small typed record kept as JSON in the user's config folder.

Loading never fails: a missing, unreadable or damaged file gives the defaults, and a field with the
wrong type falls back to its default while the other fields are kept. Saving goes through the one
atomic writer (:mod:`.atomic`), so a crash leaves the old settings or the new ones, never half.
The window's geometry and states are opaque base64 strings from Qt; the core does not look inside.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .atomic import write_bytes

log = logging.getLogger(__name__)

CONFIG_ENV = "BRIEFING_BUILDER_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
MAX_RECENT = 10
DEFAULT_STYLE = "harvard"


def config_dir() -> Path:
    """The folder for settings: ``$BRIEFING_BUILDER_CONFIG_DIR``, else the platform's config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("briefing-builder", appauthor=False))


def settings_path() -> Path:
    """Where :meth:`Settings.load` and :meth:`Settings.save` read and write by default."""
    return config_dir() / SETTINGS_FILE


def _path_key(path: str) -> str:
    """What makes two recent-file entries the same file: the resolved, case-normalised path."""
    try:
        return os.path.normcase(str(Path(path).expanduser().resolve()))
    except (OSError, ValueError, RuntimeError):  # a path that cannot be resolved stays as written
        return path


def _dedupe(paths: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for p in paths:
        key = _path_key(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out[:MAX_RECENT]


@dataclass
class Settings:
    last_library: str | None = None
    # Most recent first, at most MAX_RECENT, one entry per file; files that have gone stay listed
    # (the menu greys them) until pushed off the end.
    recent_files: list[str] = field(default_factory=list)
    default_style: str = DEFAULT_STYLE
    window_geometry: str | None = None
    window_state: str | None = None
    splitter_state: str | None = None
    detail_splitter_state: str | None = None

    def add_recent(self, path: Path | str) -> None:
        """Put ``path`` (stored resolved) at the top of the recent files, once."""
        text = str(path)
        if not text:
            return
        try:
            resolved = str(Path(text).expanduser().resolve())
        except (OSError, ValueError, RuntimeError):
            resolved = text
        self.recent_files = _dedupe([resolved, *self.recent_files])

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings; anything missing, unreadable or of the wrong type gives its default."""
        path = settings_path() if path is None else Path(path)
        try:
            data = json.loads(path.read_bytes())
        # Missing, unreadable, not JSON, too deep: the defaults (only a missing file is normal).
        except (OSError, ValueError, RecursionError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.warning("Settings %s cannot be read; using the defaults", path, exc_info=True)
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls._from_data(data)

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> Settings:
        settings = cls()
        for key in (
            "last_library",
            "window_geometry",
            "window_state",
            "splitter_state",
            "detail_splitter_state",
        ):
            value = data.get(key)
            if isinstance(value, str):
                setattr(settings, key, value)
        style = data.get("default_style")
        if isinstance(style, str) and style.strip():
            settings.default_style = style
        recent = data.get("recent_files")
        if isinstance(recent, list):
            settings.recent_files = _dedupe([p for p in recent if isinstance(p, str) and p])
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write the settings atomically, creating the folder; raises ``OSError`` if that fails."""
        path = settings_path() if path is None else Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"
        write_bytes(path, text.encode("utf-8"))
