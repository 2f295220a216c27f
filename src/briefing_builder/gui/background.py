"""Work that takes seconds, run on a thread of its own, with its news delivered on the window's
thread: opening a library, reading a document, writing to the library and checking it.

Plain Python threads, not ``QThread``: a thread that is still finishing when its window goes
away can never take Qt objects down with it ("QThread: Destroyed while thread is still
running"). Each job reports through its own small signal carrier, kept alive by the job (and so
by its thread), and connected with queued connections, so nothing it emits reaches a deleted
object and every slot runs on the thread that owns its receiver.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class Stopped(Exception):
    """Raised inside a job's work, at its next progress report, once it has been asked to stop."""


class _Carrier(QObject):
    """Carries one job's news from its thread to the receiver's thread (queued signals)."""

    progressed = Signal(object, int, int)
    ended = Signal(object)


class Job(Generic[T]):
    """One piece of work on a thread of its own; ``work(job)`` returns the result.

    The work may call :meth:`progress` (which raises :class:`Stopped` once :meth:`stop` was
    asked) and read :attr:`stopping`. When it ends, ``ended(job)`` is emitted with ``result`` or
    ``error`` set: an exception never escapes the thread, it is handed to the receiver instead.
    ``afterwards(job, result)`` runs on the same thread once the result has been handed over
    (work the receiver need not wait for, such as warming a cache); :meth:`wait` covers it.
    """

    def __init__(
        self,
        work: Callable[[Job[T]], T],
        name: str,
        *,
        daemon: bool = False,
        afterwards: Callable[[Job[T], T], None] | None = None,
    ) -> None:
        self._work = work
        self._afterwards = afterwards
        self.name = name
        self.carrier = _Carrier()
        self.stopping = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=daemon)

    def connect(
        self,
        ended: Callable[[Any], None],
        progressed: Callable[[Any, int, int], None] | None = None,
    ) -> Job[T]:
        """Deliver the job's news to these slots (bound methods of a QObject, so that Qt
        disconnects them when it goes), on their object's thread."""
        queued = Qt.ConnectionType.QueuedConnection
        self.carrier.ended.connect(ended, queued)
        if progressed is not None:
            self.carrier.progressed.connect(progressed, queued)
        return self

    def start(self) -> Job[T]:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the work to stop at its next progress report; its result will not be wanted."""
        self.stopping.set()

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True if it has."""
        if self.thread.ident is not None:
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def progress(self, done: int, total: int) -> None:
        """Called by the work: report how far it has got, or stop if asked to."""
        if self.stopping.is_set():
            raise Stopped
        self.carrier.progressed.emit(self, done, total)

    def _run(self) -> None:
        try:
            self.result = self._work(self)
        except BaseException as exc:  # handed to the receiver on its own thread
            self.error = exc
        finally:
            self.carrier.ended.emit(self)
        if self._afterwards is not None and self.result is not None:
            try:
                self._afterwards(self, self.result)
            except Exception:  # the result is in use already: only the extra work is lost
                log.warning("%s: the work after the result failed", self.name, exc_info=True)
