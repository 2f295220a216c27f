"""Opening a library in the background, its progress in the status bar, with a Cancel button.

Reading a large library that is not cached takes many seconds; the window must keep answering,
and the library in use must stay usable, until the new one is ready. The work is the core's
:func:`~briefing_builder.core.cache.open_library`, run on a thread of its own; this module only
starts it, shows its progress, passes the cancel request on and hands the result back on the
window's thread.

The thread and the delivery of its news are :mod:`.background`'s, as for every long piece of
work in the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QWidget,
)

from ..core.cache import OpenedLibrary, open_library
from ..core.filtering import FilterIndex
from ..core.loader import LoadCancelled
from ..core.model import Library
from .background import Job, Stopped

log = logging.getLogger(__name__)


def nothing_yet(folder: Path) -> OpenedLibrary:
    """An empty library named after ``folder``: what the window shows while its first library
    opens in the background (the window appears at once, not after the whole load)."""
    library = Library(root=folder, title=folder.name or str(folder))
    return OpenedLibrary(library, FilterIndex(library))


def _open(folder: Path) -> Callable[[Job[OpenedLibrary]], OpenedLibrary]:
    def work(job: Job[OpenedLibrary]) -> OpenedLibrary:
        return open_library(folder, progress=job.progress, cancelled=job.stopping.is_set)

    return work


def _warm(job: Job[OpenedLibrary], opened: OpenedLibrary) -> None:
    """In use now: ready its first phrase search meanwhile (on the loader's thread)."""
    opened.index.warm(job.stopping.is_set)


@dataclass(eq=False)
class _Load:
    folder: Path
    job: Job[OpenedLibrary]


class LoadProgress(QWidget):
    """What is being opened, how far it has got, and a way to stop it (in the status bar)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Opening the library")
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel opening the library")
        self.cancel_button.setToolTip(
            "Stop opening this library and keep working with the one in use"
        )
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)

    def begin(self, folder: Path, in_use: str) -> None:
        name = folder.name or str(folder)
        self.label.setText(f"Opening library “{name}”…")
        self.setToolTip(
            f"Opening the library in {folder}. You can keep working with “{in_use}” until the "
            "new one is ready."
        )
        self.bar.setRange(0, 0)  # busy, until the first file is read
        self.bar.setValue(0)
        self.show()

    def advance(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))


class LibraryLoader(QObject):
    """Opens one library at a time in the background; a new one, or Cancel, stops the last.

    ``loaded(folder, opened)`` when it is ready, ``failed(folder, exception)`` for an
    unexpected error, ``cancelled(folder)`` when the officer pressed Cancel. A load that was
    replaced or cancelled says nothing more.
    """

    loaded = Signal(object, object)
    failed = Signal(object, object)
    cancelled = Signal(object)

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress = LoadProgress()
        status_bar.addPermanentWidget(self.progress)
        self.progress.hide()
        self.progress.cancel_button.clicked.connect(self.cancel)
        self._current: _Load | None = None
        self._running: list[_Load] = []  # threads not yet finished, cancelled ones included

    @property
    def loading(self) -> Path | None:
        """The folder being opened, if any."""
        return self._current.folder if self._current is not None else None

    def start(self, folder: Path, in_use: str = "the library in use") -> None:
        """Open ``folder`` in the background, stopping any load still under way; ``in_use`` is
        the title of the library the officer keeps meanwhile."""
        self._stop_current()
        job = Job(_open(folder), "library-loader", afterwards=_warm).connect(
            self._ended, self._progressed
        )
        load = _Load(folder, job)
        self._current = load
        self._running.append(load)
        self.progress.begin(folder, in_use)
        job.start()

    @Slot()
    def cancel(self) -> None:
        """Stop the load under way (the Cancel button); the library in use is kept."""
        load = self._stop_current()
        if load is not None:
            self.cancelled.emit(load.folder)

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Stop every load and wait for their threads (the window is closing). True if all
        ended within ``timeout`` seconds."""
        self._stop_current()
        for load in list(self._running):
            load.job.stop()
        ok = True
        for load in list(self._running):
            ok = load.job.wait(timeout) and ok
        return ok

    def _stop_current(self) -> _Load | None:
        load, self._current = self._current, None
        if load is not None:
            load.job.stop()
            self.progress.hide()
        return load

    def _load_of(self, job: Job[OpenedLibrary]) -> _Load | None:
        return next((load for load in self._running if load.job is job), None)

    @Slot(object, int, int)
    def _progressed(self, job: Job[OpenedLibrary], done: int, total: int) -> None:
        if self._current is not None and job is self._current.job:
            self.progress.advance(done, total)

    @Slot(object)
    def _ended(self, job: Job[OpenedLibrary]) -> None:
        load = self._load_of(job)
        if load is not None:
            self._running.remove(load)
        if load is None or load is not self._current:
            return  # replaced or cancelled: its result is not wanted
        self._current = None
        self.progress.hide()
        if isinstance(job.error, (LoadCancelled, Stopped)):
            log.info("Stopped opening the library %s", load.folder)
        elif job.error is not None:
            self.failed.emit(load.folder, job.error)
        elif job.result is not None:
            self.loaded.emit(load.folder, job.result)
