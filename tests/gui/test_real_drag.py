"""Real mouse drags on a real X server (Xvfb): from the findings list to the outline, then
inside the outline.

The offscreen platform never runs a QDrag, so this test starts the app in a subprocess with
QT_QPA_PLATFORM=xcb under ``xvfb-run``. There the press and the first moves start a real QDrag
(``QDrag.exec`` runs its own event loop); timers scheduled before it move the mouse over the outline
and release it, and the X drag-and-drop machinery delivers the drop. The outline records the drop
event's source, so a synthetic drop could not pass for a real one.

Needs, on Debian/Ubuntu: ``apt-get install xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0
libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
libxkbcommon-x11-0``; skipped (with the reason) without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ..conftest import write_library

XVFB_RUN = shutil.which("xvfb-run")
PACKAGES = (
    "xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
    "libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0"
)

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is for Linux"),
    pytest.mark.skipif(
        XVFB_RUN is None, reason=f"xvfb-run is not installed (apt-get install {PACKAGES})"
    ),
]

DRAG_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from briefing_builder.core.briefing import Briefing, Section
    from briefing_builder.core.cache import open_library
    from briefing_builder.gui.main_window import MainWindow

    Left, NoMod = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    window = MainWindow(open_library(Path(sys.argv[1])))
    window.doc.replace(Briefing(sections=[Section("First"), Section("Second")]), None, None)
    window.show()
    window.raise_()
    window.activateWindow()
    if not QTest.qWaitForWindowExposed(window, 20000):
        print(json.dumps({"error": "window never exposed"}), flush=True)
        sys.exit(2)
    QTest.qWait(300)

    class DropSpy(QObject):
        drops = []
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Drop:
                src = event.source()
                self.drops.append(type(src).__name__ if src is not None else None)
            return False

    spy = DropSpy()
    window.outline.viewport().installEventFilter(spy)
    lv, outline, outline_model = window.list, window.outline, window.briefing_panel.model

    def attempt(n, step_ms):
        row = 2 + n
        fid = window.model.finding_at(row).id
        start = lv.visualRect(window.model.index(row)).center()
        second = outline_model.index(1, 0)
        target = outline.viewport().mapToGlobal(outline.visualRect(second).center())
        vp = outline.viewport()
        path = [target + QPoint(-40, 10), target + QPoint(-10, 2), target, target]
        for k, point in enumerate(path, start=1):
            QTimer.singleShot(k * step_ms, lambda p=point: QTest.mouseMove(vp, vp.mapFromGlobal(p)))
        QTimer.singleShot(
            (len(path) + 1) * step_ms,
            lambda: QTest.mouseRelease(vp, Left, NoMod, vp.mapFromGlobal(target)),
        )
        QTest.mousePress(lv.viewport(), Left, NoMod, start)
        QTest.mouseMove(lv.viewport(), start + QPoint(4, 0))
        t0 = time.monotonic()
        # Past the drag distance: QDrag.exec runs until the release timer fires.
        QTest.mouseMove(lv.viewport(), start + QPoint(60, 0))
        in_drag = time.monotonic() - t0
        QTest.qWait(step_ms)
        if window.doc.briefing.finding_ids() == []:
            # No drag started (the press may have been eaten): release, let timers drain.
            QTest.mouseRelease(lv.viewport(), Left, NoMod, start)
            QTest.qWait((len(path) + 2) * step_ms)
        second_items = [i.finding_id for i in window.doc.briefing.sections[1].items]
        return {
            "finding": fid,
            "first": [i.finding_id for i in window.doc.briefing.sections[0].items],
            "second": second_items,
            "drops": list(spy.drops),
            "in_drag_s": round(in_drag, 3),
            "list_rows": window.model.rowCount(),
            "undo": window.doc.undo_stack.undoText(),
        }

    def rows(section_row):
        parent = outline_model.index(section_row, 0)
        return [outline_model.index(r, 0, parent).data() for r in range(outline_model.rowCount(parent))]

    def attempt_move(step_ms):
        # Drag the item in "Second" onto the heading "First", inside the outline.
        vp = outline.viewport()
        item = outline_model.index(0, 0, outline_model.index(1, 0))
        start = outline.visualRect(item).center()
        target = vp.mapToGlobal(outline.visualRect(outline_model.index(0, 0)).center())
        path = [target + QPoint(-30, 8), target + QPoint(-8, 2), target, target]
        for k, point in enumerate(path, start=1):
            QTimer.singleShot(k * step_ms, lambda p=point: QTest.mouseMove(vp, vp.mapFromGlobal(p)))
        QTimer.singleShot(
            (len(path) + 1) * step_ms,
            lambda: QTest.mouseRelease(vp, Left, NoMod, vp.mapFromGlobal(target)),
        )
        QTest.mousePress(vp, Left, NoMod, start)
        QTest.mouseMove(vp, start + QPoint(4, 0))
        QTest.mouseMove(vp, start + QPoint(60, 0))
        QTest.qWait(step_ms)
        if window.doc.briefing.sections[1].items:
            QTest.mouseRelease(vp, Left, NoMod, start)
            QTest.qWait((len(path) + 2) * step_ms)
        return {
            "first": [i.finding_id for i in window.doc.briefing.sections[0].items],
            "second": [i.finding_id for i in window.doc.briefing.sections[1].items],
            "first_rows": rows(0),
            "second_rows": rows(1),
            "drops": list(spy.drops),
            "undo": window.doc.undo_stack.undoText(),
        }

    results = []
    for n, step in enumerate((80, 200, 400)):  # slower each retry
        r = attempt(n, step)
        results.append(r)
        if r["second"]:
            break
    moves = []
    if results[-1]["second"]:
        for step in (80, 200, 400):
            m = attempt_move(step)
            moves.append(m)
            if m["first"]:
                break
    print(
        json.dumps({"platform": app.platformName(), "attempts": results, "moves": moves}),
        flush=True,
    )
    """
)


def _run(tmp_path: Path, library: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "real_drag.py"
    script.write_text(DRAG_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [XVFB_RUN, "-a", "-s", "-screen 0 1600x1000x24", sys.executable, str(script), str(library)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_real_mouse_drag_from_list_to_outline(tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    proc = _run(tmp_path, library)
    if 'Could not load the Qt platform plugin "xcb"' in proc.stderr:
        pytest.skip(f"Qt cannot use xcb here (apt-get install {PACKAGES}):\n{proc.stderr[-800:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and lines, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    report = json.loads(lines[-1])
    assert report["platform"] == "xcb"
    last = report["attempts"][-1]
    # The finding landed in the section it was dropped on, and nowhere else.
    assert last["second"] == [last["finding"]], report
    assert last["first"] == [], report
    # Through a real QDrag: the drop came from the findings list, and exec() ran its own loop.
    assert last["drops"][-1] == "FindingsView", report
    assert last["in_drag_s"] > 0.2, report
    # A copy: the list keeps the finding; one undo step.
    assert last["list_rows"] == 5
    # Named in words (the quote's first words), never by the finding's id.
    assert last["undo"].startswith("Add ‘") and last["finding"] not in last["undo"], report
    # Then a real drag inside the outline: the item moved onto the other section's heading,
    # once — the outline shows it there and nowhere else (the view removed nothing itself).
    move = report["moves"][-1]
    assert move["first"] == [last["finding"]] and move["second"] == [], report
    assert len(move["first_rows"]) == 1 and move["second_rows"] == [], report
    assert move["drops"][-1] == "OutlineView" and move["undo"].startswith("Move ‘"), report
