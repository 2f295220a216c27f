"""A library opens in the background: progress and Cancel in the status bar, the library in use
stays usable until the new one is ready, another library opened meanwhile replaces the first,
errors are told plainly, and closing the window stops the load."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import OpenedLibrary, default_cache_dir
from briefing_builder.core.cache import open_library as real_open_library
from briefing_builder.core.columns import BlockStringColumn
from briefing_builder.core.filtering import Filter
from briefing_builder.core.loader import CancelCheck, Progress
from briefing_builder.gui import library_loader
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.mime import DragPayload
from briefing_builder.gui.outline_model import FlagRole

from ..conftest import write_library
from .conftest import Dialogs
from .helpers import list_ids, make_window, wait_for_library

Button = QMessageBox.StandardButton


class Gate:
    """Holds the loads of chosen folders after their first file, until released or cancelled:
    the test decides when the worker may go on."""

    def __init__(self) -> None:
        self.hold: set[Path] = set()
        self.reached = threading.Event()
        self.release = threading.Event()
        self.stopped: list[Path] = []

    def open_library(
        self,
        folder: Path,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> OpenedLibrary:
        assert progress is not None and cancelled is not None
        held = folder in self.hold

        def report(done: int, total: int) -> None:
            progress(done, total)
            if held and done == 1:
                self.reached.set()
                while not self.release.is_set():
                    if cancelled():
                        self.stopped.append(folder)
                        return
                    time.sleep(0.002)

        return real_open_library(folder, progress=report, cancelled=cancelled)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    monkeypatch.setattr(library_loader, "open_library", g.open_library)
    yield g
    g.release.set()  # never leave a worker waiting


def _wait_reached(qtbot: QtBot, gate: Gate) -> None:
    qtbot.waitUntil(gate.reached.is_set, timeout=10000)


def _hold_a_load(qtbot: QtBot, window: MainWindow, gate: Gate, tmp_path: Path) -> Path:
    """Start opening a small library and hold it after its first file; its folder."""
    small = write_library(tmp_path / "small")
    gate.hold.add(small)
    window.switch_library(small)
    _wait_reached(qtbot, gate)
    return small


def _threads_done() -> bool:
    return not any(t.name == "library-loader" for t in threading.enumerate())


def test_progress_shows_and_the_library_in_use_stays_usable(
    qtbot: QtBot, window: MainWindow, gate: Gate, tmp_path: Path
) -> None:
    before = window.opened
    small = _hold_a_load(qtbot, window, gate, tmp_path)
    progress = window.library_loader.progress
    # Four files to read, then the index: the first file is in.
    qtbot.waitUntil(lambda: progress.bar.value() == 1, timeout=5000)
    assert progress.isVisible() and progress.bar.maximum() == 5
    assert progress.label.text() == "Opening library “small”…"
    assert progress.bar.accessibleName() == "Opening the library"
    assert progress.cancel_button.accessibleName() == "Cancel opening the library"
    assert "You can keep working with “Police partnership working”" in progress.toolTip()

    # Meanwhile the library in use filters, selects, drags and adds as ever.
    assert window.opened is before and window.model.rowCount() == 247
    window.filters.set_filter(Filter(text='"shared culture"'))
    assert list_ids(window) == ["npia-2009-010"]
    window.list.setCurrentIndex(window.model.index(0))
    payload = DragPayload.from_mime(window.model.mimeData([window.model.index(0)]))
    assert payload is not None and payload.findings == ["npia-2009-010"]
    window.add_selected_findings()
    assert window.doc.briefing.finding_ids() == ["npia-2009-010"]
    dialog = window.export_dialog()
    assert dialog.isVisible()
    dialog.close()
    assert window.library_loader.loading == small

    gate.release.set()
    wait_for_library(qtbot, window)
    assert not progress.isVisible()
    assert window.opened.library.root == small.resolve()
    assert window.model.rowCount() == 5 and window.filters.current.is_empty
    # The briefing is kept; its finding, not in the new library, is flagged.
    assert window.doc.briefing.finding_ids() == ["npia-2009-010"]
    model = window.briefing_panel.model
    assert "no longer in the library" in model.index(0, 0, model.index(0, 0)).data(FlagRole)


def test_cancel_keeps_the_library_in_use(
    qtbot: QtBot, window: MainWindow, gate: Gate, tmp_path: Path
) -> None:
    before = window.opened
    small = _hold_a_load(qtbot, window, gate, tmp_path)
    progress = window.library_loader.progress
    qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    assert not progress.isVisible() and window.library_loader.loading is None
    assert window.statusBar().currentMessage() == (
        f"Stopped opening the library in {small}. You are still working with “Police "
        "partnership working”."
    )
    qtbot.waitUntil(lambda: _threads_done(), timeout=10000)
    assert gate.stopped == [small]
    qtbot.wait(20)  # anything the stopped thread sent has been delivered
    assert window.opened is before and window.model.rowCount() == 247
    # Nothing of the cancelled load was cached.
    cache = default_cache_dir()
    assert not cache.exists() or not list(cache.glob("*"))
    # Still usable, and the same library opens fine afterwards.
    window.filters.set_filter(Filter(text='"shared culture"'))
    assert list_ids(window) == ["npia-2009-010"]
    gate.hold.clear()
    window.switch_library(small)
    wait_for_library(qtbot, window)
    assert window.model.rowCount() == 5


def test_opening_another_library_stops_the_first(
    qtbot: QtBot, window: MainWindow, gate: Gate, dialogs: Dialogs, tmp_path: Path
) -> None:
    first = write_library(tmp_path / "first")
    second = write_library(
        tmp_path / "second",
        {"library.yaml": (first / "library.yaml").read_text().replace("Test library", "Second")},
    )
    gate.hold.add(first)
    window.switch_library(first)
    _wait_reached(qtbot, gate)
    dialogs.choose_file(second)
    window.act_open_library.trigger()
    assert window.library_loader.loading == second
    wait_for_library(qtbot, window)
    assert window.opened.library.title == "Second"
    qtbot.waitUntil(lambda: _threads_done(), timeout=10000)
    assert gate.stopped == [first]
    qtbot.wait(20)
    assert window.opened.library.title == "Second"  # the first never came back over it
    assert window.library_loader.progress.isHidden()


def test_errors_are_told_and_the_library_in_use_is_kept(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = window.opened
    # A folder that is not there: refused, as before the load moved to the background.
    dialogs.answer(Button.Ok)
    window.switch_library(tmp_path / "gone")
    wait_for_library(qtbot, window)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot open library")
    assert f"{tmp_path / 'gone'}: library folder not found" in text
    assert window.opened is before

    # An unexpected failure of the load: a plain message, never a traceback.
    def fails(*_a: object, **_k: object) -> OpenedLibrary:
        raise MemoryError("out of memory reading the library")

    monkeypatch.setattr(library_loader, "open_library", fails)
    dialogs.answer(Button.Ok)
    window.switch_library(write_library(tmp_path / "small"))
    wait_for_library(qtbot, window)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot open library")
    assert "an unexpected MemoryError (out of memory reading the library)" in text
    assert "You are still working with “Police partnership working”" in text
    assert "Traceback" not in text
    assert window.opened is before and window.model.rowCount() == 247
    assert window.library_loader.progress.isHidden()


def test_closing_the_window_while_loading_stops_the_load(
    qtbot: QtBot, bundled: OpenedLibrary, gate: Gate, tmp_path: Path
) -> None:
    window = make_window(qtbot, bundled)
    small = _hold_a_load(qtbot, window, gate, tmp_path)
    with qtbot.captureExceptions() as exceptions:
        assert window.close()
        qtbot.wait(20)
    assert exceptions == []
    # The thread ended before the window went: nothing is left running.
    assert _threads_done() and gate.stopped == [small]
    assert not window.isVisible()


def test_a_briefings_flags_are_counted_once_its_library_is_in(
    qtbot: QtBot, window: MainWindow, gate: Gate, tmp_path: Path
) -> None:
    lib = write_library(tmp_path / "their-library")
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: Theirs\nlibrary: their-library\n"
        "sections:\n  - heading: One\n    items:\n      - finding: beta-002\n"
        "      - finding: npia-2009-002\n",
        encoding="utf-8",
    )
    gate.hold.add(lib.resolve())
    assert window.open_briefing(path)
    _wait_reached(qtbot, gate)
    # The briefing is open at once; the count waits for its library.
    assert window.doc.briefing.title == "Theirs"
    assert "flagged" not in window.statusBar().currentMessage()
    gate.release.set()
    wait_for_library(qtbot, window)
    assert window.opened.library.root == lib.resolve()
    # Only the finding this library lacks is flagged.
    assert window.statusBar().currentMessage().startswith("Opened b.briefing.yaml: 1 finding")


def _start_app(
    monkeypatch: pytest.MonkeyPatch, folder: Path, during: Callable[[MainWindow], None]
) -> None:
    """Start the app on ``folder``; ``during`` runs where the event loop would, then it closes."""
    from briefing_builder.core.logs import teardown_logging
    from briefing_builder.gui import app as app_module

    def exec_(_app: QApplication) -> int:
        (window,) = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        try:
            during(window)
        finally:
            window.doc.undo_stack.setClean()
            window.close()
            window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    try:
        assert app_module.run(folder) == 0
    finally:
        teardown_logging()


def test_start_up_shows_the_window_then_opens_the_library(
    qtbot: QtBot, gate: Gate, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    small = write_library(tmp_path / "small")
    gate.hold.add(small)

    def during(window: MainWindow) -> None:
        # Shown at once, the library still opening.
        _wait_reached(qtbot, gate)
        assert window.library_loader.loading == small
        assert window.count_label.text() == "Opening the library…"
        assert window.model.rowCount() == 0 and window.library_loader.progress.isVisible()
        gate.release.set()
        wait_for_library(qtbot, window)
        assert window.model.rowCount() == 5
        assert window.statusBar().currentMessage().startswith("Library “Test library”: 5 findings")

    _start_app(monkeypatch, small, during)


def test_start_up_on_a_library_with_nothing_usable_shows_its_problems(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs, tmp_path: Path
) -> None:
    empty = tmp_path / "not-a-library"
    empty.mkdir()

    def during(window: MainWindow) -> None:
        wait_for_library(qtbot, window)
        # Nothing to keep instead: no refusal, the problems are in their dock.
        assert dialogs.calls == []
        assert window.model.rowCount() == 0 and window.problems.count() > 0
        assert window.problems_dock.isVisible()
        assert f"{empty / 'library.yaml'}" in window.problems.item(0).text()

    _start_app(monkeypatch, empty, during)


def test_a_library_from_the_cache_is_readied_for_phrase_searches(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Once a library from the cache is in use, the loader's thread inflates the words the
    index keeps compressed, so the officer's first phrase search does not wait for them."""
    small = write_library(tmp_path / "small")
    real_open_library(small)  # cached
    window.switch_library(small)
    wait_for_library(qtbot, window)
    qtbot.waitUntil(_threads_done, timeout=10000)
    assert window.opened.from_cache
    words = window.opened.index._doc_words
    assert isinstance(words, BlockStringColumn)  # every block inflated (one per findings file)
    assert sorted(words._blocks) == list(range(len(words._starts))) == [0, 1]
    window.filters.set_filter(Filter(text='"builds trust"'))
    assert list_ids(window) == ["alpha-001"]
