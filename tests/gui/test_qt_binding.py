"""The Qt binding itself: a PySide6 that loses references to None crashes the app.

PySide6 6.12.0 drops one reference to ``None`` on every call that returns nothing (``setFont``,
``QTimer.stop``, ``QModelIndex.data`` of an empty role...). From Python 3.12 ``None`` is immortal
and nothing happens; on Python 3.11 the app aborts with "Fatal Python error: none_dealloc" after a
few hundred repaints of the findings list. ``pyproject.toml`` keeps that release off Python 3.11.
"""

from __future__ import annotations

import sys

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_qt_calls_keep_their_references_to_none(qtbot: QtBot) -> None:
    timer, obj = QTimer(), QObject()
    model = QStringListModel(["a"])
    index = model.index(0)
    calls = 3000
    before = sys.getrefcount(None)
    for _ in range(calls // 3):
        timer.stop()
        obj.setObjectName("x")
        index.data(Qt.ItemDataRole.ForegroundRole)
    lost = before - sys.getrefcount(None)
    assert lost < calls // 10, (
        f"PySide6 {pyside_version} lost {lost} references to None in {calls} calls: the app "
        "would crash after a few hundred repaints (use another PySide6 version or Python 3.12+)"
    )
