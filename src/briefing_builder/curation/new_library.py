"""A new, empty evidence library: ``library.yaml`` (title and a starter list of themes),
``sources.yaml`` with no references yet, and the ``findings/`` and ``texts/`` folders.

A library is started in an empty folder only, so no curator's file is ever overwritten or mixed
into it. Each file goes through the one atomic writer and is read back before it is written; the
new library is then loaded and checked, and if the check finds an error everything written is
taken away again, leaving the folder as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..core.atomic import write_bytes
from ..core.loader import ID_PATTERN, load_library
from ..core.yamlio import YamlProblem, load_yaml_text
from .writes import CurationError

# Themes most public-policy evidence libraries start from; the curator renames, describes and
# adds to them (they are only ids and labels in library.yaml).
STARTER_THEMES: tuple[tuple[str, str, str], ...] = (
    (
        "outcomes-impact",
        "Outcomes and impact",
        "What changed for people and places, and how we know.",
    ),
    (
        "costs-value",
        "Costs and value for money",
        "Spending, savings, efficiency and what the money bought.",
    ),
    (
        "delivery-implementation",
        "Delivery and implementation",
        "How the policy or programme was put into practice, and what helped or hindered it.",
    ),
    (
        "partnership-governance",
        "Partnership and governance",
        "Who is involved, who decides and who is accountable.",
    ),
    (
        "equality-inclusion",
        "Equality and inclusion",
        "Differences between groups and places; who benefits and who is left out.",
    ),
    (
        "public-views",
        "Public and stakeholder views",
        "What residents, service users, staff and partners said.",
    ),
)

# Files an operating system or file browser leaves in a folder by itself: a folder holding only
# these is still empty for the curator.
_SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})

LIBRARY_HEADER = (
    "# The library's title and its themes. Findings are tagged with theme ids; the labels and\n"
    "# descriptions can be reworded at any time (ids stay as they are).\n"
)
SOURCES_TEXT = (
    "# The library's source documents, as CSL YAML references (File > Add source document...\n"
    "# in the app, or briefing-builder add-source, adds to this list).\n"
    "references: []\n"
)


class NewLibraryError(CurationError):
    """Why the library was not created (nothing was left behind in the folder); a
    :class:`CurationError`, as every curation refusal is."""


def theme_problems(themes: Sequence[tuple[str, str, str]]) -> list[str]:
    """What is wrong with a starter theme list, in words for the curator (empty when fine)."""
    problems = []
    if not themes:
        problems.append("a library needs at least one theme")
    seen: set[str] = set()
    for n, (tid, label, _description) in enumerate(themes, 1):
        if not ID_PATTERN.match(tid):
            problems.append(
                f"theme {n}: '{tid}' cannot be a theme id: use only a-z, 0-9 and '-', "
                "starting with a letter or digit"
            )
        elif tid in seen:
            problems.append(f"theme {n}: the id '{tid}' is used twice")
        seen.add(tid)
        if not label.strip():
            problems.append(f"theme {n} ('{tid}') has no label")
    return problems


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold a new library (it is a file, or has files in it), or None."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return f"{folder} is not a folder"
    if not folder.exists():
        return None if folder.parent.is_dir() else f"{folder.parent} does not exist"
    try:
        names = [n for n in os.listdir(folder) if n not in _SYSTEM_FILES]
    except OSError as exc:
        return f"{folder} cannot be read ({exc.strerror or exc})"
    if names:
        return (
            f"{folder} is not empty (it holds {len(names)} item{'s' if len(names) != 1 else ''}, "
            f"e.g. {sorted(names)[0]}); a new library is started in an empty folder, so nothing "
            "in it is overwritten"
        )
    return None


def library_yaml_text(title: str, themes: Sequence[tuple[str, str, str]]) -> str:
    data: dict[str, Any] = {
        "title": title,
        "themes": [
            {"id": tid, "label": label, **({"description": d} if d.strip() else {})}
            for tid, label, d in themes
        ],
    }
    dumped = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False, indent=2
    )
    # The house style indents list items under their key (themes:\n  - id: ...).
    lines = []
    inside = False
    for line in dumped.splitlines():
        if line.startswith("themes:"):
            inside = True
        elif inside and line and not line.startswith(("-", " ")):
            inside = False
        lines.append("  " + line if inside and not line.startswith("themes:") else line)
    return LIBRARY_HEADER + "\n".join(lines) + "\n"


def new_library(
    folder: Path | str, title: str, themes: Sequence[tuple[str, str, str]] | None = None
) -> Path:
    """Start a library in ``folder`` (created if missing, else it must be empty); returns it.
    ``themes`` are (id, label, description); the default is :data:`STARTER_THEMES`."""
    folder = Path(folder)
    title = " ".join(title.split())
    themes = [
        (t.strip(), " ".join(label.split()), " ".join(d.split()))
        for t, label, d in (STARTER_THEMES if themes is None else themes)
    ]
    if not title:
        raise NewLibraryError("The library needs a title.")
    problems = theme_problems(themes)
    if problems:
        raise NewLibraryError("The themes cannot be used: " + "; ".join(problems) + ".")
    problem = folder_problem(folder)
    if problem:
        raise NewLibraryError(problem[0].upper() + problem[1:] + ".")

    library_text = library_yaml_text(title, themes)
    try:  # read back what will be written: exactly this title and these themes
        data = load_yaml_text(library_text)
    except YamlProblem as exc:  # pragma: no cover - safe_dump writes valid YAML
        raise NewLibraryError(f"library.yaml could not be written ({exc.message}).") from None
    expected = [
        {"id": t, "label": lab, **({"description": d} if d else {})} for t, lab, d in themes
    ]
    if data.get("title") != title or [dict(t) for t in data.get("themes", [])] != expected:
        raise NewLibraryError(  # pragma: no cover - a guard on the writer above
            "library.yaml would not read back as written; the library was not created."
        )

    created_folder = not folder.exists()
    made: list[Path] = []
    try:
        folder.mkdir(exist_ok=True)
        for sub in ("findings", "texts"):
            (folder / sub).mkdir()
            made.append(folder / sub)
        for name, text in (("library.yaml", library_text), ("sources.yaml", SOURCES_TEXT)):
            write_bytes(folder / name, text.encode("utf-8"))
            made.append(folder / name)
    except OSError as exc:
        _undo(folder, made, created_folder)
        raise NewLibraryError(
            f"{folder} cannot be written ({exc.strerror or exc}); the library was not created."
        ) from None
    errors = load_library(folder).errors
    if errors:  # pragma: no cover - a guard: what is written above checks clean
        _undo(folder, made, created_folder)
        raise NewLibraryError(
            f"The check of the new library in {folder} found problems, so it was not created:",
            errors,
        )
    return folder


def _undo(folder: Path, made: list[Path], created_folder: bool) -> None:
    for path in reversed(made):
        with contextlib.suppress(OSError):
            path.rmdir() if path.is_dir() else path.unlink()
    if created_folder:
        with contextlib.suppress(OSError):
            folder.rmdir()
