"""What Help → About says: the version, and the licences of what the app ships with."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .. import __version__

# The app's reverse-DNS id: its desktop entry, AppStream component and icon are named after it.
APP_ID = "org.briefingbuilder.BriefingBuilder"


@dataclass(frozen=True)
class Credit:
    component: str
    licence: str
    note: str = ""


CREDITS: tuple[Credit, ...] = (
    Credit("Briefing Builder, its app icon and the evidence library's selection", "MIT licence"),
    Credit(
        "DejaVu Sans fonts (embedded in PDF briefings)",
        "Bitstream Vera licence; DejaVu changes public domain",
        "resources/fonts/LICENSE-DejaVu.txt",
    ),
    Credit(
        "Lucide toolbar icons",
        "ISC licence",
        "resources/icons/LICENSE-Lucide.txt",
    ),
    Credit(
        "Qt 6",
        "GNU LGPLv3",
        "unmodified, dynamically linked libraries that can be replaced",
    ),
    Credit("PySide6 (Qt for Python)", "GNU LGPLv3"),
    Credit("Python", "PSF licence"),
    Credit("NumPy, lxml, ReportLab", "BSD licences"),
    Credit("python-docx, PyYAML, platformdirs, filelock, Pillow", "MIT licences"),
)


def about_html(
    library_title: str,
    library_root: object,
    qt_version: str | None = None,
    version: str = __version__,
) -> str:
    """The About box's text (Qt rich text)."""
    credits = "".join(
        f"<li>{escape(c.component)}: {escape(c.licence)}"
        + (f" ({escape(c.note)})" if c.note else "")
        + "</li>"
        for c in CREDITS
    )
    qt = f" · Qt {escape(qt_version)}" if qt_version else ""
    return (
        f"<b>Briefing Builder</b> {escape(version)}{qt}<br>"
        "Build referenced briefings from curated evidence.<br><br>"
        f"Library: {escape(library_title)}<br>{escape(str(library_root))}<br><br>"
        f"Made with, and shipped with:<ul>{credits}</ul>"
        "The quotations in the bundled library remain the work of their sources, "
        "each cited with its finding."
    )
