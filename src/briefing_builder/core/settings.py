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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .atomic import write_bytes

log = logging.getLogger(__name__)

CONFIG_ENV = "BRIEFING_BUILDER_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
MAX_RECENT = 10
MAX_EXPORT_CHOICES = 50  # briefings whose export choices are remembered, the most recent kept
EXPORT_CHOICE_KEYS = ("format", "style", "folder", "annex", "annex-ids", "numbered-paragraphs")
# Choices that belong to one briefing, not carried over to briefings exported for the first time.
OWN_CHOICE_KEYS = ("numbered-paragraphs",)
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


def _choice(value: Any) -> dict[str, str] | None:
    """One remembered export choice, keeping only its known text fields; None if not a mapping."""
    if not isinstance(value, dict):
        return None
    return {k: v for k, v in value.items() if k in EXPORT_CHOICE_KEYS and isinstance(v, str)}


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
    # Start with the briefing that was open when the app last closed.
    reopen_last: bool = True
    # Refuse to export a briefing that has no protective marking (shown in the export dialog).
    require_marking: bool = False
    last_briefing: str | None = None
    # The export dialog's format, style and folder for each briefing, by its resolved path,
    # oldest first; ``last_export`` is the latest choice, for briefings not yet saved.
    export_choices: dict[str, dict[str, str]] = field(default_factory=dict)
    last_export: dict[str, str] = field(default_factory=dict)
    # The organisation's Word template (.dotx/.docx) every export starts from, unless the
    # briefing names its own; None: the app's own look.
    export_template: str | None = None

    def export_choice(
        self, briefing_path: Path | str | None, briefing_style: str | None = None
    ) -> dict[str, str]:
        """The export choices remembered for this briefing, else the last ones used — but not
        their style when the briefing names its own (``briefing_style``)."""
        if briefing_path is not None:
            remembered = self.export_choices.get(_path_key(str(briefing_path)))
            if remembered is not None:
                return dict(remembered)
        choice = {k: v for k, v in self.last_export.items() if k not in OWN_CHOICE_KEYS}
        if briefing_style:
            choice["style"] = briefing_style
        return choice

    def remember_export(
        self,
        briefing_path: Path | str | None,
        fmt: str,
        style: str,
        folder: Path | str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """Keep the choices of an export, for this briefing and as the latest; ``extra``: the
        dialog's other choices ("annex", "annex-ids", "numbered-paragraphs": "yes" or "no")."""
        choice = {"format": fmt, "style": style, "folder": str(folder)}
        choice.update((k, v) for k, v in (extra or {}).items() if k in EXPORT_CHOICE_KEYS)
        self.last_export = dict(choice)
        if briefing_path is None:
            return
        key = _path_key(str(briefing_path))
        self.export_choices.pop(key, None)
        self.export_choices[key] = choice
        while len(self.export_choices) > MAX_EXPORT_CHOICES:
            del self.export_choices[next(iter(self.export_choices))]

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
            "last_briefing",
            "detail_splitter_state",
            "export_template",
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
        if isinstance(data.get("reopen_last"), bool):
            settings.reopen_last = data["reopen_last"]
        if isinstance(data.get("require_marking"), bool):
            settings.require_marking = data["require_marking"]
        settings.last_export = _choice(data.get("last_export")) or {}
        choices = data.get("export_choices")
        if isinstance(choices, dict):
            for key, value in list(choices.items())[-MAX_EXPORT_CHOICES:]:
                choice = _choice(value)
                if choice is not None:
                    settings.export_choices[key] = choice
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write the settings atomically, creating the folder; raises ``OSError`` if that fails."""
        path = settings_path() if path is None else Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"
        write_bytes(path, text.encode("utf-8"))
