"""``python -m briefing_builder``, and the entry script of the packaged app.

Spawn-safe: the loader's worker processes ("spawn") import this module again as ``__mp_main__``,
where nothing below the guard runs. In the packaged app a worker is the app's own executable
started with ``--multiprocessing-fork``; ``freeze_support()`` turns it into the worker, before
anything else is imported and before the command line is read, so a worker never starts the
desktop app or parses the worker's arguments as a command.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence

# Set, the desktop app prints "SHOWN <time> <desktop file id> <window title>" once its window is on
# screen with its library open, and quits: what the packaged app's smoke test and the start-up benchmark wait for.
QUIT_WHEN_SHOWN = "BRIEFING_BUILDER_QUIT_WHEN_SHOWN"


def _quit_when_shown(argv: Sequence[str] | None) -> None:
    """Arrange for the desktop app to report its shown window and quit (smoke test only)."""
    from briefing_builder.cli import build_parser

    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        return  # main() reports the bad command line
    if args.command not in (None, "gui"):
        return
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])

    def shown() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        loader = getattr(windows[0], "library_loader", None) if windows else None
        if loader is not None and loader.loading is not None:
            # The window shows at once and its library opens in the background: "shown" means
            # shown with its library, so a large one is read (by worker processes) before quitting.
            QTimer.singleShot(20, shown)
            return
        title = windows[0].windowTitle() if windows else ""
        desktop = QApplication.desktopFileName() or "-"
        print("SHOWN" if windows else "NOT SHOWN", repr(time.time()), desktop, title, flush=True)
        app.exit(0 if windows else 1)

    QTimer.singleShot(0, shown)  # runs once the event loop has started, the window shown


def main(argv: Sequence[str] | None = None) -> int:
    from briefing_builder.cli import main as cli_main

    if os.environ.get(QUIT_WHEN_SHOWN):
        _quit_when_shown(argv)
    return cli_main(argv)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
