"""The window at a small laptop's 1024×640 and on a 4K display (device-pixel-ratio 2): nothing
truncated, the findings list never squeezed by the outline, and the layout remembered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDockWidget, QLabel
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.settings import Settings
from briefing_builder.gui.main_window import MainWindow

from .helpers import make_window, settle


def _truncated(window: MainWindow) -> list[str]:
    """Visible buttons and one-line labels narrower than their text needs."""
    out = []
    for w in window.findChildren(QAbstractButton):
        if w.isVisibleTo(window) and w.text() and w.width() < w.sizeHint().width():
            out.append(f"button {w.text()!r}: {w.width()} < {w.sizeHint().width()}")
    for label in window.findChildren(QLabel):
        if (
            label.isVisibleTo(window)
            and label.text()
            and not label.wordWrap()
            and label.width() < label.minimumSizeHint().width()
        ):
            out.append(f"label {label.text()!r}: {label.width()}")
    for combo in window.findChildren(QComboBox):
        if combo.isVisibleTo(window) and combo.width() < combo.minimumSize().width():
            out.append(f"combo {combo.accessibleName()!r}: {combo.width()}")
    return out


def test_fits_at_1024_by_640(qtbot: QtBot, window: MainWindow) -> None:
    window.showNormal()
    window.resize(1024, 640)
    settle(qtbot)
    assert window.width() <= 1024 and window.height() <= 640
    assert _truncated(window) == []
    filters, findings, briefing = window.splitter.sizes()
    # The findings list is what the officer reads: the widest column, never squeezed.
    assert findings >= briefing and findings >= filters, window.splitter.sizes()
    assert window.list.width() >= 380
    assert window.list.height() >= 2 * window.list.sizeHintForRow(0)
    assert window.outline.height() >= 100 and window.briefing_panel.editor.height() >= 40
    # Each column is at least as wide as it needs: none has been pushed off the window.
    right_edge = window.briefing_panel.mapTo(window, window.briefing_panel.rect().topRight()).x()
    assert right_edge <= window.width()


@pytest.mark.skipif(bool(os.environ.get("BB_DPR_CHILD")), reason="already the DPR 2 run")
def test_fits_at_device_pixel_ratio_2(tmp_path: Path) -> None:
    """The same checks with Qt scaling everything by 2, as on a 4K display at 200 %."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": "2",
        "BB_DPR_CHILD": "1",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    here = Path(__file__)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{here}::test_fits_at_1024_by_640",
            f"{here}::test_device_pixel_ratio_is_the_one_asked_for",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=here.parents[2],
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "2 passed" in proc.stdout


def test_device_pixel_ratio_is_the_one_asked_for(window: MainWindow) -> None:
    expected = 2.0 if os.environ.get("BB_DPR_CHILD") else 1.0
    assert window.devicePixelRatio() == expected
    assert window.grab().devicePixelRatio() == expected


def test_layout_is_remembered(qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.json"
    first = make_window(qtbot, bundled, settings=Settings())
    # A size the test screen holds (800 pixels wide here), so the geometry is restored as is.
    first.resize(first.minimumSizeHint().width(), 700)
    settle(qtbot)
    first.splitter.setSizes([250, 700, 400])
    first.detail_splitter.setSizes([300, 400])
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.problems_dock)
    first.problems_dock.show()
    settle(qtbot)
    wanted_columns = first.splitter.sizes()
    wanted_rows = first.detail_splitter.sizes()
    first.close()
    first.settings.save(settings_file)

    second = make_window(qtbot, bundled, settings=Settings.load(settings_file))
    settle(qtbot)
    assert second.dockWidgetArea(second.problems_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.problems_dock.isVisible()
    assert second.size() == first.size()
    assert _close(second.splitter.sizes(), wanted_columns)
    assert _close(second.detail_splitter.sizes(), wanted_rows)
    docks = {d.objectName() for d in second.findChildren(QDockWidget)}
    assert all(docks), "every dock needs an object name for its place to be saved"


def test_a_squeezed_saved_layout_is_repaired(
    qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    """A layout saved with the outline dragged over the findings (or on a wider screen) never
    leaves the list a sliver."""
    settings_file = tmp_path / "settings.json"
    first = make_window(qtbot, bundled, settings=Settings())
    first.resize(1366, 768)
    settle(qtbot)
    first.splitter.setSizes([600, 10, 900])
    first.close()
    first.settings.save(settings_file)

    second = make_window(qtbot, bundled, settings=Settings.load(settings_file))
    second.resize(1024, 640)
    settle(qtbot)
    filters, findings, briefing = second.splitter.sizes()
    assert findings >= 0.45 * (findings + briefing) - 2, second.splitter.sizes()
    assert filters <= 0.3 * sum(second.splitter.sizes()) + 2


def _close(got: list[int], wanted: list[int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(got, wanted, strict=True))
